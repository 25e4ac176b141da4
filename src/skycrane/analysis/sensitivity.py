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
"""

from __future__ import annotations

import numpy as np


def group_of(column: str) -> str:
    """The input group of an ``input.*`` column name (atmosphere and entry nodes grouped)."""
    name = column.removeprefix("input.")
    if name.startswith("atmosphere.dlnrho_"):
        return "atmosphere density"
    if name.startswith("atmosphere.dtemp_"):
        return "atmosphere temperature"
    if name.startswith("entry."):
        return "entry state"
    return name


def variance_shares(x: np.ndarray, y: np.ndarray, groups: list[str]) -> tuple[dict, float]:
    """``({group: share of Var(y)}, R^2)``: linear regression of ``y`` on the columns of ``x``.

    Rows with a non-finite ``y`` are left out; constant columns are ignored.
    """
    ok = np.isfinite(y) & np.all(np.isfinite(x), axis=1)
    x, y = x[ok], y[ok]
    if y.size < x.shape[1] + 2 or not np.std(y) > 0.0:
        return {}, float("nan")
    sd = x.std(axis=0)
    use = sd > 0.0
    xs = (x[:, use] - x[:, use].mean(axis=0)) / sd[use]
    ys = (y - y.mean()) / y.std()
    coef, *_ = np.linalg.lstsq(xs, ys, rcond=None)
    fit = xs @ coef
    r2 = float(1.0 - np.mean((ys - fit) ** 2))
    used_groups = [g for g, u in zip(groups, use, strict=True) if u]
    shares = {}
    for g in dict.fromkeys(used_groups):
        cols = [i for i, name in enumerate(used_groups) if name == g]
        shares[g] = float(np.var(xs[:, cols] @ coef[cols]))
    return dict(sorted(shares.items(), key=lambda item: -item[1])), r2
