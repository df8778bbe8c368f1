"""Export an endpoint's model for a container or for KServe.

``docker`` writes a build context: the model's artifacts (``model/``, downloaded from the
registry or the run's store), its environment (``env/``: the lock of the jupyter-mlx
environment the run recorded in its ``mlx.env.*`` tags when this workspace keeps it, else the
model's own ``requirements.txt`` / ``conda.yaml``), a ``Dockerfile`` serving it with the same
scoring server as the endpoint, and a ``README.md`` saying how to build and run it.

``kserve`` writes ``inferenceservice.yaml``: a KServe ``InferenceService``
(``serving.kserve.io/v1beta1``) whose predictor serves the model in MLflow's format over the
v2 protocol from a storage URI (given, else the model's artifact location).

An alias URI (``models:/churn@champion``) is exported as the version it points to now: the
exported model does not follow the alias.
"""

from __future__ import annotations

import re
import shutil
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal, Protocol

from .. import __version__
from ..config import Settings
from ..errors import InvalidInput
from ..tracking import links

Target = Literal["docker", "kserve"]
TARGETS: tuple[Target, ...] = ("docker", "kserve")

#: The port the exported server listens on, in the container.
CONTAINER_PORT = 8080
#: The file the KServe manifest is written to.
MANIFEST = "inferenceservice.yaml"
#: Storage URI schemes KServe's storage initializer downloads from.
KSERVE_SCHEMES = ("s3", "gs", "pvc", "http", "https", "hdfs", "webhdfs", "oci", "hf")

_MODELS_URI = re.compile(r"^models:/(?P<name>[^/@]+)(?:@(?P<alias>[^/]+)|/(?P<version>[^/]+))$")
_RUNS_URI = re.compile(r"^runs:/(?P<run_id>[^/]+)/(?P<path>.+)$")


class ExportedEndpoint(Protocol):
    """What an export needs of an endpoint (its record, from the server or the store)."""

    @property
    def name(self) -> str: ...

    @property
    def model_uri(self) -> str: ...


@dataclass(frozen=True, slots=True)
class ResolvedModel:
    """Where a model URI leads.

    Attributes:
        uri: The URI to download (an alias resolved to its version: ``models:/churn/3``).
        storage_uri: Where the artifacts lie (the version's or run's artifact location).
        run_id: The run that logged it, when known.
        version: Its registered version, for a registry URI.
    """

    uri: str
    storage_uri: str
    run_id: str | None = None
    version: str | None = None


@dataclass(frozen=True, slots=True)
class Export:
    """What an export wrote.

    Attributes:
        target: ``docker`` or ``kserve``.
        folder: Where.
        files: The files written, relative to ``folder`` (folders end with ``/``).
        model_uri: The model exported (an alias resolved to its version).
        environment: Where the environment came from: ``lock of environment 'wine'``,
            ``the model's requirements.txt``, ... (docker only).
        warnings: What the user should know (a storage URI KServe cannot download from).
    """

    target: Target
    folder: Path
    files: list[str]
    model_uri: str
    environment: str | None = None
    warnings: list[str] = field(default_factory=list)


def export(
    record: ExportedEndpoint,
    to: str,
    folder: Path,
    *,
    settings: Settings,
    storage_uri: str | None = None,
) -> Export:
    """Export the model an endpoint serves.

    Args:
        record: The endpoint.
        to: ``docker`` or ``kserve``.
        folder: Where to write (created; files already there are replaced).
        settings: The workspace: its tracking store and registry, its environments' locks.
        storage_uri: KServe's ``storageUri`` (default: the model's artifact location).

    Raises:
        InvalidInput: An unknown target (field ``to``), or a model URI that does not resolve
            (field ``model_uri``).
    """
    if to not in TARGETS:
        raise InvalidInput(f"Export to docker or kserve, not {to!r}.", field="to")
    with _mlflow_at(settings.tracking_uri):
        model = resolve(record.model_uri, settings.tracking_uri)
        folder.mkdir(parents=True, exist_ok=True)
        if to == "kserve":
            return _export_kserve(record, model, folder, storage_uri)
        return _export_docker(record, model, folder, settings)


@contextmanager
def _mlflow_at(tracking_uri: str) -> Iterator[None]:
    """MLflow's process-wide tracking URI (the registry's too, when none is set) is
    ``tracking_uri`` for the block, then put back: MLflow's registry reads the logged model of a
    version through it, whatever client asks."""
    import mlflow

    before = mlflow.get_tracking_uri() if mlflow.tracking.is_tracking_uri_set() else None
    mlflow.set_tracking_uri(tracking_uri)
    try:
        yield
    finally:
        mlflow.set_tracking_uri(before)  # type: ignore[arg-type]  # None: back to unset


def resolve(model_uri: str, tracking_uri: str) -> ResolvedModel:
    """Where ``model_uri`` leads in the store of ``tracking_uri`` (also its registry).

    Raises:
        InvalidInput: It does not resolve (field ``model_uri``).
    """
    from mlflow.exceptions import MlflowException
    from mlflow.tracking import MlflowClient

    client = MlflowClient(tracking_uri=tracking_uri, registry_uri=tracking_uri)
    try:
        registered = _MODELS_URI.match(model_uri)
        if registered and registered["name"].startswith("m-") and not registered["version"]:
            logged = client.get_logged_model(registered["name"])
            return ResolvedModel(model_uri, logged.artifact_location, logged.source_run_id)
        if registered:
            name = registered["name"]
            if registered["alias"]:
                version = client.get_model_version_by_alias(name, registered["alias"])
            else:
                version = client.get_model_version(name, registered["version"])
            return ResolvedModel(
                f"models:/{name}/{version.version}",
                client.get_model_version_download_uri(name, version.version),
                version.run_id,
                str(version.version),
            )
        run = _RUNS_URI.match(model_uri)
        if run:
            from mlflow.store.artifact.runs_artifact_repo import RunsArtifactRepository

            client.get_run(run["run_id"])
            underlying = RunsArtifactRepository.get_underlying_uri(model_uri)
            return ResolvedModel(model_uri, underlying, run["run_id"])
    except MlflowException as exc:
        raise InvalidInput(
            f"Model {model_uri} does not resolve: {exc.message}", field="model_uri"
        ) from exc
    path = Path(model_uri.removeprefix("file://")).expanduser()
    if not (path / "MLmodel").is_file():
        raise InvalidInput(
            f"Model {model_uri} does not resolve: give models:/NAME@ALIAS, models:/NAME/VERSION, "
            "runs:/RUN_ID/PATH or a folder holding an MLmodel.",
            field="model_uri",
        )
    return ResolvedModel(str(path.resolve()), path.resolve().as_uri())


def kserve_name(name: str) -> str:
    """An endpoint name as a Kubernetes resource name (RFC 1123 label: lowercase letters,
    digits and ``-``, starting with a letter)."""
    label = re.sub(r"[^a-z0-9-]+", "-", name.lower()).strip("-")
    if not label or not label[0].isalpha():
        label = f"model-{label}".rstrip("-")
    return label[:63].rstrip("-")


def inference_service(name: str, storage_uri: str, model_uri: str) -> dict[str, object]:
    """The KServe ``InferenceService`` serving an MLflow model from ``storage_uri``."""
    return {
        "apiVersion": "serving.kserve.io/v1beta1",
        "kind": "InferenceService",
        "metadata": {
            "name": kserve_name(name),
            "annotations": {"jupyter-mlx/model-uri": model_uri},
        },
        "spec": {
            "predictor": {
                "model": {
                    "modelFormat": {"name": "mlflow"},
                    "protocolVersion": "v2",
                    "storageUri": storage_uri,
                }
            }
        },
    }


def _export_kserve(
    record: ExportedEndpoint, model: ResolvedModel, folder: Path, storage_uri: str | None
) -> Export:
    import yaml

    uri = storage_uri or model.storage_uri
    warnings = []
    scheme = uri.partition("://")[0] if "://" in uri else ""
    if scheme not in KSERVE_SCHEMES:
        warnings.append(
            f"KServe cannot download the storage URI {uri}: copy the model to a bucket or "
            "volume it reaches and give it with --storage-uri (s3://, gs://, pvc://, https://)."
        )
    manifest = inference_service(record.name, uri, model.uri)
    (folder / MANIFEST).write_text(yaml.safe_dump(manifest, sort_keys=False), encoding="utf-8")
    return Export("kserve", folder, [MANIFEST], model.uri, warnings=warnings)


def _export_docker(
    record: ExportedEndpoint, model: ResolvedModel, folder: Path, settings: Settings
) -> Export:
    import mlflow.artifacts

    target = folder / "model"
    shutil.rmtree(target, ignore_errors=True)
    downloaded = Path(
        mlflow.artifacts.download_artifacts(
            artifact_uri=model.uri,
            dst_path=str(folder / ".download"),
            tracking_uri=settings.tracking_uri,
            registry_uri=settings.tracking_uri,
        )
    )
    shutil.move(str(downloaded), target)
    shutil.rmtree(folder / ".download", ignore_errors=True)
    environment = _environment(model, target, folder / "env", settings)
    dockerfile = render_dockerfile(environment, _python_version(target))
    (folder / "Dockerfile").write_text(dockerfile, encoding="utf-8")
    (folder / "README.md").write_text(_readme(record.name, model.uri, environment))
    files = ["Dockerfile", "README.md", "model/", *(f"env/{name}" for name in environment.files)]
    return Export("docker", folder, files, model.uri, environment=environment.source)


@dataclass(frozen=True, slots=True)
class ContainerEnvironment:
    """The environment files of a build context, under ``env/``.

    Attributes:
        source: Where they came from, in words.
        conda_lock: A conda-lock file (micromamba installs it), if any.
        conda_yaml: A conda environment file, if any (used without a conda lock).
        pip: A pip requirements file (a lock, or the model's requirements), if any.
        files: Every file written under ``env/``.
    """

    source: str
    conda_lock: str | None = None
    conda_yaml: str | None = None
    pip: str | None = None
    files: tuple[str, ...] = ()


def _environment(
    model: ResolvedModel, model_dir: Path, env_dir: Path, settings: Settings
) -> ContainerEnvironment:
    """Copy the model's environment into ``env_dir``: the run's recorded lock when this
    workspace keeps it, else the model's requirements.txt, else its conda.yaml."""
    from ..environments.spec import CONDA_LOCK_FILE, PIP_LOCK_FILE

    shutil.rmtree(env_dir, ignore_errors=True)
    env_dir.mkdir(parents=True)
    lock = _recorded_lock(model, settings)
    if lock is not None:
        name, lock_dir = lock
        files = sorted(path.name for path in lock_dir.iterdir() if path.is_file())
        for file in files:
            shutil.copy2(lock_dir / file, env_dir / file)
        conda = CONDA_LOCK_FILE if CONDA_LOCK_FILE in files else None
        pip = PIP_LOCK_FILE if PIP_LOCK_FILE in files else None
        if conda or pip:
            return ContainerEnvironment(
                f"the lock of environment {name!r} the run recorded",
                conda_lock=conda,
                pip=pip,
                files=tuple(files),
            )
        shutil.rmtree(env_dir)
        env_dir.mkdir()
    requirements = model_dir / "requirements.txt"
    if requirements.is_file():
        shutil.copy2(requirements, env_dir / "requirements.txt")
        return ContainerEnvironment(
            "the model's requirements.txt", pip="requirements.txt", files=("requirements.txt",)
        )
    conda_yaml = model_dir / "conda.yaml"
    if conda_yaml.is_file():
        shutil.copy2(conda_yaml, env_dir / "conda.yaml")
        return ContainerEnvironment(
            "the model's conda.yaml", conda_yaml="conda.yaml", files=("conda.yaml",)
        )
    return ContainerEnvironment("none recorded: jupyter-mlx and MLflow only")


def _recorded_lock(model: ResolvedModel, settings: Settings) -> tuple[str, Path] | None:
    """The environment name and lock folder the model's run recorded, when kept here."""
    if model.run_id is None:
        return None
    from mlflow.exceptions import MlflowException
    from mlflow.tracking import MlflowClient

    from ..environments.service import EnvironmentService

    try:
        tags = MlflowClient(tracking_uri=settings.tracking_uri).get_run(model.run_id).data.tags
    except MlflowException:
        return None
    name, sha256 = tags.get(links.ENV_NAME), tags.get(links.ENV_LOCK_SHA256)
    if not name or not sha256:
        return None
    folder = EnvironmentService(settings).lock_folder(name, sha256)
    return None if folder is None else (name, folder)


def _python_version(model_dir: Path) -> str:
    """The Python ``major.minor`` the model was saved with (its python_env.yaml), else ours."""
    import yaml

    python_env = model_dir / "python_env.yaml"
    if python_env.is_file():
        try:
            version = str((yaml.safe_load(python_env.read_text()) or {}).get("python", ""))
        except yaml.YAMLError:
            version = ""
        parts = version.split(".")
        if len(parts) >= 2 and all(part.isdigit() for part in parts[:2]):
            return ".".join(parts[:2])
    return f"{sys.version_info.major}.{sys.version_info.minor}"


def render_dockerfile(environment: ContainerEnvironment, python: str) -> str:
    """A Dockerfile serving ``/model`` with ``python -m jupyter_mlx.serving`` on port 8080.

    A conda environment (lock or conda.yaml) is installed with micromamba into its base
    environment (micromamba's entrypoint activates it for the command); pip requirements on
    python's slim image. ``MLX_PACKAGE`` (a build argument) is what pip installs for the
    server: the released jupyter-mlx of this version by default, a wheel under ``env/`` else.
    """
    conda = environment.conda_lock or environment.conda_yaml
    lines = ["# syntax=docker/dockerfile:1"]
    if conda:
        lines += [
            "FROM mambaorg/micromamba:1.5-jammy",
            "COPY --chown=$MAMBA_USER:$MAMBA_USER env/ /env/",
            f"RUN micromamba install --yes --name base --file /env/{conda} "
            "&& micromamba clean --all --yes",
            # The RUN lines below and the command run in the activated base environment.
            "ARG MAMBA_DOCKERFILE_ACTIVATE=1",
        ]
    else:
        lines += [f"FROM python:{python}-slim", "COPY env/ /env/"]
    if environment.pip:
        lines.append(f"RUN python -m pip install --no-cache-dir -r /env/{environment.pip}")
    lines += [
        f'ARG MLX_PACKAGE="jupyter-mlx=={__version__}"',
        'RUN python -m pip install --no-cache-dir "${MLX_PACKAGE}"',
        "COPY model/ /model/",
        f"EXPOSE {CONTAINER_PORT}",
        f'CMD ["python", "-m", "jupyter_mlx.serving", "--model", "/model", '
        f'"--host", "0.0.0.0", "--port", "{CONTAINER_PORT}"]',
    ]
    return "\n".join(lines) + "\n"


def _readme(name: str, model_uri: str, environment: ContainerEnvironment) -> str:
    tag = kserve_name(name)
    return (
        f"# {name}\n\n"
        f"The model {model_uri} served over MLflow's scoring protocol by jupyter-mlx's scoring "
        f"server on port {CONTAINER_PORT}. Environment: {environment.source}.\n\n"
        "```\n"
        f"docker build -t {tag} .\n"
        f"docker run --rm -p {CONTAINER_PORT}:{CONTAINER_PORT} {tag}\n"
        f"curl -s localhost:{CONTAINER_PORT}/invocations -H 'Content-Type: application/json' "
        "-d @request.json\n"
        "```\n\n"
        "To install jupyter-mlx from a wheel instead of its release, put the wheel in `env/` "
        "and build with `--build-arg MLX_PACKAGE=/env/jupyter_mlx-VERSION-py3-none-any.whl`.\n"
    )
