"""Can two key templates produce the same key? An exact answer, for telling entities apart.

A template is literal text and ``{fields}``. For this question a field stands for one or more
characters other than ``#``, the separator (``ORDER#{id}`` and ``ORDER#{id}#ITEM#{n}`` differ
then; with ``#`` allowed in values every pair of templates with fields would collide). The
answer comes from walking both templates' automata together: they overlap if some string
takes both to their end.
"""

from __future__ import annotations

import string

SEPARATOR = "#"
_FIELD = None  # an atom that is a field (one or more non-separator characters)


def _atoms(template: str) -> list[str | None]:
    atoms: list[str | None] = []
    for literal, name, _spec, _conv in string.Formatter().parse(template):
        atoms.extend(literal)
        if name is not None:
            atoms.append(_FIELD)
    return atoms


# A state is (atom index, inside a field having read at least one character).
State = tuple[int, bool]


def _closure(atoms: list[str | None], state: State) -> set[State]:
    # Inside a field, the field may end here: an epsilon move to the next atom.
    states = {state}
    if state[1]:
        states.add((state[0] + 1, False))
    return states


def _step(atoms: list[str | None], state: State, char: str) -> set[State]:
    index, inside = state
    if inside:
        # Still in field atoms[index]: read one more character, or (by closure) it ended.
        return {(index, True)} if char != SEPARATOR else set()
    if index >= len(atoms):
        return set()
    atom = atoms[index]
    if atom is _FIELD:
        return {(index, True)} if char != SEPARATOR else set()
    return {(index + 1, False)} if atom == char else set()


def _overlap(first: str, second: str, *, prefix: bool) -> bool:
    a, b = _atoms(first), _atoms(second)
    literals = {c for c in a + b if c is not None}
    # One character that is neither a literal of either template nor the separator stands
    # for every such character: the automata cannot tell them apart.
    other = next(chr(c) for c in range(0x4E00, 0x4F00) if chr(c) not in literals)
    alphabet = literals | {other}
    start = {(sa, sb) for sa in _closure(a, (0, False)) for sb in _closure(b, (0, False))}
    seen = set(start)
    todo = list(start)
    while todo:
        sa, sb = todo.pop()
        # Any state of ``first`` can still reach its end (fields take any character but the
        # separator), so for a prefix it is enough that ``second`` is complete.
        if sb == (len(b), False) and (prefix or sa == (len(a), False)):
            return True
        for char in alphabet:
            for na in _step(a, sa, char):
                for nb in _step(b, sb, char):
                    for pair in {(x, y) for x in _closure(a, na) for y in _closure(b, nb)}:
                        if pair not in seen:
                            seen.add(pair)
                            todo.append(pair)
    return False


def templates_overlap(first: str, second: str) -> bool:
    """True if some key fits both templates (fields hold no ``#``).

    >>> templates_overlap("ORDER#{id}", "ORDER#{id}#ITEM#{n}")
    False
    >>> templates_overlap("{a}", "PROFILE")
    True
    """
    return _overlap(first, second, prefix=False)


def prefix_overlap(template: str, prefix: str) -> bool:
    """True if some key fitting ``template`` starts with a string fitting ``prefix``.

    >>> prefix_overlap("ITEM#{line}", "ITEM")
    True
    >>> prefix_overlap("SHIP#{id}", "ITEM#")
    False
    """
    return _overlap(template, prefix, prefix=True)
