"""Errors raised at the user boundary.

Every problem with user input is reported as an :class:`InputError` that names
the field (a dotted key path such as ``vehicle.capsule.mass_kg``), the offending
value and what was expected, so the command line can print one clear line and
exit with status 2 instead of a traceback.
"""

from __future__ import annotations

from typing import Any


class SkycraneError(Exception):
    """Base class of every error skycrane raises on purpose."""


class InputError(SkycraneError, ValueError):
    """Bad user input: names the field, the value and what was expected."""

    def __init__(self, field: str, value: Any, expected: str) -> None:
        self.field = field
        self.value = value
        self.expected = expected
        super().__init__(f"{field}: got {_short(value)}, expected {expected}")


def terminal_safe(text: str) -> str:
    """``text`` with every control character (ANSI escape, newline, tab, ...) shown as
    its Python escape (``\\x1b``), so that user text can neither recolour a terminal
    nor forge a line of output."""
    if text.isprintable():
        return text
    return "".join(ch if ch.isprintable() else ch.encode("unicode_escape").decode() for ch in text)


def _short(value: Any, limit: int = 80) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."
