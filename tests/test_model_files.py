"""Model files: the documented example loads, every mistake is named, the builder's requests."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from helpers import billion_laughs

from workbench.cli import cli
from workbench.design.modelfile import load_model, run_pattern
from workbench.engine.tables import schema_load
from workbench.errors import InputLimitError, ModelError
from workbench.model import CRUDDUR, safeload
from workbench.model.files import model_from_document, schema_problems
from workbench.model.problems import ModelProblems
from workbench.model.safeload import MAX_BYTES, MAX_DEPTH, MAX_NODES

ROOT = Path(__file__).resolve().parent.parent


def shop_document() -> dict:
    """The complete example of docs/model-files.md (the doc is the fixture, so it stays true)."""
    text = (ROOT / "docs" / "model-files.md").read_text(encoding="utf-8")
    block = re.search(r"## A complete example.*?```yaml\n(.*?)```", text, re.DOTALL)
    assert block, "docs/model-files.md lost its example"
    return yaml.safe_load(block.group(1))


@pytest.fixture
def shop():
    return model_from_document(shop_document())


@pytest.fixture
def shop_file(tmp_path: Path) -> Path:
    path = tmp_path / "shop.yaml"
    path.write_text(yaml.safe_dump(shop_document(), sort_keys=False), encoding="utf-8")
    return path


def test_the_documented_shop_example_loads(shop) -> None:
    assert [e.name for e in shop.entities] == ["Customer", "Order", "OrderItem", "Shipment"]
    assert len(shop.patterns) == 11
    request = shop.table.create_table_request()
    assert request["LocalSecondaryIndexes"] == [
        {
            "IndexName": "shipments-by-date",
            "KeySchema": [
                {"AttributeName": "pk", "KeyType": "HASH"},
                {"AttributeName": "shipped_at", "KeyType": "RANGE"},
            ],
            "Projection": {
                "ProjectionType": "INCLUDE",
                "NonKeyAttributes": ["carrier", "tracking_number"],
            },
        }
    ]
    assert request["StreamSpecification"]["StreamViewType"] == "NEW_AND_OLD_IMAGES"
    # Order, OrderItem and Shipment share a partition: single-table design, not a mistake.
    assert {e.keys["pk"].template for e in shop.entities[1:]} == {"ORDER#{order_id}"}
    paths = [path for path, _ in shop.warnings]
    assert "patterns.big-orders" in paths  # a Scan
    assert "patterns.big-orders.filter" in paths  # keeps 5%
    assert not any(p.startswith("patterns.order-with-details") for p in paths)


BROKEN = """
format: 1
table:
  name: broken-shop
  partition_key: {name: pk, type: S}
  sort_key: {name: sk, type: N}
  global_indexes:
    - name: by-email
      partition_key: {name: email_key, type: S}
  local_indexes:
    - name: by-total
      sort_key: {name: order_total, type: N}
entities:
  Order:
    keys: {pk: "ORDER#{order_id}", sk: "{order_date}"}
    attributes:
      order_id: {type: S}
      order_total: {type: N}
    samples:
      - {order_id: o-1, order_total: lots}
  Refund:
    keys: {pk: "ORDER#{order_id}", sk: "{refund_date}"}
    attributes:
      order_id: {type: S}
      refund_date: {type: N, stored: false}
patterns:
  - name: by-total
    operation: Query
    index: by-email
    partition_key: "EMAIL#{email}"
    sort_key: {op: "=", value: "{total}"}
    returns: [Order]
  - name: prefix-on-number
    operation: Query
    partition_key: "ORDER#{order_id}"
    sort_key: {op: begins_with, value: "2026"}
    returns: [Order]
  - name: non-key
    operation: Query
    partition_key: {attribute: order_total, value: "{total}"}
    returns: [Order]
"""


def test_every_kind_of_mistake_is_named_at_once_with_its_path(tmp_path: Path) -> None:
    path = tmp_path / "broken.yaml"
    path.write_text(BROKEN, encoding="utf-8")
    with pytest.raises(ModelProblems) as caught:
        load_model(path)
    problems = dict(caught.value.problems)
    message = str(caught.value)
    # a template naming an undeclared attribute
    assert (
        "template names 'order_date', which Order does not declare"
        in problems["entities.Order.keys.sk"]
    )
    # a sample that contradicts its declared type
    assert (
        "'lots' is not a number (declared N)" in problems["entities.Order.samples[0].order_total"]
    )
    # a GSI key no entity carries
    assert "carried by no entity" in problems["table.global_indexes.by-email"]
    # two entities whose whole keys cannot tell their items apart
    assert "cannot be told apart from Order's" in problems["entities.Refund.keys"]
    # Queries their index cannot serve
    assert "index 'by-email', which has no sort key" in problems["patterns.by-total.sort_key"]
    assert "begins_with on 'sk', a number (N) key" in problems["patterns.prefix-on-number.sort_key"]
    assert "not the partition key of the table" in problems["patterns.non-key.partition_key"]
    assert message.startswith("model file 'broken.yaml': ")
    assert len(caught.value.problems) >= 7


def test_a_type_attribute_tells_entities_apart() -> None:
    document = yaml.safe_load(BROKEN)
    document["patterns"] = []
    del document["table"]["global_indexes"]
    del document["entities"]["Order"]["samples"]
    document["entities"]["Order"]["attributes"]["order_date"] = {"type": "N", "stored": False}
    with pytest.raises(ModelError, match="cannot be told apart"):
        model_from_document(document)
    document["entities"]["Order"]["type_attribute"] = {"name": "kind", "value": "Order"}
    document["entities"]["Refund"]["type_attribute"] = {"name": "kind", "value": "Refund"}
    model = model_from_document(document)
    item = model.entity("Refund").item(order_id="o-1", refund_date=3)
    assert item == {"pk": "ORDER#o-1", "sk": 3, "kind": "Refund", "order_id": "o-1"}
    assert model.entity_for(item).name == "Refund"


def test_schema_problems_name_their_paths() -> None:
    document = shop_document()
    document["patterns"][2]["direction"] = "sideways"
    document["table"]["billing"] = {"mode": "FREE"}
    paths = [path for path, _ in schema_problems(document)]
    assert paths == ["patterns.customer-orders.direction", "table.billing.mode"]
    with pytest.raises(ModelProblems, match="patterns.customer-orders.direction: 'sideways'"):
        model_from_document(document)


def test_a_key_given_twice_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "twice.yaml"
    path.write_text("format: 1\nformat: 1\n", encoding="utf-8")
    with pytest.raises(ModelError, match="line 2: key 'format' is given twice"):
        load_model(path)


def test_cruddur_file_and_python_model_are_equal() -> None:
    loaded = load_model(ROOT / "models" / "cruddur.yaml")
    assert loaded == CRUDDUR
    a = loaded.pattern("A").dry_run("t-x", message_group_uuid="g-1", limit=20)
    assert a == CRUDDUR.pattern("A").dry_run("t-x", message_group_uuid="g-1")
    flat = {
        "message_group_uuid": "g",
        "created_at": "2026",
        "message_uuid": "m",
        "message": "hi",
    }
    sender = {"uuid": "u-a", "display_name": "A", "handle": "a"}
    receiver = {"uuid": "u-b", "display_name": "B", "handle": "b"}
    d = loaded.pattern("D").dry_run(
        "t-x",
        **flat,
        **{f"sender_{k}": v for k, v in sender.items()},
        **{f"receiver_{k}": v for k, v in receiver.items()},
    )
    assert d == CRUDDUR.pattern("D").dry_run("t-x", **flat, sender=sender, receiver=receiver)


@pytest.mark.parametrize(
    "name,params,expected",
    [
        (
            "get-customer",
            {"customer_id": "c-1"},
            {
                "TableName": "shop",
                "Key": {"pk": {"S": "CUST#c-1"}, "sk": {"S": "PROFILE"}},
                "ReturnConsumedCapacity": "TOTAL",
            },
        ),
        (
            "customer-orders",
            {"customer_id": "c-1"},
            {
                "TableName": "shop",
                "IndexName": "gsi1",
                "KeyConditionExpression": "gsi1pk = :gsi1pk AND begins_with(gsi1sk, :gsi1sk)",
                "ExpressionAttributeValues": {
                    ":gsi1pk": {"S": "CUST#c-1"},
                    ":gsi1sk": {"S": "ORDER#"},
                },
                "ScanIndexForward": False,
                "Limit": 10,
                "ReturnConsumedCapacity": "TOTAL",
            },
        ),
        (
            "customer-orders-between",
            {"customer_id": "c-1", "start": "2026-01", "end": "2026-02"},
            {
                "TableName": "shop",
                "IndexName": "gsi1",
                "KeyConditionExpression": "gsi1pk = :gsi1pk AND gsi1sk BETWEEN :gsi1sk_low "
                "AND :gsi1sk_high",
                "ExpressionAttributeValues": {
                    ":gsi1pk": {"S": "CUST#c-1"},
                    ":gsi1sk_low": {"S": "ORDER#2026-01"},
                    ":gsi1sk_high": {"S": "ORDER#2026-02"},
                },
                "ScanIndexForward": True,
                "ReturnConsumedCapacity": "TOTAL",
            },
        ),
        (
            "order-with-details",
            {"order_id": "o-1"},
            {
                "TableName": "shop",
                "KeyConditionExpression": "pk = :pk",
                "ExpressionAttributeValues": {":pk": {"S": "ORDER#o-1"}},
                "ScanIndexForward": True,
                "ConsistentRead": True,
                "ReturnConsumedCapacity": "TOTAL",
            },
        ),
        (
            "shipments-since",
            {"order_id": "o-1", "since": "2026-03"},
            {
                "TableName": "shop",
                "IndexName": "shipments-by-date",
                "KeyConditionExpression": "pk = :pk AND shipped_at >= :shipped_at",
                "ExpressionAttributeValues": {
                    ":pk": {"S": "ORDER#o-1"},
                    ":shipped_at": {"S": "2026-03"},
                },
                "ScanIndexForward": True,
                "ProjectionExpression": "shipped_at, carrier",
                "ReturnConsumedCapacity": "TOTAL",
            },
        ),
        (
            "set-order-status",
            {"order_id": "o-1", "status": "paid"},
            {
                "TableName": "shop",
                "Key": {"pk": {"S": "ORDER#o-1"}, "sk": {"S": "ORDER"}},
                "UpdateExpression": "SET #status = :status",
                "ConditionExpression": "attribute_exists(pk)",
                "ExpressionAttributeNames": {"#status": "status"},
                "ExpressionAttributeValues": {":status": {"S": "paid"}},
                "ReturnConsumedCapacity": "TOTAL",
            },
        ),
        (
            "delete-shipment",
            {"order_id": "o-1", "shipment_id": "s-1"},
            {
                "TableName": "shop",
                "Key": {"pk": {"S": "ORDER#o-1"}, "sk": {"S": "SHIP#s-1"}},
                "ReturnConsumedCapacity": "TOTAL",
            },
        ),
        (
            "get-orders",
            {"order_id": ["o-1", "o-2"]},
            {
                "RequestItems": {
                    "shop": {
                        "Keys": [
                            {"pk": {"S": "ORDER#o-1"}, "sk": {"S": "ORDER"}},
                            {"pk": {"S": "ORDER#o-2"}, "sk": {"S": "ORDER"}},
                        ]
                    }
                },
                "ReturnConsumedCapacity": "TOTAL",
            },
        ),
        (
            "big-orders",
            {"min_total": "100"},
            {
                "TableName": "shop",
                "FilterExpression": "entity_type = :type AND order_total > :min",
                "ExpressionAttributeValues": {":type": {"S": "Order"}, ":min": {"S": "100"}},
                "ReturnConsumedCapacity": "TOTAL",
            },
        ),
    ],
)
def test_the_builder_gives_the_exact_request(shop, name: str, params: dict, expected: dict) -> None:
    request = shop.builder.build(name, **params)
    assert request.params == expected
    assert request == shop.pattern(name).dry_run("shop", **params)


@pytest.mark.parametrize(
    "op,expression", [("<", "sk < :sk"), ("<=", "sk <= :sk"), (">", "sk > :sk")]
)
def test_comparison_operators(shop, op: str, expression: str) -> None:
    document = shop_document()
    document["patterns"][4]["sort_key"] = {"op": op, "value": "ITEM#{line}"}
    model = model_from_document(document)
    request = model.builder.build("order-with-details", order_id="o-1", line="3")
    assert request.params["KeyConditionExpression"] == f"pk = :pk AND {expression}"
    assert request.params["ExpressionAttributeValues"][":sk"] == {"S": "ITEM#3"}


def test_put_and_transaction_requests(shop) -> None:
    order = {
        "order_id": "o-1",
        "customer_id": "c-1",
        "order_date": "2026-01-02",
        "status": "placed",
        "order_total": "42",
    }
    request = shop.builder.build("place-order", **order, product="pen", quantity="2", price="1.5")
    put_order, put_line = (action["Put"] for action in request.params["TransactItems"])
    assert put_order["Item"] == {
        "pk": {"S": "ORDER#o-1"},
        "sk": {"S": "ORDER"},
        "gsi1pk": {"S": "CUST#c-1"},
        "gsi1sk": {"S": "ORDER#2026-01-02"},
        "entity_type": {"S": "Order"},
        "order_id": {"S": "o-1"},
        "customer_id": {"S": "c-1"},
        "order_date": {"S": "2026-01-02"},
        "status": {"S": "placed"},
        "order_total": {"N": "42"},  # text for an N attribute becomes a number
    }
    assert put_order["ConditionExpression"] == "attribute_not_exists(pk)"
    assert put_line["Item"]["sk"] == {"S": "ITEM#1"} and put_line["Item"]["price"] == {"N": "1.5"}
    with pytest.raises(ModelError, match="unknown: \\['colour'\\]"):
        shop.builder.build("get-customer", customer_id="c-1", colour="red")


def test_run_patterns_on_moto(moto_engine, shop, shop_file: Path) -> None:
    schema_load(moto_engine, "shop", model=shop)
    customer = {
        "customer_id": "c-1",
        "email": "ada@example.com",
        "name": "Ada",
        "created_at": "2026-01-01",
    }
    table = shop.table
    from workbench.engine.dynamo import send
    from workbench.model.requests import Request, put

    send(moto_engine, Request("PutItem", put(table.name, shop.entity("Customer").item(**customer))))
    result = run_pattern(moto_engine, shop, "get-customer", {"customer_id": "c-1"})
    assert result["items"][0]["email"] == "ada@example.com"
    assert result["consumed_capacity"] == 0.5
    by_email = run_pattern(moto_engine, shop, "customer-by-email", {"email": "ada@example.com"})
    assert [i["customer_id"] for i in by_email["items"]] == ["c-1"]

    runner = CliRunner()
    checked = runner.invoke(cli, ["model", "check", str(shop_file)])
    assert checked.exit_code == 0, checked.output
    assert checked.output.startswith("ok: 4 entities, 11 patterns\n")
    assert "warning: patterns.big-orders: needs a Scan" in checked.output
    dry = runner.invoke(
        cli,
        ["model", "run", str(shop_file), "get-customer", "--param", "customer_id=c-9", "--dry-run"],
    )
    assert dry.exit_code == 0 and "'CUST#c-9'" in dry.output


def test_cli_check_refuses_with_every_problem(tmp_path: Path) -> None:
    path = tmp_path / "broken.yaml"
    path.write_text(BROKEN, encoding="utf-8")
    result = CliRunner().invoke(cli, ["model", "check", str(path)])
    assert result.exit_code == 1
    assert "entities.Order.keys.sk: template names 'order_date'" in result.output
    assert "patterns.non-key.partition_key" in result.output
    assert "Traceback" not in result.output
    bad = CliRunner().invoke(cli, ["model", "run", str(path), "--dry-run"])
    assert bad.exit_code == 1
    missing = CliRunner().invoke(cli, ["model", "check", str(tmp_path / "nope.yaml")])
    assert missing.exit_code == 1 and "cannot read model file" in missing.output


def test_an_update_moves_the_index_keys_built_from_what_it_sets() -> None:
    # Orders by status: an index keyed on STATUS#{status}. Setting the status must move the
    # item there too, or it stays listed under its old status.
    document = shop_document()
    document["table"]["global_indexes"].append(
        {
            "name": "by-status",
            "partition_key": {"name": "gsi2pk", "type": "S"},
            "sort_key": {"name": "gsi2sk", "type": "S"},
            "projection": "KEYS_ONLY",
        }
    )
    order = document["entities"]["Order"]
    order["keys"]["gsi2pk"] = "STATUS#{status}"
    order["keys"]["gsi2sk"] = "{order_date}"
    model = model_from_document(document)
    request = model.builder.build("set-order-status", order_id="o-1", status="paid")
    assert request.params["UpdateExpression"] == "SET #status = :status, gsi2pk = :gsi2pk"
    assert request.params["ExpressionAttributeValues"][":gsi2pk"] == {"S": "STATUS#paid"}
    # An index key that also needs a field the update does not know cannot be rebuilt.
    order["keys"]["gsi2pk"] = "STATUS#{status}#{customer_id}"
    broken = model_from_document(document)
    with pytest.raises(ModelError, match=r"\['customer_id'\] is not given"):
        broken.builder.build("set-order-status", order_id="o-1", status="paid")


def test_a_between_over_one_prefix_reads_only_what_starts_with_it() -> None:
    # Every key between ITEM#{low} and ITEM#{high} starts with ITEM#: the order's other items
    # (the order itself, its shipments) are not read, so there is nothing to warn about...
    document = shop_document()
    document["patterns"].append(
        {
            "name": "order-lines-between",
            "operation": "Query",
            "partition_key": "ORDER#{order_id}",
            "sort_key": {"op": "between", "value": ["ITEM#{low}", "ITEM#{high}"]},
            "returns": ["OrderItem"],
        }
    )
    assert not [w for w in model_from_document(document).warnings if "lines-between" in w[0]]
    # ...while bounds with no literal text in common read the whole item collection.
    document["patterns"][-1]["sort_key"]["value"] = ["A{low}", "Z{high}"]
    warnings = model_from_document(document).warnings
    assert any("order-lines-between" in path and "Order" in text for path, text in warnings)


# -- hostile files: refused at once, naming the file and the limit (issue 16, part 5) -------


@pytest.mark.parametrize(
    "name, content, limit",
    [
        (
            "laughs.yaml",
            billion_laughs(9),
            "aliases expand to more than 1,000,000 values (MAX_NODES)",
        ),
        ("self.yaml", "a: &a [1, *a]\n", "alias *a is used inside its own anchor"),
        ("deep.yaml", "a: " + "[" * 100_000, "nests deeper than 100 levels (MAX_DEPTH)"),
        ("deep.json", "[" * 100_000, "nests deeper than 100 levels (MAX_DEPTH)"),
        ("nosql.json", '{"ModelName": ' + "[" * 100_000, "nests deeper than 100 levels"),
        (
            "alias-deep.yaml",
            "a: &a " + "[" * 60 + "]" * 60 + "\nb: " + "[" * 60 + "*a" + "]" * 60,
            "alias *a nests deeper than 100 levels",
        ),
        ("big.yaml", "# padding\n" * 500_000, "larger than 4,194,304 bytes (MAX_BYTES)"),
    ],
)
def test_a_hostile_model_file_is_refused_naming_the_limit(
    tmp_path: Path, name: str, content: str, limit: str
) -> None:
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    source = re.escape(f"model file {str(path)!r} is refused: ")
    with pytest.raises(InputLimitError, match=source) as caught:
        load_model(path)
    assert limit in str(caught.value)


def test_the_limits_are_the_documented_ones(tmp_path: Path) -> None:
    docs = (ROOT / "docs" / "model-files.md").read_text(encoding="utf-8")
    for stated in (f"{MAX_BYTES // 2**20} MiB", f"{MAX_NODES:,} values", f"{MAX_DEPTH} levels"):
        assert stated in docs
    # At the limit it loads; one past it is refused.
    assert len(safeload.parse_yaml(billion_laughs(6), "x")["description"]) == 6  # 9**6 = 531,441
    with pytest.raises(InputLimitError):
        safeload.parse_yaml(billion_laughs(7), "x")  # 4.8 million
    nested = "[" * (MAX_DEPTH - 1) + "]" * (MAX_DEPTH - 1)
    assert safeload.parse_json(f'{{"a": {nested}}}', "x")
    assert safeload.parse_yaml(f"a: {nested}", "x")
    with pytest.raises(InputLimitError):
        safeload.parse_json(f'{{"a": [{nested}]}}', "x")
    with pytest.raises(InputLimitError):
        safeload.parse_yaml(f"a: [{nested}]", "x")
    with pytest.raises(InputLimitError, match="holds more than 1,000,000 values"):
        safeload.parse_json("[" + "0," * MAX_NODES + "0]", "x")
    # A few aliases, as a hand-written model may use, are fine.
    assert safeload.parse_yaml("x: &x {type: S}\ny: *x\nz: *x\n", "x")["z"] == {"type": "S"}


def test_a_hostile_traffic_profile_and_sample_section_are_refused(tmp_path: Path) -> None:
    from workbench.design.cost import load_traffic
    from workbench.design.interop.nosql.importer import read_json
    from workbench.design.sampledata import read_spec

    bomb = tmp_path / "shop.traffic.yaml"
    bomb.write_text(billion_laughs(9), encoding="utf-8")
    with pytest.raises(InputLimitError, match="traffic profile .*shop.traffic.yaml' is refused"):
        load_traffic(bomb)
    with pytest.raises(InputLimitError, match="MAX_NODES"):
        read_spec(bomb)
    deep = tmp_path / "deep.json"
    deep.write_text('{"DataModel": ' + "[" * 100_000, encoding="utf-8")
    with pytest.raises(InputLimitError, match="MAX_DEPTH"):
        read_json(deep)


@pytest.mark.parametrize("path", sorted((ROOT / "models").iterdir()), ids=lambda p: p.name)
def test_every_example_file_reads_the_same_within_the_limits(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    assert safeload.load_yaml(path, path.name, unique_keys=True) == yaml.safe_load(text)
    if path.suffix == ".json":
        assert safeload.parse_json(text, path.name) == yaml.safe_load(text)


def test_jsonschema_is_imported_without_the_iri_grammars() -> None:
    """``import_jsonschema`` keeps ``rfc3987_syntax`` (4 s of grammars) out of jsonschema's
    import, schema problems are still found, and the module can still be imported after."""
    import subprocess
    import sys

    script = (
        "import sys\n"
        "from workbench.model.files import import_jsonschema, schema_problems\n"
        "import_jsonschema()\n"
        "assert 'jsonschema' in sys.modules\n"
        "assert 'rfc3987_syntax' not in sys.modules, 'the grammars were compiled'\n"
        "print(schema_problems({'format': 1})[0][1])\n"
        "import rfc3987_syntax\n"
        "print(rfc3987_syntax.is_valid_syntax('iri', 'http://example.com/x'))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=False, cwd=ROOT
    )
    assert done.returncode == 0, done.stderr
    first, second = done.stdout.splitlines()
    assert "required property" in first or "is not of type" in first
    assert second == "True"
