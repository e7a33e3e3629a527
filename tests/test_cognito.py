"""Cognito sync against moto's cognito-idp: pool set-up, pagination, ids by handle, MOCK."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from workbench.cognito import (
    list_cognito_users,
    pool_id,
    require_cognito_id,
    setup_local_pool,
    update_cognito_user_ids,
    user_for_sub,
)
from workbench.errors import CognitoError, NotFound
from workbench.users import UsersDirectory, open_directory


@pytest.fixture
def directory() -> Iterator[UsersDirectory]:
    with open_directory("sqlite:///:memory:") as directory:
        directory.ensure_seed_users()
        yield directory


def test_setup_local_pool_then_update_ids(moto_engine, directory: UsersDirectory) -> None:
    pool = setup_local_pool(moto_engine, directory)
    assert setup_local_pool(moto_engine, directory) == pool  # reused, users not duplicated
    assert pool_id(moto_engine) == pool
    users = list_cognito_users(moto_engine)
    assert sorted(users) == ["andrewbrown", "bayko", "londo"]
    changed = update_cognito_user_ids(moto_engine, directory)
    assert sorted(changed) == sorted(users.items())
    assert update_cognito_user_ids(moto_engine, directory) == []  # nothing left to change
    londo = directory.get_by_handle("londo")
    assert require_cognito_id(londo) == users["londo"]
    assert user_for_sub(directory, users["londo"]).handle == "londo"


def test_pagination_past_sixty_users(moto_engine, directory: UsersDirectory) -> None:
    for i in range(65):
        directory.add_user(f"User {i}", f"user{i:02d}", f"u{i}@example.com")
    pool = setup_local_pool(moto_engine, directory)
    users = list_cognito_users(moto_engine, pool)
    assert len(users) == 68
    changed = update_cognito_user_ids(moto_engine, directory, pool)
    assert len(changed) == 68
    assert directory.get_by_handle("user64").cognito_user_id == users["user64"]


def test_pool_users_without_a_directory_row_are_skipped(moto_engine,
                                                        directory: UsersDirectory) -> None:
    pool = setup_local_pool(moto_engine, directory)
    moto_engine.client("cognito-idp").admin_create_user(
        UserPoolId=pool, Username="stranger", MessageAction="SUPPRESS",
        UserAttributes=[{"Name": "preferred_username", "Value": "stranger"}])
    changed = update_cognito_user_ids(moto_engine, directory, pool)
    assert "stranger" not in dict(changed)
    assert directory.get_by_handle("stranger") is None


def test_mock_users_get_a_clear_error(directory: UsersDirectory) -> None:
    with pytest.raises(CognitoError, match="'londo' has no Cognito id yet.*setup-local"):
        require_cognito_id(directory.get_by_handle("londo"))
    with pytest.raises(CognitoError, match="placeholder"):
        user_for_sub(directory, "MOCK")
    with pytest.raises(NotFound, match="no user has Cognito id 'abc'"):
        user_for_sub(directory, "abc")


def test_no_pool_yet_says_what_to_run(moto_engine, monkeypatch) -> None:
    monkeypatch.delenv("AWS_COGNITO_USER_POOL_ID", raising=False)
    with pytest.raises(CognitoError, match="workbench cognito setup-local"):
        pool_id(moto_engine)
    monkeypatch.setenv("AWS_COGNITO_USER_POOL_ID", "us-east-1_given")
    assert pool_id(moto_engine) == "us-east-1_given"


class _FakeAws:
    name = "aws"
    is_aws = True

    def client(self, service: str):  # pragma: no cover - must never be reached
        raise AssertionError("setup_local_pool contacted AWS")


def test_setup_local_refuses_aws(directory: UsersDirectory) -> None:
    with pytest.raises(CognitoError, match="refuses to touch AWS"):
        setup_local_pool(_FakeAws(), directory)
