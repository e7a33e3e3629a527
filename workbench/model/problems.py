"""One error for a broken model that names every problem, each with its path."""

from __future__ import annotations

from collections.abc import Iterable

from ..errors import ModelError

Problem = tuple[str, str]  # (path such as "entities.Order.keys.sk", message)


def prefixed(prefix: str, problems: Iterable[Problem]) -> list[Problem]:
    """``problems`` with ``prefix`` put before each path (``entities.Order`` + ``keys.sk``)."""
    return [(f"{prefix}.{path}" if path else prefix, message) for path, message in problems]


def render(problems: Iterable[Problem]) -> list[str]:
    """Each problem as ``path: message`` (just the message when the path is empty)."""
    return [f"{path}: {message}" if path else message for path, message in problems]


class ModelProblems(ModelError):
    """A model (or part of one) is refused; ``problems`` lists every ``(path, message)``.

    :param subject: what was checked, e.g. ``entity 'Order'`` or ``model file 'shop.yaml'``.
    :param problems: every problem found, not just the first.
    """

    def __init__(self, subject: str, problems: Iterable[Problem]) -> None:
        self.subject = subject
        self.problems: list[Problem] = list(problems)
        super().__init__(f"{subject}: " + "; ".join(render(self.problems)))

    @property
    def paths(self) -> list[str]:
        """The path of every problem, in order."""
        return [path for path, _ in self.problems]
