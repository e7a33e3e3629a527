"""Shard handling on a scripted stream: rollover order, pagination, expired and trimmed data."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from botocore.exceptions import ClientError

from workbench.cruddur.stream import StreamRunner
from workbench.errors import StreamError


def rec(n: int) -> dict[str, Any]:
    return {
        "eventID": str(n),
        "eventName": "INSERT",
        "dynamodb": {"Keys": {"pk": {"S": f"X#{n}"}}, "SequenceNumber": f"{n:021d}"},
    }


def error(code: str) -> ClientError:
    return ClientError({"Error": {"Code": code, "Message": code}}, "Streams")


class FakeStreams:
    """A stream with a closed parent shard (records 1-3) and its open child (4-5).

    DescribeStream lists the child first, on a page of its own, so the runner must paginate
    and still read the parent first.
    """

    def __init__(self) -> None:
        self.shards: dict[str, dict[str, Any]] = {
            "parent": {"records": [rec(1), rec(2), rec(3)], "closed": True, "parent": None},
            "child": {"records": [rec(4), rec(5)], "closed": False, "parent": "parent"},
        }
        self.describe_calls: list[dict] = []
        self.expire: set[str] = set()
        self.trimmed_before = 0  # AFTER_SEQUENCE_NUMBER below this is trimmed
        self.misfit = ""  # the error code for an AFTER_SEQUENCE_NUMBER past a shard's end

    def describe_stream(self, **kwargs: Any) -> dict:
        self.describe_calls.append(kwargs)
        order = ["child", "parent"]
        page = order[1:] if kwargs.get("ExclusiveStartShardId") == "child" else order[:1]
        shards = []
        for shard_id in page:
            shard = self.shards[shard_id]
            numbers = {"StartingSequenceNumber": shard["records"][0]["dynamodb"]["SequenceNumber"]}
            if shard["closed"]:
                numbers["EndingSequenceNumber"] = shard["records"][-1]["dynamodb"]["SequenceNumber"]
            info = {"ShardId": shard_id, "SequenceNumberRange": numbers}
            if shard["parent"]:
                info["ParentShardId"] = shard["parent"]
            shards.append(info)
        description: dict[str, Any] = {"Shards": shards}
        if page == ["child"]:
            description["LastEvaluatedShardId"] = "child"
        return {"StreamDescription": description}

    def get_shard_iterator(self, **kwargs: Any) -> dict:
        records = self.shards[kwargs["ShardId"]]["records"]
        kind = kwargs["ShardIteratorType"]
        if kind == "TRIM_HORIZON":
            position = 0
        elif kind == "LATEST":
            position = len(records)
        else:
            after = int(kwargs["SequenceNumber"])
            if after < self.trimmed_before:
                raise error("TrimmedDataAccessException")
            if self.misfit and after > int(records[-1]["dynamodb"]["SequenceNumber"]):
                raise error(self.misfit)
            position = sum(1 for r in records if int(r["dynamodb"]["SequenceNumber"]) <= after)
        return {"ShardIterator": f"{kwargs['ShardId']}:{position}"}

    def get_records(self, ShardIterator: str, Limit: int) -> dict:
        if ShardIterator in self.expire:
            self.expire.discard(ShardIterator)
            raise error("ExpiredIteratorException")
        shard_id, position = ShardIterator.split(":")
        shard = self.shards[shard_id]
        records = shard["records"][int(position) : int(position) + Limit]
        after = int(position) + len(records)
        response: dict[str, Any] = {"Records": records}
        if not (shard["closed"] and after >= len(shard["records"])):
            response["NextShardIterator"] = f"{shard_id}:{after}"
        return response


class FakeEngine:
    name = "fake"
    is_aws = False
    endpoint_url = "http://fake.invalid"
    region = "us-east-1"

    def __init__(self, streams: FakeStreams) -> None:
        self.streams = streams
        self.arn = "arn:fake/stream/1"

    def client(self, service: str) -> Any:
        return self.streams if service == "dynamodbstreams" else self

    def describe_table(self, TableName: str) -> dict:
        spec = {"StreamEnabled": True, "StreamViewType": "NEW_IMAGE"}
        return {"Table": {"LatestStreamArn": self.arn, "StreamSpecification": spec}}

    def describe(self) -> str:
        return "fake"


class Recorder:
    def __init__(self) -> None:
        self.seen: list[int] = []

    def __call__(self, event: dict, context: Any) -> None:
        self.seen.extend(int(r["eventID"]) for r in event["Records"])


@pytest.fixture
def streams() -> FakeStreams:
    return FakeStreams()


def runner(streams: FakeStreams, path: Path, handler: Recorder, **kwargs: Any) -> StreamRunner:
    return StreamRunner(FakeEngine(streams), "t", handler=handler, checkpoint_path=path, **kwargs)


def test_parents_are_read_before_children_across_pages(streams, tmp_path: Path) -> None:
    seen = Recorder()
    stats = runner(streams, tmp_path / "cp.json", seen, batch_size=2).run_once()
    assert seen.seen == [1, 2, 3, 4, 5] and stats.records == 5
    assert any(c.get("ExclusiveStartShardId") == "child" for c in streams.describe_calls)
    saved = json.loads((tmp_path / "cp.json").read_text())
    assert saved["finished"] == ["parent"] and saved["shards"]["child"] == f"{5:021d}"


def test_a_restart_reads_only_new_records_of_open_shards(streams, tmp_path: Path) -> None:
    seen = Recorder()
    runner(streams, tmp_path / "cp.json", seen).run_once()
    streams.shards["child"]["records"].append(rec(6))
    again = runner(streams, tmp_path / "cp.json", seen)
    assert again.run_once().records == 1
    assert seen.seen == [1, 2, 3, 4, 5, 6]


def test_an_expired_iterator_is_replaced_from_the_checkpoint(streams, tmp_path: Path) -> None:
    seen = Recorder()
    live = runner(streams, tmp_path / "cp.json", seen)
    live.run_once()
    streams.shards["child"]["records"].append(rec(6))
    streams.expire.add("child:5")  # the iterator the runner kept
    assert live.run_once().records == 1
    assert seen.seen == [1, 2, 3, 4, 5, 6]


def test_trimmed_data_resumes_at_the_oldest_record_left(streams, tmp_path: Path) -> None:
    checkpoint = tmp_path / "cp.json"
    checkpoint.write_text(
        json.dumps(
            {
                "stream_arn": "arn:fake/stream/1",
                "shards": {"child": f"{4:021d}"},
                "finished": ["parent"],
            }
        )
    )
    streams.trimmed_before = 10
    seen = Recorder()
    runner(streams, checkpoint, seen).run_once()
    assert seen.seen == [4, 5]


def test_latest_skips_closed_shards_and_what_open_ones_hold(streams, tmp_path: Path) -> None:
    seen = Recorder()
    latest = runner(streams, tmp_path / "cp.json", seen, starting_position="LATEST")
    assert latest.run_once().records == 0
    streams.shards["child"]["records"].append(rec(6))
    latest.run_once()
    assert seen.seen == [6]


def test_a_new_child_shard_is_read_from_its_start(streams, tmp_path: Path) -> None:
    seen = Recorder()
    live = runner(streams, tmp_path / "cp.json", seen, starting_position="LATEST")
    live.run_once()
    # The child closes (its last record 6 arrives) and a grandchild appears after the start.
    streams.shards["child"]["records"].append(rec(6))
    streams.shards["child"]["closed"] = True
    streams.shards["grandchild"] = {"records": [rec(7)], "closed": False, "parent": "child"}
    original = streams.describe_stream

    def with_grandchild(**kwargs: Any) -> dict:
        response = original(**kwargs)
        if "LastEvaluatedShardId" not in response["StreamDescription"]:
            info = {
                "ShardId": "grandchild",
                "ParentShardId": "child",
                "SequenceNumberRange": {"StartingSequenceNumber": f"{7:021d}"},
            }
            response["StreamDescription"]["Shards"].append(info)
        return response

    streams.describe_stream = with_grandchild  # type: ignore[method-assign]
    live.run_once()
    assert seen.seen == [6, 7]


@pytest.mark.parametrize("code", ["ValidationException", "InternalFailure"])
def test_a_checkpoint_past_the_end_of_its_shard_says_what_to_do(
    streams, tmp_path: Path, code: str
) -> None:
    checkpoint = tmp_path / "cp.json"
    checkpoint.write_text(
        json.dumps(
            {
                "stream_arn": "arn:fake/stream/1",
                "shards": {"child": f"{99:021d}"},
                "finished": ["parent"],
            }
        )
    )
    streams.misfit = code
    with pytest.raises(StreamError) as info:
        runner(streams, checkpoint, Recorder()).run_once()
    assert str(info.value) == (
        f"checkpoint {checkpoint} does not fit the stream: shard child holds no sequence number "
        f"{99:021d} (past its end?; {code}): delete it (the next run starts at --from) or pass "
        "another --checkpoint"
    )
    assert info.value.error_code == code  # the boto error is kept as the cause


@pytest.mark.parametrize("code", ["InternalFailure", "InternalServerError"])
def test_on_aws_a_server_error_is_polled_again_not_a_bad_checkpoint(
    streams, tmp_path: Path, code: str
) -> None:
    # moto answers a checkpoint past a shard's end with a 5xx; DynamoDB answers
    # ValidationException. On AWS a 5xx is a passing failure: polled again, checkpoint kept.
    from workbench.cruddur.stream.source import PollError

    checkpoint = tmp_path / "cp.json"
    saved = {"stream_arn": "arn:fake/stream/1", "shards": {"child": f"{4:021d}"}}
    checkpoint.write_text(json.dumps({**saved, "finished": ["parent"]}))
    real, failures = streams.get_shard_iterator, iter([error(code)])

    def get_shard_iterator(**kwargs: Any) -> dict:
        failure = next(failures, None)
        if failure is not None:
            raise failure
        return real(**kwargs)

    streams.get_shard_iterator = get_shard_iterator  # type: ignore[method-assign]
    engine = FakeEngine(streams)
    engine.is_aws = True  # type: ignore[misc]
    seen = Recorder()
    live = StreamRunner(engine, "t", handler=seen, checkpoint_path=checkpoint)
    with pytest.raises(PollError) as info:
        live.run_once()
    assert "does not fit" not in str(info.value) and code in str(info.value)
    assert json.loads(checkpoint.read_text())["shards"] == saved["shards"]
    live.run_once()  # the next poll goes on from the checkpoint
    assert seen.seen == [5]


def test_a_stream_replaced_under_the_reader_is_followed_from_its_start(
    streams, tmp_path: Path
) -> None:
    seen = Recorder()
    engine = FakeEngine(streams)
    notices: list[str] = []
    live = StreamRunner(
        engine, "t", handler=seen, checkpoint_path=tmp_path / "cp.json", on_notice=notices.append
    )
    live.run_once()
    # The table is recreated: a new stream ARN; the old shards answer ResourceNotFound.
    engine.arn = "arn:fake/stream/2"
    streams.shards = {"fresh": {"records": [rec(1), rec(2)], "closed": False, "parent": None}}
    old_get = streams.get_records

    def gone_for_old(ShardIterator: str, Limit: int) -> dict:
        if not ShardIterator.startswith("fresh:"):
            raise error("ResourceNotFoundException")
        return old_get(ShardIterator=ShardIterator, Limit=Limit)

    def fresh_only(**kwargs: Any) -> dict:
        start = {"StartingSequenceNumber": f"{1:021d}"}
        info = {"ShardId": "fresh", "SequenceNumberRange": start}
        return {"StreamDescription": {"Shards": [info]}}

    streams.get_records = gone_for_old  # type: ignore[method-assign]
    streams.describe_stream = fresh_only  # type: ignore[method-assign]
    live.run_once()
    assert seen.seen == [1, 2, 3, 4, 5, 1, 2]
    assert notices == [
        "the stream of 't' changed (recreated?): following arn:fake/stream/2 from trim-horizon"
    ]
    saved = json.loads((tmp_path / "cp.json").read_text())
    assert saved["stream_arn"] == "arn:fake/stream/2" and saved["shards"] == {"fresh": f"{2:021d}"}


def test_a_throttled_describe_table_is_polled_again_not_fatal(streams, tmp_path: Path) -> None:
    # The runner checks the table's stream every few seconds: one throttle (or a 5xx) there
    # must not end delivery for good, as a missing stream or a bad checkpoint does.
    from workbench.cruddur.stream.source import Checkpoint, PollError, StreamSource

    engine = FakeEngine(streams)
    source = StreamSource(engine, "t", "TRIM_HORIZON", Checkpoint(tmp_path / "cp.json"))
    failures = iter([error("ThrottlingException")])

    def describe_table(TableName: str) -> dict:
        failure = next(failures, None)
        if failure is not None:
            raise failure
        return FakeEngine.describe_table(engine, TableName)

    engine.describe_table = describe_table  # type: ignore[method-assign]
    with pytest.raises(PollError, match="ThrottlingException"):
        source.latest_stream_arn()
    assert source.latest_stream_arn() == "arn:fake/stream/1"  # the next poll goes on
