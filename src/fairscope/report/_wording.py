"""Fixed wording of the report: section introductions, glossary, limitations, model-card fields."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

# The titles and descriptions of tables are declared with the tables, in
# fairscope/result/_tables.py, and read through AuditResult.table_specs.

GLOSSARY: tuple[tuple[str, str], ...] = (
    ("Sensitive feature", "An attribute such as sex or race along which fairness is examined."),
    (
        "Group",
        "The rows sharing one value of a sensitive feature, or one combination of values "
        "of several (an intersection, e.g. “race=Black & sex=Female”).",
    ),
    (
        "Reference group",
        "The group every other group of a feature set is compared with: the policy's "
        "when there is one, else the one given (by default the largest). One per feature "
        "set, named in every table and finding.",
    ),
    (
        "Adverse outcome",
        "A prediction that is bad news for the person (e.g. flagged high risk). When the "
        "positive label is adverse, rate rules compare the rates of the favourable outcome.",
    ),
    (
        "Disparity",
        "A group’s metric compared with the reference: a ratio (1 means equal) or a "
        "difference (0 means equal).",
    ),
    (
        "Confidence interval",
        "A range that contains the true value with the stated probability "
        "(95% by default), given the data; wide intervals mean few rows.",
    ),
    (
        "Threshold",
        "The limit a policy rule sets on a disparity, e.g. a selection-rate ratio of "
        "at least 0.8 (the four-fifths rule).",
    ),
    (
        "PASS / FAIL",
        "The disparity, with its whole interval, is on the acceptable / failing side "
        "of the threshold.",
    ),
    (
        "INCONCLUSIVE",
        "The interval straddles the threshold: the data cannot tell whether the rule "
        "holds. More data is needed; it is not a pass.",
    ),
    ("WARN", "Beyond the warning threshold but not the failing one."),
    (
        "SKIPPED",
        "Not judged: the group is smaller than the minimum group size, or the disparity "
        "is undefined (0/0, e.g. two rates of 0); the finding says which.",
    ),
    (
        "WAIVED",
        "A failure covered by an approved, unexpired waiver (justification, owner, expiry).",
    ),
    (
        "p-value (adjusted)",
        "How surprising the observed gap would be if the groups were treated "
        "alike, corrected for the number of comparisons made.",
    ),
    ("Selection rate", "Share of a group that the model predicts positive (selects)."),
    (
        "True / false positive rate",
        "Share of truly positive / truly negative rows that the model predicts positive.",
    ),
    ("Suppressed", "A value withheld because its group has too few rows to publish safely."),
)

LIMITATIONS: tuple[str, ...] = (
    "Group fairness metrics describe outcomes across groups; they do not establish causes, "
    "individual fairness, or legal compliance.",
    "Several fairness criteria (e.g. calibration and equal error rates) cannot all hold at once "
    "when base rates differ; which one matters is a decision for the people accountable.",
    "Results hold for the data audited. A different population, time period or decision "
    "threshold can change them.",
    "Sensitive features may be recorded inaccurately or be missing; groups not recorded cannot "
    "be examined.",
)

CARD_FIELDS: tuple[tuple[str, str], ...] = (
    ("intended_use", "Intended use"),
    ("users", "Intended users"),
    ("out_of_scope_uses", "Out-of-scope uses"),
    ("ethical_considerations", "Ethical considerations"),
    ("limitations", "Known limitations"),
    ("tradeoffs", "Trade-offs"),
)


def outcome_sentence(meta: Mapping[str, Any]) -> str | None:
    """Which outcome the audit treats as harmful, in one sentence (None when not recorded).

    Parameters
    ----------
    meta : mapping
        ``AuditResult.metadata`` (``outcome``, ``pos_label``).

    Returns
    -------
    str or None

    Examples
    --------
    >>> outcome_sentence({"outcome": "adverse", "pos_label": "1"})
    "Outcome: a prediction of '1' is the adverse outcome (a harm for the person); rate rules are judged on the favourable outcome, not being predicted '1'."
    """
    outcome = meta.get("outcome")
    if outcome is None:
        return None
    positive = meta.get("positive_prediction") or repr(meta.get("pos_label", "1"))
    # a dataset audit judges the observed labels: nothing is predicted
    noun, verb = (
        ("a label", "labelled") if meta.get("task") == "dataset" else ("a prediction", "predicted")
    )
    if outcome == "adverse":
        return (
            f"Outcome: {noun} of {positive} is the adverse outcome (a harm for the "
            f"person); rate rules are judged on the favourable outcome, not being {verb} "
            f"{positive}."
        )
    given = "" if meta.get("outcome_given", True) else " (assumed: pass outcome='adverse' if not)"
    return f"Outcome: {noun} of {positive} is the favourable outcome{given}."


def reference_sentence(references: Mapping[str, str]) -> str | None:
    """The reference group of each feature set, in one sentence (None without any).

    Parameters
    ----------
    references : mapping of str to str
        ``AuditResult.references``.

    Returns
    -------
    str or None

    Examples
    --------
    >>> reference_sentence({"race": "White", "sex": "male"})
    'Reference groups: race: White; sex: male.'
    """
    if not references:
        return None
    return "Reference groups: " + "; ".join(f"{k}: {v}" for k, v in references.items()) + "."
