"""The pass's sun from a product's PDS3 label (:mod:`skycrane.imaging.labels`).

Reference: the azimuth convention of the labels' viewing geometry, as USGS ISIS
computes it for HiRISE's RDRs (``Camera::ComputeAzimuth``: clockwise from the image's
3 o'clock direction, lines increasing downwards; a north-up product's NORTH_AZIMUTH is
270). Each test says which direction it checks.
"""

import logging

import pytest

from skycrane.errors import InputError
from skycrane.imaging.labels import label_sun_deg


def _label(tmp_path, viewing: str, projection: str = "EQUIRECTANGULAR"):
    """An image path with a detached PDS3 label beside it, as HiRISE distributes an RDR."""
    image = tmp_path / "ESP_000000_0000_RED.JP2"
    image.write_bytes(b"")
    (tmp_path / "ESP_000000_0000_RED.LBL").write_text(
        "PDS_VERSION_ID = PDS3\nNOT_APPLICABLE_CONSTANT = -9998\n"
        f'OBJECT = IMAGE_MAP_PROJECTION\n  MAP_PROJECTION_TYPE = "{projection}"\n'
        "END_OBJECT = IMAGE_MAP_PROJECTION\n"
        f"GROUP = VIEWING_PARAMETERS\n{viewing}END_GROUP = VIEWING_PARAMETERS\nEND\n"
    )
    return image


@pytest.mark.parametrize(
    ("sub_solar_deg", "north_deg", "compass_deg"),
    [
        (0.0, 270.0, 90.0),  # north-up: the sun at 3 o'clock is in the east
        (90.0, 270.0, 180.0),  # 6 o'clock: south
        (180.0, 270.0, 270.0),  # 9 o'clock: west (HiRISE's afternoon sun)
        (270.0, 270.0, 0.0),  # 12 o'clock: north
        (160.0, 270.0, 250.0),  # the detector tests' before pass
        (160.0, 0.0, 160.0),  # north at 3 o'clock (a product turned 90 deg clockwise)
        (10.0, 90.0, 280.0),  # north at 6 o'clock (upside down): 1 o'clock is west-north-west
    ],
)
def test_compass_azimuth_from_image_azimuths(tmp_path, sub_solar_deg, north_deg, compass_deg):
    """The ISIS convention: the sun's compass azimuth is the angle clockwise from north's
    image direction to the sub-solar point's."""
    image = _label(
        tmp_path,
        f"  INCIDENCE_ANGLE = 52.5 <DEG>\n  SUB_SOLAR_AZIMUTH = {sub_solar_deg} <DEG>\n"
        f"  NORTH_AZIMUTH = {north_deg} <DEG>\n",
    )
    incidence, azimuth = label_sun_deg(image)
    assert incidence == 52.5
    assert azimuth == pytest.approx(compass_deg, abs=1e-9)


def test_no_label_or_no_sun_gives_none(tmp_path, caplog):
    """No label, a not-applicable value (-9998 or "N/A"), or a polar-stereographic product
    without NORTH_AZIMUTH (no single north) give no sun; the last says why in the log."""
    assert label_sun_deg(tmp_path / "no_label.jp2") is None
    for viewing in (
        "  INCIDENCE_ANGLE = -9998\n  SUB_SOLAR_AZIMUTH = 180.0 <DEG>\n",
        '  INCIDENCE_ANGLE = 50.0 <DEG>\n  SUB_SOLAR_AZIMUTH = "N/A"\n',
    ):
        assert label_sun_deg(_label(tmp_path, viewing)) is None, viewing
    polar = "  INCIDENCE_ANGLE = 70.0 <DEG>\n  SUB_SOLAR_AZIMUTH = 180.0 <DEG>\n"
    with caplog.at_level(logging.WARNING):
        assert label_sun_deg(_label(tmp_path, polar, "POLAR STEREOGRAPHIC")) is None
    assert "NORTH_AZIMUTH" in caplog.text


@pytest.mark.parametrize(
    ("viewing", "key"),
    [
        ("  INCIDENCE_ANGLE = 95.0 <DEG>\n  SUB_SOLAR_AZIMUTH = 1.0 <DEG>\n", "INCIDENCE_ANGLE"),
        ("  INCIDENCE_ANGLE = 0.9 <RAD>\n  SUB_SOLAR_AZIMUTH = 1.0 <DEG>\n", "INCIDENCE_ANGLE"),
        ("  INCIDENCE_ANGLE = 40.0\n  SUB_SOLAR_AZIMUTH = (1, 2)\n", "SUB_SOLAR_AZIMUTH"),
    ],
)
def test_bad_label_values_name_the_label_and_key(tmp_path, viewing, key):
    """Bad input: a sun below the detector's 85 deg, an angle in radians, a list for an
    angle: an InputError naming the label file and the keyword."""
    with pytest.raises(InputError, match=key) as err:
        label_sun_deg(_label(tmp_path, viewing))
    assert "ESP_000000_0000_RED.LBL" in str(err.value)
