"""Monte Carlo execution: chunks of dispersed cases through the kernel, streamed to Parquet."""

from skycrane.montecarlo.chunk import DEFAULT_RTOL, Job, compute_chunk, compute_columns
from skycrane.montecarlo.runner import McRun, run_monte_carlo

__all__ = ["DEFAULT_RTOL", "Job", "McRun", "compute_chunk", "compute_columns", "run_monte_carlo"]
