"""Shared helpers of the command-line tests."""

from __future__ import annotations

import re

import pytest

_ROW = re.compile(r"^(.*?)\s{2,}[−-]?\d+\.\d\s")
"""A row's first line: its label, then (two spaces at least) the E+ time, a decimal number."""


def _label_cells(lines: list[str]) -> list[str]:
    """The event column's cells, continuation lines joined. A row's first line has its E+
    time (a decimal number; labels have none) after the label; a continuation line is
    the label's next words alone."""
    rule = next(k for k, line in enumerate(lines) if line.strip() and set(line.strip()) <= {"─"})
    cells: list[str] = []
    for line in lines[rule + 1 :]:
        if not line.strip():
            break
        row = _ROW.match(line)
        if row:
            cells.append(row.group(1).strip())
        else:
            cells[-1] += " " + line.strip()
    return cells


@pytest.fixture(scope="session")
def label_cells():
    """Read a rendered timeline's event column back, one whole label per event."""
    return _label_cells
