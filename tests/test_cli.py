"""The CLI end to end on DynamoDB Local: the bootcamp's scripts and the messages commands."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pytest
from click.testing import CliRunner

from workbench.cli import cli
from workbench.model import SEED_GROUP_UUID

pytestmark = pytest.mark.server


@pytest.fixture
def run(ddb_local, table_name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("WORKBENCH_ENDPOINT", ddb_local.endpoint)
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'users.db'}")
    monkeypatch.setenv("WORKBENCH_STATE_DIR", str(tmp_path / "state"))
    runner = CliRunner()

    def invoke(*args: str, table: bool = True, ok: bool = True, input: str | None = None):
        argv = list(args)
        if table:
            argv += ["--table", table_name]
        result = runner.invoke(cli, argv, input=input)
        if ok:
            assert result.exit_code == 0, result.output
        return result

    return invoke


def test_the_bootcamp_scripts(run, table_name: str) -> None:
    assert "is ACTIVE" in run("ddb", "schema-load").output
    assert table_name in run("ddb", "list-tables", table=False).output.split()
    described = run("ddb", "describe-table")
    assert "matches the model" in described.output
    assert run("ddb", "seed", "--now", "2026-11-22T07:45:00Z").stdout.startswith("seeded 116")
    page = json.loads(run("ddb", "patterns", "get-conversation", SEED_GROUP_UUID, "--json").stdout)
    assert set(page) == {"items", "consumed_capacity", "next"}
    stamps = [m["created_at"] for m in page["items"]]
    assert len(stamps) == 20 and stamps == sorted(stamps)
    assert stamps[-1] == "2026-11-22T07:45:00.000000+00:00"
    older = json.loads(
        run(
            "ddb",
            "patterns",
            "get-conversation",
            SEED_GROUP_UUID,
            "--json",
            "--cursor",
            page["next"],
        ).stdout
    )
    assert older["items"][-1]["created_at"] < stamps[0]
    table_out = run("ddb", "patterns", "list-conversations", "andrewbrown").output
    assert table_out.startswith("bayko") and "RCU consumed" in table_out
    scanned = json.loads(run("ddb", "scan", "--json").stdout)
    assert scanned["count"] == 118 and scanned["pages"] >= 1
    assert "118 items" in run("ddb", "scan").output
    assert "deleting table" in run("ddb", "drop", table_name, "--yes", table=False).output
    missing = run("ddb", "scan", ok=False)
    assert missing.exit_code == 1
    assert f"table '{table_name}' does not exist" in missing.output


def test_drop_asks_first(run, table_name: str) -> None:
    run("ddb", "schema-load")
    refused = run("ddb", "drop", table_name, table=False, ok=False, input="n\n")
    assert refused.exit_code == 1 and "Aborted" in refused.output
    assert table_name in run("ddb", "list-tables", table=False).output


def test_messages_done_when(run, table_name: str) -> None:
    run("ddb", "schema-load")
    run("ddb", "seed", "--now", "2026-11-22T07:45:00Z")
    sent = run("messages", "send", "--as", "andrewbrown", "--to", "londo", "hello").output
    assert sent.startswith("started group")
    group = sent.split()[2].rstrip(":")
    scan = json.loads(run("ddb", "scan", "--json").stdout)["items"]
    assert len([i for i in scan if i.get("message_group_uuid") == group]) == 2
    assert len([i for i in scan if i["pk"] == f"MSG#{group}"]) == 1
    run("stream", "run", "--once")
    groups = json.loads(run("messages", "groups", "--as", "londo", "--json").stdout)["items"]
    assert groups[0]["uuid"] == group and groups[0]["message"] == "hello"
    refused = run("messages", "list", group, "--as", "bayko", ok=False)
    assert refused.exit_code == 1
    assert "not a member" in refused.output and "Traceback" not in refused.output
    listed = json.loads(
        run("messages", "list", "--with", "andrewbrown", "--as", "londo", "--json").stdout
    )
    assert [m["message"] for m in listed["items"]] == ["hello"]
    reply = json.loads(
        run("messages", "send", "--as", "londo", "--group", group, "hi!", "--json").stdout
    )
    assert reply["items"][0]["message_group_uuid"] == group


def test_messages_errors_are_one_clear_line(run) -> None:
    run("ddb", "schema-load")
    run("ddb", "seed")
    bad = run("messages", "send", "--as", "andrewbrown", "--to", "andrewbrown", "", ok=False)
    assert bad.exit_code == 1
    assert bad.output.strip().count("\n") == 0
    assert "message_blank" in bad.output and "user_receiver_is_sender" in bad.output
    both = run("messages", "send", "--as", "andrewbrown", "hi", ok=False)
    assert both.exit_code == 2 and "--group UUID or --to HANDLE" in both.output
    ghost = run("messages", "groups", "--as", "ghost", ok=False)
    assert ghost.exit_code == 1 and "no user with handle or Cognito id 'ghost'" in ghost.output


def test_local_engine_without_an_instance_says_how_to_start(monkeypatch, tmp_path) -> None:
    monkeypatch.setenv("WORKBENCH_STATE_DIR", str(tmp_path))
    result = CliRunner().invoke(cli, ["ddb", "list-tables"])
    assert result.exit_code == 1 and "workbench local start" in result.output


def test_users_and_cognito_commands(run, ddb_local) -> None:
    setup = run("db", "setup", table=False)
    assert "andrewbrown" in setup.output and "londo" in setup.output
    users = json.loads(run("db", "list-users", "--json", table=False).stdout)
    assert [u["cognito_user_id"] for u in users] == ["MOCK"] * 3
    # Cognito lives in the session's managed server, at the same endpoint as DynamoDB.
    from workbench.cruddur.cognito import setup_local_pool
    from workbench.cruddur.users import open_directory
    from workbench.engine.engines import connect

    try:
        with connect(endpoint=ddb_local.endpoint) as engine, open_directory() as directory:
            setup_local_pool(engine, directory)
        listed = json.loads(run("cognito", "list-users", "--json", table=False).stdout)
        assert sorted(listed) == ["andrewbrown", "bayko", "londo"]
        updated = run("db", "update-cognito-user-ids", table=False).output
        assert updated.startswith("== db-update-cognito-user-ids")
        assert updated.count("---- ") == 3
        users = json.loads(run("db", "list-users", "--json", table=False).stdout)
        assert all(u["cognito_user_id"] == listed[u["handle"]] for u in users)
    finally:
        os.environ.pop("WORKBENCH_COGNITO_ENDPOINT", None)


def test_local_start_on_a_corrupt_snapshot_is_one_line_and_keeps_it(monkeypatch, tmp_path) -> None:
    monkeypatch.setenv("WORKBENCH_STATE_DIR", str(tmp_path / "state"))
    data = tmp_path / "data"
    data.mkdir()
    snapshot = data / "tables.json"
    snapshot.write_bytes(b'{"format":1,"tables":[{"account":"123456789012","reg')  # cut short
    result = CliRunner().invoke(cli, ["local", "start", "--db-path", str(data)])
    assert result.exit_code == 1
    lines = result.output.strip().splitlines()
    assert len(lines) == 1, result.output
    assert lines[0].startswith(
        f"Error: cannot restore the tables from the --db-path snapshot {snapshot}"
    )
    assert "not valid JSON" in lines[0] and "move tables.json aside" in lines[0]
    assert "without --db-path" in lines[0]
    assert "Traceback" not in lines[0] and "\\n" not in lines[0]
    assert snapshot.read_bytes().endswith(b'"reg'), "the snapshot is left as it was"
    assert "not running" in CliRunner().invoke(cli, ["local", "status"]).output


def test_a_state_folder_with_loose_permissions_is_tightened_or_refused(
    monkeypatch, tmp_path
) -> None:
    state = tmp_path / "state"
    state.mkdir()
    state.chmod(0o755)
    monkeypatch.setenv("WORKBENCH_STATE_DIR", str(state))
    assert "not running" in CliRunner().invoke(cli, ["local", "status"]).output
    assert stat.S_IMODE(state.stat().st_mode) == 0o700
    # A folder that belongs to another user cannot be made private: refused, in one line.
    if os.geteuid() == 0:
        foreign = tmp_path / "foreign"
        foreign.mkdir(mode=0o755)
        os.chown(foreign, 4242, 4242)
    else:
        foreign = Path("/")
    mode = stat.S_IMODE(foreign.stat().st_mode)
    monkeypatch.setenv("WORKBENCH_STATE_DIR", str(foreign))
    result = CliRunner().invoke(cli, ["local", "status"])
    assert result.exit_code == 1
    owner = foreign.stat().st_uid
    assert result.output.strip() == (
        f"Error: the folder {str(foreign)!r} belongs to another user (uid {owner}), who could "
        "read the secrets kept in it: set WORKBENCH_STATE_DIR to a folder of your own"
    )
    assert stat.S_IMODE(foreign.stat().st_mode) == mode
