"""Property-based fuzzing of mission files: ``check`` and ``run`` agree, and an exit 0 is sane.

Issue 19 item 6. Hypothesis mutates the Mars 2020 preset (its whole merged
document, so that deletions are possible): a value's type changed, its sign
flipped, its magnitude scaled by up to 1e±12, NaN or infinity put in, a name a
section refers to swapped for another, a key or list item deleted, or a number
nudged by a plausible factor (0.5 to 2, so that more of the files fly). Each file is
written as TOML and given to ``skycrane check`` and ``skycrane run`` in-process
(typer's CliRunner: the compiled kernel is reused), and the invariants are:

* no traceback: neither command raises anything but its exit;
* no hang: each command returns within :data:`TIMEOUT_S`;
* check equals run: both refuse with exit 2 and the same lines, or ``check``
  passes and ``run`` flies (exit 0, or 1 for a failed flight);
* an exit 0 is physically sane: the rover touched down slower than
  :data:`TOUCHDOWN_LIMIT_M_S`, no more propellant is left than was loaded, and
  every body that came to rest has a finite position.

The default suite runs :data:`FAST_EXAMPLES` derandomized examples (the same
files every time); the ``slow`` test runs many more, randomly.
"""

from __future__ import annotations

import contextlib
import json
import math
import signal
import tempfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from skycrane.api import simulate
from skycrane.cli import app
from skycrane.missions.loader import _read_with_bases

RUNNER = CliRunner()
TIMEOUT_S = 300
"""Longest a command may take on one file [s] (a flight of the preset takes a few)."""
TOUCHDOWN_LIMIT_M_S = 10.0
"""Touchdown speed above which no landing system survives [m/s], vertical or horizontal:
Mars 2020 touches down at 0.75 m/s, Viking's legs took 2.4 m/s, airbags ~15 m/s at
impact but bounce (not a touchdown in this model)."""
FAST_EXAMPLES = 30
SLOW_EXAMPLES = 300

BASE_DOC, _, _ = _read_with_bases("m2020", 0)


def _leaves(node: Any, path: tuple = ()) -> list[tuple]:
    """Paths of every value in the document (tables and lists included)."""
    out = [path] if path else []
    if isinstance(node, dict):
        for key, value in node.items():
            out.extend(_leaves(value, (*path, key)))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            out.extend(_leaves(value, (*path, i)))
    return out


PATHS = _leaves(BASE_DOC)
NAMES = sorted(
    {*BASE_DOC["bodies"], *(ev["name"] for ev in BASE_DOC["sequence"]["events"])}
    | {"rover", "descent_stage", "capsule", "nope"}
)
ODD_VALUES = ["x", True, [], {}, 7, "[/nope]", "\x1b[31mred\nerror: forged", -1, 0]


def _toml(value: Any) -> str:
    """``value`` as an inline TOML value (tables inline, so any nesting is one line)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        if math.isnan(value):
            return "nan"
        if math.isinf(value):
            return "inf" if value > 0 else "-inf"
        return repr(value)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str):
        return json.dumps(value)  # JSON string escapes are TOML basic-string escapes
    if isinstance(value, list):
        return "[" + ", ".join(_toml(v) for v in value) + "]"
    return "{" + ", ".join(f"{json.dumps(k)} = {_toml(v)}" for k, v in value.items()) + "}"


def to_toml(doc: dict[str, Any]) -> str:
    return "".join(f"{json.dumps(k)} = {_toml(v)}\n" for k, v in doc.items())


def _copy(node: Any) -> Any:
    if isinstance(node, dict):
        return {k: _copy(v) for k, v in node.items()}
    if isinstance(node, list):
        return [_copy(v) for v in node]
    return node


def _mutate(doc: dict[str, Any], path: tuple, kind: str, draw) -> None:
    """Apply one mutation of ``kind`` at ``path`` (skipped if the path no longer exists)."""
    parent: Any = doc
    for part in path[:-1]:
        try:
            parent = parent[part]
        except (KeyError, IndexError, TypeError):
            return
    last = path[-1]
    if not isinstance(parent, dict | list):  # an earlier mutation turned a table into a string
        return
    try:
        value = parent[last]
    except (KeyError, IndexError, TypeError):
        return
    if kind == "delete":
        del parent[last]
        return
    if kind == "type":
        parent[last] = draw(st.sampled_from(ODD_VALUES))
    elif kind == "reference":
        parent[last] = draw(st.sampled_from(NAMES))
    elif isinstance(value, bool) or not isinstance(value, int | float):
        parent[last] = draw(st.sampled_from(ODD_VALUES))
    elif kind == "sign":
        parent[last] = -value if value else -1.0
    elif kind == "magnitude":
        parent[last] = float(value or 1.0) * 10.0 ** draw(st.integers(-12, 12))
    elif kind == "nudge":  # a plausible change, so that more of the files fly
        parent[last] = float(value) * draw(st.sampled_from([0.5, 0.8, 0.95, 1.05, 1.25, 2.0]))
    elif kind == "nonfinite":
        parent[last] = draw(st.sampled_from([math.nan, math.inf, -math.inf]))
    else:  # zero
        parent[last] = 0.0 if isinstance(value, float) else 0


@st.composite
def mission_files(draw) -> str:
    doc = _copy(BASE_DOC)
    for _ in range(draw(st.integers(1, 3))):
        path = draw(st.sampled_from(PATHS))
        kind = draw(
            st.sampled_from(
                [
                    "delete",
                    "type",
                    "sign",
                    "magnitude",
                    "nonfinite",
                    "zero",
                    "reference",
                    "nudge",
                    "nudge",
                ]
            )
        )
        _mutate(doc, path, kind, draw)
    return to_toml(doc)


@contextlib.contextmanager
def _deadline(seconds: int):
    """Raise TimeoutError in this thread after ``seconds`` (a hang fails the test)."""

    def alarm(signum, frame):
        raise TimeoutError(f"no answer within {seconds} s")

    previous = signal.signal(signal.SIGALRM, alarm)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def _invoke(args: list[str]):
    with _deadline(TIMEOUT_S):
        result = RUNNER.invoke(app, args)
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise AssertionError(f"skycrane {args[0]} raised") from result.exception
    return result


def check_file(text: str) -> None:
    """The invariants of the module docstring, for one mission file's text."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "mission.toml"
        path.write_text(text, encoding="utf-8")
        checked = _invoke(["check", str(path)])
        flown = _invoke(["run", str(path)])
        event(f"check {checked.exit_code}, run {flown.exit_code}")
        assert checked.exit_code in (0, 2), checked.output
        assert flown.exit_code in (0, 1, 2), flown.output
        if checked.exit_code == 2:
            assert flown.exit_code == 2, f"check refused, run flew:\n{checked.stderr}"
            assert flown.stderr == checked.stderr
            assert all(line.startswith("error: ") for line in checked.stderr.splitlines())
            return
        assert flown.exit_code != 2, f"check passed, run refused:\n{flown.stderr}"
        if flown.exit_code == 0:
            _assert_sane(path)


def _assert_sane(path: Path) -> None:
    """A flight reported as a success is physically possible."""
    from skycrane.missions.loader import load_mission

    mission = load_mission(path)
    result = simulate(mission)
    if result.touchdown is not None:
        td = result.touchdown
        assert abs(td["vertical_speed_m_s"]) <= TOUCHDOWN_LIMIT_M_S, td
        assert td["horizontal_speed_m_s"] <= TOUCHDOWN_LIMIT_M_S, td
    pd = mission.spec.powered_descent
    if pd is not None and result.propellant_remaining_kg is not None:
        assert -1e-6 <= result.propellant_remaining_kg <= pd.propellant_kg + 1e-6
    for body in result.bodies:
        if body.latitude_deg is not None:
            assert math.isfinite(body.latitude_deg) and math.isfinite(body.longitude_deg), body


def test_unmutated_preset_round_trips() -> None:
    """Invariant: the serializer writes the preset so that it loads as the preset does."""
    from skycrane.missions.loader import load_mission

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "m2020.toml"
        path.write_text(to_toml(BASE_DOC), encoding="utf-8")
        assert load_mission(path).spec == load_mission("m2020").spec


@settings(
    max_examples=FAST_EXAMPLES,
    derandomize=True,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
    database=None,
)
@given(mission_files())
def test_fuzzed_presets_check_equals_run_and_sane(text: str) -> None:
    """Invariants of the module docstring on a fixed set of mutated presets."""
    check_file(text)


@pytest.mark.slow
@settings(
    max_examples=SLOW_EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(mission_files())
def test_fuzzed_presets_many(text: str) -> None:
    """The same invariants on many random mutations (CI, ``-m slow``)."""
    check_file(text)
