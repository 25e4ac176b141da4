"""The bridle length is one quantity: it sets where the rover hangs and when touchdown is sought.

Until the kernel contract, the mission's bridle length moved the rover
(``P_ROVER_HANG_M``) while the touchdown detector's window kept its own 7.5 m
(``PDP_BRIDLE_M``). With a 15 m bridle the stale window opened 1.6 s after the
wheels touched, and detection came that late. Invariants checked here, for
several bridle lengths:

* geometry: at touchdown the descent stage hovers one bridle length above the
  ground (the wheels are on it);
* detection latency: the time from the wheels touching to flight software
  confirming it (thrust filter, persistence, cycle phase; GUIDANCE.md 3.3)
  does not depend on the bridle length: within two guidance cycles of the
  preset's 7.5 m (the touchdown falls at another phase of the 8 Hz cycle, and
  the filtered thrust starts from another hover state). With the stale 7.5 m
  window a 15 m bridle's touchdown was confirmed 1.85 s after the wheels
  touched; now 0.98 s, against 0.85 s at 7.5 m.
"""

from __future__ import annotations

import pytest

import skycrane

CYCLE_S = 1.0 / 8.0  # Mars 2020 powered-descent guidance rate (preset: 8 Hz)


def _what_if(tmp_path, bridle_m: float) -> skycrane.Result:
    path = tmp_path / f"bridle_{bridle_m:g}.toml"
    path.write_text(f'base = "m2020"\n\n[rover]\nbridle_length_m = {bridle_m}\n', encoding="utf-8")
    return skycrane.simulate(skycrane.load_mission(path))


def _latency_s(result: skycrane.Result) -> float:
    return result.event("touchdown_detected").t_s - result.event("touchdown").t_s


@pytest.fixture(scope="module")
def nominal_latency_s() -> float:
    return _latency_s(skycrane.simulate("m2020"))


@pytest.mark.parametrize("bridle_m", [6.0, 15.0])
def test_bridle_moves_rover_and_detection_window(tmp_path, bridle_m, nominal_latency_s) -> None:
    result = _what_if(tmp_path, bridle_m)
    assert result.ok, result.status_text
    site_m = skycrane.load_mission("m2020").spec.target.altitude_m
    touchdown = result.event("touchdown")
    assert touchdown.altitude_m - site_m == pytest.approx(bridle_m, abs=1e-3)
    assert _latency_s(result) == pytest.approx(nominal_latency_s, abs=2 * CYCLE_S)
