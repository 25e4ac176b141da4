"""Change detection on rendered before/after pairs with known truth, and bad input."""

import numpy as np
import pytest

from skycrane.errors import InputError
from skycrane.imaging import detect, load_pair, random_site, render_pair, write_pair
from skycrane.imaging.score import score

RES = 0.25
SIZE = 640
SEEDS = range(8)


def _run(seed, shift, gain):
    rng = np.random.default_rng(seed)
    marks = random_site(rng, SIZE * RES, SIZE * RES)
    pair = render_pair(rng, marks, (SIZE, SIZE), RES, shift_px=shift, gain=gain)
    found = detect(pair.before, pair.after, RES)
    return pair, found, score(found, pair.truth_labels, pair.marks, RES)


@pytest.mark.parametrize(
    ("shift", "gain"), [((0.0, 0.0), 1.0), ((0.5, -0.5), 0.9), ((-0.5, 0.5), 1.1)]
)
def test_detection_rates_on_known_truth(shift, gain):
    """Reference: rendered truth; >= 95 % of >= 1 m2 marks within 2 px, < 5 % false."""
    n_truth = n_found = n_det = n_false = 0
    errors = []
    for seed in SEEDS:
        _, _, s = _run(seed, shift, gain)
        n_truth += s.n_truth
        n_found += s.n_found
        n_det += s.n_detections
        n_false += s.n_false
        errors += s.position_errors_px
    assert n_truth > 100
    assert n_found / n_truth >= 0.95
    assert n_false / n_det < 0.05
    assert max(errors) <= 2.0


def test_main_crash_and_blast_zone_are_classified():
    """Reference: rendered truth; the fan is the main crash, the rover's round mark the blast."""
    for seed in range(4):
        pair, found, _ = _run(seed, (0.5, 0.5), 0.9)
        crash = next(m for m in pair.marks if m.kind == "main_crash")
        mains = [d for d in found if d.kind == "main_crash"]
        assert len(mains) == 1
        cx, cy = crash.centroid_m
        assert np.hypot(mains[0].x_m - cx, mains[0].y_m - cy) < 2.0
        blast = next(m for m in pair.marks if m.kind == "blast_zone")
        blasts = [d for d in found if d.kind == "blast_zone"]
        assert any(np.hypot(d.x_m - blast.x_m, d.y_m - blast.y_m) < 1.0 for d in blasts)


def test_unchanged_pair_has_no_detections():
    """Invariant: identical images, or two noisy looks at unchanged ground, give nothing."""
    rng = np.random.default_rng(5)
    pair = render_pair(rng, [], (512, 512), RES, shift_px=(0.3, -0.2), gain=1.05)
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
        detect(a, np.zeros((64, 65)), RES)
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
