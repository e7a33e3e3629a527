"""Every CLI command under hostile arguments and environments: one line, non-zero, no traceback.

The hypothesis part runs in-process (click's CliRunner) on moto; the environment cases run
the real ``workbench`` executable, as a user would (issue 10, items 3-5).
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import click
import pytest
from click.testing import CliRunner, Result
from helpers import billion_laughs
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from workbench.cli import cli
from workbench.model import SEED_GROUP_UUID

# Characters that make any value invalid for every parameter the CLI has (table names,
# uuids, handles, URLs, numbers, choices, times), and that a careless error message would
# print raw: NUL, CR, LF, ESC, NEL (U+0085), DEL, a space, U+200B and a bidi override.
NASTY = ["\x00", "\r", "\n", "\x1b[2J", "\x85", "\x7f", " ", "\u200b", "\u202e"]
# Harmless values for the parameters the hostile one does not replace.
FIXED = {
    "message_group_uuid": SEED_GROUP_UUID,
    "handle": "andrewbrown",
    "message": "hello",
    "table_name": "cruddur-messages",
    "who": "andrewbrown",
    "fmt": "nosql-workbench",
    "pattern": "get-customer",
    "against": "moto",
}


def _commands(group: click.Group, prefix: tuple[str, ...] = ()) -> Iterator[tuple[str, ...]]:
    for name, command in sorted(group.commands.items()):
        if isinstance(command, click.Group):
            yield from _commands(command, (*prefix, name))
        else:
            yield (*prefix, name)


COMMANDS = list(_commands(cli))


def _command(path: tuple[str, ...]) -> click.Command:
    command: click.Command = cli
    for name in path:
        assert isinstance(command, click.Group)
        command = command.commands[name]
    return command


def _slots(command: click.Command) -> list[click.Parameter | None]:
    """Every parameter that takes a value, plus None: an unexpected extra argument."""
    slots: list[click.Parameter | None] = [
        p
        for p in command.params
        if isinstance(p, click.Argument) or (isinstance(p, click.Option) and not p.is_flag)
    ]
    return [*[p for p in slots if p.name not in ("help",)], None]


NO_SLOT = object()  # _argv's slot for a run with harmless values only


def _argv(
    path: tuple[str, ...],
    slot: object,
    value: str,
    notadir: Path,
    inputs: dict[str | None, str] | None = None,
):
    command = _command(path)
    if isinstance(slot, click.Parameter) and isinstance(slot.type, click.Path):
        # Inside a file, so that no hostile path can ever be written.
        value = f"{notadir}/{value}"
    argv = list(path)
    for param in command.params:
        if isinstance(param, click.Argument):
            if param is slot:
                argv.append(value)
            elif isinstance(param.type, click.Path):
                argv.append((inputs or {}).get(param.name) or f"{notadir}/data.json")
            else:
                argv.append(FIXED.get(param.name or "", "x"))
        elif isinstance(param, click.Option) and param is slot:
            argv += [param.opts[0], value]
        elif isinstance(param, click.Option) and param.required:
            argv += [param.opts[0], FIXED.get(param.name or "", "x")]
    if slot is None:
        argv.append(value)
    # Never start a server or wait on a stream: a bad port stops `local start` at parsing.
    if path == ("local", "start") and getattr(slot, "name", None) != "port":
        argv += ["--port", "0"]
    if path == ("stream", "run"):
        argv.append("--once")
    if path == ("messages", "send") and getattr(slot, "name", None) not in (
        "message_group_uuid",
        "to_handle",
    ):
        argv += ["--group", SEED_GROUP_UUID]  # the one it needs, so that it gets further
    return argv


def assert_one_line_failure(result: Result | subprocess.CompletedProcess) -> str:
    """The failure contract: non-zero exit, exactly one line on stderr, no traceback."""
    if isinstance(result, Result):
        code, out, err = result.exit_code, result.stdout, result.stderr
        assert isinstance(result.exception, SystemExit), repr(result.exception)
    else:
        code, out, err = result.returncode, result.stdout, result.stderr
    assert code != 0, (out, err)
    assert "Traceback" not in out + err
    # splitlines() also breaks on CR, NEL and the other line breaks a raw message would carry.
    assert len(err.splitlines()) == 1 and err.endswith("\n"), err
    return err


@pytest.fixture
def hostile_env(tmp_path: Path) -> dict[str, str]:
    notadir = tmp_path / "notadir"
    notadir.write_text("a file, so nothing can be created below it\n")
    return {**_moto_env(tmp_path), "NOTADIR": str(notadir)}


MODELS_DIR = Path(__file__).resolve().parent.parent / "models"
# Where no harmless run is made: it would start a server (`local start` always fails on its
# --port 0; `app serve` would serve). Their hostile values are all checked while parsing.
UNREACHED = {("local", "start"), ("app", "serve")}


def _moto_env(tmp: Path) -> dict[str, str]:
    """In-process moto, and a state folder and users database of the test's own."""
    return {
        "WORKBENCH_ENGINE": "moto",
        "WORKBENCH_ENDPOINT": "",
        "WORKBENCH_STATE_DIR": str(tmp / "state"),
        "DATABASE_URL": f"sqlite:///{tmp / 'users.db'}",
        "WORKBENCH_DEBUG": "",
    }


@pytest.fixture(scope="module")
def seeded_env(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    """hostile_env with the users directory and a seeded table present, so that a command
    gets as far as the hostile value, not stopped early by "no such table" or "no users"."""
    from workbench.engine.engines import connect

    tmp = tmp_path_factory.mktemp("hostile")
    notadir = tmp / "notadir"
    notadir.write_text("a file, so nothing can be created below it\n")
    rows = tmp / "rows.jsonl"
    rows.write_text('{"Item": {"pk": {"S": "HOSTILE#1"}, "sk": {"S": "x"}}}\n')
    env = {**_moto_env(tmp), "NOTADIR": str(notadir), "ROWS": str(rows)}
    runner = CliRunner()
    with connect("moto"):  # held: the in-process mock, and so the table, lives on
        for argv in (
            ["db", "setup"],
            ["cognito", "setup-local"],
            ["ddb", "schema-load"],
            ["ddb", "seed", "--now", "2026-11-22T07:45:00Z", "--count", "4"],
        ):
            result = runner.invoke(cli, argv, env=env)
            assert result.exit_code == 0, (argv, result.output)
        yield env


def _readable(path: tuple[str, ...], param: click.Parameter, env: dict[str, str]) -> str | None:
    """A real input file for a path argument of ``path`` (None: keep it inside notadir)."""
    if path == ("ddb", "import"):
        return env["ROWS"]
    if path == ("model", "import"):
        return str(MODELS_DIR / "shop.json")
    if path[0] == "model" and path[1] != "report" and param.name in ("path", "model_file"):
        return str(MODELS_DIR / "shop.yaml")
    return None


@pytest.mark.parametrize("path", COMMANDS, ids=" ".join)
def test_every_command_refuses_hostile_arguments(path, seeded_env, tmp_path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)  # anything a command might write lands here
    hostile_env = seeded_env
    slots = _slots(_command(path))
    runner = CliRunner()
    notadir = Path(hostile_env["NOTADIR"])
    inputs = {
        p.name: f
        for p in _command(path).params
        if isinstance(p, click.Argument) and (f := _readable(path, p, hostile_env))
    }
    # The same command with harmless values only: a hostile run must end differently, or the
    # hostile value was never reached (the command stopped earlier, for another reason).
    harmless = (
        None
        if path in UNREACHED
        else runner.invoke(cli, _argv(path, NO_SLOT, "", notadir, inputs), env=hostile_env)
    )
    assert harmless is None or "(unexpected " not in harmless.stderr, harmless.stderr

    @settings(
        max_examples=6,
        deadline=None,
        derandomize=True,
        suppress_health_check=[HealthCheck.function_scoped_fixture],
    )
    @given(
        text=st.text(max_size=12),
        nasty=st.sampled_from(NASTY),
        where=st.integers(0, 12),
        slot=st.sampled_from(slots),
    )
    def check(text: str, nasty: str, where: int, slot: click.Parameter | None) -> None:
        value = text[:where] + nasty + text[where:]
        argv = _argv(path, slot, value, notadir, inputs)
        result = runner.invoke(cli, argv, env=hostile_env, input="")
        err = assert_one_line_failure(result)
        if harmless is not None:
            assert err != harmless.stderr, f"{argv}: stopped before its hostile value: {err}"

    check()


@pytest.mark.parametrize(
    "argv, expected",
    [
        (["ddb", "patterns", "get-conversation", "not-a-uuid"], "message_group_uuid_invalid"),
        (["ddb", "patterns", "get-conversation", ""], "the group uuid is empty"),
        (["ddb", "scan", "--table", ""], "'' is not a table name"),
        (["ddb", "schema-load", "--table", ""], "'' is not a table name"),
        (["messages", "groups", "--as", "bayko", "--table", ""], "'' is not a table name"),
        (["ddb", "drop", "", "--yes"], "'' is not a table name"),
        (
            ["ddb", "patterns", "get-conversation", SEED_GROUP_UUID, "--cursor", "x" * 9000],
            "is not a cursor this workbench issued",
        ),
        (
            [
                "messages",
                "send",
                "--as",
                "bayko",
                "--to",
                "londo",
                "--now",
                "9999-12-31T23:59:59Z",
                "hi",
            ],
            "out of range",
        ),
    ],
)
def test_bad_parameters_are_one_clear_line(argv, expected, hostile_env) -> None:
    err = assert_one_line_failure(CliRunner().invoke(cli, argv, env=hostile_env))
    assert expected in err
    assert "could not reach" not in err  # a parameter check, never blamed on the network


def test_a_deeply_nested_cursor_is_refused(hostile_env) -> None:
    import base64

    cursor = base64.urlsafe_b64encode(b"[" * 3000).decode()
    argv = ["ddb", "patterns", "get-conversation", SEED_GROUP_UUID, "--cursor", cursor]
    err = assert_one_line_failure(CliRunner().invoke(cli, argv, env=hostile_env))
    assert "is not a cursor this workbench issued" in err and len(err) < 700


def test_an_unexpected_error_is_one_line_unless_debugging(hostile_env, monkeypatch) -> None:
    import workbench.engine.tables

    def boom(*args, **kwargs):
        raise ZeroDivisionError("the table list divided by zero")

    monkeypatch.setattr(workbench.engine.tables, "list_tables", boom)
    err = assert_one_line_failure(CliRunner().invoke(cli, ["ddb", "list-tables"], env=hostile_env))
    assert err == (
        "Error: the table list divided by zero (unexpected ZeroDivisionError; run with "
        "WORKBENCH_DEBUG=1 for the traceback)\n"
    )
    debug = CliRunner().invoke(
        cli, ["ddb", "list-tables"], env={**hostile_env, "WORKBENCH_DEBUG": "1"}
    )
    assert isinstance(debug.exception, ZeroDivisionError)


# -- the environment cases, on the real executable ------------------------------------------

WORKBENCH = Path(sys.executable).with_name("workbench")


def _run(args: list[str], env: dict[str, str], tmp_path: Path) -> subprocess.CompletedProcess:
    base = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "WORKBENCH_"))}
    full = {
        **base,
        # Never a real account: fake credentials, no instance metadata, no shared files.
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_EC2_METADATA_DISABLED": "true",
        "AWS_CONFIG_FILE": str(tmp_path / "no-aws-config"),
        "AWS_SHARED_CREDENTIALS_FILE": str(tmp_path / "no-aws-credentials"),
        "WORKBENCH_STATE_DIR": str(tmp_path / "state"),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'users.db'}",
        **env,
    }
    return subprocess.run(
        [str(WORKBENCH), *args],
        env=full,
        capture_output=True,
        text=True,
        timeout=120,
        cwd=tmp_path,
    )


@pytest.mark.parametrize(
    "args, env, expected",
    [
        (
            ["stream", "run", "--once"],
            {"WORKBENCH_ENDPOINT": "http://127.0.0.1:9"},
            "cannot reach http://127.0.0.1:9",
        ),
        (["ddb", "list-tables"], {"WORKBENCH_ENDPOINT": "http://[::1"}, "Invalid IPv6 URL"),
        (
            ["ddb", "list-tables", "--engine", "aws"],
            {"AWS_PROFILE": "nonexistent", "AWS_REGION": "us-east-1"},
            "'nonexistent'",
        ),
        (["ddb", "list-tables", "--engine", "aws"], {}, "no AWS region is configured"),
        (["lambda", "package", "--output", "notadir/cruddur.zip"], {}, "'notadir' is not a folder"),
        (["db", "list-users"], {"DATABASE_URL": "postgresql://u:hunter2@[bad"}, "u:***@"),
    ],
)
def test_hostile_environments(args, env, expected, tmp_path: Path) -> None:
    (tmp_path / "notadir").write_text("a file\n")
    result = _run(args, env, tmp_path)
    err = assert_one_line_failure(result)
    assert expected in err
    assert "hunter2" not in result.stdout + err


def test_a_missing_aws_profile_is_ignored_on_local_engines(tmp_path: Path) -> None:
    (tmp_path / "config-folder").mkdir()
    env = {
        "WORKBENCH_ENGINE": "moto",
        "AWS_PROFILE": "nonexistent",
        "AWS_CONFIG_FILE": str(tmp_path / "config-folder"),  # unreadable: a folder
    }
    result = _run(["ddb", "list-tables", "--json"], env, tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"


# -- messages: refused on the way in, shown escaped on the way out -------------------------


@pytest.fixture(scope="module")
def seeded_cli(tmp_path_factory: pytest.TempPathFactory):
    """Run CLI commands on one moto state, seeded once for the module (the engine held here
    keeps the in-process mock, and so the table, alive between commands)."""
    from workbench.engine.engines import connect

    env = _moto_env(tmp_path_factory.mktemp("seeded"))
    runner = CliRunner()

    def run(*argv: str, ok: bool = True) -> Result:
        result = runner.invoke(cli, list(argv), env=env)
        if ok:
            assert result.exit_code == 0, (result.stdout, result.stderr)
        return result

    with connect("moto") as engine:
        run.engine = engine  # type: ignore[attr-defined]
        run("db", "setup")
        run("ddb", "schema-load")
        run("ddb", "seed", "--now", "2026-11-22T07:45:00Z", "--count", "4")
        yield run


@pytest.mark.parametrize(
    "text, code",
    [
        ("line one\rline two", "message_control_characters"),
        ("next line\x85", "message_control_characters"),
        ("\x9b31mred", "message_control_characters"),
        ("\u200b", "message_blank"),
        ("\u200b \u2060\ufeff\n", "message_blank"),
    ],
)
def test_hostile_messages_are_refused_and_nothing_is_written(seeded_cli, text, code) -> None:
    before = seeded_cli("ddb", "scan", "--json").stdout
    result = seeded_cli(
        "messages", "send", "--as", "bayko", "--group", SEED_GROUP_UUID, text, ok=False
    )
    assert code in assert_one_line_failure(result)
    assert seeded_cli("ddb", "scan", "--json").stdout == before


def test_stored_control_characters_are_printed_escaped(seeded_cli) -> None:
    import json

    client = seeded_cli.engine.client()
    items = client.query(
        TableName="cruddur-messages",
        KeyConditionExpression="pk = :pk",
        ExpressionAttributeValues={":pk": {"S": f"MSG#{SEED_GROUP_UUID}"}},
        ScanIndexForward=False,
        Limit=1,
    )["Items"]
    # Written behind the workbench's back, as an older client or another tool could.
    evil = "evil\rOVERWRITTEN\x85\x1b[2J\u202e"
    client.update_item(
        TableName="cruddur-messages",
        Key={"pk": items[0]["pk"], "sk": items[0]["sk"]},
        UpdateExpression="SET message = :m",
        ExpressionAttributeValues={":m": {"S": evil}},
    )
    for argv in (
        ("ddb", "scan"),
        ("messages", "list", SEED_GROUP_UUID, "--as", "bayko"),
        ("ddb", "patterns", "get-conversation", SEED_GROUP_UUID),
    ):
        out = seeded_cli(*argv).stdout
        assert "evil\\rOVERWRITTEN\\x85\\x1b[2J\\u202e" in out, argv
        assert not any(ch in out for ch in "\r\x85\x1b\u202e"), argv
    as_json = seeded_cli("ddb", "patterns", "get-conversation", SEED_GROUP_UUID, "--json").stdout
    assert not any(ch in as_json for ch in "\r\x85\x1b\u202e")
    assert json.loads(as_json)["items"][-1]["message"] == evil  # escaped, still exact JSON


MODELS = Path(__file__).resolve().parent.parent / "models"


@pytest.mark.parametrize(
    "name, content, args, expected",
    [
        ("laughs.yaml", billion_laughs(), ["model", "check"], "values (MAX_NODES)"),
        ("deep.json", "[" * 100_000, ["model", "check"], "deeper than 100 levels"),
        ("deep.json", '{"a": ' + "[" * 100_000, ["model", "import"], "deeper than 100 levels"),
        ("big.yaml", "# padding\n" * 500_000, ["model", "check"], "bytes (MAX_BYTES)"),
        (
            "laughs.traffic.yaml",
            billion_laughs(),
            ["model", "cost", "MODELS/shop.yaml", "--traffic"],
            "traffic profile",
        ),
    ],
    ids=["billion-laughs", "deep-json", "deep-nosql-workbench-json", "oversized", "traffic"],
)
def test_hostile_model_files_are_refused_in_one_line(
    name: str, content: str, args: list[str], expected: str, tmp_path: Path
) -> None:
    # Each took minutes and hundreds of MB, or ended in a RecursionError (issue 16, part 5).
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    argv = [arg.replace("MODELS", str(MODELS)) for arg in args] + [str(path)]
    result = _run(argv, {}, tmp_path)
    err = assert_one_line_failure(result)
    assert f"{str(path)!r} is refused" in err and expected in err
