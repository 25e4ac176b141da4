"""Reading user files as untrusted input: regular files, bounded sizes, bounded structure.

A mission file, its ``base`` and the atmosphere tables it names come from the
user and may be anything: a FIFO or ``/dev/zero`` (a read that never ends), a
file of gigabytes, a TOML document nested thousands of levels deep, a secret
the user did not mean to show. Every read goes through :func:`read_text`, which
refuses all but a regular file under a size limit *before* opening it, and every
parsed document through :func:`check_structure`, which refuses deep nesting and
huge key counts before any recursive code (the TOML parser, pydantic, the merge
of bases) can raise ``RecursionError`` or take quadratic time.

Errors name the key that gave the path and the path itself, never the file's
contents (a table pointing at ``/etc/passwd`` must not print its first line).
"""

from __future__ import annotations

import os
import re
import stat
import tomllib
from pathlib import Path
from typing import Any

from skycrane.errors import InputError

MAX_MISSION_BYTES = 1 << 20
"""Largest mission file [bytes]: the presets are about 20 kB."""
MAX_TABLE_BYTES = 16 << 20
"""Largest atmosphere CSV [bytes]: a Mars-GRAM export every 100 m to 1,000 km is ~1 MB."""
MAX_DEPTH = 16
"""Deepest nesting of tables and arrays in a mission file (the schema needs 5)."""
MAX_ITEMS = 10_000
"""Most keys and array items in a mission file, all levels together (a preset has ~1,000):
the TOML parser takes about a second per 10,000 keys on a busy machine."""
MAX_STRING_CHARS = 4096
"""Longest string value in a mission file (names are limited further by the schema)."""
MAX_LINES = 10_000
"""Most lines in a mission file (a preset has ~350)."""
_BRACKETS = re.compile(r"[\[\]{}]")


def read_text(path: Path, field: str, limit_bytes: int, what: str) -> str:
    """The UTF-8 text of ``path``, a regular file of at most ``limit_bytes``.

    ``os.stat`` follows symbolic links, so a link to a device or FIFO is
    refused like the device itself; nothing is opened until the checks pass.

    Raises
    ------
    InputError
        Naming ``field`` and the path, never the file's contents.
    """
    shown = str(path)
    try:
        info = os.stat(path)
    except FileNotFoundError:
        raise InputError(field, shown, f"an existing {what} (not found)") from None
    except OSError as exc:
        raise InputError(field, shown, f"a readable {what} ({exc.strerror})") from None
    if not stat.S_ISREG(info.st_mode):
        raise InputError(
            field, shown, f"a readable regular {what} (not a directory, device, FIFO or socket)"
        )
    if info.st_size > limit_bytes:
        raise InputError(
            field, shown, f"a {what} of at most {limit_bytes:,} bytes (it has {info.st_size:,})"
        )
    try:
        with open(path, "rb") as stream:
            data = stream.read(limit_bytes + 1)
    except OSError as exc:
        raise InputError(field, shown, f"a readable {what} ({exc.strerror})") from None
    if len(data) > limit_bytes:  # grew since the stat
        raise InputError(field, shown, f"a {what} of at most {limit_bytes:,} bytes")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InputError(
            field, shown, f"a readable UTF-8 {what} (byte {exc.start} is not UTF-8)"
        ) from None


def parse_toml(text: str, field: str, shown: str) -> dict[str, Any]:
    """Parse mission-file text, refusing deep or huge documents before recursing into them.

    A cheap scan of bracket depth and dotted-key length comes first, because
    the TOML parser itself recurses once per level (5,000 nested arrays or a
    20,000-part dotted key would raise ``RecursionError`` inside it).
    """
    _prescan(text, field, shown)
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise InputError(field, shown, f"valid TOML ({exc})") from None
    except RecursionError:  # pragma: no cover - the prescan bounds the depth first
        raise InputError(field, shown, f"TOML nested at most {MAX_DEPTH} levels deep") from None
    check_structure(raw, field, shown)
    return raw


def _prescan(text: str, field: str, shown: str) -> None:
    """Refuse too many lines or items, bracket nesting deeper than :data:`MAX_DEPTH`
    and over-long dotted keys, before the parser spends seconds or recursion on them.

    Brackets inside strings count too, so a string full of ``[`` may be
    refused although valid: an over-estimate in the safe direction, since a
    string of more than MAX_DEPTH open brackets is never a sensible name.
    """
    lines = text.count("\n") + 1
    if lines > MAX_LINES:
        raise InputError(field, shown, f"a mission file of at most {MAX_LINES:,} lines")
    if text.count("=") + text.count(",") > MAX_ITEMS:  # an over-estimate: strings count too
        raise InputError(field, shown, f"at most {MAX_ITEMS:,} keys and array items")
    depth = 0
    deepest = 0
    for match in _BRACKETS.finditer(text):
        if match.group() in "[{":
            depth += 1
            deepest = max(deepest, depth)
        else:
            depth = max(0, depth - 1)
    # a key like a.b.c... nests one table per dot; no key of the schema has more than 4
    dots = 0
    for line in text.splitlines():
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        key = stripped.split("]", 1)[0] if stripped.startswith("[") else stripped.split("=", 1)[0]
        dots = max(dots, key.count("."))
    if deepest > 2 * MAX_DEPTH or dots > MAX_DEPTH:
        raise InputError(field, shown, f"TOML nested at most {MAX_DEPTH} levels deep")


def check_structure(raw: Any, field: str, shown: str) -> None:
    """Refuse a parsed document deeper than :data:`MAX_DEPTH`, with more than
    :data:`MAX_ITEMS` keys and items, or a string longer than :data:`MAX_STRING_CHARS`.

    Iterative, so it cannot itself overflow the stack.
    """
    stack: list[tuple[Any, int]] = [(raw, 0)]
    items = 0
    while stack:
        node, depth = stack.pop()
        if depth > MAX_DEPTH:
            raise InputError(field, shown, f"TOML nested at most {MAX_DEPTH} levels deep")
        if isinstance(node, dict):
            children = list(node.items())
            for key, _ in children:
                if len(key) > MAX_STRING_CHARS:
                    raise InputError(field, shown, f"keys of at most {MAX_STRING_CHARS} characters")
            children_values = [value for _, value in children]
        elif isinstance(node, list):
            children_values = node
        else:
            if isinstance(node, str) and len(node) > MAX_STRING_CHARS:
                raise InputError(field, shown, f"strings of at most {MAX_STRING_CHARS} characters")
            continue
        items += len(children_values)
        if items > MAX_ITEMS:
            raise InputError(field, shown, f"at most {MAX_ITEMS:,} keys and array items")
        stack.extend((child, depth + 1) for child in children_values)
