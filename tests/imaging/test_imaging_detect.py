"""Change detection on rendered before/after pairs with known truth, and bad input."""

import functools

import numpy as np
import pytest

from skycrane.errors import InputError
from skycrane.imaging import OrbitalPass, detect, load_pair, random_site, render_pair, write_pair
from skycrane.imaging.debris import blast_zone_mark, main_crash_fan
from skycrane.imaging.score import evaluate_sites, truth_marks

RES = 0.25
SIZE = 800
SEEDS = range(8)
CONDITIONS = {
    "aligned": ((0.0, 0.0), 1.0),
    "shift+dim": ((0.5, -0.5), 0.9),  # 0.5 px each way, 10 % darker pass
    "shift+bright": ((-0.5, 0.5), 1.1),
}
# Classification accuracy (correct / found) measured over these 8 seeds at 800 x 800 px
# (docs/imaging.md): every kind named right in all three conditions; the thresholds
# leave one miss per kind (two for the secondaries' ~270).
MIN_CORRECT = {
    "main_crash": 7 / 8,
    "heat_shield": 7 / 8,
    "backshell": 7 / 8,
    "parachute": 7 / 8,
    "blast_zone": 7 / 8,
    "balance_mass": 15 / 16,
    "secondary": 0.98,
}
# Marks found of the 8 (16 balance masses): all of them, measured in each condition.
# With the crash 44-67 m down-range of the rover (random_site; 650-700 m on real sites)
# no blast zone lies in its ejecta halo (3-4 of 8 were found there), and the broad
# matched filter (DetectParams.broad_scale_px) seeds the faint scours the 2-3 px blobs
# scored under the seed threshold (8.2 on seed 0).
MIN_FOUND = {"balance_mass": 16}


@functools.cache
def site_stats(condition: str):
    """Totals over the 8 seeds for one condition (cached: each takes a minute)."""
    shift, gain = CONDITIONS[condition]
    return evaluate_sites(SEEDS, SIZE, RES, after=OrbitalPass(shift_px=shift, gain=gain))


@pytest.fixture(scope="module", params=list(CONDITIONS), ids=list(CONDITIONS))
def stats(request):
    return site_stats(request.param)


def test_false_detections_and_positions_on_known_truth(stats):
    """Reference: rendered truth (one truth per mark, score.py); < 5 % of the detections
    false, every found mark within 2 px."""
    assert stats.n_truth > 250
    assert stats.false_fraction < 0.05
    assert max(stats.position_errors_px) <= 2.0


@pytest.mark.parametrize("condition", list(CONDITIONS))
def test_recall_on_known_truth(condition):
    """Reference: rendered truth; the issue's target, >= 95 % of the marks >= 1 m2 found."""
    assert site_stats(condition).recall >= 0.95


def test_classification_accuracy_per_kind(stats):
    """Reference: rendered truth; each kind of mark is named right (thresholds measured)."""
    for kind, threshold in MIN_CORRECT.items():
        correct, found = stats.accuracy(kind)
        assert found >= MIN_FOUND.get(kind, 8), kind
        assert correct / found >= threshold, (kind, correct, found, stats.confusion)
    fallback = sum(n for (_, d), n in stats.confusion.items() if d == "hardware")
    assert fallback == 0, stats.confusion


def test_main_crash_and_blast_zone_are_where_the_truth_is():
    """Reference: rendered truth; the fan is the main crash, within 2 m of its footprint's
    centroid, the rover's round mark the blast zone and the heat shield, each within 1 m
    (seeds 0-2)."""
    for seed in range(3):
        rng = np.random.default_rng(seed)
        marks = random_site(rng, SIZE * RES, SIZE * RES)
        after = OrbitalPass(shift_px=(0.5, 0.5), gain=0.9)
        pair = render_pair(rng, marks, (SIZE, SIZE), RES, after=after)
        found = detect(pair.before, pair.after, RES)
        centre = (SIZE - 1) / 2.0
        truth = {t["kind"]: t for t in truth_marks(marks, (SIZE, SIZE), RES)}
        for kind, count, reach_m in (
            ("main_crash", 1, 2.0),
            ("blast_zone", None, 1.0),
            ("heat_shield", 1, 1.0),
        ):
            row, col = truth[kind]["centroid"]
            x_m, y_m = (col - centre) * RES, (centre - row) * RES
            named = [d for d in found if d.kind == kind]
            assert count is None or len(named) == count, (seed, kind)
            assert any(np.hypot(d.x_m - x_m, d.y_m - y_m) < reach_m for d in named), (seed, kind)


@pytest.mark.parametrize("seed", range(3))
def test_a_rayed_fan_and_a_streaked_blast_zone_are_one_region_each(seed):
    """Reference: rendered truth; a rayed crash fan (20-60 degree impact) and a streaked
    blast zone, apart, give exactly two regions, each within 2 px of its mark's footprint
    centroid with the footprint's area to 15 %: rays and streaks are not cut off."""
    fan = main_crash_fan(0.0, 0.0, 650.0, 40.0, 70.0 * seed, 30.0 + 10.0 * seed, ray_seed=seed + 1)
    marks = [fan, blast_zone_mark(-60.0, 40.0, 8.0, ray_seed=seed + 7)]
    rng = np.random.default_rng(seed)
    after = OrbitalPass(shift_px=(0.5, -0.5), gain=0.9)
    pair = render_pair(rng, marks, (SIZE, SIZE), RES, after=after)
    found = detect(pair.before, pair.after, RES)
    assert len(found) == 2
    centre = (SIZE - 1) / 2.0
    for truth in truth_marks(marks, (SIZE, SIZE), RES):
        row, col = truth["centroid"]
        x_m, y_m = (col - centre) * RES, (centre - row) * RES
        nearest = min(found, key=lambda d: np.hypot(d.x_m - x_m, d.y_m - y_m))
        assert np.hypot(nearest.x_m - x_m, nearest.y_m - y_m) <= 2.0 * RES, truth["kind"]
        assert nearest.area_m2 == pytest.approx(truth["area_m2"], rel=0.15), truth["kind"]


def test_unchanged_pair_has_no_detections():
    """Invariant: identical images, or two noisy looks at unchanged ground, give nothing."""
    rng = np.random.default_rng(5)
    pair = render_pair(rng, [], (512, 512), RES, after=OrbitalPass(shift_px=(0.3, -0.2), gain=1.05))
    assert detect(pair.before, pair.before, RES) == []
    assert detect(pair.before, pair.after, RES) == []
    flat = np.full((64, 64), 0.5)
    assert detect(flat, flat.copy(), RES) == []


def test_png_round_trip(tmp_path):
    """Invariant: detection on the written 16-bit PNGs matches detection in memory."""
    rng = np.random.default_rng(11)
    pair = render_pair(rng, random_site(rng, 100.0, 100.0), (400, 400), RES)
    files = write_pair(tmp_path, pair)
    before, after = load_pair(files["before"], files["after"])
    on_disk = detect(before, after, RES)
    in_memory = detect(pair.before, pair.after, RES)
    assert len(on_disk) == pytest.approx(len(in_memory), abs=2)
    assert files["truth"].exists() and files["before_world"].exists()


def test_bad_input_raises_input_error(tmp_path):
    """Invariant: user-facing errors name the field, value and expectation."""
    a = np.zeros((64, 64))
    with pytest.raises(InputError, match=r"after\.shape"):
        detect(a, np.zeros((64, 70)), RES)  # 1-2 px more is put on the grid
    with pytest.raises(InputError, match="resolution_m"):
        detect(a, a, 0.0)
    with pytest.raises(InputError, match="finite"):
        detect(a, np.full((64, 64), np.nan), RES)
    text = tmp_path / "notes.png"
    text.write_text("not an image")
    with pytest.raises(InputError, match="before"):
        load_pair(text, text)
    with pytest.raises(InputError, match="existing"):
        load_pair(tmp_path / "missing.png", text)
    rng = np.random.default_rng(0)
    small = render_pair(rng, [], (64, 64), RES)
    big = render_pair(rng, [], (64, 80), RES)
    write_pair(tmp_path / "s", small)
    write_pair(tmp_path / "b", big)
    with pytest.raises(InputError, match=r"after\.shape"):
        load_pair(tmp_path / "s" / "before.png", tmp_path / "b" / "after.png")


def test_colour_and_8_bit_images_are_treated_as_grey():
    """Invariant: any co-located same-size pair works; RGB (equal channels) and 8-bit
    versions of a grey pair give the same regions as the float grey pair."""
    rng = np.random.default_rng(6)
    pair = render_pair(rng, random_site(rng, 100.0, 100.0), (400, 400), RES)
    grey = detect(pair.before, pair.after, RES)
    rgb = detect(*(np.repeat(im[..., None], 3, axis=2) for im in (pair.before, pair.after)), RES)
    assert [(d.kind, round(d.area_m2, 3)) for d in rgb] == [
        (d.kind, round(d.area_m2, 3)) for d in grey
    ]
    eight = detect(*(np.round(im * 255).astype(np.uint8) for im in (pair.before, pair.after)), RES)
    big = [d for d in grey if d.area_m2 >= 20.0]
    assert big
    for d in big:  # quantisation to 8 bits moves edges a little, never the large marks
        assert min(np.hypot(e.x_m - d.x_m, e.y_m - d.y_m) for e in eight) < 2 * RES
