"""The Lambda zip: deterministic, self-contained, and it runs with no pandas, click or tqdm."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import sysconfig
import uuid
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from workbench.cli import cli
from workbench.cruddur.stream import package as P
from workbench.cruddur.stream.handler import summaries
from workbench.cruddur.stream.package import handler_modules, package_lambda, zip_contents
from workbench.engine.dynamo import send
from workbench.engine.tables import schema_load
from workbench.errors import StreamError
from workbench.model.cruddur import new_group_request, post_message_request

ANDREW = {"uuid": "u-andrew", "display_name": "Andrew Brown", "handle": "andrewbrown"}
BAYKO = {"uuid": "u-bayko", "display_name": "Andrew Bayko", "handle": "bayko"}
FIRST = "2026-11-23T12:00:00.000000+00:00"
LATER = "2026-11-23T12:05:00.000000+00:00"

# Runs with `python -S` (no site, so no editable-install finder): sys.path is the unzipped
# folder, then the standard library, then the venv's site-packages for boto3/botocore.
RUNNER = r"""
import importlib.abc, json, sys
unpacked, site_packages = sys.argv[1], sys.argv[2]
sys.path[:] = [unpacked] + [p for p in sys.path if p and "site-packages" not in p] + [site_packages]

class Block(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in ("pandas", "click", "tqdm", "numpy", "moto"):
            raise ImportError(f"{name} must not be imported by the Lambda")
        return None

sys.meta_path.insert(0, Block())
import lambda_function
event = json.loads(sys.stdin.read())
result = lambda_function.lambda_handler(event, None)
loaded = {n: getattr(m, "__file__", None) for n, m in sys.modules.items()
          if n == "workbench" or n.startswith("workbench.")}
print(json.dumps({"result": result, "loaded": loaded}))
"""


def test_the_zip_is_deterministic(tmp_path: Path) -> None:
    first = package_lambda(tmp_path / "a.zip")
    second = package_lambda(tmp_path / "sub" / "b.zip")
    assert first.read_bytes() == second.read_bytes()
    names = zip_contents(first)
    assert names == sorted(names)
    with zipfile.ZipFile(first) as archive:
        assert {info.date_time for info in archive.infolist()} == {P.FIXED_TIME}


def test_the_zip_holds_the_handler_and_pure_modules_only(tmp_path: Path) -> None:
    archive = zipfile.ZipFile(package_lambda(tmp_path / "fn.zip"))
    names = set(archive.namelist())
    assert {
        "lambda_function.py",
        "workbench/__init__.py",
        "workbench/cruddur/stream/__init__.py",
        "workbench/cruddur/stream/handler.py",
        "workbench/constants.py",
        "workbench/errors.py",
        "workbench/model/items.py",
        "workbench/clock.py",
        "workbench/model/__init__.py",
        "workbench/model/cruddur.py",
        "workbench/model/requests.py",
    } <= names
    assert archive.read("workbench/__init__.py") == b""
    assert archive.read("workbench/cruddur/stream/__init__.py") == b""
    assert b"from workbench.cruddur.stream.handler import lambda_handler" in archive.read(
        "lambda_function.py"
    )
    forbidden = ("frames", "engines", "local/", "cli/", "app/", "users/", "runner", "package")
    assert not [n for n in names if any(f in n for f in forbidden)]


def test_a_module_that_must_not_ship_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    assert "workbench.cruddur.stream.handler" in handler_modules()
    monkeypatch.setattr(
        P, "ENTRY_MODULE", "workbench.engine.tables"
    )  # imports workbench.engine.dynamo...
    monkeypatch.setattr(P, "EXCLUDED", (*P.EXCLUDED, "workbench.engine.dynamo"))
    with pytest.raises(StreamError, match="reaches workbench.engine.dynamo"):
        handler_modules()
    monkeypatch.setattr(P, "ENTRY_MODULE", "workbench.desk.frames")
    with pytest.raises(StreamError, match="workbench.desk.frames"):
        handler_modules()
    monkeypatch.setattr(P, "ENTRY_MODULE", "workbench.desk.plots")  # a third-party import
    with pytest.raises(StreamError, match="only the standard library, boto3 and botocore"):
        handler_modules()


@pytest.mark.server
def test_the_unzipped_handler_runs_alone(local_engine, table_name: str, tmp_path: Path) -> None:
    schema_load(local_engine, table_name)
    group = str(uuid.uuid4())
    send(local_engine, new_group_request(table_name, group, FIRST, "m1", "hi", ANDREW, BAYKO))
    send(local_engine, post_message_request(table_name, group, LATER, "m2", "from the zip", BAYKO))
    unpacked = tmp_path / "fn"
    zipfile.ZipFile(package_lambda(tmp_path / "fn.zip")).extractall(unpacked)
    keys = {"pk": {"S": f"MSG#{group}"}, "sk": {"S": LATER}}
    event = {
        "Records": [
            {
                "eventID": "1",
                "eventName": "INSERT",
                "eventSource": "aws:dynamodb",
                "dynamodb": {
                    "Keys": keys,
                    "NewImage": {**keys, "message": {"S": "from the zip"}},
                    "SequenceNumber": "000000000000000000007",
                },
            }
        ]
    }
    env = {
        **os.environ,
        "DDB_MESSAGE_TABLE": table_name,
        "AWS_REGION": "us-east-1",
        "DDB_ENDPOINT_URL": local_engine.endpoint_url,
        # The generic variable points nowhere: the handler must ignore it for DynamoDB.
        "AWS_ENDPOINT_URL": "http://127.0.0.1:9",
        "PYTHONPATH": "",
        # The Lambda signs with ambient credentials; use the test's database key.
        "AWS_ACCESS_KEY_ID": os.environ["WORKBENCH_ACCESS_KEY_ID"],
    }
    site_packages = sysconfig.get_paths()["purelib"]
    done = subprocess.run(
        [sys.executable, "-S", "-c", RUNNER, str(unpacked), site_packages],
        input=json.dumps(event),
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    output = json.loads(done.stdout.splitlines()[-1])
    assert output["result"]["moved"] == 2 and output["result"]["batchItemFailures"] == []
    assert output["loaded"] and all(
        path.startswith(str(unpacked)) for path in output["loaded"].values()
    )
    found = summaries(local_engine.client("dynamodb"), table_name, group)
    assert {(s["sk"], s["message"]) for s in found} == {(LATER, "from the zip")}
    assert len(found) == 2


def test_cli_lambda_package(tmp_path: Path) -> None:
    target = tmp_path / "out" / "x.zip"
    target.parent.mkdir()  # --output makes no folder (see below)
    result = CliRunner().invoke(cli, ["lambda", "package", "--output", str(target)])
    assert result.exit_code == 0, result.output
    assert "lambda_function.lambda_handler" in result.output
    assert str(target) in result.output and "workbench/cruddur/stream/handler.py" in result.output
    assert target.is_file()


def test_cli_output_in_a_missing_folder_is_refused_and_not_made(tmp_path: Path) -> None:
    # A long path (pytest's, nested deeper) is still named whole.
    target = tmp_path / ("nowhere-" * 20) / "deeper" / "fn.zip"
    result = CliRunner().invoke(cli, ["lambda", "package", "--output", str(target)])
    assert result.exit_code == 2 and result.output.count("\n") == 1, result.output
    assert f"folder {str(target.parent)!r} does not exist: create it first" in result.output
    assert "Traceback" not in result.output
    assert list(tmp_path.iterdir()) == []  # no folder was made
    (tmp_path / "nowhere").write_text("a file, not a folder")
    result = CliRunner().invoke(
        cli, ["lambda", "package", "--output", str(tmp_path / "nowhere" / "fn.zip")]
    )
    assert result.exit_code == 2 and "is not a folder" in result.output
