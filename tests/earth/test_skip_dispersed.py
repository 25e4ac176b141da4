"""Dispersed Artemis I skip entries: the guidance's own accuracy (issue 15).

* published bound: BAIR06 gives < 3.5 km landing error for PredGuid-class guidance over
  2,400-10,000 km target ranges (EARTH.md 1.4). That is a guidance figure, so it is held
  on the cases with the preset's atmosphere, aerodynamic, mass and entry-state dispersions
  and with the two dispersions no entry guidance can act on held at zero: the constant wind,
  which carries the capsule 380-430 m per m/s during its ~7 minutes under the parachutes
  (measured, docs/skip_guidance.md), and the navigation error, which the guidance cannot see
  (it puts the navigated point on the target). Seed 7's first 40 cases: p90 2.77 km (2.9
  before the L/D estimate and the density-ratio profile); its first 200: p90 3.17 km, none
  beyond 4.4 km (before: 3.32 km, case 84 497 km off; docs/skip_guidance.md);
* published bound plus the wind: the preset's cases that were gross outliers of seed 7
  (30, 286, 344, 676: 29-96 km off at 20-22 g with the L/D estimate alone, all overshoots
  out of a +25-45 % layer at 55-65 km under a -20-50 % one at 70-85 km) land within
  10 km: BAIR06's 3.5 km plus the wind-only p99 of 6.1 km (docs/skip_guidance.md). With
  the density-ratio profile: 1.5-3.1 km at 6-11 g;
* invariant: every case is counted, landed or failed by reason.
"""

from __future__ import annotations

import numpy as np
import pyarrow.parquet as pq
import pytest

import skycrane

MISS_MAX_M = 3500.0  # BAIR06: < 3.5 km (EARTH.md 1.4)
WIND_P99_M = 6060.0  # the preset's wind alone, p99 of 200 cases (docs/skip_guidance.md, E)
OUTLIERS_SEED_7 = (30, 286, 344, 676)  # beyond 20 km before the profile (issue 15)
N_CASES = 40
SEED = 7

GUIDANCE_ONLY = """base = "artemis1"
[dispersions.parameters]
wind_east_m_s = { distribution = "normal", mean = 0.0, std = 0.0 }
wind_north_m_s = { distribution = "normal", mean = 0.0, std = 0.0 }
navigation_east_m = { distribution = "normal", mean = 0.0, std = 0.0 }
navigation_north_m = { distribution = "normal", mean = 0.0, std = 0.0 }
navigation_up_m = { distribution = "normal", mean = 0.0, std = 0.0 }
"""


@pytest.mark.slow
def test_dispersed_skip_guidance_p90_within_bairstow(tmp_path):
    """Published bound: 90 % of the dispersed guidance-only cases splash down within
    BAIR06's 3.5 km; none fails and every case is counted."""
    from skycrane.montecarlo import run_monte_carlo

    path = tmp_path / "artemis1_guidance_only.toml"
    path.write_text(GUIDANCE_ONLY, encoding="utf-8")
    run = run_monte_carlo(skycrane.load_mission(path), N_CASES, SEED, tmp_path / "mc")
    summary = run.summary
    assert summary["cases"] == N_CASES
    assert summary["failed"] == sum(summary["failures"].values()) == 0
    table = pq.read_table(run.out_dir / "cases.parquet")
    miss_m = table.column("touchdown.miss_distance_m").to_numpy()
    assert np.all(np.isfinite(miss_m))
    assert np.percentile(miss_m, 90) < MISS_MAX_M


@pytest.mark.slow
def test_layered_atmosphere_outliers_land_within_bairstow_plus_wind():
    """Published bound plus the measured wind drift: the former gross outliers of seed 7
    (1,000 cases; the draws depend only on the seed, the case and n) splash down within
    BAIR06's 3.5 km plus the preset's wind-only p99, 6.1 km."""
    from skycrane.montecarlo.chunk import Job, compute_columns

    job = Job(skycrane.load_mission("artemis1"), SEED, 1000)
    cols = compute_columns(job, np.array(OUTLIERS_SEED_7))
    miss_m = cols["touchdown.miss_distance_m"]
    assert np.all(np.isfinite(miss_m))
    assert np.all(miss_m < MISS_MAX_M + WIND_P99_M), dict(zip(OUTLIERS_SEED_7, miss_m, strict=True))
