"""Statistics of Monte Carlo results: ellipses, percentiles, margins, sensitivity."""

from skycrane.analysis.ellipse import Ellipse, empirical_ellipse, gaussian_ellipse
from skycrane.analysis.sensitivity import variance_shares
from skycrane.analysis.summary import percentiles, summarize

__all__ = [
    "Ellipse",
    "empirical_ellipse",
    "gaussian_ellipse",
    "percentiles",
    "summarize",
    "variance_shares",
]
