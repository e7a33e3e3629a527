"""The Lambda zip: deterministic, self-contained, and it runs with no pandas or click."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from workbench.cli import cli
from workbench.model import SEED_GROUP_UUID
from workbench.stream.handler import summaries
from workbench.stream.package import package_lambda

RUNNER = r"""
import importlib.abc, json, os, sys
class Block(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in ("pandas", "click", "tqdm", "numpy", "moto"):
            raise ImportError(f"{name} must not be imported by the Lambda")
        return None
sys.meta_path.insert(0, Block())
sys.path.insert(0, sys.argv[1])
import lambda_function
event = json.loads(sys.stdin.read())
print(json.dumps(lambda_function.lambda_handler(event, None)))
import workbench
print(json.dumps({"workbench_file": workbench.__file__}))
"""


def test_zip_is_deterministic_and_minimal(tmp_path: Path) -> None:
    first = package_lambda(tmp_path / "a.zip")
    second = package_lambda(tmp_path / "b.zip")
    assert first.read_bytes() == second.read_bytes()
    names = zipfile.ZipFile(first).namelist()
    assert "lambda_function.py" in names and "workbench/stream/handler.py" in names
    assert zipfile.ZipFile(first).read("workbench/__init__.py") == b""
    assert not any(
        n.startswith(("workbench/cli", "workbench/local", "workbench/frames")) for n in names
    )


@pytest.mark.ddblocal
def test_the_unzipped_handler_runs_alone(local_engine, local_seeded: str, tmp_path: Path) -> None:
    archive = package_lambda(tmp_path / "fn.zip")
    unpacked = tmp_path / "fn"
    zipfile.ZipFile(archive).extractall(unpacked)
    event = {
        "Records": [
            {
                "eventName": "INSERT",
                "dynamodb": {
                    "Keys": {
                        "pk": {"S": f"MSG#{SEED_GROUP_UUID}"},
                        "sk": {"S": "2026-11-23T12:00:00.000000+00:00"},
                    },
                    "NewImage": {"message": {"S": "from the zip"}},
                    "SequenceNumber": "7",
                },
            }
        ]
    }
    env = {
        **os.environ,
        "DDB_MESSAGE_TABLE": local_seeded,
        "AWS_REGION": "us-east-1",
        "DDB_ENDPOINT_URL": local_engine.endpoint_url,
        "PYTHONPATH": "",
    }
    result = subprocess.run(
        [sys.executable, "-c", RUNNER, str(unpacked)],
        input=json.dumps(event),
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    outcome, where = (json.loads(line) for line in result.stdout.splitlines())
    assert outcome["moved"] == 2 and outcome["batchItemFailures"] == []
    assert where["workbench_file"].startswith(str(unpacked))
    state = {
        (s["sk"], s["message"])
        for s in summaries(local_engine.client("dynamodb"), local_seeded, SEED_GROUP_UUID)
    }
    assert state == {("2026-11-23T12:00:00.000000+00:00", "from the zip")}


def test_cli_package(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["lambda", "package", "--output", str(tmp_path / "x.zip")])
    assert result.exit_code == 0, result.output
    assert "lambda_function.lambda_handler" in result.output
    assert (tmp_path / "x.zip").is_file()
