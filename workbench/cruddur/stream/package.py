"""``workbench lambda package``: the deterministic, self-contained zip of the stream Lambda."""

from __future__ import annotations

import ast
import contextlib
import os
import sys
import zipfile
from pathlib import Path

from ...errors import StreamError

PACKAGE_ROOT = Path(__file__).resolve().parents[2]  # the workbench package folder
DEFAULT_OUTPUT = Path("build") / "cruddur-messaging-stream.zip"
ENTRY_MODULE = "workbench.cruddur.stream.handler"
HANDLER_SETTING = "lambda_function.lambda_handler"
SHIM = (
    '"""Lambda entry point: set the function\'s handler to lambda_function.lambda_handler."""\n'
    "\n"
    "from workbench.cruddur.stream.handler import lambda_handler\n"
    "\n"
    '__all__ = ["lambda_handler"]\n'
)
# Packages whose __init__ the zip replaces with an empty file: the real ones import the CLI,
# pandas and the rest lazily, which Lambda must never load.
EMPTY_INITS = ("workbench", "workbench.cruddur.stream")
# The Lambda runtime provides boto3/botocore; nothing else outside the standard library ships.
ALLOWED_THIRD_PARTY = frozenset({"boto3", "botocore"})
EXCLUDED = (
    "pandas",
    "numpy",
    "click",
    "tqdm",
    "matplotlib",
    "moto",
    "workbench.desk.frames",
    "workbench.engine.engines",
    "workbench.engine.local",
    "workbench.cli",
    "workbench.cruddur.app",
    "workbench.cruddur.users",
    "workbench.desk.notebooks",
    "workbench.desk.session",
    "workbench.cruddur.stream.runner",
    "workbench.cruddur.stream.package",
)
FIXED_TIME = (1980, 1, 1, 0, 0, 0)  # the earliest time a zip can hold
FILE_MODE = 0o644 << 16


def _module_path(module: str) -> Path | None:
    relative = Path(*module.split(".")[1:])
    for candidate in (
        PACKAGE_ROOT / relative.with_suffix(".py"),
        PACKAGE_ROOT / relative / "__init__.py",
    ):
        if candidate.is_file():
            return candidate
    return None


def _top_level_imports(tree: ast.AST) -> list[ast.Import | ast.ImportFrom]:
    """Every import statement, except those under ``if TYPE_CHECKING:``."""
    found: list[ast.Import | ast.ImportFrom] = []
    todo = [tree]
    while todo:
        node = todo.pop()
        if isinstance(node, ast.If) and getattr(node.test, "id", None) == "TYPE_CHECKING":
            todo.extend(node.orelse)
            continue
        if isinstance(node, ast.Import | ast.ImportFrom):
            found.append(node)
        todo.extend(ast.iter_child_nodes(node))
    return found


def _imports(path: Path, module: str) -> tuple[set[str], set[str]]:
    """``(workbench modules, other top-level packages)`` that ``module`` imports."""
    package = module if path.name == "__init__.py" else module.rsplit(".", 1)[0]
    ours: set[str] = set()
    others: set[str] = set()
    for node in _top_level_imports(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif node.level:
            base = package.split(".")[: len(package.split(".")) - node.level + 1]
            target = ".".join(base + ([node.module] if node.module else []))
            names = [target] + [
                f"{target}.{a.name}" for a in node.names if _module_path(f"{target}.{a.name}")
            ]
        else:
            target = node.module or ""
            names = [target] + [
                f"{target}.{a.name}"
                for a in node.names
                if target.startswith("workbench") and _module_path(f"{target}.{a.name}")
            ]
        for name in names:
            if name == "workbench" or name.startswith("workbench."):
                ours.add(name)
            else:
                others.add(name.split(".")[0])
    return ours, others


def _excluded(name: str) -> bool:
    return any(name == e or name.startswith(e + ".") for e in EXCLUDED)


def handler_modules() -> dict[str, Path]:
    """Module name to source file, for the handler and every workbench module it reaches.

    Parent packages are followed (their ``__init__`` runs on import), except those in
    :data:`EMPTY_INITS`, which the zip replaces with empty files.

    :raises StreamError: if an excluded module or a third-party package other than boto3
        and botocore is reached, naming the module that imports it.
    """
    todo = [(ENTRY_MODULE, "the entry point")]
    found: dict[str, Path] = {}
    while todo:
        module, via = todo.pop()
        if module in found or module in EMPTY_INITS:
            continue
        if _excluded(module):
            raise StreamError(f"the Lambda handler reaches {module} (imported by {via})")
        path = _module_path(module)
        if path is None:
            continue  # an attribute imported from a package, not a module
        found[module] = path
        ours, others = _imports(path, module)
        for other in sorted(others):
            allowed = other in sys.stdlib_module_names or other in ALLOWED_THIRD_PARTY
            if _excluded(other) or not allowed:
                raise StreamError(
                    f"the Lambda handler reaches {other} (imported by {module}); only the "
                    "standard library, boto3 and botocore are available on Lambda"
                )
        todo.extend((name, module) for name in ours)
        parts = module.split(".")
        todo.extend((".".join(parts[:i]), module) for i in range(1, len(parts)))
    return found


def zip_entries() -> dict[str, bytes]:
    """Archive name to content, for everything the zip holds."""
    entries = {"lambda_function.py": SHIM.encode()}
    for package in EMPTY_INITS:
        entries[package.replace(".", "/") + "/__init__.py"] = b""
    for path in handler_modules().values():
        entries[path.relative_to(PACKAGE_ROOT.parent).as_posix()] = path.read_bytes()
    return entries


def package_lambda(output: Path | str = DEFAULT_OUTPUT) -> Path:
    """Write the Lambda zip; returns its path. Handler setting: ``lambda_function.lambda_handler``.

    The same sources always give a byte-identical zip: entries sorted, timestamps and
    permissions fixed. Written to a temporary file first, then renamed into place.

    :param output: where to write it (folders are created).
    :raises StreamError: if the handler reaches a module that must not ship, or ``output``
        cannot be written (naming it and the reason).
    """
    output = Path(output)
    entries = zip_entries()
    tmp = output.with_name(f"{output.name}.{os.getpid()}.tmp")
    try:
        output.parent.mkdir(parents=True, exist_ok=True)
        with zipfile.ZipFile(tmp, "w") as archive:
            for name in sorted(entries):
                info = zipfile.ZipInfo(name, FIXED_TIME)
                info.external_attr = FILE_MODE
                info.create_system = 3  # unix, wherever it is built
                info.compress_type = zipfile.ZIP_DEFLATED
                archive.writestr(info, entries[name], compresslevel=9)
        os.replace(tmp, output)
    except (OSError, ValueError) as exc:  # ValueError: a NUL in the path
        with contextlib.suppress(OSError, ValueError):
            tmp.unlink(missing_ok=True)
        reason = getattr(exc, "strerror", None) or str(exc)
        raise StreamError(
            f"cannot write the Lambda zip to {str(output)!r}: {reason}; choose a writable --output",
            exc,
        ) from exc
    return output


def zip_contents(path: Path | str) -> list[str]:
    """The file names in a zip, in archive order."""
    with zipfile.ZipFile(path) as archive:
        return archive.namelist()
