"""Keeping data from a policy harmless in the files sharegraph writes."""

from __future__ import annotations

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def neutralize(value: str) -> str:
    """Neutralize a spreadsheet cell that a spreadsheet would run as a formula (OWASP).

    A cell beginning with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return
    is prefixed with a single quote.

    >>> neutralize("=HYPERLINK(\\"http://x\\")")
    '\\'=HYPERLINK("http://x")'
    >>> neutralize("身份证号码")
    '身份证号码'
    """
    if value and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value
