"""The REDCap expression grammar (branching logic, calculations, data quality rules) for lark.

Precedence, loosest first: ``or`` < ``and`` < ``not`` < comparison < ``+ -`` < ``* /`` < unary
minus < ``^``. So ``not [a]=1 or [b]=2`` is ``(not ([a]=1)) or ([b]=2)`` as in REDCap, and
``-2^2`` is ``-(2^2)``. Comparisons do not chain (``1 < [a] < 3`` is a syntax error).

Binary operators of one level are parsed as flat lists (``a + b - c + d`` is one ``sum`` node),
so a long questionnaire total does not make a deep tree; only parentheses, unary operators,
``^`` and nested calls add depth, and that is bounded by ``MAX_DEPTH``.
"""
from __future__ import annotations

from lark import Lark, Token, Tree
from lark.exceptions import UnexpectedCharacters, UnexpectedEOF, UnexpectedInput, UnexpectedToken

from .errors import ExpressionError, position

#: Longest expression text accepted (REDCap calculations over many fields run to a few thousand).
MAX_LENGTH = 10_000
#: Deepest nesting accepted: parentheses, and levels of the parse tree.
MAX_DEPTH = 100

GRAMMAR = r"""
?start: or_expr

?or_expr: and_expr (_OR and_expr)*
?and_expr: not_expr (_AND not_expr)*
?not_expr: _NOT not_expr -> not_
         | comparison
?comparison: sum (COMP_OP sum)?
?sum: product (ADD_OP product)*
?product: unary (MUL_OP unary)*
?unary: "-" unary -> neg
      | "+" unary -> pos
      | power
?power: atom (_POW unary)?
?atom: number | string | true | false | ref | call | bare_name | "(" or_expr ")"

number: NUMBER
string: STRING
true: TRUE
false: FALSE
ref: REF REF?
call: NAME "(" (or_expr ("," or_expr)*)? ")"
bare_name: NAME

// Keywords outrank NAME and need a word boundary, so "android" stays a name.
_OR.2: /or\b/i | "||"
_AND.2: /and\b/i | "&&"
_NOT.2: /not\b/i
TRUE.2: /true\b/i
FALSE.2: /false\b/i
_POW: "^"
COMP_OP: /<=|>=|<>|!=|==|=|<|>/
ADD_OP: /[+-]/
MUL_OP: /[*\/]/
NUMBER: /([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+)?/
STRING: /"[^"]*"|'[^']*'/
REF: /\[[A-Za-z_][A-Za-z0-9_]*(\([A-Za-z0-9_.\-]+\))?\]/
NAME: /[A-Za-z_][A-Za-z0-9_]*/

%ignore /\s+/
"""

_PARSER = Lark(GRAMMAR, parser="lalr", maybe_placeholders=False)

_TOKEN_NAMES = {"$END": "end of expression"}


def parse_tree(text: str) -> Tree | Token:
    """Parse ``text`` to a lark tree, or raise ``ExpressionError`` naming where it went wrong."""
    if not isinstance(text, str):
        raise ExpressionError(f"An expression must be text, not {type(text).__name__}")
    if not text.strip():
        raise ExpressionError("Empty expression")
    if len(text) > MAX_LENGTH:
        raise ExpressionError(f"Expression is too long ({len(text)} characters; at most {MAX_LENGTH})")
    multiline = "\n" in text
    _check_parentheses(text, multiline)
    try:
        tree = _PARSER.parse(text)
    except UnexpectedInput as exc:
        raise _syntax_error(exc, text, multiline) from None
    if _depth(tree) > MAX_DEPTH:
        raise ExpressionError(f"Expression is nested too deeply (more than {MAX_DEPTH} levels)")
    return tree


def _check_parentheses(text: str, multiline: bool) -> None:
    """Refuse nesting deeper than ``MAX_DEPTH`` before parsing (strings are skipped)."""
    depth, quote, line, line_start = 0, None, 1, 0
    for index, char in enumerate(text):
        if char == "\n":
            line, line_start = line + 1, index + 1
        if quote:
            if char == quote:
                quote = None
        elif char in "'\"":
            quote = char
        elif char == "(":
            depth += 1
            if depth > MAX_DEPTH:
                column = index - line_start + 1
                where = position(line, column, multiline)
                raise ExpressionError(
                    f"Parentheses nested too deeply at {where} (at most {MAX_DEPTH} levels)",
                    line=line, column=column)
        elif char == ")":
            depth = max(depth - 1, 0)


def _depth(tree: Tree | Token) -> int:
    """The tree's depth, measured without recursion (the tree may be deep)."""
    deepest, stack = 0, [(tree, 1)]
    while stack:
        node, level = stack.pop()
        deepest = max(deepest, level)
        if level > MAX_DEPTH:
            break
        if isinstance(node, Tree):
            stack.extend((child, level + 1) for child in node.children)
    return deepest


def _end_position(text: str) -> tuple[int, int]:
    lines = text.split("\n")
    return len(lines), len(lines[-1]) + 1


def _syntax_error(exc: UnexpectedInput, text: str, multiline: bool) -> ExpressionError:
    line, column = getattr(exc, "line", None), getattr(exc, "column", None)
    if isinstance(exc, UnexpectedCharacters):
        char = text[exc.pos_in_stream]
        where = position(line, column, multiline)
        if char == "[":
            message = (f"Invalid field reference at {where}: expected [variable], "
                       f"[variable(code)] or [event][variable]")
        elif char in "'\"":
            message = f"Unterminated string starting at {where}"
        else:
            message = f"Unexpected character {char!r} at {where}"
        return ExpressionError(message, line=line, column=column)
    token = getattr(exc, "token", None)
    if isinstance(exc, UnexpectedEOF) or (isinstance(exc, UnexpectedToken) and token.type == "$END"):
        line, column = _end_position(text)
        unclosed = text.count("(") - text.count(")")
        hint = " (missing ')')" if unclosed > 0 else ""
        return ExpressionError(f"Unexpected end of expression at {position(line, column, multiline)}{hint}",
                               line=line, column=column)
    where = position(line, column, multiline)
    return ExpressionError(f"Unexpected {str(token)!r} at {where}", line=line, column=column)
