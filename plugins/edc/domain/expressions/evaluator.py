"""Compiling a parse tree to Python closures, and evaluating them against a record's values.

Compilation happens once per expression text (``parse`` is cached); evaluation only calls the
closures, so running the same branching logic for every form costs no parsing. Nothing of the
expression text is ever handed to ``eval``: the only operations are the ones below and the
functions in ``functions.FUNCTIONS``.
"""
from __future__ import annotations

import functools
import math
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from lark import Token, Tree

from .errors import ExpressionError, position
from .functions import FUNCTIONS
from .grammar import parse_tree
from .values import as_number, as_text, compare, finite, is_blank, truthy

_REF = re.compile(r"\[(?P<name>[A-Za-z_][A-Za-z0-9_]*)(\((?P<code>[^)]*)\))?\]")


@dataclass(frozen=True)
class Reference:
    """One ``[variable]``, ``[variable(code)]`` or ``[event][variable]`` in an expression."""

    event: str | None
    variable: str
    code: str | None = None       # the checkbox option, for [variable(code)]
    line: int | None = None
    column: int | None = None

    def __str__(self) -> str:
        option = f"({self.code})" if self.code is not None else ""
        return f"{f'[{self.event}]' if self.event else ''}[{self.variable}{option}]"


class Context:
    """What one evaluation runs against (see ``Expression.evaluate``)."""

    __slots__ = ("values", "event", "lookup", "today", "missing_codes")

    def __init__(self, values, event, lookup, today, missing_codes):
        self.values = values if values is not None else {}
        self.event, self.lookup, self.today = event, lookup, today
        self.missing_codes = missing_codes


class Compiler:
    """Turns the lark tree into nested closures ``f(context) -> value``.

    Recursion here and in evaluation follows the tree, whose depth ``parse_tree`` bounds.
    """

    def __init__(self, text: str):
        self.text = text
        self.multiline = "\n" in text
        self.references: list[Reference] = []
        self.functions: set[str] = set()

    def compile(self) -> tuple[Callable[[Context], Any], tuple[Reference, ...], frozenset[str]]:
        """The runnable closure, the field references and the functions called."""
        run = self.node(parse_tree(self.text))
        return run, tuple(self.references), frozenset(self.functions)

    def error(self, message: str, token: Token) -> ExpressionError:
        """An error at ``token``; ``{at}`` in ``message`` becomes "at column N"."""
        where = position(token.line, token.column, self.multiline)
        return ExpressionError(message.replace("{at}", f"at {where}"), line=token.line, column=token.column)

    def node(self, tree: Tree) -> Callable[[Context], Any]:
        return getattr(self, f"_{tree.data}")(tree.children)

    # -- leaves -------------------------------------------------------------------------------
    def _number(self, children):
        text = str(children[0])
        value = as_number(text)
        return lambda ctx: value

    def _string(self, children):
        value = str(children[0])[1:-1]
        return lambda ctx: value

    def _true(self, children):
        return lambda ctx: True

    def _false(self, children):
        return lambda ctx: False

    def _bare_name(self, children):
        name = str(children[0])
        raise self.error(f"Unknown name {name!r} {{at}} (write a field as [{name}], text in quotes)",
                         children[0])

    def _ref(self, children):
        *event_token, field_token = children
        event = None
        if event_token:
            match = _REF.fullmatch(str(event_token[0]))
            if match["code"] is not None:
                raise self.error(f"{event_token[0]} {{at}} cannot name an event", event_token[0])
            event = match["name"]
        match = _REF.fullmatch(str(field_token))
        first = event_token[0] if event_token else field_token
        ref = Reference(event, match["name"], match["code"], first.line, first.column)
        self.references.append(ref)
        return lambda ctx: _read(ctx, ref)

    # -- operators ----------------------------------------------------------------------------
    def _not_(self, children):
        operand = self.node(children[0])
        return lambda ctx: not truthy(operand(ctx))

    def _neg(self, children):
        operand = self.node(children[0])

        def negate(ctx):
            number = as_number(operand(ctx))
            return None if number is None else -number
        return negate

    def _pos(self, children):
        operand = self.node(children[0])
        return lambda ctx: as_number(operand(ctx))

    def _power(self, children):
        base, exponent = self.node(children[0]), self.node(children[1])
        return lambda ctx: _power(as_number(base(ctx)), as_number(exponent(ctx)))

    def _sum(self, children):
        return self._chain(children)

    def _product(self, children):
        return self._chain(children)

    def _chain(self, children):
        """``a op b op c ...`` left to right; blank as soon as any operand is."""
        first = self.node(children[0])
        steps = [(_ARITHMETIC[str(op)], self.node(operand))
                 for op, operand in zip(children[1::2], children[2::2])]

        def run(ctx):
            result = as_number(first(ctx))
            for apply, operand in steps:
                if result is None:
                    return None
                result = apply(result, as_number(operand(ctx)))
            return finite(result)
        return run

    def _comparison(self, children):
        left, op, right = self.node(children[0]), str(children[1]), self.node(children[2])
        return lambda ctx: compare(op, left(ctx), right(ctx))

    def _and_expr(self, children):
        operands = [self.node(child) for child in children]
        return lambda ctx: all(truthy(operand(ctx)) for operand in operands)

    def _or_expr(self, children):
        operands = [self.node(child) for child in children]
        return lambda ctx: any(truthy(operand(ctx)) for operand in operands)

    # -- calls --------------------------------------------------------------------------------
    def _call(self, children):
        name_token, *arg_trees = children
        name = str(name_token).lower()
        fn = FUNCTIONS.get(name)
        if fn is None:
            raise self.error(f"Unknown function {str(name_token)!r} {{at}}", name_token)
        if len(arg_trees) < fn.min_args or (fn.max_args is not None and len(arg_trees) > fn.max_args):
            raise self.error(f"{name}() {{at}} takes {fn.arity()}, not {len(arg_trees)}", name_token)
        for index, allowed in fn.choices.items():
            arg = arg_trees[index] if index < len(arg_trees) else None
            if isinstance(arg, Tree) and arg.data == "string" and str(arg.children[0])[1:-1] not in allowed:
                raise self.error(f"{name}() argument {index + 1} {{at}} must be one of "
                                 f"{', '.join(map(repr, allowed))}", arg.children[0])
        self.functions.add(name)
        args = [self.node(arg) for arg in arg_trees]
        call = fn.call
        if fn.lazy:
            return lambda ctx: call(ctx, [functools.partial(arg, ctx) for arg in args])
        return lambda ctx: call(ctx, [arg(ctx) for arg in args])


def _divide(a, b):
    if b is None or b == 0:
        return None
    return a / b


def _power(base, exponent):
    if base is None or exponent is None:
        return None
    try:
        result = math.pow(base, exponent)
    except (ValueError, OverflowError, ZeroDivisionError):
        return None
    if isinstance(base, int) and isinstance(exponent, int) and exponent >= 0 and abs(result) < 2 ** 53:
        return int(result)
    return finite(result)


_ARITHMETIC = {
    "+": lambda a, b: None if b is None else a + b,
    "-": lambda a, b: None if b is None else a - b,
    "*": lambda a, b: None if b is None else a * b,
    "/": _divide,
}


def _read(ctx: Context, ref: Reference) -> Any:
    """A referenced field's value: blank as ``None``, a checkbox option as ``"1"``/``"0"``."""
    if ref.event is None or ref.event == ctx.event:
        get = ctx.values.get
    elif ctx.lookup is None:
        raise ExpressionError(f"{ref} refers to event {ref.event!r}, but no lookup was given")
    else:
        get = functools.partial(ctx.lookup, ref.event)
    raw = get(ref.variable)
    if ref.code is not None:
        if raw is None:  # REDCap's export form: one variable___code column per option
            flat = get(f"{ref.variable}___{ref.code}")
            return "1" if truthy(flat) else "0"
        return "1" if _checked(raw, ref.code) else "0"
    if isinstance(raw, (str, int, float, date)):
        return None if is_blank(raw) else raw
    if raw is None:
        return None
    raise ExpressionError(f"{ref} holds {type(raw).__name__}; refer to a checkbox option as "
                          f"[{ref.variable}(code)]")


def _checked(raw: Any, code: str) -> bool:
    if isinstance(raw, Mapping):
        return any(as_text(key) == code and truthy(value) for key, value in raw.items())
    if isinstance(raw, str):
        return code in {part.strip() for part in raw.split(",")}
    if isinstance(raw, (set, frozenset, list, tuple)):
        return code in {as_text(item).strip() for item in raw}
    return False
