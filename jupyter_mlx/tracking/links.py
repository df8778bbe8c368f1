"""The MLflow tags that link a run to its notebook, environment and job.

Every run started from a notebook carries these tags; the server's run search, the Experiments
panel and the magics all read them through the constants below, so the names live here only.

Experiments are tagged too, so that a notebook's runs are searched in that notebook's
experiments only, however many experiments a shared tracking server holds: an experiment that
received a run of notebook ``team/train.ipynb`` carries the tag
``mlx.notebook.<first 16 hex digits of sha256("team/train.ipynb")>`` = ``team/train.ipynb``
(see :func:`notebook_experiment_tag`). One tag per notebook, because one experiment may hold
the runs of several notebooks (``%mlx_track --experiment shared``); the key is hashed because a
path may hold characters a tag key may not, and the value is the path itself, so the search
``tags."mlx.notebook.<hash>" = '<path>'`` cannot confuse two notebooks whose hashes collide.

This module imports nothing heavy.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Mapping
from typing import Any

SOURCE_NAME = "mlflow.source.name"
"""MLflow's own tag for a run's source: the notebook path relative to the server root."""

SOURCE_TYPE = "mlflow.source.type"
"""MLflow's own tag for the kind of source; notebook runs carry :data:`SOURCE_TYPE_NOTEBOOK`."""

SOURCE_TYPE_NOTEBOOK = "NOTEBOOK"

RUN_NAME = "mlflow.runName"
"""MLflow's own tag holding a run's name."""

PARENT_RUN_ID = "mlflow.parentRunId"
"""MLflow's own tag naming the parent of a nested run."""

NOTEBOOK_SHA256 = "mlx.notebook.sha256"
"""Hex sha256 of the notebook: of the file as saved when the run started, then of the snapshot."""

NOTEBOOK_SNAPSHOT = "mlx.notebook.snapshot"
"""Artifact path of the notebook snapshot logged when the run stopped."""

NOTEBOOK_SNAPSHOT_WARNING = "mlx.notebook.snapshot_warning"
"""Why the notebook snapshot cannot be fully trusted, in one sentence; absent when it can."""

ENV_NAME = "mlx.env.name"
"""Name of the jupyter-mlx environment whose kernel ran the notebook."""

ENV_LOCK_SHA256 = "mlx.env.lock_sha256"
"""Content hash of that environment's lock file."""

INPUT_SHA256 = "mlx.input.sha256"
"""Tag of a run's dataset input declared with jupyter-mlx: the full hex sha256 of the file or
folder (the dataset's digest holds only its first 36 digits)."""

INPUT_KIND = "mlx.input.kind"
"""Tag of a run's dataset input declared with jupyter-mlx: ``file`` or ``folder``."""

JOB_ID = "mlx.job.id"
"""Id of the job definition that executed the notebook."""

JOB_RUN_ID = "mlx.job.run_id"
"""Id of the job run (one execution) that executed the notebook."""

JOB_MLFLOW_RUN_ENV = "MLX_JOB_MLFLOW_RUN_ID"
"""Variable a job run's kernel gets: the id of the MLflow run ``%mlx_track`` resumes there."""

NOTEBOOK_EXPERIMENT_PREFIX = "mlx.notebook."
"""Prefix of the experiment tags naming the notebooks whose runs an experiment holds."""

SNAPSHOT_DIR = "notebook"
"""Artifact folder of notebook snapshots: ``notebook/<name>.ipynb``."""

#: Environment variables of a kernel (set by jupyter-mlx for environment kernels and job runs)
#: and the tag each one is recorded under.
ENV_TAGS: dict[str, str] = {
    "MLX_ENV_NAME": ENV_NAME,
    "MLX_ENV_LOCK_SHA256": ENV_LOCK_SHA256,
    "MLX_JOB_ID": JOB_ID,
    "MLX_JOB_RUN_ID": JOB_RUN_ID,
}


def notebook_run_tags(
    notebook: str,
    *,
    sha256: str | None = None,
    environ: Mapping[str, str] | None = None,
) -> dict[str, str]:
    """Build the tags of a run started from a notebook.

    Args:
        notebook: Notebook path relative to the server root, with forward slashes.
        sha256: Hex sha256 of the notebook file, when it could be read.
        environ: Where to read ``MLX_ENV_*`` / ``MLX_JOB_*`` from; defaults to ``os.environ``.

    Returns:
        ``mlflow.source.name``, ``mlflow.source.type`` = ``NOTEBOOK``, ``mlx.notebook.sha256``
        and, for each of ``MLX_ENV_NAME``, ``MLX_ENV_LOCK_SHA256``, ``MLX_JOB_ID`` and
        ``MLX_JOB_RUN_ID`` that is set and not empty, its tag.
    """
    env = os.environ if environ is None else environ
    tags = {SOURCE_NAME: notebook, SOURCE_TYPE: SOURCE_TYPE_NOTEBOOK}
    if sha256:
        tags[NOTEBOOK_SHA256] = sha256
    for variable, tag in ENV_TAGS.items():
        value = env.get(variable)
        if value:
            tags[tag] = value
    return tags


def quote_filter_value(value: str) -> str:
    """Quote a string for an MLflow search filter (``'a.ipynb'``).

    MLflow's filter grammar has no escape sequences, so the quote character is one the value
    does not contain.

    Raises:
        ValueError: If the value contains both kinds of quotes.
    """
    if "'" not in value:
        return f"'{value}'"
    if '"' not in value:
        return f'"{value}"'
    raise ValueError(f"{value!r} contains both ' and \", which MLflow filters cannot express")


def notebook_filter(notebook: str) -> str:
    """The MLflow search filter selecting the runs of one notebook.

    Args:
        notebook: Notebook path relative to the server root, as stored in ``mlflow.source.name``.

    Returns:
        ``tags."mlflow.source.name" = '<notebook>'``.
    """
    return f'tags."{SOURCE_NAME}" = {quote_filter_value(notebook)}'


def notebook_experiment_tag(notebook: str) -> str:
    """The key of the experiment tag marking an experiment as holding runs of ``notebook``.

    Args:
        notebook: Notebook path relative to the server root, as in ``mlflow.source.name``.

    Returns:
        ``mlx.notebook.`` followed by the first 16 hex digits of the path's sha256 (the tag's
        value is the path).
    """
    digest = hashlib.sha256(notebook.encode("utf-8")).hexdigest()[:16]
    return f"{NOTEBOOK_EXPERIMENT_PREFIX}{digest}"


def notebook_experiments_filter(notebook: str) -> str:
    """The ``search_experiments`` filter selecting the experiments tagged for ``notebook``.

    Raises:
        ValueError: If the path contains both kinds of quotes.
    """
    return f'tags."{notebook_experiment_tag(notebook)}" = {quote_filter_value(notebook)}'


def tag_notebook_experiment(client: Any, experiment_id: str, notebook: str) -> None:
    """Mark an experiment as holding runs of ``notebook`` (idempotent).

    Call it whenever a run of a notebook is started in an experiment (``%mlx_track``, a job
    run), so the notebook's run search finds the experiment.

    Args:
        client: An ``mlflow.MlflowClient`` of the experiment's tracking store.
        experiment_id: The experiment the run was started in.
        notebook: Notebook path relative to the server root, as in ``mlflow.source.name``.
    """
    client.set_experiment_tag(experiment_id, notebook_experiment_tag(notebook), notebook)
