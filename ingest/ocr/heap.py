"""Large buffers go back to the system when they are freed.

glibc serves a block over its mmap threshold (128 KB at first) from its own mapping and
unmaps it on free, but each such free raises the threshold to the block's size (up to
32 MB). After the detector's first page its activations (tens of MB each, hundreds in all)
come from the heap instead, where they stay resident and fragment: a page's detection peaked
~240 MB higher and never came down. A fixed threshold keeps them mapped and returned, at the
same speed (benchmarks/scan_memory_bench.py measures an intake's peak).
"""
from __future__ import annotations

import ctypes
import functools

M_MMAP_THRESHOLD = -3  # glibc's mallopt parameter; setting it turns the sliding threshold off
THRESHOLD = 1 << 20


@functools.cache
def return_large_buffers(threshold: int = THRESHOLD) -> bool:
    """True when set (glibc); elsewhere nothing to do."""
    try:
        mallopt = ctypes.CDLL("libc.so.6").mallopt
    except (OSError, AttributeError):
        return False
    return bool(mallopt(M_MMAP_THRESHOLD, threshold))
