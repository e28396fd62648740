"""REDCap's expression syntax (branching logic, calculated fields, data quality rules), parsed
with a lark LALR grammar and evaluated by walking the result; user text never reaches ``eval``.

    >>> bmi = parse("round([weight]*10000/([height]*[height]), 2)")
    >>> sorted(bmi.fields)
    [(None, 'height'), (None, 'weight')]
    >>> bmi.evaluate_number({"weight": "70", "height": "175"})
    22.86

``parse(text) -> Expression`` (cached) raises ``ExpressionError`` for bad syntax, unknown
functions and over-long or over-nested text. ``validate(expression, known_variables,
known_events=None)`` lists references to fields or events a study lacks. ``Expression.evaluate``
returns the value, ``evaluate_bool`` the branching decision, ``evaluate_number`` a calculation.
"""
from .api import Expression, Lookup, parse, validate
from .errors import ExpressionError
from .evaluator import Reference
from .functions import DATEDIFF_UNITS, FUNCTIONS
from .grammar import MAX_DEPTH, MAX_LENGTH

__all__ = ["DATEDIFF_UNITS", "FUNCTIONS", "MAX_DEPTH", "MAX_LENGTH", "Expression", "ExpressionError",
           "Lookup", "Reference", "parse", "validate"]
