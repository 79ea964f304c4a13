"""The "which metric matters here" guide: when each lens is the right one, and the harm it guards.

Fairness metrics answer different questions, and no audit can satisfy them all at
once when base rates differ (Kleinberg, Mullainathan & Raghavan 2017; Chouldechova
2017). The guide follows the questions of the Aequitas fairness tree (Saleiro et
al. 2018): is the concern who is selected at all, or the errors; is being selected
punitive or assistive; and does a person read the score as a probability? Each
lens lists the metrics of this audit that answer it, named and defined by the
metric registry, so the guide shows only what the report has.
"""

from __future__ import annotations

from typing import Any

from fairscope.core._registry import REGISTRY

#: The lenses, each with when it applies, the harm it guards against and its metrics.
LENSES: tuple[dict[str, Any], ...] = (
    {
        "lens": "Who is selected",
        "when": "The decision itself is the benefit or the burden whatever the true outcome "
        "(an interview, an ad, a loan offer), or the recorded labels are themselves biased and "
        "cannot be trusted as ground truth.",
        "harm": "Allocation harm: one group gets the opportunity (or the burden) less often "
        "(or more often). The four-fifths rule of US employment law reads this lens.",
        "metrics": ("selection_rate", "base_rate"),
    },
    {
        "lens": "Wrongly flagged (punitive decisions)",
        "when": "Being selected hurts (flagged as high risk, as fraud, for inspection): the "
        "people to protect are those who did not warrant the intervention.",
        "harm": "People who would not reoffend, default or cheat are flagged more often in one "
        "group (ProPublica's COMPAS finding).",
        "metrics": ("false_positive_rate", "true_negative_rate", "false_discovery_rate"),
    },
    {
        "lens": "Wrongly missed (assistive decisions)",
        "when": "Being selected helps (a loan, a treatment, a scholarship): the people to "
        "protect are those who qualify for it.",
        "harm": "Qualified people of one group are turned away more often (equal opportunity, "
        "Hardt et al. 2016).",
        "metrics": (
            "true_positive_rate",
            "false_negative_rate",
            "false_omission_rate",
            "negative_predictive_value",
        ),
    },
    {
        "lens": "What a score means",
        "when": "A person reads the score or the positive prediction as a probability (a judge, "
        "a loan officer): it should mean the same in every group.",
        "harm": "The same score or flag means a different risk by group, so equal treatment of "
        "equal scores is unequal treatment of people.",
        "metrics": (
            "precision",
            "expected_calibration_error",
            "brier_score",
            "log_loss",
            "roc_auc",
            "average_precision",
        ),
    },
    {
        "lens": "How well it works for each group",
        "when": "Everyone is served by the model's output (a transcription, an estimate), and "
        "what matters is that it is as good for every group.",
        "harm": "Quality-of-service harm: the system simply works worse for some people.",
        "metrics": (
            "accuracy",
            "error_rate",
            "balanced_accuracy",
            "f1",
            "treatment_equality",
            "multiclass_accuracy",
            "mean_error",
            "mean_absolute_error",
            "root_mean_squared_error",
            "r2",
            "mean_prediction",
            "mean_target",
        ),
    },
)


def metric_guide(metrics: list[str]) -> list[dict[str, Any]]:
    """The lenses that apply to ``metrics`` (registry names), each with its metrics' labels.

    Metrics no lens lists are gathered under "Other metrics" with their registry
    definition, so none is left out.
    """
    present = [m for m in dict.fromkeys(metrics) if m in REGISTRY and m != "count"]
    out = []
    placed: set[str] = set()
    for lens in LENSES:
        names = [m for m in lens["metrics"] if m in present]
        if not names:
            continue
        placed.update(names)
        out.append(
            {
                "lens": lens["lens"],
                "when": lens["when"],
                "harm": lens["harm"],
                "metrics": [
                    {"label": REGISTRY[m].label, "definition": REGISTRY[m].definition}
                    for m in names
                ],
            }
        )
    others = [m for m in present if m not in placed]
    if others:
        out.append(
            {
                "lens": "Other metrics",
                "when": "",
                "harm": "",
                "metrics": [
                    {"label": REGISTRY[m].label, "definition": REGISTRY[m].definition}
                    for m in others
                ],
            }
        )
    return out


__all__ = ["LENSES", "metric_guide"]
