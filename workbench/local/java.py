"""Find a Java new enough for DynamoDB Local 3.x (Java 17+)."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

from ..errors import JavaNotFound, JavaTooOld

MIN_JAVA = 17
# `openjdk version "17.0.15" 2025-04-15`, `java version "1.8.0_392"`, `openjdk version "21"`.
_VERSION_RE = re.compile(r'version "((\d+)(?:\.(\d+))?[^"]*)"')
_INSTALL_HINT = (
    "install OpenJDK 17+ (e.g. apt install openjdk-17-jre-headless) and put it first on PATH "
    "or set JAVA_HOME"
)


def find_java() -> str:
    """The ``java`` to use: ``$JAVA_HOME/bin/java`` first, else the one on PATH.

    :raises JavaNotFound: with how to install one.
    """
    home = os.environ.get("JAVA_HOME")
    if home and (Path(home) / "bin" / "java").is_file():
        return str(Path(home) / "bin" / "java")
    java = shutil.which("java")
    if java is None:
        # A JAVA_HOME that points nowhere is the likeliest cause when it is set: name it.
        bad_home = f" (JAVA_HOME={home!r} has no bin/java)" if home else ""
        raise JavaNotFound(
            f"DynamoDB Local needs Java {MIN_JAVA} or newer and no `java` was found on PATH"
            f"{bad_home}: install OpenJDK 17+ (e.g. apt install openjdk-17-jre-headless) or set "
            "JAVA_HOME; or use --engine moto (no Java) or --endpoint URL (e.g. a Docker "
            "amazon/dynamodb-local)"
        )
    return java


def java_version(java: str) -> tuple[int, str]:
    """The major version and the full version string that ``java -version`` reports.

    ``1.8.0_392`` counts as 8.

    :param java: the path of a ``java`` executable.
    :raises JavaNotFound: if it cannot be run or its version cannot be read.
    """
    try:
        result = subprocess.run(
            [java, "-version"], capture_output=True, text=True, timeout=30, check=False
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise JavaNotFound(f"could not run {java!r} -version ({exc}): {_INSTALL_HINT}",
                           exc) from exc
    # java -version writes to stderr; some wrappers print to stdout.
    output = result.stderr + result.stdout
    match = _VERSION_RE.search(output)
    if not match:
        raise JavaNotFound(
            f"could not read the version of {java!r} from {output.strip()[:200]!r}: "
            f"{_INSTALL_HINT}"
        )
    major = int(match.group(2))
    if major == 1 and match.group(3):
        major = int(match.group(3))
    return major, match.group(1)


def java_major(java: str) -> int:
    """The major version of ``java`` (see :func:`java_version`).

    :raises JavaNotFound: if it cannot be run or its version cannot be read.
    """
    return java_version(java)[0]


def require_java() -> str:
    """A ``java`` of version 17 or newer.

    :raises JavaNotFound: if there is none.
    :raises JavaTooOld: naming the version and path found.
    """
    java = find_java()
    major, full = java_version(java)
    if major < MIN_JAVA:
        raise JavaTooOld(
            f"{java} is Java {major} (version {full!r}); DynamoDB Local 3.x needs Java "
            f"{MIN_JAVA} or newer: {_INSTALL_HINT}"
        )
    return java
