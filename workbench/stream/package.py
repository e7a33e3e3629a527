"""``workbench lambda package``: the deployable zip of the stream handler.

The zip holds the handler and the pure modules it imports, with an empty
``workbench/__init__.py``, so Lambda loads no pandas, click or notebook code. Entries are
sorted and timestamps fixed, so the same source gives a byte-identical zip.
"""

from __future__ import annotations

import ast
import zipfile
from pathlib import Path

from ..errors import WorkbenchError

PACKAGE_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_OUTPUT = Path("build") / "cruddur-messaging-stream.zip"
ENTRY = "workbench/stream/handler.py"
SHIM = "from workbench.stream.handler import lambda_handler  # noqa: F401\n"
# Modules that must never ship: they pull in heavy or notebook-only dependencies.
FORBIDDEN = ("workbench.frames", "workbench.engines", "workbench.local", "workbench.cli",
             "workbench.app", "workbench.users", "workbench.notebooks")
FIXED_TIME = (2020, 1, 1, 0, 0, 0)


def _module_path(module: str) -> Path | None:
    relative = Path(*module.split(".")[1:])
    for candidate in (PACKAGE_ROOT / relative.with_suffix(".py"),
                      PACKAGE_ROOT / relative / "__init__.py"):
        if candidate.is_file():
            return candidate
    return None


def _imports(path: Path, module: str) -> set[str]:
    package = module if path.name == "__init__.py" else module.rsplit(".", 1)[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            if target.startswith("workbench"):
                found.add(target)
                for alias in node.names:
                    if _module_path(f"{target}.{alias.name}"):
                        found.add(f"{target}.{alias.name}")
        elif isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name.startswith("workbench"))
    return found


def handler_modules() -> dict[str, Path]:
    """Module name to file, for the handler and everything it imports from workbench.

    ``workbench/__init__.py`` and ``workbench/stream/__init__.py`` are not followed: the zip
    carries empty ones.

    :raises WorkbenchError: if a forbidden module is reached.
    """
    todo = ["workbench.stream.handler"]
    found: dict[str, Path] = {}
    while todo:
        module = todo.pop()
        if module in found or module in ("workbench", "workbench.stream"):
            continue
        if module.startswith(FORBIDDEN):
            raise WorkbenchError(f"the Lambda handler reaches {module}, which must not ship")
        path = _module_path(module)
        if path is None:
            continue
        found[module] = path
        todo.extend(_imports(path, module))
        parts = module.split(".")
        for i in range(2, len(parts)):
            todo.append(".".join(parts[:i]))  # parent packages (their __init__ runs)
    return found


def package_lambda(output: str | Path = DEFAULT_OUTPUT) -> Path:
    """Write the zip and return its path (handler: ``lambda_function.lambda_handler``)."""
    output = Path(output)
    output.parent.mkdir(parents=True, exist_ok=True)
    entries = {"lambda_function.py": SHIM, "workbench/__init__.py": "",
               "workbench/stream/__init__.py": ""}
    for path in handler_modules().values():
        entries[path.relative_to(PACKAGE_ROOT.parent).as_posix()] = path.read_text()
    with zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED) as archive:
        for name in sorted(entries):
            info = zipfile.ZipInfo(name, FIXED_TIME)
            info.external_attr = 0o644 << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, entries[name])
    return output


def zip_contents(path: str | Path) -> list[str]:
    """The file names in a zip."""
    with zipfile.ZipFile(path) as archive:
        return archive.namelist()
