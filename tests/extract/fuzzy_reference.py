"""extract.layout._fuzzy as it was before its window filter was made to slide (a set of each
window's characters built at every start): the reference the fast one must equal, output for
output (tests/extract/test_fuzzy_windows.py), and the baseline of benchmarks/fuzzy_bench.py."""
from __future__ import annotations

from extract.layout import _best_apart, edit_distance


def reference_fuzzy(text: str, label: str, min_score: float | None) -> list[tuple[int, int, float]]:
    if min_score is None:
        min_score = 1 - (len(label) // 4) / len(label) - 1e-9
    n = len(label)
    best: list[tuple[int, int, float]] = []
    for size in (n - 1, n, n + 1):
        for start in range(0, max(len(text) - size + 1, 0)):
            window = text[start : start + size]
            # cheap pre-filter: enough shared characters
            if len(set(window) & set(label)) < n * min_score - 1:
                continue
            score = 1 - edit_distance(window, label) / n
            if score >= min_score:
                best.append((start, start + size, score))
    return _best_apart(best)  # the choice among them, unchanged: the same code serves both
