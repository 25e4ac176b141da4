"""Index layout of the plain arrays the compiled entry guidance reads.

The Entry Terminal Point Controller (GUIDANCE.md section 1) runs inside a
compiled kernel, one case per lane, so its inputs are plain float64 arrays: a
reference table ``ref_table[N_REF_ROWS, n_nodes]`` built offline by
:func:`skycrane.guidance.entry_reference.build_entry_reference`, and a gains
vector ``gains[N_GAINS]``. These integer constants name their rows and
entries, and the phase flags; change them here only.
"""

from __future__ import annotations

import math

import numpy as np

# --- guidance phases (GUIDANCE.md 1.1) -----------------------------------------
PHASE_PRE_BANK = 0  # constant bank until the filtered drag reaches G_DRAG_START
PHASE_RANGE_CONTROL = 1  # longitudinal law 1.3 plus lateral logic 1.4
PHASE_HEADING_ALIGNMENT = 2  # law 1.5, below G_V_HA

# --- rows of the reference table, each tabulated against ascending speed -------
REF_V = 0  # planet-relative speed V [m/s], strictly increasing
REF_RANGE = 1  # range to go to the target R_ref [m]
REF_DRAG = 2  # drag acceleration D_ref [m/s^2]
REF_HDOT = 3  # altitude rate hdot_ref [m/s]
REF_U = 4  # vertical L/D u_ref = (L/D) cos(bank_ref)
REF_F1 = 5  # dR/dD [m per m/s^2]
REF_F2 = 6  # dR/dhdot [s]
REF_F3 = 7  # dR/du [m], floored positive
N_REF_ROWS = 8

# --- gains vector ----------------------------------------------------------------
G_GAIN_K = 0  # over-control gain K of law 1.3 (R)
G_LD = 1  # vehicle L/D used by guidance
G_DRAG_START = 2  # filtered drag that starts range control [m/s^2] (S)
G_V_HA = 3  # speed that starts heading alignment [m/s] (S2/R)
G_DEADBAND_C0 = 4  # lateral deadband constant term [rad] (E)
G_DEADBAND_C2 = 5  # lateral deadband quadratic term [rad s^2/m^2] (E)
G_K_HA = 6  # heading-alignment gain [rad of bank per rad of heading error] (R)
G_HA_LIMIT = 7  # heading-alignment bank limit [rad] (S2)
G_BANK_MIN = 8  # smallest commanded bank magnitude in range control [rad] (R)
G_BANK_MAX = 9  # largest commanded bank magnitude in range control [rad] (R)
G_PRE_BANK = 10  # constant pre-bank magnitude [rad] (R)
N_GAINS = 11


def default_gains(planet_radius_m: float, pre_bank_rad: float) -> np.ndarray:
    """The default ETPC gains vector (GUIDANCE.md 1.1, 1.3-1.6).

    Parameters
    ----------
    planet_radius_m : float
        Radius that converts the lateral deadband from metres to an angle, m
        (Mars: 3396.19e3).
    pre_bank_rad : float
        Constant bank magnitude flown before range control starts, rad; the
        reference bank at guidance start (GUIDANCE.md 1.1).

    Returns
    -------
    numpy.ndarray
        float64[N_GAINS]: K = 3, L/D = 0.24 (S, MSL trim), range control from
        1.96 m/s^2 of filtered drag (S, Zheng et al. 2015), heading alignment
        below 1100 m/s (S2/R), deadband 2000 m + 5e-4 s^2/m * V^2 divided by the
        planet radius (E), K_HA = 5 (R), heading-alignment limit 30 deg (S2),
        bank magnitude 15-165 deg (R), and ``pre_bank_rad``.
    """
    gains = np.empty(N_GAINS)
    gains[G_GAIN_K] = 3.0
    gains[G_LD] = 0.24
    gains[G_DRAG_START] = 1.96
    gains[G_V_HA] = 1100.0
    gains[G_DEADBAND_C0] = 2000.0 / planet_radius_m
    gains[G_DEADBAND_C2] = 5e-4 / planet_radius_m
    gains[G_K_HA] = 5.0
    gains[G_HA_LIMIT] = math.radians(30.0)
    gains[G_BANK_MIN] = math.radians(15.0)
    gains[G_BANK_MAX] = math.radians(165.0)
    gains[G_PRE_BANK] = pre_bank_rad
    return gains
