"""Which dispersed input drives an output: regression-based variance shares.

The output y is regressed by ordinary least squares on all inputs x_j at
once. With standardised regression coefficients SRC_j = b_j sd(x_j) / sd(y),
a linear model's variance splits as sum_j SRC_j^2 = R^2 when the inputs are
uncorrelated (Saltelli et al., *Global Sensitivity Analysis: The Primer*,
Wiley 2008, sec. 1.2.5). Inputs come in groups (the six entry-state errors,
the atmosphere's node values, which are correlated with each other); a
group's share is the variance of its own linear term, Var(X_g b_g) / Var(y),
which reduces to the sum of its SRC^2 for independent inputs and remains
exact for correlated inputs inside a group as long as groups are drawn
independently of each other (they are). R^2 is reported with every ranking:
when it is well below 1 the output is non-linear in the inputs and the
ranking is indicative only.

The least-squares solve runs on one BLAS thread (``threadpoolctl``): OpenBLAS
splits it over the cores otherwise, which changes its last bits with the
machine's core count (the same seed must give the same summary on any
machine) and, on a loaded machine, made the 30 ms fit take up to 0.6 s.
"""

from __future__ import annotations

import numpy as np
from threadpoolctl import threadpool_limits


def group_of(column: str) -> str:
    """The input group of an ``input.*`` column name (atmosphere, wind and entry nodes grouped)."""
    name = column.removeprefix("input.")
    if name.startswith("atmosphere.dlnrho_"):
        return "atmosphere density"
    if name.startswith("atmosphere.dtemp_"):
        return "atmosphere temperature"
    if name.startswith("entry."):
        return "entry state"
    if name.startswith("wind_profile.east_"):
        return "wind profile east"
    if name.startswith("wind_profile.north_"):
        return "wind profile north"
    return name


def variance_shares(x: np.ndarray, y: np.ndarray, groups: list[str]) -> tuple[dict, float]:
    """``({group: share of Var(y)}, R^2)``: linear regression of ``y`` on the columns of ``x``.

    Rows with a non-finite ``y`` are left out; constant columns are ignored.
    """
    return variance_shares_of(x, {"y": y}, groups)["y"]


def variance_shares_of(x: np.ndarray, outputs: dict, groups: list[str]) -> dict:
    """:func:`variance_shares` of each output in ``outputs`` ({name: y}) against one ``x``.

    Outputs with the same usable rows share one standardisation of ``x`` and
    one least-squares solve (several right-hand sides).
    """
    x_ok = np.all(np.isfinite(x), axis=1)
    by_rows: dict[bytes, list[str]] = {}
    for name, y in outputs.items():
        by_rows.setdefault(np.packbits(x_ok & np.isfinite(y)).tobytes(), []).append(name)
    result = {}
    for names in by_rows.values():
        for name in names:
            result[name] = ({}, float("nan"))
        ok = x_ok & np.isfinite(outputs[names[0]])
        if np.count_nonzero(ok) < x.shape[1] + 2:
            continue
        xo = x[ok]
        ys = np.column_stack([outputs[name][ok] for name in names])
        sd = xo.std(axis=0)
        use = sd > 0.0
        y_sd = ys.std(axis=0)
        fit_names = [n for n, s in zip(names, y_sd, strict=True) if s > 0.0]
        if not fit_names:
            continue
        keep = y_sd > 0.0
        xs = (xo[:, use] - xo[:, use].mean(axis=0)) / sd[use]
        ysn = (ys[:, keep] - ys[:, keep].mean(axis=0)) / y_sd[keep]
        with threadpool_limits(limits=1, user_api="blas"):
            coef, *_ = np.linalg.lstsq(xs, ysn, rcond=None)
        used_groups = [g for g, u in zip(groups, use, strict=True) if u]
        members = {g: [i for i, n in enumerate(used_groups) if n == g] for g in used_groups}
        for j, name in enumerate(fit_names):
            r2 = float(1.0 - np.mean((ysn[:, j] - xs @ coef[:, j]) ** 2))
            shares = {g: float(np.var(xs[:, cols] @ coef[cols, j])) for g, cols in members.items()}
            result[name] = (dict(sorted(shares.items(), key=lambda item: -item[1])), r2)
    return result
