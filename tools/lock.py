"""``make lock``: refresh ``requirements.lock`` from pyproject.toml's ranges, and environment.yml.

    python tools/lock.py            # resolve again (newest versions the ranges allow)
    python tools/lock.py --check    # exit 1 if environment.yml does not match the lock

``pyproject.toml`` keeps the ranges the package supports; ``requirements.lock`` holds the exact
versions (and their hashes) that ``make run``, ``make test`` and CI install, so a fresh clone
installs the same thing the day a new moto, pandas or JupyterLab ships. The lock is universal
(every platform and Python >= 3.11, with markers) and includes the build backend, since the
package is installed without build isolation. ``environment.yml`` lists the same pins for conda.
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LOCK = ROOT / "requirements.lock"
ENVIRONMENT = ROOT / "environment.yml"
EXTRAS = ("dev", "postgres")
# A requirement line of the lock: ``name==version`` and, for some, `` ; marker``.
_PIN = re.compile(
    r"^(?P<name>[A-Za-z0-9][A-Za-z0-9._-]*)==(?P<version>[^\s;\\]+)(?:\s*;\s*(?P<marker>[^\\]+?))?\s*\\?$"
)

ENV_HEADER = """\
# For learners who use conda: the same pinned versions as requirements.lock (written by
# `make lock`; a test checks they agree). pyproject.toml holds the supported ranges.
# On machines without conda, `make run` / `make test` build a virtual env with pip instead.
name: cruddur-workbench
channels:
  - conda-forge
dependencies:
  - python>=3.11
  - pip
  - pip:
"""


def pins(lock_text: str) -> list[tuple[str, str, str | None]]:
    """The lock's requirements as ``(name, version, marker or None)``, in file order."""
    found = []
    for line in lock_text.splitlines():
        match = _PIN.match(line)
        if match:
            marker = match["marker"].strip() if match["marker"] else None
            found.append((match["name"], match["version"], marker))
    return found


def environment_text(lock_text: str) -> str:
    """environment.yml as ``make lock`` writes it from the lock's text."""
    lines = [ENV_HEADER]
    for name, version, marker in pins(lock_text):
        requirement = f"{name}=={version}" + (f" ; {marker}" if marker else "")
        lines.append(f'      - "{requirement}"\n')
    lines.append("      - -e .\n")
    return "".join(lines)


def _uv() -> str:
    # The uv the dev extra installs into the venv, else one on PATH.
    beside = Path(sys.executable).with_name("uv")
    found = str(beside) if beside.exists() else shutil.which("uv")
    if not found:
        sys.exit("error: uv is not installed: run `make install` first (the dev extra has it)")
    return found


def lock() -> None:
    """Resolve pyproject.toml's ranges (and the build backend) into the lock, then write
    environment.yml from it."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())
    build = "\n".join(project["build-system"]["requires"]) + "\n"
    command = [_uv(), "pip", "compile", "pyproject.toml", "-", "--universal"]
    command += ["--python-version", "3.11", "--generate-hashes", "--no-emit-index-url"]
    command += ["--custom-compile-command", "make lock", "--quiet", "-o", str(LOCK.name)]
    for extra in EXTRAS:
        command += ["--extra", extra]
    subprocess.run(command, input=build, text=True, check=True, cwd=ROOT)
    ENVIRONMENT.write_text(environment_text(LOCK.read_text()))
    print(f"wrote {LOCK.name} ({len(pins(LOCK.read_text()))} pins) and {ENVIRONMENT.name}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only check environment.yml")
    args = parser.parse_args(argv)
    if args.check:
        if ENVIRONMENT.read_text() != environment_text(LOCK.read_text()):
            print("environment.yml does not match requirements.lock: run `make lock`")
            return 1
        return 0
    lock()
    return 0


if __name__ == "__main__":
    sys.exit(main())
