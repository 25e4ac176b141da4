"""User CSV profiles: accepted formats, derived columns and every rejected case."""

from __future__ import annotations

import logging

import numpy as np
import pytest

from skycrane.atmosphere import from_csv, hydrostatic, mars_gravity_m_s2
from skycrane.errors import InputError

FULL = """# exported from a test
altitude_km,temperature_k,density_kg_m3,pressure_pa
0,220,0.0140,580
10,200,0.0060,227
20,180,0.0020,68
"""


def _write(tmp_path, text: str, name: str = "profile.csv"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_full_profile_is_used_as_given(tmp_path):
    """Invariant: with every column present the table holds the file's numbers (km -> m)."""
    table = from_csv(_write(tmp_path, FULL), gamma=1.3)
    assert table.name == "profile"
    np.testing.assert_array_equal(table.altitude_m, [0.0, 10e3, 20e3])
    np.testing.assert_array_equal(table.density_kg_m3, [0.014, 0.006, 0.002])
    np.testing.assert_array_equal(table.pressure_pa, [580.0, 227.0, 68.0])
    np.testing.assert_array_equal(table.temperature_k, [220.0, 200.0, 180.0])


def test_columns_in_any_order_with_metres_and_blank_lines(tmp_path):
    """Invariant: column order and blank/comment lines do not change the result."""
    text = (
        "\n# c\npressure_pa, altitude_m ,temperature_k,density_kg_m3\n\n"
        "580,0,220,0.014\n68,20000,180,0.002\n"
    )
    table = from_csv(_write(tmp_path, text), gamma=1.3)
    np.testing.assert_array_equal(table.altitude_m, [0.0, 20e3])
    np.testing.assert_array_equal(table.pressure_pa, [580.0, 68.0])


def test_pressure_derived_from_ideal_gas(tmp_path, caplog):
    """Analytic: a missing pressure column becomes p = rho R T."""
    text = "altitude_m,temperature_k,density_kg_m3\n0,220,0.014\n1000,210,0.012\n"
    with caplog.at_level(logging.INFO, logger="skycrane.atmosphere.csv_table"):
        table = from_csv(_write(tmp_path, text), 1.3, gas_constant_j_kg_k=191.0)
    np.testing.assert_allclose(table.pressure_pa, [0.014 * 191 * 220, 0.012 * 191 * 210])
    assert "p = rho R T" in caplog.text


def test_density_derived_from_ideal_gas(tmp_path):
    """Analytic: a missing density column becomes rho = p / (R T)."""
    text = "altitude_m,temperature_k,pressure_pa\n0,220,580\n1000,210,530\n"
    table = from_csv(_write(tmp_path, text), 1.3, gas_constant_j_kg_k=191.0)
    np.testing.assert_allclose(table.density_kg_m3, [580 / (191 * 220), 530 / (191 * 210)])


def test_temperature_only_is_hydrostatic(tmp_path):
    """Invariant: a temperature-only file equals hydrostatic() with the same inputs."""
    text = "altitude_km,temperature_k\n0,220\n10,200\n40,150\n"
    table = from_csv(
        _write(tmp_path, text), 1.3, gas_constant_j_kg_k=191.0, surface_pressure_pa=600.0
    )
    direct = hydrostatic([0.0, 10e3, 40e3], [220, 200, 150], 600.0, 191.0, mars_gravity_m_s2, 1.3)
    np.testing.assert_array_equal(table.pressure_pa, direct.pressure_pa)
    np.testing.assert_array_equal(table.density_kg_m3, direct.density_kg_m3)


@pytest.mark.parametrize(
    ("text", "kwargs", "field", "phrase"),
    [
        ("altitude_m,temperature_k,density_kg_m3\n0,220,0.01\n1,219,0.01\n", {},
         "atmosphere.gas_constant_j_kg_k", "no pressure_pa column"),
        ("altitude_m,temperature_k,pressure_pa\n0,220,600\n1,219,599\n", {},
         "atmosphere.gas_constant_j_kg_k", "no density_kg_m3 column"),
        ("altitude_m,temperature_k\n0,220\n1,219\n", {"surface_pressure_pa": 600.0},
         "atmosphere.gas_constant_j_kg_k", "no density_kg_m3 and pressure_pa"),
        ("altitude_m,temperature_k\n0,220\n1,219\n", {"gas_constant_j_kg_k": 191.0},
         "atmosphere.surface_pressure_pa", "built hydrostatically"),
        ("altitude_m,temperature_k\n0,220\n1,219\n",
         {"gas_constant_j_kg_k": -1.0, "surface_pressure_pa": 600.0},
         "atmosphere.gas_constant_j_kg_k", "> 0"),
    ],
)  # fmt: skip
def test_missing_arguments_are_named(tmp_path, text, kwargs, field, phrase):
    """Invariant: a derivation that lacks an argument names that argument and the reason."""
    with pytest.raises(InputError, match=phrase) as info:
        from_csv(_write(tmp_path, text), 1.3, **kwargs)
    assert info.value.field == field


BAD_FILES = {
    "empty": ("", "header row"),
    "comments only": ("# nothing\n# here\n", "header row"),
    "header only": ("altitude_m,temperature_k,density_kg_m3,pressure_pa\n", r"found 0"),
    "one row": ("altitude_m,temperature_k,density_kg_m3,pressure_pa\n0,220,0.01,600\n",
                r"found 1"),
    "non-numeric": ("altitude_m,temperature_k,density_kg_m3,pressure_pa\n0,220,0.01,600\n"
                    "1000,warm,0.009,590\n", r"column 'temperature_k' \(line 3, data row 2"),
    "nan": ("altitude_m,temperature_k,density_kg_m3,pressure_pa\n0,220,0.01,600\n"
            "1000,210,nan,590\n", r"column 'density_kg_m3' \(line 3, data row 2"),
    "empty cell": ("altitude_m,temperature_k,density_kg_m3,pressure_pa\n0,220,0.01,600\n"
                   "1000,210,,590\n", r"column 'density_kg_m3'"),
    "short row": ("altitude_m,temperature_k,density_kg_m3,pressure_pa\n0,220,0.01\n",
                  r"4 comma-separated values \(line 2"),
    "descending": ("altitude_m,temperature_k,density_kg_m3,pressure_pa\n1000,210,0.009,590\n"
                   "0,220,0.01,600\n", "strictly increasing"),
    "repeated": ("altitude_m,temperature_k,density_kg_m3,pressure_pa\n0,220,0.01,600\n"
                 "0,210,0.009,590\n", r"strictly increasing.*line 3"),
    "zero density": ("altitude_m,temperature_k,density_kg_m3,pressure_pa\n0,220,0.01,600\n"
                     "1000,210,0,590\n", r"density_kg_m3 > 0 \(line 3"),
    "negative pressure": ("altitude_m,temperature_k,density_kg_m3,pressure_pa\n0,220,0.01,600\n"
                          "1000,210,0.009,-590\n", "pressure_pa > 0"),
    "zero temperature": ("altitude_m,temperature_k,density_kg_m3,pressure_pa\n0,0,0.01,600\n"
                         "1000,210,0.009,590\n", "temperature_k > 0"),
    "unknown column": ("altitude_m,temp,density_kg_m3\n0,220,0.01\n1,219,0.01\n",
                       "columns among"),
    "pressure in mbar": ("altitude_m,temperature_k,pressure_mbar\n0,220,6\n1,219,5.9\n",
                         "columns among"),
    "two altitudes": ("altitude_m,altitude_km,temperature_k\n0,0,220\n1,0.001,219\n",
                      "exactly one of altitude_m, altitude_km"),
    "no altitude": ("temperature_k,density_kg_m3,pressure_pa\n220,0.01,600\n219,0.01,599\n",
                    "exactly one of altitude_m, altitude_km"),
    "no temperature": ("altitude_m,density_kg_m3,pressure_pa\n0,0.01,600\n1,0.01,599\n",
                       "a temperature_k column"),
    "duplicate column": ("altitude_m,temperature_k,temperature_k\n0,220,220\n1,219,219\n",
                         "each column once"),
}  # fmt: skip


@pytest.mark.parametrize("case", sorted(BAD_FILES))
def test_bad_files_raise_input_error(tmp_path, case):
    """Invariant: each malformed file raises InputError naming the field and the problem."""
    text, phrase = BAD_FILES[case]
    with pytest.raises(InputError, match=phrase) as info:
        from_csv(_write(tmp_path, text), 1.3, field="mission.atmosphere.table_file")
    assert info.value.field == "mission.atmosphere.table_file"
    assert str(info.value).startswith("mission.atmosphere.table_file:")


def test_missing_file(tmp_path):
    """Invariant: a missing file is an InputError naming the field and the path."""
    path = tmp_path / "nowhere.csv"
    with pytest.raises(InputError, match="not found") as info:
        from_csv(path, 1.3)
    assert info.value.field == "atmosphere.table_file"
    assert str(path) in str(info.value)


def test_directory_and_binary_files(tmp_path):
    """Invariant: an unreadable path or non-UTF-8 file is an InputError, not an OSError."""
    with pytest.raises(InputError, match="readable"):
        from_csv(tmp_path, 1.3)
    binary = tmp_path / "binary.csv"
    binary.write_bytes(b"\xff\xfe\x00altitude")
    with pytest.raises(InputError, match="readable"):
        from_csv(binary, 1.3)


def test_bad_gamma_is_named(tmp_path):
    """Invariant: the table's own validation names gamma."""
    with pytest.raises(InputError) as info:
        from_csv(_write(tmp_path, FULL), gamma=0.9)
    assert info.value.field == "atmosphere.gamma"
