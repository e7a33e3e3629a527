"""Find a Java new enough for DynamoDB Local 3.x (Java 17+)."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

from ..errors import JavaNotFound, JavaTooOld

MIN_JAVA = 17
_VERSION_RE = re.compile(r'version "(\d+)(?:\.(\d+))?[^"]*"')


def find_java() -> str:
    """The ``java`` to use: ``$JAVA_HOME/bin/java`` first, else the one on PATH.

    :raises JavaNotFound: with how to install one.
    """
    home = os.environ.get("JAVA_HOME")
    if home and (Path(home) / "bin" / "java").is_file():
        return str(Path(home) / "bin" / "java")
    java = shutil.which("java")
    if java is None:
        raise JavaNotFound(
            f"DynamoDB Local needs Java {MIN_JAVA} or newer and no `java` was found: install "
            "OpenJDK 17+ (e.g. apt install openjdk-17-jre-headless) or set JAVA_HOME; or use "
            "--engine moto (no Java) or --endpoint URL (e.g. a Docker amazon/dynamodb-local)"
        )
    return java


def java_major(java: str) -> int:
    """The major version ``java -version`` reports (``1.8`` counts as 8)."""
    try:
        result = subprocess.run(
            [java, "-version"], capture_output=True, text=True, timeout=30, check=False
        )
    except OSError as exc:
        raise JavaNotFound(f"could not run {java!r}: {exc}", exc) from exc
    match = _VERSION_RE.search(result.stderr + result.stdout)
    if not match:
        raise JavaNotFound(
            f"could not read the version of {java!r} from: "
            f"{(result.stderr or result.stdout).strip()[:200]!r}"
        )
    major = int(match.group(1))
    if major == 1 and match.group(2):
        major = int(match.group(2))
    return major


def require_java() -> str:
    """A ``java`` of version 17 or newer.

    :raises JavaNotFound: if there is none.
    :raises JavaTooOld: naming the version and path found.
    """
    java = find_java()
    major = java_major(java)
    if major < MIN_JAVA:
        raise JavaTooOld(
            f"{java} is Java {major}; DynamoDB Local 3.x needs Java {MIN_JAVA} or newer: "
            "install OpenJDK 17+ and put it first on PATH or set JAVA_HOME"
        )
    return java
