"""Where the workbench keeps per-user files (its running state), privately.

The folders hold e-mail addresses, Cognito ids, checkpoints and logs, so they are created
``0700`` and the files in them ``0600``, whatever the umask (issue 10, item 7).
"""

from __future__ import annotations

import os
from pathlib import Path

from .errors import WorkbenchError

APP_DIR = "cruddur-workbench"
DIR_MODE = 0o700
FILE_MODE = 0o600


def state_dir() -> Path:
    """Running state (the background server, the default users database), created ``0700``.

    ``WORKBENCH_STATE_DIR`` overrides it; otherwise ``$XDG_STATE_HOME/cruddur-workbench``
    or ``~/.local/state/cruddur-workbench``. An existing folder is tightened to ``0700``: it
    holds the local server's secret.

    :raises WorkbenchError: if the folder cannot be created, or belongs to another user,
        naming it and the variable.
    """
    if override := os.environ.get("WORKBENCH_STATE_DIR"):
        return private_dir(
            Path(override).expanduser(), variable="WORKBENCH_STATE_DIR", tighten=True
        )
    base = os.environ.get("XDG_STATE_HOME") or Path.home() / ".local" / "state"
    return private_dir(Path(base) / APP_DIR, variable="XDG_STATE_HOME", tighten=True)


def private_dir(path: Path | str, *, variable: str | None = None, tighten: bool = False) -> Path:
    """Create the folder ``path`` (and its parents) if missing; the folders created are ``0700``.

    An existing folder named ``cruddur-workbench`` is the workbench's own and is tightened to
    ``0700`` (earlier versions made it ``0755``); other existing folders, which the user chose
    themselves, keep their mode unless ``tighten`` says so.

    :param variable: the environment variable that chose ``path``, named in the error.
    :param tighten: make an existing ``path`` ``0700`` too, and refuse one that belongs to
        another user (who could read what is put in it).
    :raises WorkbenchError: if it cannot be created, exists and is not a folder, or (with
        ``tighten``) belongs to another user.
    """
    path = Path(path)
    try:
        missing = [p for p in (path, *path.parents) if not p.exists()]
        for folder in reversed(missing):
            # mkdir's mode is filtered by the umask; chmod makes it exact.
            folder.mkdir(mode=DIR_MODE, exist_ok=True)
            os.chmod(folder, DIR_MODE)
        if not path.is_dir():
            raise NotADirectoryError(f"{path} is not a folder")
        owner = path.stat().st_uid
        if tighten and owner != os.getuid():
            hint = f"set {variable} to a folder of your own" if variable else "use your own"
            raise WorkbenchError(
                f"the folder {str(path)!r} belongs to another user (uid {owner}), who could "
                f"read the secrets kept in it: {hint}"
            )
        if (tighten or path.name == APP_DIR) and owner == os.getuid():
            if path.stat().st_mode & 0o777 != DIR_MODE:
                os.chmod(path, DIR_MODE)
    except OSError as exc:
        hint = f" (set {variable} to a writable folder)" if variable else ""
        raise WorkbenchError(
            f"cannot create the folder {str(path)!r}: {exc.strerror or exc}{hint}", exc
        ) from exc
    return path


def private_file(path: Path | str) -> Path:
    """Make ``path`` a file only its owner can read and write (``0600``), creating it empty
    if missing; its folder is created with :func:`private_dir`.

    Call it before writing a file that holds user data (users database, Cognito state,
    checkpoints, logs): the mode is set whatever the umask, and an existing ``0644`` file
    is tightened.

    :raises WorkbenchError: if the file cannot be created or its mode set.
    """
    path = Path(path)
    private_dir(path.parent)
    try:
        handle = os.open(path, os.O_WRONLY | os.O_CREAT | getattr(os, "O_CLOEXEC", 0), FILE_MODE)
        try:
            os.fchmod(handle, FILE_MODE)
        finally:
            os.close(handle)
    except OSError as exc:
        raise WorkbenchError(
            f"cannot create the file {str(path)!r}: {exc.strerror or exc}", exc
        ) from exc
    return path


def write_private(path: Path | str, text: str) -> Path:
    """Write ``text`` to ``path`` atomically (a temporary file, then a rename) with mode ``0600``.

    :raises WorkbenchError: if it cannot be written.
    """
    path = Path(path)
    tmp = private_file(path.with_name(f"{path.name}.{os.getpid()}.tmp"))
    try:
        tmp.write_text(text)
        os.replace(tmp, path)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise WorkbenchError(f"cannot write {str(path)!r}: {exc.strerror or exc}", exc) from exc
    return path
