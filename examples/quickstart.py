"""Quickstart: a group fairness audit of a classifier's predictions in a few lines.

Run with ``python examples/quickstart.py``.
"""

import numpy as np
import pandas as pd

import fairscope

rng = np.random.default_rng(0)
n = 20_000
data = pd.DataFrame(
    {
        "sex": rng.choice(["female", "male"], size=n, p=[0.45, 0.55]),
        "race": rng.choice(["A", "B", "C"], size=n, p=[0.6, 0.3, 0.1]),
    }
)
# a label that depends on the group, and a model that is a little harsher on group B
logit = -0.4 + 0.5 * (data["sex"] == "male") - 0.3 * (data["race"] == "B")
data["repaid"] = rng.random(n) < 1 / (1 + np.exp(-logit))
noise = rng.random(n) < np.where(data["race"] == "B", 0.25, 0.15)
data["approved"] = data["repaid"] ^ noise

gm = fairscope.GroupMetrics(
    y_true="repaid", y_pred="approved", sensitive_features=["sex", "race"], data=data
)
pd.set_option("display.width", 140)
print("Metrics per group (intersections of sex and race):")
print(gm.by_group.round(3).to_string())
print("\nOverall:")
print(gm.overall.round(3).to_string())
print("\nLargest difference between groups (fairlearn's MetricFrame.difference):")
print(gm.difference().round(3).to_string())
print("\nSelection-rate ratio of each race to the largest group, with 95% intervals:")
by_race = gm.for_feature("race")
table = by_race.disparity_intervals("ratio", reference="largest")
print(
    table[table["metric"] == "selection_rate"][["race", "estimate", "lower", "upper", "n"]]
    .round(3)
    .to_string(index=False)
)
