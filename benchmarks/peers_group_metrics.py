"""Aequitas and AIF360 on the data of ``bench_group_metrics.py``, run in their own environment.

Their pins conflict with fairscope's (pandas 2.3 and older scikit-learn), so
``bench_group_metrics.py --peers-python /tmp/peers/bin/python`` writes the data
to a ``.npz`` file and runs this script with that interpreter; it prints one
JSON line of timings and per-group selection rates (checked against
fairscope's by the caller). Neither library is a dependency of fairscope.

Set up once (outside the repository)::

    python -m venv /tmp/peers && /tmp/peers/bin/pip install aequitas aif360

What is timed, per library, best of ``repeat`` runs (CPU and wall):

- Aequitas: ``Group().get_crosstabs`` then
  ``Bias().get_disparity_predefined_groups`` on a DataFrame with a pre-joined
  ``sex_race`` column (Aequitas audits one column at a time; joining the
  columns is left out of the timing). Aequitas takes no sample weights.
- AIF360: a weighted ``BinaryLabelDataset`` for labels and one for
  predictions, then one ``ClassificationMetric`` per intersectional group
  (privileged = that group) asked for the five metrics.
"""

from __future__ import annotations

import json
import sys
import time
import warnings

import numpy as np
import pandas as pd

warnings.filterwarnings("ignore")


def timed(func, repeat: int) -> tuple[float, float, object]:
    best_wall = best_cpu = float("inf")
    out = None
    for _ in range(repeat):
        wall, cpu = time.perf_counter(), time.process_time()
        out = func()
        best_wall = min(best_wall, time.perf_counter() - wall)
        best_cpu = min(best_cpu, time.process_time() - cpu)
    return best_wall, best_cpu, out


def run_aequitas(data: dict) -> dict:
    from aequitas.bias import Bias
    from aequitas.group import Group

    frame = pd.DataFrame(
        {"score": data["y_pred"], "label_value": data["y_true"], "sex_race": data["group_name"]}
    )
    reference = pd.Series(data["group_name"]).value_counts().index[0]

    def audit():
        crosstabs, _ = Group().get_crosstabs(frame)
        Bias().get_disparity_predefined_groups(
            crosstabs, original_df=frame, ref_groups_dict={"sex_race": reference}
        )
        return crosstabs

    wall, cpu, crosstabs = timed(audit, int(data["repeat"]))
    rates = dict(zip(crosstabs["attribute_value"], crosstabs["pprev"], strict=True))
    return {"wall": wall, "cpu": cpu, "selection_rate": rates, "weighted": False}


def run_aif360(data: dict) -> dict:
    from aif360.datasets import BinaryLabelDataset
    from aif360.metrics import ClassificationMetric

    sex, race = data["sex_code"], data["race_code"]
    groups = sorted(set(zip(sex.tolist(), race.tolist(), strict=True)))

    def audit():
        frame = pd.DataFrame({"sex": sex, "race": race, "label": data["y_true"]})
        truth = BinaryLabelDataset(
            df=frame,
            label_names=["label"],
            protected_attribute_names=["sex", "race"],
            instance_weights_name=None,
        )
        truth.instance_weights = data["sample_weight"].copy()
        predicted = truth.copy(deepcopy=True)
        predicted.labels = data["y_pred"].reshape(-1, 1).astype(float)
        rates = {}
        for s, r in groups:
            group = [{"sex": s, "race": r}]
            others = [{"sex": s2, "race": r2} for s2, r2 in groups if (s2, r2) != (s, r)]
            metric = ClassificationMetric(
                truth, predicted, unprivileged_groups=others, privileged_groups=group
            )
            rates[f"{s},{r}"] = metric.selection_rate(privileged=True)
            metric.true_positive_rate(privileged=True)
            metric.false_positive_rate(privileged=True)
            metric.positive_predictive_value(privileged=True)
            metric.accuracy(privileged=True)
        return rates

    wall, cpu, rates = timed(audit, int(data["repeat"]))
    return {"wall": wall, "cpu": cpu, "selection_rate": rates, "weighted": True}


def main() -> None:
    with np.load(sys.argv[1], allow_pickle=False) as npz:
        data = {k: npz[k] for k in npz.files}
    out = {}
    for name, run in (("aequitas", run_aequitas), ("aif360", run_aif360)):
        try:
            out[name] = run(data)
        except ImportError as error:
            out[name] = {"error": str(error)}
    print(json.dumps(out))


if __name__ == "__main__":
    main()
