"""Family-wise FAIL sides for metrics judged from the audit's tables (scores, regression)."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from scipy.stats import norm

import fairscope


def _auc_audit(familywise: str):
    k, n = 12, 200
    groups = np.repeat([f"g{i:02d}" for i in range(k)], n)
    rng = np.random.default_rng(7)
    y = rng.integers(0, 2, k * n)
    score = rng.normal(size=k * n) + 0.8 * y  # the same AUC in every group
    rule = {"id": "auc", "metric": "auc", "fail": 0.05, "comparison": "difference"}
    policy = {"name": "auc", "familywise": familywise, "rules": [{**rule, "reference": "best"}]}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return fairscope.audit_predictions(
            y, (score > 0.4).astype(int), y_score=score, sensitive_features={"g": groups},
            policy=policy,
        )  # fmt: skip


def test_an_auc_rule_against_the_best_does_not_fail_on_noise():
    # twelve groups with one true AUC: judged alone (0.1's way), g10's own interval lies
    # beyond the limit and it FAILs; in the audit's family (66 pairs) it cannot
    alone = _auc_audit("none")
    assert [f.group for f in alone.findings if f.status == "FAIL"] == ["g10"]
    judged = _auc_audit("audit")
    assert judged.metadata["familywise"] == {"familywise": "audit", "units": 66}
    g10 = next(f for f in judged.findings if f.group == "g10")
    assert g10.status == "INCONCLUSIVE"
    assert "holds together with the other comparisons of the declared family" in g10.message
    assert not any(f.status == "FAIL" for f in judged.findings)


def test_between_groups_of_a_regression_metric_bounds_the_gap_with_scaled_intervals():
    rng = np.random.default_rng(3)
    n = 600
    g = rng.choice(["a", "b", "c", "d"], n)
    y = rng.normal(size=n)
    pred = y + rng.normal(scale=0.5 + 0.2 * (g == "d"), size=n)
    rule = {"id": "mae", "metric": "mae", "fail": 0.1, "comparison": "difference"}
    policy = {"name": "p", "rules": [{**rule, "method": "between_groups"}]}
    audit = fairscope.audit_predictions(
        y, pred, sensitive_features={"g": g}, task="regression", policy=policy
    )
    table = audit.tables["regression_metrics"].set_index("group").drop("<overall>")
    value = table["mean_absolute_error"].to_numpy()
    low = table["mean_absolute_error_lower"].to_numpy()
    high = table["mean_absolute_error_upper"].to_numpy()
    # four groups, four units: each interval at 1 - 0.05 / 4, scaled from its 95 % one
    scale = norm.ppf(1 - 0.05 / 8) / norm.ppf(0.975)
    low, high = value - (value - low) * scale, value + (high - value) * scale
    finding = audit.findings[0]
    # max - min lies in [max(max lower - min upper, 0), max upper - min lower]
    assert finding.lower == pytest.approx(max(low.max() - high.min(), 0.0), abs=1e-12)
    assert finding.upper == pytest.approx(high.max() - low.min(), rel=1e-12)
    assert audit.metadata["familywise"]["units"] == 4
