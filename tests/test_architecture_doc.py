"""The worked examples of docs/architecture.md run (STYLE.md: examples that never run rot).

Each is executed as a user would paste it, in a scratch folder. What they
print is checked against the physics they exercise: a Mach trigger fires
below its Mach number, and a jettisoned body comes to rest on the surface
within the landing's footprint.
"""

from __future__ import annotations

import contextlib
import io
import os
import re
from pathlib import Path

import pytest

DOC = Path(__file__).resolve().parents[1] / "docs" / "architecture.md"


@pytest.fixture(scope="module")
def printed(tmp_path_factory) -> list[str]:
    folder = tmp_path_factory.mktemp("architecture")
    blocks = re.findall(r"```python\n(.*?)```", DOC.read_text(encoding="utf-8"), flags=re.S)
    assert len(blocks) == 4
    out: list[str] = []
    here = Path.cwd()
    os.chdir(folder)
    try:
        for code in blocks:
            buffer = io.StringIO()
            with contextlib.redirect_stdout(buffer):
                exec(compile(code, str(DOC), "exec"), {"__name__": "__doc_example__"})
            out.extend(buffer.getvalue().splitlines())
    finally:
        os.chdir(here)
    return out


def test_field_lookup_prints_the_declaration(printed) -> None:
    """The declaration names the mission key and the layout its slot."""
    assert any("parachute.opening_load_factor" in line for line in printed)
    assert any(line.startswith("slot ") for line in printed)


def test_mach_trigger_fires_below_its_mach(printed) -> None:
    line = next(line for line in printed if line.startswith("heat shield separated"))
    mach = float(line.rsplit("Mach", 1)[1])
    assert mach == pytest.approx(0.8, abs=0.01)  # located on the dense output, not a step end


def test_new_body_comes_to_rest_near_the_landing(printed) -> None:
    line = next(line for line in printed if line.startswith("instrument_cover"))
    distance_m = float(line.split()[1])
    assert 0.0 < distance_m < 20_000.0  # released 2 min before touchdown at ~150 m/s
