# The compiled kernels of _native.c as the type checker sees them (a C extension carries no annotations).
# Array arguments are float64 (int64 for indices and steps, bool for masks) C-contiguous buffers; each
# function's docstring in _native.c says the shapes.
import numpy as np

def greeks(
    is_call: np.ndarray | bool,
    spot: np.ndarray | float,
    strike: np.ndarray | float,
    t: np.ndarray | float,
    vol: np.ndarray | float,
    r: np.ndarray | float,
    q: np.ndarray | float,
    steps: np.ndarray,
    black76: bool,
    price: np.ndarray,
    delta: np.ndarray,
    gamma: np.ndarray,
    vega: np.ndarray,
    theta: np.ndarray,
    cancelled: np.ndarray,
    /,
) -> bool: ...
def prices_on_axes(
    is_call: np.ndarray,
    strike: np.ndarray,
    years: np.ndarray,
    rate: float,
    carry: float,
    spots: np.ndarray,
    spots_per_contract: bool,
    vols: np.ndarray,
    vol_per_point: bool,
    rows: int,
    out: np.ndarray,
    first: int,
    last: int,
    /,
) -> None: ...
def group_minima(
    values: np.ndarray, rows: int, indptr: np.ndarray, index: np.ndarray, weights: np.ndarray, out: np.ndarray, /
) -> None: ...
