"""The public face of the expression language: ``parse``, ``Expression`` and ``validate``."""
from __future__ import annotations

import functools
from collections.abc import Callable, Collection, Mapping
from datetime import date, datetime
from typing import Any

from ..metadata import NULL_FLAVOURS
from .errors import ExpressionError, position
from .evaluator import Compiler, Context
from .values import as_number, finite, truthy

#: ``lookup(event, variable)``: a field's stored value in another event of the same record.
Lookup = Callable[[str, str], Any]


class Expression:
    """A parsed expression; build with ``parse(text)``. Immutable and safe to share."""

    __slots__ = ("text", "references", "fields", "functions", "_run")

    def __init__(self, text: str):
        run, references, functions = Compiler(text).compile()
        self.text = text
        self._run = run
        #: every field reference, in the order written
        self.references = references
        #: the referenced ``(event or None, variable)`` pairs
        self.fields = frozenset((ref.event, ref.variable) for ref in references)
        #: the functions called (lower case)
        self.functions = functions

    def __repr__(self) -> str:
        return f"Expression({self.text!r})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Expression) and other.text == self.text

    def __hash__(self) -> int:
        return hash(self.text)

    def evaluate(self, values: Mapping[str, Any] | None = None, *, event: str | None = None,
                 lookup: Lookup | None = None, today: date | datetime | None = None,
                 missing_codes: Collection[str] | None = None) -> Any:
        """The expression's value for one record: ``float``/``int``/``str``/``bool``, or ``None``.

        ``values`` maps a variable to its stored value (``""``/``None`` blank; a checkbox as a
        set/list of checked codes, a mapping code -> checked, or ``variable___code`` keys).
        ``event`` is the event the values belong to; ``[event][variable]`` for another event
        is resolved by ``lookup(event, variable)`` (``ExpressionError`` if none is given).
        ``today`` fixes what ``"today"`` means in ``datediff``; ``missing_codes`` are the codes
        ``isblankormissingcode`` treats as missing (default: the null flavours).
        """
        codes = NULL_FLAVOURS.keys() if missing_codes is None else missing_codes
        return self._run(Context(values, event, lookup, today, codes))

    def evaluate_bool(self, values: Mapping[str, Any] | None = None, **options: Any) -> bool:
        """For branching logic and rules: the value's truth, a blank being false."""
        return truthy(self.evaluate(values, **options))

    def evaluate_number(self, values: Mapping[str, Any] | None = None, **options: Any) -> int | float | None:
        """For calculated fields: a number, or ``None`` when the result is blank or not a number."""
        return finite(as_number(self.evaluate(values, **options)))


@functools.lru_cache(maxsize=4096)
def parse(text: str) -> Expression:
    """Parse REDCap-syntax ``text``; raises ``ExpressionError`` (naming the column) if invalid.

    Results are cached by text. Field names are not checked here (see ``validate``); function
    names, their argument counts and ``datediff`` units are.
    """
    return Expression(text)


def validate(expression: str | Expression, known_variables: Collection[str],
             known_events: Collection[str] | None = None, *,
             checkbox_codes: Mapping[str, Collection[str]] | None = None,
             strict: bool = False) -> list[str]:
    """Problems that keep ``expression`` from working in a study, as messages (empty if none).

    Checks the syntax, that each referenced variable is in ``known_variables`` and, when
    ``known_events`` is given, each referenced event in it. With ``checkbox_codes`` (checkbox
    variable -> its codes) it also checks ``[variable(code)]`` is used for checkboxes only, with
    an existing code. With ``strict=True`` problems are raised as one ``ExpressionError``.
    """
    try:
        parsed = expression if isinstance(expression, Expression) else parse(expression)
    except ExpressionError as exc:
        if strict:
            raise
        return [str(exc)]
    multiline = "\n" in parsed.text
    problems: list[str] = []
    for ref in parsed.references:
        where = position(ref.line, ref.column, multiline)
        if ref.event is not None and known_events is not None and ref.event not in known_events:
            problems.append(f"Unknown event [{ref.event}] at {where}")
        if ref.variable not in known_variables:
            problems.append(f"Unknown field [{ref.variable}] at {where}")
        elif checkbox_codes is not None:
            codes = checkbox_codes.get(ref.variable)
            if ref.code is not None and codes is None:
                problems.append(f"{ref} at {where}: {ref.variable} is not a checkbox")
            elif ref.code is not None and ref.code not in codes:
                problems.append(f"{ref} at {where}: checkbox {ref.variable} has no option {ref.code}")
            elif ref.code is None and codes is not None:
                problems.append(f"{ref} at {where} is a checkbox: refer to one option, "
                                f"[{ref.variable}(code)]")
    problems = list(dict.fromkeys(problems))
    if strict and problems:
        raise ExpressionError("; ".join(problems))
    return problems
