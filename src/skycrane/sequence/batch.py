"""The kernel input of a batch of cases, and the names behind its indices."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True, slots=True)
class Batch:
    """Kernel input for ``n`` cases, and the names behind its indices."""

    t0_s: float
    y0: np.ndarray
    params: np.ndarray
    mem0: np.ndarray
    model: tuple
    settings: np.ndarray
    event_names: tuple[str, ...]
    body_names: tuple[str, ...]
    aero_rows: dict[str, int]

    @property
    def n_cases(self) -> int:
        return self.y0.shape[0]
