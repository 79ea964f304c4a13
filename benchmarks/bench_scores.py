"""Per-group score metrics: fairscope's histogram reduction against scikit-learn per group.

Run: PYTHONPATH=src python benchmarks/bench_scores.py [n_rows]
Prints wall times, their ratio and the largest per-group AUC difference.
"""

from __future__ import annotations

import sys
import time

import numpy as np
import pandas as pd
from sklearn.metrics import average_precision_score, brier_score_loss, log_loss, roc_auc_score

from fairscope.compute._scores import reduce_scores, score_metrics_frame


def main(n: int = 1_000_000, n_groups: int = 8) -> None:
    rng = np.random.default_rng(0)
    codes = rng.integers(0, n_groups, n)
    y = rng.random(n) < 0.3
    score = 1 / (1 + np.exp(-(rng.normal(size=n) + 1.2 * y - 0.6)))
    groups = pd.Index([f"g{i}" for i in range(n_groups)], name="group")

    for exact in (False, True):
        start = time.perf_counter()
        stats = reduce_scores(y, score, codes, groups, exact=exact)
        ours = score_metrics_frame(stats, list(groups))
        ours_time = time.perf_counter() - start

        start = time.perf_counter()
        auc = []
        for g in range(n_groups):
            m = codes == g
            auc.append(roc_auc_score(y[m], score[m]))
            average_precision_score(y[m], score[m])
            brier_score_loss(y[m], score[m])
            log_loss(y[m], score[m])
        theirs_time = time.perf_counter() - start
        error = np.max(np.abs(ours["roc_auc"].to_numpy()[:-1] - np.array(auc)))
        mode = "exact" if exact else "default (10,000 quantile bins)"
        print(
            f"{n:,} rows, {n_groups} groups, {mode}: fairscope {ours_time:.2f} s, "
            f"scikit-learn per group {theirs_time:.2f} s, ratio {theirs_time / ours_time:.1f}x, "
            f"max |AUC difference| {error:.1e}"
        )


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000)
