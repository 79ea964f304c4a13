"""The objects of a policy: rules, waivers and the policy itself, with its hash.

A policy is a versioned file (YAML or JSON) or a Python object listing rules:
which metric (of any task: a rate, ``roc_auc``, ``mean_absolute_error``, a per-class
rate of a multiclass audit), compared how (ratio or difference; to a reference group,
between the extreme groups, or to the overall value), with which warn and fail limits,
for which sensitive features, from which group size on, and whether the verdict uses
the interval (default) or the point estimate. Waivers accept a known violation for one
rule and group until an expiry date, with a justification and an owner.
"""

from __future__ import annotations

import contextlib
import datetime as _dt
import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from fairscope.core._findings import Finding
from fairscope.core._registry import get_metric
from fairscope.judge._schema import _Locator, split_comparison, validate

#: A rule's reference: a strategy or group label, or one of those per feature set.
Reference = str | dict[str, str]


def feature_parts(label: str) -> frozenset[str]:
    """The features of a feature-set label (``"race & sex"`` -> {"race", "sex"})."""
    return frozenset(p.strip() for p in label.split("&"))


def same_feature_set(a: str, b: str) -> bool:
    """Whether two feature-set labels name the same features, in any order."""
    return feature_parts(a) == feature_parts(b)


@dataclass(frozen=True)
class Rule:
    """One rule of a policy.

    Parameters
    ----------
    id : str
        Identifier, unique in the policy; waivers and findings refer to it.
    metric : str
        Metric name or alias from :data:`fairscope.core._registry.REGISTRY`, of any
        task: a rate (``selection_rate``), a score metric (``roc_auc``) or a
        regression metric (``mean_absolute_error``). An audit that did not compute
        it gives one ERROR finding saying so.
    fail : float
        Fail limit: ratios must be at least ``fail`` (in (0, 1]); differences at
        most ``fail`` in absolute value (>= 0).
    comparison : {"ratio", "difference"}, default "ratio"
        Compare a group's metric by ratio or by difference. A combined name such
        as ``"ratio_to_reference"`` sets ``method`` too.
    method : {"to_reference", "between_groups", "to_overall"}, default "to_reference"
        Each group against the reference group; the lowest against the highest
        group (fairlearn's ``between_groups``, one finding per feature set); or
        each group against the overall value.
    warn : float, optional
        Stricter warn limit (a ratio above ``fail``, a difference below it).
    features : list of str, optional
        Feature sets judged (``"race"``, ``"race & sex"``); default all the
        audit's feature sets.
    reference : str or dict, default "largest"
        ``"largest"``, ``"best"`` (most favourable value among groups of at
        least ``min_group_size`` rows; the highest for neutral metrics such as
        the selection rate), ``"overall"``, a group label, or a dict from
        feature-set label to group label or strategy.
    direction : {"both", "lower", "higher"}, default "both"
        Which deviations of a group from the reference count: both (a ratio
        ``r`` is judged as ``min(r, 1/r)``, a difference by its absolute
        value), only a group below the reference, or only above.
    min_group_size : int, optional
        Groups with fewer rows are SKIPPED; default the audit's
        ``min_group_size``.
    decide_on : {"interval", "point"}, default "interval"
        Judge the confidence interval (FAIL only when all of it violates the
        limit, INCONCLUSIVE when it straddles) or the point estimate.
    description : str, optional
    class_label : str, optional
        For a multiclass audit, the class whose one-vs-rest metric is judged
        (``class:`` in a policy file); default every class.

    Examples
    --------
    >>> Rule("auc", "auc", fail=0.05, comparison="difference").metric
    'roc_auc'
    """

    id: str
    metric: str
    fail: float
    comparison: str = "ratio"
    method: str = "to_reference"
    warn: float | None = None
    features: tuple[str, ...] | None = None
    reference: Reference = "largest"
    direction: str = "both"
    min_group_size: int | None = None
    decide_on: str = "interval"
    description: str = ""
    class_label: str | None = None

    def __post_init__(self) -> None:
        # an unknown metric is reported with its key by the policy's validation
        with contextlib.suppress(ValueError, TypeError):
            object.__setattr__(self, "metric", get_metric(self.metric).name)
        if isinstance(self.comparison, str):
            kind, method = split_comparison(self.comparison, self.method)
            object.__setattr__(self, "comparison", kind)
            object.__setattr__(self, "method", method)
        if isinstance(self.features, str):
            object.__setattr__(self, "features", (self.features,))
        elif self.features is not None:
            object.__setattr__(self, "features", tuple(self.features))
        if isinstance(self.reference, Mapping):
            object.__setattr__(self, "reference", dict(self.reference))
        if self.class_label is not None:
            object.__setattr__(self, "class_label", str(self.class_label))

    @property
    def bound(self) -> str:
        """``"min"`` for ratios (at least the limit), ``"max"`` for differences."""
        return "min" if self.comparison == "ratio" else "max"

    @property
    def full_comparison(self) -> str:
        """``comparison`` and ``method`` together, e.g. ``"ratio_to_reference"``."""
        return f"{self.comparison}_{self.method}"

    def to_dict(self) -> dict[str, Any]:
        """The rule as it would be written in a policy file."""
        out: dict[str, Any] = {
            "id": self.id,
            "metric": self.metric,
            "comparison": self.comparison,
            "method": self.method,
            "fail": self.fail,
        }
        if self.class_label is not None:
            out["class"] = self.class_label
        if self.warn is not None:
            out["warn"] = self.warn
        if self.features is not None:
            out["features"] = list(self.features)
        out["reference"] = self.reference
        out["direction"] = self.direction
        if self.min_group_size is not None:
            out["min_group_size"] = self.min_group_size
        out["decide_on"] = self.decide_on
        if self.description:
            out["description"] = self.description
        return out


@dataclass(frozen=True)
class Waiver:
    """An accepted violation of one rule for one group, until an expiry date.

    Parameters
    ----------
    rule : str
        Id of the rule waived.
    group : str
        Group label as in the findings (``"Asian"``, ``"race=Asian & sex=Female"``),
        or ``"*"`` for every group.
    justification : str
        Why the violation is accepted.
    owner : str
        Who is accountable for it.
    expires : datetime.date
        Last day the waiver applies.
    feature : str, optional
        Feature set the group belongs to; default any.

    Examples
    --------
    >>> import datetime as dt
    >>> Waiver("sr", "b", "legacy", "risk", dt.date(2030, 1, 1)).active(dt.date(2029, 1, 1))
    True
    """

    rule: str
    group: str
    justification: str
    owner: str
    expires: _dt.date
    feature: str | None = None

    def applies_to(self, finding: Finding) -> bool:
        """Whether the waiver names this finding's rule, group and feature set."""
        if self.rule != finding.rule_id:
            return False
        if self.group != "*" and self.group != finding.group:
            return False
        return self.feature is None or same_feature_set(self.feature, finding.feature)

    def active(self, today: _dt.date) -> bool:
        """Whether the waiver still applies on ``today`` (the expiry day included)."""
        return today <= self.expires

    def to_dict(self) -> dict[str, Any]:
        """The waiver as it would be written in a policy file."""
        out = {
            "rule": self.rule,
            "group": self.group,
            "justification": self.justification,
            "owner": self.owner,
            "expires": self.expires.isoformat(),
        }
        if self.feature is not None:
            out["feature"] = self.feature
        return out


@dataclass(frozen=True)
class Policy:
    """A named, versioned set of rules and waivers.

    ``favorable`` names the label that is good news for the person (key ``favorable``
    of a policy file): when it is not the audit's positive label, rate rules are judged
    on the favourable outcome. Build one in Python, or load it with
    :func:`~fairscope.judge.load_policy` from a
    file, a dict or a preset name.

    Examples
    --------
    >>> from fairscope.judge import Policy, Rule
    >>> policy = Policy("mine", rules=[Rule("sr", "selection_rate", fail=0.8)])
    >>> policy.rules[0].full_comparison
    'ratio_to_reference'
    >>> len(policy.hash)
    64
    >>> policy.familywise
    'audit'
    """

    name: str
    rules: tuple[Rule, ...] = ()
    waivers: tuple[Waiver, ...] = ()
    version: str = "1"
    description: str = ""
    source: str | None = field(default=None, compare=False)
    favorable: str | None = None
    #: Which FAILs share one error budget (see :data:`~fairscope.judge._schema.FAMILYWISE`):
    #: by default the whole audit, so its false-FAIL rate stays at most ``1 - ci``.
    familywise: str = "audit"

    def __post_init__(self) -> None:
        object.__setattr__(self, "rules", tuple(self.rules))
        object.__setattr__(self, "waivers", tuple(self.waivers))
        # validate what was built in Python the same way as a file
        validate(self.to_dict(), _Locator(None, "policy"))

    def to_dict(self) -> dict[str, Any]:
        """The policy as it would be written in a policy file."""
        out: dict[str, Any] = {"name": self.name, "version": self.version}
        if self.description:
            out["description"] = self.description
        if self.favorable is not None:
            out["favorable"] = self.favorable
        if self.familywise != "audit":  # the default is left out: hashes of 0.1 policies hold
            out["familywise"] = self.familywise
        out["rules"] = [r.to_dict() for r in self.rules]
        if self.waivers:
            out["waivers"] = [w.to_dict() for w in self.waivers]
        return out

    @property
    def hash(self) -> str:
        """SHA-256 of the canonical JSON of :meth:`to_dict` (the source path excluded)."""
        text = json.dumps(self.to_dict(), sort_keys=True, separators=(",", ":"), default=str)
        return hashlib.sha256(text.encode()).hexdigest()

    def rule(self, rule_id: str) -> Rule:
        """The rule with this id."""
        for r in self.rules:
            if r.id == rule_id:
                return r
        raise KeyError(f"policy {self.name!r} has no rule {rule_id!r}")


def policy_record(policy: Policy) -> dict[str, Any]:
    """What an AuditResult keeps of the policy: the policy itself, its source and hash."""
    return {**policy.to_dict(), "source": policy.source, "hash": policy.hash}
