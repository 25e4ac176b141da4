"""The heating pulses of a batch as columns, and a single run's heating table.

The kernel records each heating pulse's crossings of the threshold and its
peak in event slots (:mod:`skycrane.propagate.pulses`); here they become the
Monte Carlo table's columns, one row per case (times in seconds from the
case's entry interface, rates in W/cm², loads in J/cm²):

``radiative_heat_load_j_cm2`` (the radiative part of ``heat_load_j_cm2``),
``heat_pulses`` (pulses recorded, at most ``MAX_PULSES``), and for each pulse k
``pulse<k>_start_s``, ``pulse<k>_end_s``, ``pulse<k>_peak_heat_rate_w_cm2``,
``pulse<k>_peak_t_s``, ``pulse<k>_heat_load_j_cm2`` and
``pulse<k>_radiative_heat_load_j_cm2``; ``soak_s``, the time between the end
of pulse 1 and the start of pulse 2 (NaN for a single pulse). The detail
(single-run) columns add ``pulse<k>_peak_radiative_heat_rate_w_cm2``, the
radiative part at the pulse's peak, from the kernel's own right-hand side.

A pulse's load is the difference of the integrated heat loads (states of
the propagator) at its end and start; a pulse still lasting when the flight
ends ends there.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from skycrane.contract import layout as L
from skycrane.propagate.derived import derived_cases
from skycrane.propagate.kernel import RawBatch

W_M2_PER_W_CM2 = 1.0e4
J_M2_PER_J_CM2 = 1.0e4
PULSES = range(1, L.MAX_PULSES + 1)


def heating_columns(raw: RawBatch, params: np.ndarray, model: tuple, t_e, table, detail) -> None:
    """Write the heating columns (module docstring) of every case into ``table``/``detail``.

    ``params`` and ``model`` are the batch's (for the radiative rate at each
    pulse's peak); ``t_e`` the entry interface of each case on the kernel's clock.
    """
    fired = raw.event_fired
    table["radiative_heat_load_j_cm2"] = raw.y_end[:, L.S_RAD_HEAT_LOAD] / J_M2_PER_J_CM2
    started = np.stack([fired[:, L.EV_PULSE1_START + k - 1] for k in PULSES], axis=1)
    table["heat_pulses"] = started.sum(axis=1).astype(np.int64)
    peak_slots = [L.EV_PULSE1_PEAK + k - 1 for k in PULSES]
    peak_ok = fired[:, peak_slots]
    peak_y = np.where(peak_ok[:, :, None], raw.event_y[:, peak_slots], np.nan)
    peak_aux = derived_cases(peak_y, params, model)
    for k in PULSES:
        on = started[:, k - 1]
        s0 = L.EV_PULSE1_START + k - 1
        s1 = L.EV_PULSE1_END + k - 1
        ended = fired[:, s1]
        y0 = raw.event_y[:, s0]
        y1 = np.where(ended[:, None], raw.event_y[:, s1], raw.y_end)
        t1 = np.where(ended, raw.event_t_s[:, s1], raw.t_end_s)
        nan = np.full(on.shape, np.nan)
        key = f"pulse{k}_"
        table[key + "start_s"] = np.where(on, raw.event_t_s[:, s0] - t_e, nan)
        table[key + "end_s"] = np.where(on, t1 - t_e, nan)
        slot = peak_slots[k - 1]
        ok = on & peak_ok[:, k - 1]
        table[key + "peak_heat_rate_w_cm2"] = np.where(
            ok, raw.event_value[:, slot] / W_M2_PER_W_CM2, nan
        )
        table[key + "peak_t_s"] = np.where(ok, raw.event_t_s[:, slot] - t_e, nan)
        load = (y1[:, L.S_HEAT_LOAD] - y0[:, L.S_HEAT_LOAD]) / J_M2_PER_J_CM2
        rad = (y1[:, L.S_RAD_HEAT_LOAD] - y0[:, L.S_RAD_HEAT_LOAD]) / J_M2_PER_J_CM2
        table[key + "heat_load_j_cm2"] = np.where(on, load, nan)
        table[key + "radiative_heat_load_j_cm2"] = np.where(on, rad, nan)
        detail[key + "peak_radiative_heat_rate_w_cm2"] = np.where(
            ok, peak_aux[:, k - 1, L.A_RAD_HEAT_RATE_W_M2] / W_M2_PER_W_CM2, nan
        )
    table["soak_s"] = table["pulse2_start_s"] - table["pulse1_end_s"]


def heating_rows(columns, i: int) -> list[dict[str, Any]]:
    """Row ``i``'s heating table: one dict per pulse (the JSON's ``heating``).

    Keys: ``pulse``, ``start_s``, ``end_s``, ``duration_s``, ``soak_before_s``
    (since the previous pulse ended; None for the first), ``peak_time_s``,
    ``peak_w_cm2`` and ``load_j_cm2`` (each ``{"convective", "radiative",
    "total"}``).
    """
    rows: list[dict[str, Any]] = []
    end_before = None
    for k in PULSES:
        key = f"pulse{k}_"
        start = float(columns[key + "start_s"][i])
        if np.isnan(start):
            break
        end = float(columns[key + "end_s"][i])
        peak = _or_none(columns[key + "peak_heat_rate_w_cm2"][i])
        peak_rad = _or_none(columns[key + "peak_radiative_heat_rate_w_cm2"][i])
        load = float(columns[key + "heat_load_j_cm2"][i])
        load_rad = float(columns[key + "radiative_heat_load_j_cm2"][i])
        rows.append(
            {
                "pulse": k,
                "start_s": start,
                "end_s": end,
                "duration_s": end - start,
                "soak_before_s": None if end_before is None else start - end_before,
                "peak_time_s": _or_none(columns[key + "peak_t_s"][i]),
                "peak_w_cm2": _split(peak, peak_rad),
                "load_j_cm2": _split(load, load_rad),
            }
        )
        end_before = end
    return rows


def _or_none(x) -> float | None:
    x = float(x)
    return None if np.isnan(x) else x


def _split(total: float | None, radiative: float | None) -> dict[str, float | None]:
    """A heat rate or load as its convective and radiative parts and their total."""
    if total is None or radiative is None:
        return {"convective": None, "radiative": radiative, "total": total}
    return {"convective": total - radiative, "radiative": radiative, "total": total}
