"""Side-by-side timing: candidates are interleaved so machine noise hits them alike."""

import statistics
import time


def interleaved(candidates, repeat=15, min_time=0.05):
    """Median seconds per call of each candidate, measured round-robin.

    Parameters
    ----------
    candidates : dict of str to callable
    repeat : int
        Rounds; each round times every candidate once, in turn.
    min_time : float
        Each timing loops the call until at least this many seconds pass.
    """
    loops = {}
    for name, fn in candidates.items():
        fn()  # warm up
        n, t = 1, 0.0
        while True:
            t0 = time.perf_counter()
            for _ in range(n):
                fn()
            t = time.perf_counter() - t0
            if t >= min_time or n >= 1_000_000:
                break
            n *= 2
        loops[name] = n
    samples = {name: [] for name in candidates}
    for _ in range(repeat):
        for name, fn in candidates.items():
            t0 = time.perf_counter()
            for _ in range(loops[name]):
                fn()
            samples[name].append((time.perf_counter() - t0) / loops[name])
    return {name: statistics.median(s) for name, s in samples.items()}


def percentile(values, q):
    """The q-th percentile (0-100) of ``values`` by linear interpolation."""
    values = sorted(values)
    k = (len(values) - 1) * q / 100
    lo, hi = int(k), min(int(k) + 1, len(values) - 1)
    return values[lo] + (values[hi] - values[lo]) * (k - lo)
