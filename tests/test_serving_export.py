"""Export of an endpoint's model: a Docker build context (Dockerfile, model, environment from the
run's recorded lock or the model's requirements) whose Dockerfile parses, and a KServe
InferenceService manifest validated against the v1beta1 fields it uses. No image is built and
nothing leaves the machine."""

from __future__ import annotations

import json
import select
import shlex
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests
import yaml
from jsonschema import Draft202012Validator
from modelruns import log_model_run

from jupyter_mlx.config import Settings
from jupyter_mlx.errors import InvalidInput
from jupyter_mlx.serving.export import export, kserve_name
from jupyter_mlx.tracking import links


@dataclass
class Record:
    name: str
    model_uri: str


@pytest.fixture
def settings(tmp_path: Path, mlflow_state: None) -> Settings:
    root = tmp_path / "root"
    (root / ".mlx").mkdir(parents=True)
    return Settings.resolve(root)


def register(settings: Settings, run_id: str, name: str = "churn", alias: str = "champion") -> None:
    """Version 1 of ``name`` is the run's model, and ``alias`` points to it."""
    import mlflow

    mlflow.set_tracking_uri(settings.tracking_uri)
    try:
        version = mlflow.register_model(f"runs:/{run_id}/model", name)
        mlflow.MlflowClient().set_registered_model_alias(name, alias, version.version)
    finally:
        mlflow.set_tracking_uri(None)


#: Dockerfile instructions (Docker's reference, "Dockerfile reference").
INSTRUCTIONS = {
    "ADD", "ARG", "CMD", "COPY", "ENTRYPOINT", "ENV", "EXPOSE", "FROM", "HEALTHCHECK", "LABEL",
    "ONBUILD", "RUN", "SHELL", "STOPSIGNAL", "USER", "VOLUME", "WORKDIR",
}  # fmt: skip


def parse_dockerfile(text: str) -> list[tuple[str, str]]:
    """The instructions of a Dockerfile as (INSTRUCTION, arguments), continuations joined;
    an unknown instruction, or an exec form that is not a JSON list of strings, fails."""
    instructions: list[tuple[str, str]] = []
    pending = ""
    for line in text.splitlines():
        if not pending and (not line.strip() or line.lstrip().startswith("#")):
            continue
        if line.endswith("\\"):
            pending += line[:-1] + " "
            continue
        keyword, _, arguments = (pending + line).strip().partition(" ")
        pending = ""
        assert keyword.upper() in INSTRUCTIONS, keyword
        if keyword.upper() in ("CMD", "ENTRYPOINT") and arguments.lstrip().startswith("["):
            words = json.loads(arguments)
            assert isinstance(words, list) and all(isinstance(w, str) for w in words)
        instructions.append((keyword.upper(), arguments.strip()))
    assert not pending, "a continuation at the end"
    assert instructions[0][0] in ("FROM", "ARG"), "a Dockerfile starts with FROM"
    return instructions


def check_context(folder: Path, instructions: list[tuple[str, str]]) -> None:
    """Every COPY source of the Dockerfile lies in the build context."""
    for keyword, arguments in instructions:
        if keyword == "COPY":
            words = [word for word in shlex.split(arguments) if not word.startswith("--")]
            for source in words[:-1]:
                assert (folder / source).exists(), source


def command(instructions: list[tuple[str, str]]) -> list[str]:
    [cmd] = [json.loads(arguments) for keyword, arguments in instructions if keyword == "CMD"]
    return cmd


def test_docker_context_with_the_runs_recorded_lock(settings: Settings, tmp_path: Path) -> None:
    # Given a registered model whose run recorded environment 'wine' at a lock this workspace
    # keeps,
    lock_dir = settings.workspace / "environments" / "wine" / "locks" / "abc123"
    lock_dir.mkdir(parents=True)
    (lock_dir / "conda-lock.yml").write_text("version: 1\npackage: []\n")
    (lock_dir / "requirements.lock").write_text("scikit-learn==1.5.0 --hash=sha256:00\n")
    (lock_dir / "environment.yml").write_text("name: wine\ndependencies: [python=3.11]\n")
    tags = {links.ENV_NAME: "wine", links.ENV_LOCK_SHA256: "abc123"}
    register(settings, log_model_run(settings.tracking_uri, tags=tags))

    # when the endpoint serving its alias is exported to docker,
    out = tmp_path / "context"
    done = export(Record("churn", "models:/churn@champion"), "docker", out, settings=settings)

    # then the context holds the model, the lock and a Dockerfile serving it as the endpoint does.
    assert done.model_uri == "models:/churn/1"
    assert done.environment == "the lock of environment 'wine' the run recorded"
    assert (out / "model" / "MLmodel").is_file()
    assert sorted(p.name for p in (out / "env").iterdir()) == [
        "conda-lock.yml",
        "environment.yml",
        "requirements.lock",
    ]
    instructions = parse_dockerfile((out / "Dockerfile").read_text())
    check_context(out, instructions)
    runs = [arguments for keyword, arguments in instructions if keyword == "RUN"]
    assert any("micromamba install" in run and "/env/conda-lock.yml" in run for run in runs)
    assert any("-r /env/requirements.lock" in run for run in runs)
    assert command(instructions) == [
        *("python", "-m", "jupyter_mlx.serving", "--model", "/model"),
        *("--host", "0.0.0.0", "--port", "8080"),
    ]
    assert ("EXPOSE", "8080") in instructions
    assert "docker build -t churn ." in (out / "README.md").read_text()


def test_docker_context_with_the_models_requirements(settings: Settings, tmp_path: Path) -> None:
    # Given a run's model whose run recorded no environment,
    run_id = log_model_run(settings.tracking_uri)

    # when it is exported by its runs:/ URI,
    out = tmp_path / "context"
    done = export(Record("plain", f"runs:/{run_id}/model"), "docker", out, settings=settings)

    # then the model's requirements.txt is the environment, on python's slim image.
    assert done.environment == "the model's requirements.txt"
    assert "scikit-learn" in (out / "env" / "requirements.txt").read_text()
    instructions = parse_dockerfile((out / "Dockerfile").read_text())
    check_context(out, instructions)
    assert instructions[0][1].startswith("python:3.")
    assert ("RUN", "python -m pip install --no-cache-dir -r /env/requirements.txt") in instructions


@pytest.mark.slow
def test_the_dockerfiles_command_serves_the_contexts_model(
    settings: Settings, tmp_path: Path
) -> None:
    # Given a context exported from a run's model,
    run_id = log_model_run(settings.tracking_uri)
    out = tmp_path / "context"
    export(Record("plain", f"runs:/{run_id}/model"), "docker", out, settings=settings)

    # when the Dockerfile's command runs here, the container's /model being the context's model
    # and the port a free one,
    argv = command(parse_dockerfile((out / "Dockerfile").read_text()))
    argv[argv.index("/model")] = str(out / "model")
    argv[argv.index("8080")] = "0"
    argv[0] = sys.executable
    child = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert child.stdout is not None
        readable, _, _ = select.select([child.stdout], [], [], 60)
        assert readable, "no ready line"
        ready = json.loads(child.stdout.readline())
        answer = requests.post(
            f"http://127.0.0.1:{ready['port']}/invocations",
            json={"inputs": [[0.9, 0.1, 0.1], [0.1, 0.5, 0.5]]},
            timeout=30,
        )
    finally:
        child.terminate()
        child.communicate(timeout=30)

    # then it serves the context's model.
    assert answer.json() == {"predictions": [1, 0]}


DNS_LABEL = "^[a-z]([-a-z0-9]*[a-z0-9])?$"
#: The fields of KServe's InferenceService (serving.kserve.io/v1beta1 CRD) the export writes.
INFERENCE_SERVICE = {
    "type": "object",
    "required": ["apiVersion", "kind", "metadata", "spec"],
    "additionalProperties": False,
    "properties": {
        "apiVersion": {"const": "serving.kserve.io/v1beta1"},
        "kind": {"const": "InferenceService"},
        "metadata": {
            "type": "object",
            "required": ["name"],
            "properties": {
                "name": {"type": "string", "pattern": DNS_LABEL, "maxLength": 63},
                "annotations": {"type": "object", "additionalProperties": {"type": "string"}},
            },
        },
        "spec": {
            "type": "object",
            "required": ["predictor"],
            "additionalProperties": False,
            "properties": {
                "predictor": {
                    "type": "object",
                    "required": ["model"],
                    "properties": {
                        "model": {
                            "type": "object",
                            "required": ["modelFormat", "storageUri"],
                            "additionalProperties": False,
                            "properties": {
                                "modelFormat": {
                                    "type": "object",
                                    "required": ["name"],
                                    "properties": {
                                        "name": {"const": "mlflow"},
                                        "version": {"type": "string"},
                                    },
                                    "additionalProperties": False,
                                },
                                "protocolVersion": {"enum": ["v1", "v2", "grpc-v2"]},
                                "storageUri": {"type": "string", "minLength": 1},
                                "runtime": {"type": "string"},
                            },
                        }
                    },
                }
            },
        },
    },
}  # fmt: skip


def test_kserve_manifest_validates(settings: Settings, tmp_path: Path) -> None:
    register(settings, log_model_run(settings.tracking_uri))

    # Given the storage URI of a bucket, the manifest serves it over the v2 protocol;
    given = export(
        Record("Churn_v2.prod", "models:/churn@champion"),
        "kserve",
        tmp_path / "k",
        settings=settings,
        storage_uri="s3://models/churn/1",
    )
    manifest = yaml.safe_load((tmp_path / "k" / "inferenceservice.yaml").read_text())
    Draft202012Validator(INFERENCE_SERVICE).validate(manifest)
    assert manifest["metadata"]["name"] == "churn-v2-prod"
    assert manifest["spec"]["predictor"]["model"]["storageUri"] == "s3://models/churn/1"
    assert manifest["metadata"]["annotations"] == {"jupyter-mlx/model-uri": "models:/churn/1"}
    assert (given.files, given.warnings) == (["inferenceservice.yaml"], [])

    # without one it names the model's artifact location, warning that KServe cannot reach it.
    default = export(
        Record("churn", "models:/churn/1"), "kserve", tmp_path / "d", settings=settings
    )
    manifest = yaml.safe_load((tmp_path / "d" / "inferenceservice.yaml").read_text())
    Draft202012Validator(INFERENCE_SERVICE).validate(manifest)
    assert manifest["spec"]["predictor"]["model"]["storageUri"].startswith("file://")
    assert "--storage-uri" in default.warnings[0]


def test_refusals(settings: Settings, tmp_path: Path) -> None:
    with pytest.raises(InvalidInput, match="docker or kserve") as wrong:
        export(Record("a", "models:/x/1"), "helm", tmp_path / "x", settings=settings)
    assert wrong.value.field == "to"
    log_model_run(settings.tracking_uri)  # a store, without the model asked for
    with pytest.raises(InvalidInput, match="models:/nope@champion does not resolve") as unknown:
        export(Record("a", "models:/nope@champion"), "kserve", tmp_path / "x", settings=settings)
    assert unknown.value.field == "model_uri"
    assert not (tmp_path / "x").exists()


@pytest.mark.parametrize(
    ("name", "label"),
    [("churn", "churn"), ("Churn_v2.prod", "churn-v2-prod"), ("7up", "model-7up")],
)
def test_kserve_names(name: str, label: str) -> None:
    assert kserve_name(name) == label
