"""One set of patches to moto, installed and uninstalled as a whole (issue 18).

The moto patch modules (:mod:`.motofixes`, :mod:`.motoexpressions`, :mod:`.motoitems`,
:mod:`.motopartiql`, :mod:`.mototx`, :mod:`.motocognito`) each replace a few attributes of
moto's classes and modules, only on the moto versions they were written for
(:func:`workbench.engine.motoindex.supported`), and give moto its own code back for tests.
:class:`MotoPatch` is that scaffolding once: a lock, the originals kept aside, and
idempotent ``install`` / ``uninstall`` / ``installed``.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from . import motoindex


@dataclass(frozen=True)
class Wrapping:
    """A replacement made from the attribute it replaces: ``factory(original)``."""

    factory: Callable[[Any], Any]


#: ``(owner, attribute name, replacement)``: the replacement is the new value, or a
#: :class:`Wrapping` to make it from the original.
Patch = tuple[Any, str, Any]


def _key(owner: Any, name: str) -> str:
    """``Owner.name``: a class by its name, a module by the last part of its name."""
    return f"{owner.__name__.rsplit('.', 1)[-1]}.{name}"


class MotoPatch:
    """Attributes of moto replaced together (thread-safe, idempotent).

    :param patches: called once per install, after the version check (so it may import
        moto's modules), returning the :data:`Patch` entries to apply in order.
    :param after_install: called under the lock once the patches are in place.
    :param before_uninstall: called under the lock before the originals are put back.
    :param after_uninstall: called under the lock once they are back.
    """

    def __init__(
        self,
        patches: Callable[[], Iterable[Patch]],
        *,
        after_install: Callable[[], object] | None = None,
        before_uninstall: Callable[[], object] | None = None,
        after_uninstall: Callable[[], object] | None = None,
    ) -> None:
        self._patches = patches
        self._after_install = after_install
        self._before_uninstall = before_uninstall
        self._after_uninstall = after_uninstall
        self._lock = threading.Lock()
        # key -> (owner, name, whether the owner held the attribute itself, its value)
        self._saved: dict[str, tuple[Any, str, bool, Any]] = {}

    def installed(self) -> bool:
        """True while the patches are in place."""
        return bool(self._saved)

    def original(self, key: str) -> Any:
        """The value an attribute had before the patch, by ``Owner.name``
        (``"DynamoType.__add__"``, ``"responses.parse_expression"``).

        :raises KeyError: when not installed, or no patch replaced that attribute.
        """
        return self._saved[key][3]

    def install(self) -> bool:
        """Apply the patches (once).

        :returns: True if patched, False if this moto version is outside the supported range
            (then nothing is patched).
        """
        with self._lock:
            if self._saved:
                return True
            if not motoindex.supported():
                return False
            for owner, name, replacement in self._patches():
                key = _key(owner, name)
                if key in self._saved:
                    raise ValueError(f"{key} is patched twice")
                own = name in vars(owner)
                # An attribute the owner only inherits (or lacks) is deleted again on uninstall.
                value = vars(owner)[name] if own else getattr(owner, name, None)
                self._saved[key] = (owner, name, own, value)
                if isinstance(replacement, Wrapping):
                    replacement = replacement.factory(value)
                setattr(owner, name, replacement)
            if self._after_install is not None:
                self._after_install()
            return True

    def uninstall(self) -> None:
        """Put every original back (for tests)."""
        with self._lock:
            if not self._saved:
                return
            if self._before_uninstall is not None:
                self._before_uninstall()
            for owner, name, own, value in reversed(self._saved.values()):
                if own:
                    setattr(owner, name, value)
                else:
                    delattr(owner, name)
            self._saved.clear()
            if self._after_uninstall is not None:
                self._after_uninstall()
