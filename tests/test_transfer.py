"""Export and import in DynamoDB JSON lines (the S3 export format): library and CLI."""

from __future__ import annotations

import base64
import gzip
import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from helpers import make_seeded, unique_table_name

from workbench.cli import cli
from workbench.engine.tables import list_tables, schema_load
from workbench.engine.transfer import TransferError, export_table, import_table
from workbench.errors import TableNotFound, WorkbenchError

SEED_ITEMS = 118  # 116 messages and the two group summaries
PHOTO = bytes(range(256))
# One item holding every DynamoDB type, nested types inside a map and a list too.
EVERY_TYPE: dict[str, Any] = {
    "pk": {"S": "TYPES#every"},
    "sk": {"S": "ünïcode ✓"},
    "s": {"S": "naïve café 😀"},
    "n": {"N": "42"},
    "f": {"N": "-3.14"},
    "b": {"B": PHOTO},
    "yes": {"BOOL": True},
    "no": {"BOOL": False},
    "nothing": {"NULL": True},
    "m": {"M": {"inner": {"S": "x"}, "deep": {"M": {"n": {"N": "7"}, "b": {"B": b"\x00"}}}}},
    "l": {"L": [{"S": "a"}, {"N": "1"}, {"B": b"\xff"}, {"L": []}, {"M": {}}]},
    "ss": {"SS": ["a", "b"]},
    "ns": {"NS": ["1", "2.5"]},
    "bs": {"BS": [b"\x01", b"\x02\x03"]},
}
# The same item as the S3 export writes it, by hand: numbers as strings, binary as base64.
EVERY_TYPE_JSON = {
    **EVERY_TYPE,
    "b": {"B": base64.b64encode(PHOTO).decode()},
    "m": {"M": {"inner": {"S": "x"}, "deep": {"M": {"n": {"N": "7"}, "b": {"B": "AA=="}}}}},
    "l": {"L": [{"S": "a"}, {"N": "1"}, {"B": "/w=="}, {"L": []}, {"M": {}}]},
    "bs": {"BS": ["AQ==", "AgM="]},
}
TYPES = {"S", "N", "B", "BOOL", "NULL", "M", "L", "SS", "NS", "BS"}


def _raw_scan(engine, table_name: str) -> list[dict[str, Any]]:
    """Every item as the engine returns it, sets sorted so that engines' orders compare."""
    pages = engine.client("dynamodb").get_paginator("scan").paginate(TableName=table_name)
    items = [item for page in pages for item in page["Items"]]
    for item in items:
        for value in item.values():
            for kind in ("SS", "NS", "BS"):
                if kind in value:
                    value[kind] = sorted(value[kind])
    return sorted(items, key=lambda i: (i["pk"]["S"], i["sk"]["S"]))


def _with_every_type(engine, table_name: str) -> str:
    engine.client("dynamodb").put_item(TableName=table_name, Item=EVERY_TYPE)
    return table_name


def _check_typed(value: Any) -> None:
    """Assert ``value`` is one DynamoDB JSON attribute value, as the S3 export writes it."""
    assert isinstance(value, dict) and len(value) == 1
    ((kind, body),) = value.items()
    assert kind in TYPES
    if kind in ("S", "N"):
        assert isinstance(body, str)
    elif kind == "B":
        assert base64.b64decode(body, validate=True) is not None
    elif kind in ("SS", "NS", "BS"):
        assert body and all(isinstance(m, str) for m in body)
    elif kind == "M":
        for member in body.values():
            _check_typed(member)
    elif kind == "L":
        for member in body:
            _check_typed(member)
    else:
        assert isinstance(body, bool) and (kind == "BOOL" or body is True)


def test_round_trip_gives_the_same_items(engine, seeded: str, tmp_path: Path) -> None:
    _with_every_type(engine, seeded)
    path = tmp_path / "messages.jsonl"
    exported = export_table(engine, seeded, path, progress=False)
    assert exported.items == SEED_ITEMS + 1 and exported.pages >= 1
    copy = unique_table_name("copy")
    schema_load(engine, copy)
    imported = import_table(engine, path, table_name=copy, progress=False)
    assert (imported.items, imported.created) == (SEED_ITEMS + 1, False)
    assert _raw_scan(engine, copy) == _raw_scan(engine, seeded)


def test_gzip_round_trip_creates_the_table(engine, seeded: str, tmp_path: Path) -> None:
    _with_every_type(engine, seeded)
    path = tmp_path / "export" / "data.json.gz"
    path.parent.mkdir()
    export_table(engine, seeded, path, progress=False)
    assert path.read_bytes()[:2] == b"\x1f\x8b"
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        assert len(handle.readlines()) == SEED_ITEMS + 1
    copy = unique_table_name("copy")
    result = import_table(engine, path, table_name=copy, create=True, progress=False)
    assert result.created and result.items == SEED_ITEMS + 1
    assert _raw_scan(engine, copy) == _raw_scan(engine, seeded)
    # Gzip is recognised by content: an S3 data file renamed without .gz still imports.
    renamed = path.rename(tmp_path / "data.json")
    again = import_table(engine, renamed, table_name=copy, progress=False, mode="merge")
    assert (again.items, again.overwritten, again.kept) == (SEED_ITEMS + 1, SEED_ITEMS + 1, 0)


def test_export_has_the_s3_export_shape_line_by_line(
    moto_engine, users, table_name: str, tmp_path: Path
) -> None:
    seeded = _with_every_type(moto_engine, make_seeded(moto_engine, users, table_name))
    path = tmp_path / "out.json"
    export_table(moto_engine, seeded, path, progress=False)
    text = path.read_text("utf-8")
    assert text.endswith("\n")
    lines = text.splitlines()
    assert len(lines) == SEED_ITEMS + 1
    records = [json.loads(line) for line in lines]
    for record in records:
        assert list(record) == ["Item"]
        assert {"pk", "sk"} <= set(record["Item"])
        for value in record["Item"].values():
            _check_typed(value)
    every = [r["Item"] for r in records if r["Item"]["pk"] == {"S": "TYPES#every"}]
    assert every == [EVERY_TYPE_JSON]
    messages = [r["Item"] for r in records if r["Item"]["pk"]["S"].startswith("MSG#")]
    assert len(messages) == 116 and all(set(m["message"]) == {"S"} for m in messages)


def _valid_line(n: int) -> str:
    return json.dumps({"Item": {"pk": {"S": f"MSG#{n}"}, "sk": {"S": "2026"}, "n": {"N": "1"}}})


@pytest.mark.parametrize(
    "line3, problem",
    [
        ('{"Item": {"pk": {"S": "MSG#x"}, "sk": ', "not JSON"),
        ('{"Item": {"pk": {"S": "MSG#x"}}}', "key attribute 'sk' is missing"),
        ('{"Item": {"pk": {"S": "MSG#x"}, "sk": {"N": "5"}}}', "'sk' is of type N"),
        (
            '{"Item": {"pk": {"S": "a"}, "sk": {"S": "b"}, "message_group_uuid": {"N": "5"}}}',
            "index key attribute 'message_group_uuid' is of type N, the table declares S",
        ),
        ('{"Item": {"pk": {"S": "a"}, "sk": {"S": "b"}, "x": "plain"}}', "not a typed value"),
        ('{"Item": {"pk": {"S": "a"}, "sk": {"S": "b"}, "x": {"N": "ten"}}}', "not a number"),
        ('{"Item": {"pk": {"S": "a"}, "sk": {"S": "b"}, "x": {"B": "%%%"}}}', "not base64"),
        ('{"Item": {"pk": {"S": "a"}, "sk": {"S": "b"}, "x": {"SS": []}}}', "an empty SS"),
        ('{"Item": {"pk": {"S": "a"}, "sk": {"S": "b"}, "x": {"NULL": false}}}', "NULL must"),
        ('{"Item": {"pk": {"S": "a"}, "sk": {"S": ""}}}', "'sk' is empty"),
        ('{"pk": {"S": "a"}, "sk": {"S": "b"}}', 'expected {"Item": {...}}'),
        (
            '{"Item": {"pk": {"S": "a"}, "sk": {"S": "b"}, "x": {"N": "1%s"}}}' % ("0" * 38 + "1"),
            "more than 38 significant digits",
        ),
        (
            '{"Item": {"pk": {"S": "a"}, "sk": {"S": "b"}, "x": {"S": "%s"}}}' % ("a" * 409_600),
            "Item size has exceeded the maximum allowed size",
        ),
        (_valid_line(1), "the same key as line 1"),
    ],
)
def test_a_bad_line_writes_nothing(
    moto_engine, table_name: str, tmp_path: Path, line3: str, problem: str
) -> None:
    schema_load(moto_engine, table_name)
    path = tmp_path / "bad.jsonl"
    path.write_text("\n".join([_valid_line(1), _valid_line(2), line3, _valid_line(4)]) + "\n")
    with pytest.raises(TransferError) as caught:
        import_table(moto_engine, path, table_name=table_name, progress=False)
    message = str(caught.value)
    assert message.startswith(f"{path} line 3: ") and problem in message
    assert "\n" not in message and "nothing was imported" in message
    assert _raw_scan(moto_engine, table_name) == []


def test_numbers_are_imported_as_dynamodb_stores_them(
    moto_engine, table_name: str, tmp_path: Path
) -> None:
    schema_load(moto_engine, table_name)
    path = tmp_path / "numbers.jsonl"
    item = {"pk": {"S": "a"}, "sk": {"S": "b"}, "n": {"N": "00042"}, "e": {"N": "1.5E2"}}
    path.write_text(json.dumps({"Item": {**item, "ns": {"NS": ["0.50", "7"]}}}) + "\n")
    import_table(moto_engine, path, table_name=table_name, progress=False)
    (stored,) = _raw_scan(moto_engine, table_name)
    assert (stored["n"], stored["e"], stored["ns"]) == (
        {"N": "42"},
        {"N": "150"},
        {"NS": ["0.5", "7"]},
    )


def test_every_bad_line_is_counted(moto_engine, table_name: str, tmp_path: Path) -> None:
    schema_load(moto_engine, table_name)
    path = tmp_path / "bad.jsonl"
    path.write_text("\n".join([_valid_line(1), "nope", _valid_line(3), "[]", "{}"]) + "\n")
    with pytest.raises(TransferError, match=r"line 2: not JSON .*\(and 2 more bad lines: 4, 5\)"):
        import_table(moto_engine, path, table_name=table_name, progress=False)


def test_a_deeply_nested_line_is_a_bad_line(moto_engine, table_name: str, tmp_path: Path) -> None:
    # Both ended in a bare RecursionError: in json's parser, and in reading the typed values.
    schema_load(moto_engine, table_name)
    path = tmp_path / "deep.jsonl"
    typed = '{"L": [' * 600 + '{"S": "x"}' + "]}" * 600
    deep_value = '{"Item": {"pk": {"S": "a"}, "sk": {"S": "b"}, "x": ' + typed + "}}"
    path.write_text("\n".join([_valid_line(1), '{"Item": ' + "[" * 100_000, deep_value]) + "\n")
    with pytest.raises(TransferError, match=r"line 2: nested too deeply .* more bad line: 3\)"):
        import_table(moto_engine, path, table_name=table_name, progress=False)


def test_import_into_a_missing_table_says_how_to_create_it(
    moto_engine, tmp_path: Path, table_name: str
) -> None:
    path = tmp_path / "one.jsonl"
    path.write_text(_valid_line(1) + "\n")
    with pytest.raises(TableNotFound, match=f"`workbench ddb schema-load --table {table_name}`"):
        import_table(moto_engine, path, table_name=table_name, progress=False)
    bad = tmp_path / "bad.jsonl"
    bad.write_text("{}\n")
    with pytest.raises(TransferError, match="line 1"):
        import_table(moto_engine, bad, table_name=table_name, create=True, progress=False)
    assert table_name not in list_tables(moto_engine)  # a bad file creates nothing either


@pytest.mark.parametrize("where", ["missing-folder/out.jsonl", "a-file/out.jsonl", "."])
def test_an_unwritable_path_leaves_nothing(
    moto_engine, users, table_name: str, tmp_path: Path, where: str
) -> None:
    seeded = make_seeded(moto_engine, users, table_name)
    (tmp_path / "a-file").write_text("not a folder")
    before = sorted(p.name for p in tmp_path.iterdir())
    with pytest.raises(TransferError, match="cannot (write|export to)"):
        export_table(moto_engine, seeded, tmp_path / where, progress=False)
    assert sorted(p.name for p in tmp_path.iterdir()) == before


def test_a_failed_export_keeps_the_old_file(moto_engine, tmp_path: Path) -> None:
    path = tmp_path / "out.jsonl"
    path.write_text("the previous export\n")
    with pytest.raises(TableNotFound):
        export_table(moto_engine, "no-such-table", path, progress=False)
    assert path.read_text() == "the previous export\n"
    assert [p.name for p in tmp_path.iterdir()] == ["out.jsonl"]  # no temporary file left


def test_progress_off_a_terminal_is_one_final_line(
    moto_engine, users, table_name: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    seeded = make_seeded(moto_engine, users, table_name)
    path = tmp_path / "out.jsonl"
    export_table(moto_engine, seeded, path)
    import_table(moto_engine, path, table_name=seeded, mode="merge")
    err = capsys.readouterr().err.splitlines()
    assert err == [
        f"exported {SEED_ITEMS} items from {seeded!r} to {path}",
        f"imported {SEED_ITEMS} items from {path} into {seeded!r}; "
        f"{SEED_ITEMS} overwritten, 0 kept (merge)",
    ]


# -- the CLI -----------------------------------------------------------------------------


@pytest.fixture
def run(moto_engine):
    """``workbench ...`` in-process; the held ``moto_engine`` keeps moto's state alive."""
    runner = CliRunner()

    def invoke(*args: str, code: int = 0):
        result = runner.invoke(cli, list(args))
        assert result.exit_code == code, result.output
        assert "Traceback" not in result.output
        return result

    return invoke


def test_cli_export_and_import(run, moto_engine, users, table_name: str, tmp_path: Path) -> None:
    seeded = _with_every_type(moto_engine, make_seeded(moto_engine, users, table_name))
    path = tmp_path / "messages.json.gz"
    out = run("ddb", "export", "--engine", "moto", seeded, str(path)).stdout
    assert out == f"exported {SEED_ITEMS + 1} items from {seeded!r} to {path}\n"
    copy = unique_table_name("copy")
    missing = run("ddb", "import", "--engine", "moto", str(path), "--table", copy, code=1)
    assert missing.output.strip().count("\n") == 0
    assert f"`workbench ddb schema-load --table {copy}`" in missing.output
    created = json.loads(
        run(
            "ddb", "import", "--engine", "moto", str(path), "--table", copy, "--create", "--json"
        ).stdout
    )
    assert created == {
        "table": copy,
        "path": str(path),
        "items": SEED_ITEMS + 1,
        "created": True,
        "mode": "refuse",
        "overwritten": 0,
        "kept": 0,
        "deleted": 0,
    }
    assert _raw_scan(moto_engine, copy) == _raw_scan(moto_engine, seeded)


def test_cli_bad_file_and_bad_path(
    run, moto_engine, users, table_name: str, tmp_path: Path
) -> None:
    seeded = make_seeded(moto_engine, users, table_name)
    bad = tmp_path / "bad.jsonl"
    bad.write_text(_valid_line(1) + "\n" + _valid_line(2) + "\n{oops\n")
    copy = unique_table_name("copy")
    schema_load(moto_engine, copy)
    result = run("ddb", "import", "--engine", "moto", str(bad), "--table", copy, code=1)
    assert result.output.startswith(f"Error: {bad} line 3: not JSON")
    assert result.output.count("\n") == 1
    assert _raw_scan(moto_engine, copy) == []
    target = tmp_path / "nowhere" / "out.jsonl"
    result = run("ddb", "export", "--engine", "moto", seeded, str(target), code=1)
    assert result.output.startswith(f"Error: cannot write {str(target)!r}")
    assert result.output.count("\n") == 1
    assert not target.parent.exists()


# -- a table that already holds items (issue 16) -------------------------------------------


def _export_then_change(engine, table: str, tmp_path: Path) -> tuple[Path, dict, int]:
    """Export ``table``, then change one exported item and add one the file lacks; the file,
    its first item and how many items it holds."""
    path = tmp_path / "messages.jsonl"
    export_table(engine, table, path, progress=False)
    lines = path.read_text().splitlines()
    first = json.loads(lines[0])["Item"]
    client = engine.client()
    client.put_item(TableName=table, Item={**first, "message": {"S": "edited since"}})
    client.put_item(TableName=table, Item={"pk": {"S": "OTHER#1"}, "sk": {"S": "x"}})
    return path, first, len(lines)


def test_import_into_a_table_with_items_refuses_and_counts_them(
    engine, seeded: str, tmp_path: Path
) -> None:
    from workbench.engine.overwrite import OverwriteRefused

    path, _, n = _export_then_change(engine, seeded, tmp_path)
    before = _raw_scan(engine, seeded)
    with pytest.raises(OverwriteRefused) as caught:
        import_table(engine, path, table_name=seeded, progress=False)
    assert str(caught.value).startswith(
        f"table {seeded!r} already holds {n + 1} items: {n} would be "
        f"overwritten by the {n} new items (same key), 1 have other keys; nothing was "
        "written. Say how: merge (--merge"
    )
    assert (caught.value.survey.overwritten, caught.value.survey.kept) == (n, 1)
    assert _raw_scan(engine, seeded) == before  # the edit is still there


def test_merge_overwrites_the_same_keys_and_keeps_the_rest(
    engine, seeded: str, tmp_path: Path
) -> None:
    path, first, n = _export_then_change(engine, seeded, tmp_path)
    result = import_table(engine, path, table_name=seeded, progress=False, mode="merge")
    assert (result.items, result.overwritten, result.kept, result.deleted) == (
        n,
        n,
        1,
        0,
    )
    stored = engine.client().get_item(TableName=seeded, Key={"pk": first["pk"], "sk": first["sk"]})
    assert stored["Item"]["message"] == first["message"]  # the file's version again
    assert len(_raw_scan(engine, seeded)) == n + 1  # OTHER#1 kept


def test_replace_leaves_exactly_the_files_items(engine, seeded: str, tmp_path: Path) -> None:
    path, _, n = _export_then_change(engine, seeded, tmp_path)
    result = import_table(engine, path, table_name=seeded, progress=False, mode="replace")
    assert (result.overwritten, result.kept, result.deleted) == (n, 0, 1)
    assert result.summary().endswith(f"; {n} overwritten, 1 deleted (replace)")
    lines = [json.loads(line)["Item"] for line in path.read_text().splitlines()]
    assert len(_raw_scan(engine, seeded)) == len(lines) == n
    assert {i["pk"]["S"] for i in _raw_scan(engine, seeded)} == {i["pk"]["S"] for i in lines}


@pytest.fixture
def on_aws(moto_engine, users, table_name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """A seeded moto table taken for one on AWS, its export (changed since) and contents."""
    from workbench.engine.engines import Engine

    seeded = make_seeded(moto_engine, users, table_name)
    path, _, n = _export_then_change(moto_engine, seeded, tmp_path)
    before = _raw_scan(moto_engine, seeded)
    monkeypatch.setattr(Engine, "is_aws", property(lambda self: True))
    return seeded, path, n, before


def test_on_aws_a_table_with_items_needs_its_name(moto_engine, on_aws) -> None:
    from workbench.engine.overwrite import OverwriteRefused

    seeded, path, n, before = on_aws
    for mode in ("merge", "replace"):
        with pytest.raises(OverwriteRefused, match=f"confirm={seeded!r}"):
            import_table(moto_engine, path, table_name=seeded, progress=False, mode=mode)
    assert _raw_scan(moto_engine, seeded) == before
    done = import_table(
        moto_engine, path, table_name=seeded, progress=False, mode="merge", confirm=seeded
    )
    assert done.overwritten == n
    with pytest.raises(WorkbenchError, match="'overwrite' is not one of refuse, merge, replace"):
        import_table(moto_engine, path, table_name=seeded, mode="overwrite")


def test_cli_import_into_a_table_with_items(
    run, moto_engine, users, table_name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from workbench.cli import common

    seeded = make_seeded(moto_engine, users, table_name)
    path, _, n = _export_then_change(moto_engine, seeded, tmp_path)
    before = _raw_scan(moto_engine, seeded)
    base = ("ddb", "import", "--engine", "moto", str(path), "--table", seeded)
    refused = run(*base, code=1)
    assert refused.output.count("\n") == 1 and refused.output.startswith("Error: table ")
    assert f"{n} would be overwritten" in refused.output and "--merge" in refused.output
    both = run(*base, "--merge", "--replace", code=2)
    assert "--merge and --replace exclude each other" in both.output
    assert _raw_scan(moto_engine, seeded) == before
    merged = run(*base, "--merge").stdout
    assert merged.endswith(f"; {n} overwritten, 1 kept (merge)\n")
    # On a terminal it asks, naming the counts first; abort (the default) writes nothing.
    monkeypatch.setattr(common, "stdin_is_terminal", lambda: True)
    asked = CliRunner().invoke(cli, list(base), input="\n")
    assert asked.exit_code == 1 and f"{n} would be overwritten" in asked.output
    replaced = CliRunner().invoke(cli, list(base), input="replace\n")
    assert replaced.exit_code == 0, replaced.output
    assert replaced.output.endswith(f"; {n} overwritten, 1 deleted (replace)\n")
    assert len(_raw_scan(moto_engine, seeded)) == n


def test_cli_import_on_aws_asks_for_the_table_name(moto_engine, on_aws) -> None:
    seeded, path, _, before = on_aws
    base = ["ddb", "import", "--engine", "moto", str(path), "--table", seeded, "--merge"]
    wrong = CliRunner().invoke(cli, base, input="yes\n")
    assert wrong.exit_code == 1 and "type the table name" in wrong.output
    assert f"'yes' is not {seeded!r}: nothing was written" in wrong.output
    assert "Traceback" not in wrong.output and _raw_scan(moto_engine, seeded) == before
    right = CliRunner().invoke(cli, base, input=f"{seeded}\n")
    assert right.exit_code == 0, right.output
    assert "in the AWS account" in right.output and "1 kept (merge)" in right.output
