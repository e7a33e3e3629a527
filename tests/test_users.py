"""The users directory, the same tests on SQLite and on a real PostgreSQL server."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pg_server import find_bindir, postgres_server

from workbench.cruddur.users import MOCK, SEED_USERS, UsersDirectory, open_directory, seed_uuid
from workbench.errors import NotFound, UsersError


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    if find_bindir() is None:
        pytest.skip("PostgreSQL server binaries are not installed")
    with postgres_server() as url:
        yield url


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def directory(request: pytest.FixtureRequest, tmp_path) -> Iterator[UsersDirectory]:
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'users.db'}"
    else:
        url = request.getfixturevalue("postgres_url")
    with open_directory(url) as directory:
        directory.reset()
        yield directory


def test_setup_is_idempotent_and_seed_users_are_added_once(directory: UsersDirectory) -> None:
    directory.setup()
    first = directory.ensure_seed_users()
    second = directory.ensure_seed_users()
    assert first == second
    assert [u.handle for u in directory.list_users()] == ["andrewbrown", "bayko", "londo"]
    for user, seed in zip(first, SEED_USERS, strict=True):
        assert user.uuid == seed_uuid(seed.handle) == seed.uuid
        assert (user.display_name, user.email, user.cognito_user_id) == (
            seed.display_name,
            seed.email,
            MOCK,
        )
        assert user.created_at.endswith("+00:00")


def test_seed_never_overwrites_an_existing_cognito_id(directory: UsersDirectory) -> None:
    directory.ensure_seed_users()
    assert directory.update_cognito_user_id("bayko", "sub-bayko")
    directory.ensure_seed_users()
    assert directory.get_by_handle("bayko").cognito_user_id == "sub-bayko"
    assert not directory.update_cognito_user_id("bayko", "sub-bayko")  # unchanged
    assert not directory.update_cognito_user_id("nobody", "x")


def test_handles_are_unique(directory: UsersDirectory) -> None:
    directory.add_user("A", "same", "a@example.com")
    with pytest.raises(UsersError, match="handle 'same'.*already taken"):
        directory.add_user("B", "same", "b@example.com")
    assert len(directory.list_users()) == 1


def test_lookups(directory: UsersDirectory) -> None:
    londo = directory.ensure_seed_users()[2]
    directory.update_cognito_user_id("londo", "sub-londo")
    assert directory.get_by_uuid(londo.uuid).handle == "londo"
    assert directory.get_by_uuid("not-a-uuid") is None
    assert directory.get_by_uuid(str(uuid.uuid4())) is None
    assert directory.get_by_cognito_user_id("sub-londo").handle == "londo"
    assert directory.get_by_cognito_user_id(MOCK) is None  # a placeholder matches no one
    with pytest.raises(NotFound, match="no user with handle 'ghost'.*known: \\['andrewbrown'"):
        directory.require_handle("ghost")


@pytest.mark.parametrize("handle", ["", "has space", "x" * 33, "semi;colon", None])
def test_bad_handles_are_refused(directory: UsersDirectory, handle) -> None:
    with pytest.raises(UsersError, match="is not valid"):
        directory.add_user("Name", handle, "e@example.com")


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    name=st.text(min_size=1, max_size=60).filter(lambda s: s.strip() and "\x00" not in s),
    email=st.sampled_from(
        ["o'brien@example.com", '"; DROP TABLE users; --@x', "robert'); DROP TABLE users;--"]
    ),
)
def test_metacharacters_are_stored_verbatim(
    directory: UsersDirectory, name: str, email: str
) -> None:
    handle = f"h{uuid.uuid4().hex[:12]}"
    directory.add_user(name, handle, email)
    user = directory.get_by_handle(handle)
    assert (user.display_name, user.email) == (name, email)


@pytest.mark.parametrize("url", ["mysql://x", "users.txt", "sqlite:/relative.db"])
def test_unknown_urls_are_refused(url: str) -> None:
    with pytest.raises(UsersError, match="is not one of"):
        open_directory(url)


def test_database_url_selects_the_directory(monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'env.db'}")
    with open_directory() as directory:
        assert directory.describe().endswith("env.db")
    monkeypatch.delenv("DATABASE_URL")
    with open_directory() as directory:  # the state folder (isolated by conftest)
        assert directory.describe().endswith("users.db")


@pytest.mark.postgres
def test_postgres_url_password_is_masked(postgres_url: str) -> None:
    with open_directory(postgres_url.replace("postgres@", "postgres:secret@")) as directory:
        assert "secret" not in directory.describe() and "***" in directory.describe()


@pytest.mark.parametrize(
    "url",
    [
        "postgresql://u:hunter2@[bad",
        "postgresql://u:hunter2@127.0.0.1:1/db?connect_timeout=1",
        "postgres://u:hunter2@/db?host=/nonexistent-socket-dir",
        "mysql://u:hunter2@host/db",
    ],
)
def test_no_error_shows_the_password(url: str) -> None:
    # The driver's own message repeats the URL it could not use, password included.
    with pytest.raises(UsersError) as caught:
        open_directory(url)
    assert "hunter2" not in str(caught.value)
    assert "***" in str(caught.value)


def test_mask_secrets_covers_urls_key_values_and_known_passwords(monkeypatch) -> None:
    from workbench.redact import mask_secrets

    monkeypatch.setenv("DATABASE_URL", "postgresql://me:s3cr3t-pw@db/users")
    text = 'dsn "postgresql://me:s3cr3t-pw@[x" password=s3cr3t-pw; it was s3cr3t-pw'
    masked = mask_secrets(text)
    assert "s3cr3t" not in masked
    assert masked.count("***") == 3


def test_state_folder_and_users_db_are_private(monkeypatch, tmp_path) -> None:
    import os
    import stat

    from workbench.paths import state_dir

    monkeypatch.setenv("WORKBENCH_STATE_DIR", str(tmp_path / "deep" / "state"))
    monkeypatch.delenv("DATABASE_URL", raising=False)
    old = os.umask(0o022)  # the usual umask, which gives 0755 folders and 0644 files
    try:
        with open_directory() as directory:
            directory.ensure_seed_users()
    finally:
        os.umask(old)
    folder = state_dir()
    assert folder == tmp_path / "deep" / "state"
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    assert stat.S_IMODE((tmp_path / "deep").stat().st_mode) == 0o700
    assert stat.S_IMODE((folder / "users.db").stat().st_mode) == 0o600


def test_private_file_tightens_an_existing_file_whatever_the_umask(tmp_path) -> None:
    import os
    import stat

    from workbench.paths import private_file, write_private

    loose = tmp_path / "loose.json"
    loose.write_text("{}")
    loose.chmod(0o644)
    old = os.umask(0)
    try:
        private_file(loose)
        written = write_private(tmp_path / "new" / "state.json", "{}")
    finally:
        os.umask(old)
    assert stat.S_IMODE(loose.stat().st_mode) == 0o600
    assert loose.read_text() == "{}"  # made private, not emptied
    assert stat.S_IMODE(written.stat().st_mode) == 0o600
    assert stat.S_IMODE(written.parent.stat().st_mode) == 0o700


def test_an_unusable_state_folder_is_one_clear_error(monkeypatch, tmp_path) -> None:
    from workbench.errors import WorkbenchError
    from workbench.paths import state_dir

    (tmp_path / "file").write_text("")
    monkeypatch.setenv("WORKBENCH_STATE_DIR", str(tmp_path / "file" / "state"))
    with pytest.raises(WorkbenchError, match="WORKBENCH_STATE_DIR"):
        state_dir()
