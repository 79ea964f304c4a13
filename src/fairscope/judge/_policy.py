"""Policies as code: rules that turn disparities into findings, with waivers.

A policy is a versioned file (YAML or JSON) or a Python object listing rules:
which metric, compared how (ratio or difference; to a reference group, between
the extreme groups, or to the overall value), with which warn and fail limits,
for which sensitive features, from which group size on, and whether the verdict
uses the interval (default) or the point estimate. Waivers accept a known
violation for one rule and group until an expiry date, with a justification and
an owner.

:func:`apply_policy` judges an :class:`~fairscope.result._audit_result.AuditResult` from its
sufficient statistics and sets its findings; audits call it when given
``policy=``. Presets (``four-fifths``, ``equalized-odds``, ...) ship as YAML
files in ``fairscope/presets``; :func:`presets` lists them.

See ``docs/policies.md`` for the file reference.
"""

from __future__ import annotations

import contextlib
import datetime as _dt
import hashlib
import inspect
import json
import math
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np

from fairscope.compute._group_metrics import group_label
from fairscope.core._registry import Metric, get_metric
from fairscope.result._audit_result import AuditResult, Finding, Status

KINDS = ("ratio", "difference")
METHODS = ("to_reference", "between_groups", "to_overall")
DIRECTIONS = ("both", "lower", "higher")
DECIDE_ON = ("interval", "point")
STRATEGIES = ("largest", "best", "overall")

_RULE_KEYS = {
    "id",
    "metric",
    "comparison",
    "method",
    "fail",
    "warn",
    "features",
    "reference",
    "direction",
    "min_group_size",
    "decide_on",
    "description",
}
_WAIVER_KEYS = {"rule", "feature", "group", "justification", "owner", "expires"}
_POLICY_KEYS = {"name", "version", "description", "rules", "waivers", "$schema"}

#: Metrics bounded in [0, 1], whose difference thresholds must lie in [0, 1].
_UNBOUNDED = {"treatment_equality", "count"}


class PolicyError(ValueError):
    """A policy that cannot be loaded or is invalid; the message names the key (and line)."""


# -- the objects ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Rule:
    """One rule of a policy.

    Parameters
    ----------
    id : str
        Identifier, unique in the policy; waivers and findings refer to it.
    metric : str
        Metric name or alias from :data:`fairscope.core._registry.REGISTRY`.
    comparison : {"ratio", "difference"}, default "ratio"
        Compare a group's metric by ratio or by difference. A combined name such
        as ``"ratio_to_reference"`` sets ``method`` too.
    method : {"to_reference", "between_groups", "to_overall"}, default "to_reference"
        Each group against the reference group; the lowest against the highest
        group (fairlearn's ``between_groups``, one finding per feature set); or
        each group against the overall value.
    fail : float
        Fail limit: ratios must be at least ``fail`` (in (0, 1]); differences at
        most ``fail`` in absolute value (>= 0).
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
    """

    id: str
    metric: str
    fail: float
    comparison: str = "ratio"
    method: str = "to_reference"
    warn: float | None = None
    features: tuple[str, ...] | None = None
    reference: Any = "largest"
    direction: str = "both"
    min_group_size: int | None = None
    decide_on: str = "interval"
    description: str = ""

    def __post_init__(self) -> None:
        # an unknown metric is reported with its key by the policy's validation
        with contextlib.suppress(ValueError, TypeError):
            object.__setattr__(self, "metric", get_metric(self.metric).name)
        if isinstance(self.comparison, str):
            kind, method = _split_comparison(self.comparison, self.method)
            object.__setattr__(self, "comparison", kind)
            object.__setattr__(self, "method", method)
        if isinstance(self.features, str):
            object.__setattr__(self, "features", (self.features,))
        elif self.features is not None:
            object.__setattr__(self, "features", tuple(self.features))
        if isinstance(self.reference, Mapping):
            object.__setattr__(self, "reference", dict(self.reference))

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
        return self.feature is None or _same_feature_set(self.feature, finding.feature)

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

    Build one in Python, or load it with :func:`load_policy` from a file, a
    dict or a preset name.

    Examples
    --------
    >>> from fairscope.judge._policy import Policy, Rule
    >>> policy = Policy("mine", rules=[Rule("sr", "selection_rate", fail=0.8)])
    >>> policy.rules[0].full_comparison
    'ratio_to_reference'
    >>> len(policy.hash)
    64
    """

    name: str
    rules: tuple[Rule, ...] = ()
    waivers: tuple[Waiver, ...] = ()
    version: str = "1"
    description: str = ""
    source: str | None = field(default=None, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "rules", tuple(self.rules))
        object.__setattr__(self, "waivers", tuple(self.waivers))
        # validate what was built in Python the same way as a file
        _validate(self.to_dict(), _Locator(None, "policy"))

    def to_dict(self) -> dict[str, Any]:
        """The policy as it would be written in a policy file."""
        out: dict[str, Any] = {"name": self.name, "version": self.version}
        if self.description:
            out["description"] = self.description
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


# -- loading and validation ----------------------------------------------------------------


def presets() -> dict[str, str]:
    """Names of the built-in policies and their descriptions.

    Examples
    --------
    >>> from fairscope.judge._policy import presets
    >>> "four-fifths" in presets()
    True
    """
    out = {}
    for entry in sorted(resources.files("fairscope").joinpath("presets").iterdir(), key=str):
        if entry.name.endswith(".yaml"):
            policy = _load_text(entry.read_text(encoding="utf-8"), f"preset:{entry.name[:-5]}")
            out[policy.name] = policy.description
    return out


def load_policy(source: Any) -> Policy:
    """Load a policy from a preset name, a YAML or JSON file, a dict, or a Policy.

    Parameters
    ----------
    source : str, os.PathLike, dict or Policy
        A preset name (see :func:`presets`), a path to a ``.yaml``/``.yml``/
        ``.json`` file, a dict with the file's structure, or a Policy.

    Returns
    -------
    Policy

    Raises
    ------
    PolicyError
        When the file is malformed or the policy invalid; the message names the
        key and, for files, the line.
    FileNotFoundError
        When a path is given that does not exist.

    Examples
    --------
    >>> from fairscope.judge._policy import load_policy
    >>> policy = load_policy("four-fifths")
    >>> policy.rules[0].metric, policy.rules[0].fail
    ('selection_rate', 0.8)
    >>> load_policy({"name": "p", "rules": [
    ...     {"id": "fpr", "metric": "fpr", "comparison": "difference", "fail": 0.1}]}).name
    'p'
    """
    if isinstance(source, Policy):
        return source
    if isinstance(source, Mapping):
        return _from_dict(dict(source), _Locator(None, "policy"))
    if isinstance(source, str | os.PathLike):
        text_source = os.fspath(source)
        path = Path(text_source)
        looks_like_path = (
            isinstance(source, os.PathLike)
            or path.suffix.lower() in (".yaml", ".yml", ".json")
            or os.sep in text_source
            or "/" in text_source
        )
        if not looks_like_path:
            preset = resources.files("fairscope").joinpath("presets", f"{text_source}.yaml")
            if preset.is_file():
                return _load_text(preset.read_text(encoding="utf-8"), f"preset:{text_source}")
            if not path.exists():
                import difflib

                names = list(presets())
                close = difflib.get_close_matches(text_source, names, n=1)
                hint = f" Did you mean {close[0]!r}?" if close else ""
                raise PolicyError(
                    f"unknown policy preset {text_source!r}.{hint} Presets: {', '.join(names)}; "
                    "or give the path of a .yaml/.json policy file."
                )
        if not path.exists():
            raise FileNotFoundError(f"policy file {text_source!r} does not exist.")
        if path.is_dir():
            raise PolicyError(f"policy file {text_source!r} is a directory, not a file.")
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError as exc:
            raise PolicyError(f"policy file {text_source!r} is not UTF-8 text: {exc}") from None
        return _load_text(text, text_source)
    raise TypeError(
        f"policy must be a preset name, a file path, a dict or a Policy; got "
        f"{type(source).__name__}."
    )


def _load_text(text: str, source: str) -> Policy:
    import yaml

    name = source
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise PolicyError(f"policy {name}{where}: malformed YAML/JSON: {problem}.") from None
    if data is None:
        raise PolicyError(f"policy {name} is empty; it needs at least 'name' and 'rules'.")
    locator = _Locator(node, name)
    policy = _from_dict(data, locator)
    return Policy(
        policy.name,
        policy.rules,
        policy.waivers,
        version=policy.version,
        description=policy.description,
        source=source,
    )


class _Locator:
    """Names a key of a policy and, for files, the line it is on."""

    def __init__(self, node: Any, source: str) -> None:
        self.node = node
        self.source = source

    def _find(self, path: tuple) -> Any:
        import yaml

        node = self.node
        for key in path:
            if isinstance(node, yaml.MappingNode):
                node = next((v for k, v in node.value if k.value == key), None)
            elif isinstance(node, yaml.SequenceNode) and isinstance(key, int):
                node = node.value[key] if key < len(node.value) else None
            else:
                return None
            if node is None:
                return None
        return node

    def error(self, path: tuple, message: str) -> PolicyError:
        key = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in path).lstrip(".")
        where = ""
        if self.node is not None:
            node = self._find(path)
            while node is None and path:
                path = path[:-1]
                node = self._find(path)
            if node is not None:
                where = f" line {node.start_mark.line + 1}"
        prefix = f"policy {self.source}{where}" if self.source != "policy" else "policy"
        return PolicyError(f"{prefix}: {key or 'top level'}: {message}")


def _validate(data: Any, loc: _Locator) -> None:
    """Check a policy's structure; raise PolicyError naming the first bad key."""
    if not isinstance(data, Mapping):
        raise loc.error((), f"a policy is a mapping with 'name' and 'rules'; got {_kind(data)}.")
    unknown = sorted(set(data) - _POLICY_KEYS)
    if unknown:
        raise loc.error((unknown[0],), f"unknown key; allowed: {', '.join(sorted(_POLICY_KEYS))}.")
    for key in ("name", "rules"):
        if key not in data:
            raise loc.error((key,), "is required.")
    if not isinstance(data["name"], str) or not data["name"].strip():
        raise loc.error(("name",), f"must be a non-empty string; got {data['name']!r}.")
    if "version" in data and not isinstance(data["version"], str | int | float):
        raise loc.error(("version",), "must be a string such as '1.0'.")
    if "description" in data and not isinstance(data["description"], str):
        raise loc.error(("description",), "must be a string.")
    rules = data["rules"]
    if not isinstance(rules, list) or not rules:
        raise loc.error(("rules",), "must be a non-empty list of rules.")
    ids: set[str] = set()
    for i, rule in enumerate(rules):
        _validate_rule(rule, ("rules", i), loc)
        if rule["id"] in ids:
            raise loc.error(("rules", i, "id"), f"duplicate rule id {rule['id']!r}.")
        ids.add(rule["id"])
    waivers = data.get("waivers", [])
    if waivers is None:
        waivers = []
    if not isinstance(waivers, list):
        raise loc.error(("waivers",), "must be a list of waivers.")
    for i, waiver in enumerate(waivers):
        _validate_waiver(waiver, ("waivers", i), loc, ids)


def _kind(value: Any) -> str:
    return {list: "a list", str: "a string", dict: "a mapping"}.get(
        type(value), type(value).__name__
    )


def _number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def _split_comparison(comparison: str, method: Any) -> tuple[str, Any]:
    for kind in KINDS:
        if comparison.startswith(kind + "_"):
            return kind, comparison[len(kind) + 1 :]
    return comparison, method


def _validate_rule(rule: Any, at: tuple, loc: _Locator) -> None:
    if not isinstance(rule, Mapping):
        raise loc.error(at, f"a rule is a mapping with id, metric and fail; got {_kind(rule)}.")
    unknown = sorted(set(rule) - _RULE_KEYS)
    if unknown:
        raise loc.error(
            (*at, unknown[0]), f"unknown key; allowed: {', '.join(sorted(_RULE_KEYS))}."
        )
    for key in ("id", "metric", "fail"):
        if key not in rule:
            raise loc.error((*at, key), "is required.")
    if not isinstance(rule["id"], str) or not rule["id"].strip():
        raise loc.error((*at, "id"), f"must be a non-empty string; got {rule['id']!r}.")
    if not isinstance(rule["metric"], str):
        raise loc.error((*at, "metric"), f"must be a metric name; got {rule['metric']!r}.")
    try:
        metric = get_metric(rule["metric"])
    except ValueError as exc:
        raise loc.error((*at, "metric"), str(exc)) from None
    if metric.uses_row_counts or metric.task != "binary":
        raise loc.error(
            (*at, "metric"),
            f"{metric.name!r} cannot be judged by a rule; use a rate such as selection_rate.",
        )
    comparison = rule.get("comparison", "ratio")
    if not isinstance(comparison, str):
        raise loc.error((*at, "comparison"), "must be 'ratio' or 'difference'.")
    kind, method = _split_comparison(comparison, rule.get("method", "to_reference"))
    if kind not in KINDS:
        raise loc.error(
            (*at, "comparison"),
            f"{comparison!r} is unknown; use 'ratio' or 'difference' (optionally with "
            "'_to_reference', '_between_groups' or '_to_overall').",
        )
    if method not in METHODS:
        key = "comparison" if comparison != kind else "method"
        raise loc.error((*at, key), f"{method!r} is unknown; use one of {', '.join(METHODS)}.")
    for key in ("fail", "warn"):
        if key not in rule or (key == "warn" and rule[key] is None):
            continue
        value = rule[key]
        if not _number(value):
            raise loc.error((*at, key), f"must be a number; got {value!r}.")
        if kind == "ratio" and not 0 < value <= 1:
            raise loc.error(
                (*at, key),
                f"a ratio limit must be in (0, 1] (e.g. 0.8: the lower rate is at least 80% "
                f"of the other); got {value!r}.",
            )
        if kind == "difference":
            high = math.inf if metric.name in _UNBOUNDED else 1
            if not 0 <= value <= high:
                raise loc.error(
                    (*at, key),
                    f"a difference limit must be in [0, {high:g}] (an absolute difference of "
                    f"{metric.name}); got {value!r}.",
                )
    if rule.get("warn") is not None:
        warn, fail = rule["warn"], rule["fail"]
        stricter = warn >= fail if kind == "ratio" else warn <= fail
        if not stricter:
            relation = "at least" if kind == "ratio" else "at most"
            raise loc.error(
                (*at, "warn"),
                f"the warn limit must be stricter than the fail limit ({relation} {fail!r} "
                f"for a {kind}); got {warn!r}.",
            )
    features = rule.get("features")
    if features is not None:
        if isinstance(features, str):
            features = [features]
        if not isinstance(features, list) or not features:
            raise loc.error((*at, "features"), "must be a non-empty list of feature sets.")
        for j, f in enumerate(features):
            if not isinstance(f, str) or not f.strip():
                raise loc.error(
                    (*at, "features", j), f"must be a feature name such as 'race'; got {f!r}."
                )
    reference = rule.get("reference", "largest")
    if isinstance(reference, Mapping):
        for k, v in reference.items():
            if not isinstance(v, str):
                raise loc.error((*at, "reference", k), "must be a group label or strategy.")
    elif not isinstance(reference, str):
        raise loc.error(
            (*at, "reference"),
            "must be 'largest', 'best', 'overall', a group label, or a mapping from feature "
            f"to group; got {reference!r}.",
        )
    if method != "to_reference" and reference not in ("largest", None):
        raise loc.error(
            (*at, "reference"), f"applies only to method 'to_reference', not {method!r}."
        )
    direction = rule.get("direction", "both")
    if direction not in DIRECTIONS:
        raise loc.error(
            (*at, "direction"), f"{direction!r} is unknown; use one of {', '.join(DIRECTIONS)}."
        )
    size = rule.get("min_group_size")
    if size is not None and (isinstance(size, bool) or not isinstance(size, int) or size < 0):
        raise loc.error((*at, "min_group_size"), f"must be an integer >= 0; got {size!r}.")
    decide_on = rule.get("decide_on", "interval")
    if decide_on not in DECIDE_ON:
        raise loc.error((*at, "decide_on"), f"{decide_on!r} is unknown; use 'interval' or 'point'.")
    if "description" in rule and not isinstance(rule["description"], str):
        raise loc.error((*at, "description"), "must be a string.")


def _validate_waiver(waiver: Any, at: tuple, loc: _Locator, rule_ids: set[str]) -> None:
    if not isinstance(waiver, Mapping):
        raise loc.error(at, f"a waiver is a mapping; got {_kind(waiver)}.")
    unknown = sorted(set(waiver) - _WAIVER_KEYS)
    if unknown:
        raise loc.error(
            (*at, unknown[0]), f"unknown key; allowed: {', '.join(sorted(_WAIVER_KEYS))}."
        )
    for key in ("rule", "group", "justification", "owner", "expires"):
        if key not in waiver:
            raise loc.error(
                (*at, key), "is required (waivers must say who accepts what, why, and until when)."
            )
    for key in ("rule", "group", "justification", "owner"):
        if not isinstance(waiver[key], str) or not waiver[key].strip():
            raise loc.error((*at, key), f"must be a non-empty string; got {waiver[key]!r}.")
    if waiver["rule"] not in rule_ids:
        raise loc.error(
            (*at, "rule"),
            f"{waiver['rule']!r} is not a rule of this policy; rules: {', '.join(sorted(rule_ids))}.",
        )
    if "feature" in waiver and not isinstance(waiver["feature"], str):
        raise loc.error((*at, "feature"), "must be a feature-set label such as 'race'.")
    try:
        _as_date(waiver["expires"])
    except ValueError:
        raise loc.error(
            (*at, "expires"), f"must be a date YYYY-MM-DD; got {waiver['expires']!r}."
        ) from None


def _as_date(value: Any) -> _dt.date:
    if isinstance(value, _dt.datetime):
        return value.date()
    if isinstance(value, _dt.date):
        return value
    if isinstance(value, str):
        return _dt.date.fromisoformat(value.strip())
    raise ValueError(value)


def _from_dict(data: Any, loc: _Locator) -> Policy:
    _validate(data, loc)
    rules = []
    for r in data["rules"]:
        kind, method = _split_comparison(r.get("comparison", "ratio"), r.get("method"))
        rules.append(
            Rule(
                id=r["id"],
                metric=get_metric(r["metric"]).name,
                fail=float(r["fail"]),
                comparison=kind,
                method=method or "to_reference",
                warn=None if r.get("warn") is None else float(r["warn"]),
                features=r.get("features"),
                reference=r.get("reference") or "largest",
                direction=r.get("direction", "both"),
                min_group_size=r.get("min_group_size"),
                decide_on=r.get("decide_on", "interval"),
                description=r.get("description", ""),
            )
        )
    waivers = [
        Waiver(
            rule=w["rule"],
            group=w["group"],
            justification=w["justification"],
            owner=w["owner"],
            expires=_as_date(w["expires"]),
            feature=w.get("feature"),
        )
        for w in data.get("waivers") or []
    ]
    return Policy(
        name=data["name"],
        rules=tuple(rules),
        waivers=tuple(waivers),
        version=str(data.get("version", "1")),
        description=data.get("description", ""),
    )


# -- judging an audit ----------------------------------------------------------------------


def _feature_parts(label: str) -> frozenset[str]:
    return frozenset(p.strip() for p in label.split("&"))


def _same_feature_set(a: str, b: str) -> bool:
    return _feature_parts(a) == _feature_parts(b)


def _fmt(value: Any) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "undefined"
    return f"{value + 0.0:.3g}"  # + 0.0 turns -0.0 into 0.0


def _none_if_nan(value: Any) -> float | None:
    if value is None:
        return None
    value = float(value)
    return None if math.isnan(value) else value


def _judged(kind: str, direction: str, v: float, lo: float, hi: float) -> tuple:
    """The disparity compared with the limit (a ratio <= 1 or a difference >= 0), with its
    interval, for the rule's direction."""
    with np.errstate(divide="ignore", invalid="ignore"):
        if kind == "difference":
            if direction == "higher":
                return v, lo, hi
            if direction == "lower":
                return -v, -hi, -lo
            if lo >= 0:
                return abs(v), lo, hi
            if hi <= 0:
                return abs(v), -hi, -lo
            if math.isnan(lo) or math.isnan(hi):
                return abs(v), math.nan, math.nan
            return abs(v), 0.0, max(-lo, hi)

        def inv(x: float) -> float:
            return math.inf if x == 0 else 1 / x

        if direction == "lower":
            return v, lo, hi
        if direction == "higher":
            return inv(v), inv(hi), inv(lo)
        folded = min(v, inv(v))
        if math.isnan(lo) or math.isnan(hi):
            return folded, math.nan, math.nan
        if lo >= 1:
            return folded, inv(hi), inv(lo)
        if hi <= 1:
            return folded, lo, hi
        return folded, min(lo, inv(hi)), 1.0


def _status(rule: Rule, value: float, lower: float, upper: float) -> Status:
    from fairscope.core._verdicts import interval_verdict

    verdict = interval_verdict(
        value, lower, upper, rule.fail, bound=rule.bound, decide_on=rule.decide_on
    )
    if verdict != "PASS":
        return Status(verdict)
    if rule.warn is not None:
        warn = interval_verdict(
            value, lower, upper, rule.warn, bound=rule.bound, decide_on=rule.decide_on
        )
        if warn != "PASS":
            return Status.WARN
    return Status.PASS


def _group_metrics(counts: Any, metric: Metric, metadata: dict, min_size: int) -> Any:
    from fairscope.compute._group_metrics import GroupMetrics

    options: dict[str, Any] = {
        "ci": metadata.get("ci", 0.95),
        "ci_method": metadata.get("ci_method", "wilson"),
        "min_group_size": min_size,
    }
    accepted = inspect.signature(GroupMetrics.from_counts).parameters
    # options of newer interval methods (bootstrap) recorded by the audit, when supported
    for key in ("n_boot", "random_state", "bootstrap"):
        if key in metadata and key in accepted:
            options[key] = metadata[key]
    return GroupMetrics.from_counts(counts, [metric.name], **options)


def _reference_for(rule: Rule, label: str, gm: Any) -> Any:
    reference = rule.reference
    if isinstance(reference, dict):
        match = next((v for k, v in reference.items() if _same_feature_set(k, label)), None)
        reference = match or "largest"
    if reference in STRATEGIES:
        return reference
    features = gm.sensitive_features
    if len(features) == 1:
        return reference
    parts = dict(p.strip().split("=", 1) for p in str(reference).split("&") if "=" in p)
    if set(parts) != set(features):
        raise ValueError(
            f"reference {reference!r} does not name a group of {label!r}; write it as "
            + " & ".join(f"{f}=<value>" for f in features)
        )
    return tuple(parts[f] for f in features)


def _tests_table(gm: Any, reference: Any) -> Any:
    """Per-group tests against the reference from GroupMetrics.tests, when available."""
    tests = getattr(gm, "tests", None)
    if not callable(tests):
        return None
    try:
        return tests(reference=reference)
    except Exception:  # tests are an extra; a failing test must not break the verdicts
        return None


def _p_values(table: Any, gm: Any, metric: str, group: str) -> tuple:
    if table is None or len(table) == 0 or "metric" not in table:
        return None, None, None
    from fairscope.compute._group_metrics import group_label

    features = list(gm.sensitive_features)
    rows = table[table["metric"] == metric]
    if "group" in rows:
        labels = rows["group"].astype(str)
    elif all(f in rows for f in features):
        labels = [
            group_label(tuple(k), gm.sensitive_features)
            for k in rows[features].itertuples(index=False, name=None)
        ]
    else:
        return None, None, None
    hit = rows[np.asarray([lab == group for lab in labels], dtype=bool)]
    if hit.empty:
        return None, None, None
    row = hit.iloc[0]
    p = _none_if_nan(row.get("p_value"))
    adjusted = _none_if_nan(row.get("p_value_adjusted", row.get("p_adjusted")))
    test = row.get("test")
    return p, adjusted, None if test is None else str(test)


def _describe_disparity(kind: str, metric: Metric, group: str, ref: str, f: dict) -> str:
    raw = f["raw"]
    if kind == "ratio":
        relation = f"{_fmt(raw)} times"
    elif raw is None:
        relation = "undefined relative to"
    else:
        relation = f"{_fmt(abs(raw))} {'lower' if raw < 0 else 'higher'} than"
    ci = ""
    if f["raw_lower"] is not None and f["raw_upper"] is not None:
        ci = f" ({f['ci']:.0%} CI of the {kind} {_fmt(f['raw_lower'])} to {_fmt(f['raw_upper'])})"
    return (
        f"{metric.label.lower()} of {group} ({_fmt(f['group_value'])}, n={f['n']:,}) is "
        f"{relation} that of {ref} ({_fmt(f['reference_value'])}){ci}"
    )


def _limit_text(rule: Rule, threshold: float) -> str:
    if rule.comparison == "ratio":
        if rule.direction == "both":
            return f"a ratio between {threshold:g} and {1 / threshold:.3g}"
        if rule.direction == "lower":
            return f"a ratio of at least {threshold:g}"
        return f"a ratio of at most {1 / threshold:.3g}"
    if rule.direction == "both":
        return f"a difference within ±{threshold:g}"
    if rule.direction == "lower":
        return f"a difference of at least -{threshold:g}"
    return f"a difference of at most {threshold:g}"


def _message(rule: Rule, metric: Metric, status: Status, f: dict) -> str:
    group, ref = f["group"], f["reference"]
    if status == Status.SKIPPED:
        who, size = (group, f["n"]) if f["n"] < f["min_size"] else (ref, f["n_reference"])
        return (
            f"{who} has {size:,} rows, fewer than the minimum {f['min_size']} for a verdict, "
            f"so {rule.id} is not judged for {group}."
        )
    if status == Status.ERROR:
        return f["error"]
    text = _describe_disparity(rule.comparison, metric, group, ref, f)
    limit = _limit_text(rule, rule.fail)
    point = rule.decide_on == "point" or f["lower"] is None
    if status == Status.PASS:
        tail = f"within the limit ({limit})"
    elif status == Status.FAIL:
        tail = f"outside the limit ({limit})" + ("" if point else " over its whole interval")
    elif status == Status.INCONCLUSIVE:
        tail = f"its interval straddles the limit ({limit}), so more data is needed to decide"
    else:  # WARN
        tail = (
            f"within the fail limit but not clearly within the warn limit "
            f"({_limit_text(rule, rule.warn)})"
        )
    return f"{text[0].upper()}{text[1:]}: {tail}."


def _error_finding(rule: Rule, feature: str, group: str, message: str) -> Finding:
    return Finding(
        rule_id=rule.id,
        metric=rule.metric,
        comparison=rule.full_comparison,
        feature=feature,
        group=group,
        status=Status.ERROR,
        threshold=rule.fail,
        warn_threshold=rule.warn,
        bound=rule.bound,
        message=message,
    )


def _feature_sets(rule: Rule, statistics: dict) -> list[tuple[str, str | None]]:
    """(feature label in the audit, or the rule's label, and an error or None)."""
    if rule.features is None:
        return [(label, None) for label in statistics]
    out = []
    for wanted in rule.features:
        match = next((lab for lab in statistics if _same_feature_set(lab, wanted)), None)
        if match is None:
            known = ", ".join(repr(s) for s in statistics) or "none"
            out.append(
                (
                    wanted,
                    f"rule {rule.id} applies to feature set {wanted!r}, which this audit does "
                    f"not have (feature sets: {known}); audit it or fix the rule's features.",
                )
            )
        else:
            out.append((match, None))
    return out


def _judge_rule(result: AuditResult, rule: Rule) -> list[Finding]:
    from fairscope.core._counts import GroupCounts

    metric = get_metric(rule.metric)
    metadata = result.metadata
    min_size = (
        rule.min_group_size
        if rule.min_group_size is not None
        else int(metadata.get("min_group_size", 30))
    )
    if not result.statistics:
        return [
            _error_finding(
                rule,
                "<all>",
                "<all>",
                f"{metric.label} is unavailable: this {result.kind} audit ({result.task}) has "
                "no confusion counts, so rule "
                f"{rule.id} cannot be judged; audit predictions to judge it.",
            )
        ]
    findings: list[Finding] = []
    for label, problem in _feature_sets(rule, result.statistics):
        if problem is not None:
            findings.append(_error_finding(rule, label, "<all>", problem))
            continue
        counts = result.statistics[label]
        if not isinstance(counts, GroupCounts):
            findings.append(
                _error_finding(
                    rule,
                    label,
                    "<all>",
                    f"{metric.label} is unavailable for {label!r}: this {result.task} audit "
                    "has no binary confusion counts.",
                )
            )
            continue
        gm = _group_metrics(counts, metric, metadata, min_size)
        try:
            if rule.method == "between_groups":
                findings.extend(_between_groups(rule, metric, label, gm, min_size, metadata))
            else:
                findings.extend(_per_group(rule, metric, label, gm, min_size))
        except ValueError as exc:
            findings.append(_error_finding(rule, label, "<all>", f"rule {rule.id}: {exc}"))
    return findings


def _finding(rule: Rule, metric: Metric, label: str, f: dict) -> Finding:
    if f.get("error"):
        status = Status.ERROR
    elif f["n"] < f["min_size"] or f["n_reference"] < f["min_size"]:
        status = Status.SKIPPED
    elif f["value"] is None or math.isnan(f["value"]):
        status = Status.ERROR
        f["error"] = (
            f"{metric.label} of {f['group']} or of {f['reference']} is undefined "
            f"({metric.undefined_when}), so rule {rule.id} cannot be judged for {f['group']}."
        )
    else:
        status = _status(
            rule,
            f["value"],
            math.nan if f["lower"] is None else f["lower"],
            math.nan if f["upper"] is None else f["upper"],
        )
    return Finding(
        rule_id=rule.id,
        metric=metric.name,
        comparison=rule.full_comparison,
        feature=label,
        group=f["group"],
        status=status,
        value=math.nan if f["value"] is None else float(f["value"]),
        lower=f["lower"],
        upper=f["upper"],
        threshold=rule.fail,
        warn_threshold=rule.warn,
        bound=rule.bound,
        reference=f["reference"],
        group_value=f["group_value"],
        reference_value=f["reference_value"],
        n=int(f["n"]),
        n_reference=int(f["n_reference"]),
        p_value=f.get("p_value"),
        p_value_adjusted=f.get("p_value_adjusted"),
        test=f.get("test"),
        message=_message(rule, metric, status, f),
    )


def _fill(f: dict, rule: Rule, raw: float, raw_lo: float, raw_hi: float) -> dict:
    value, lower, upper = _judged(rule.comparison, rule.direction, raw, raw_lo, raw_hi)
    f["raw"] = _none_if_nan(raw)
    f["raw_lower"] = _none_if_nan(raw_lo)
    f["raw_upper"] = _none_if_nan(raw_hi)
    f["value"] = _none_if_nan(value)
    f["lower"] = _none_if_nan(lower)
    f["upper"] = _none_if_nan(upper)
    if f["lower"] is None or f["upper"] is None:
        f["lower"] = f["upper"] = None
    return f


def _per_group(rule: Rule, metric: Metric, label: str, gm: Any, min_size: int) -> list[Finding]:
    from fairscope.compute._group_metrics import OVERALL, group_label

    reference = "overall" if rule.method == "to_overall" else _reference_for(rule, label, gm)
    table = gm.disparity_intervals(rule.comparison, reference=reference)
    tests = _tests_table(gm, reference) if rule.method == "to_reference" else None
    features = gm.sensitive_features
    out = []
    keys = table[list(features)].itertuples(index=False, name=None)
    for key, row in zip(keys, table.itertuples(index=False), strict=True):
        if bool(row.is_reference):
            continue
        group = group_label(key, features)
        ref = str(row.reference)
        f = {
            "group": group,
            "reference": ref,
            "n": int(row.n),
            "n_reference": int(row.n_reference),
            "group_value": _none_if_nan(row.value),
            "reference_value": _none_if_nan(row.reference_value),
            "min_size": min_size,
            "ci": gm.ci,
        }
        if ref == OVERALL:
            # the whole population is never too small; only the group's size matters
            f["n_reference"] = max(f["n_reference"], min_size)
            f["n_reference_actual"] = int(row.n_reference)
        _fill(f, rule, row.estimate, row.lower, row.upper)
        f["p_value"], f["p_value_adjusted"], f["test"] = _p_values(tests, gm, metric.name, group)
        finding = _finding(rule, metric, label, f)
        if "n_reference_actual" in f:
            finding.n_reference = f["n_reference_actual"]
        out.append(finding)
    return out


def _subset(counts: Any, mask: np.ndarray) -> Any:
    from fairscope.core._counts import GroupCounts

    return GroupCounts(
        counts.features,
        counts.groups[mask],
        weighted=counts.weighted[mask],
        rows=counts.rows[mask],
        squared_weights=counts.squared_weights[mask],
        has_weights=counts.has_weights,
    )


def _between_groups(
    rule: Rule, metric: Metric, label: str, gm: Any, min_size: int, metadata: dict
) -> list[Finding]:
    """The lowest against the highest group, among groups large enough for a verdict.

    Small groups are left out before the extremes are found: otherwise a group
    of three rows would decide the verdict (fairlearn's ``between_groups``
    keeps them). The interval is :meth:`GroupMetrics.difference_intervals` /
    ``ratio_intervals`` of the remaining groups.
    """
    values = gm.by_group[metric.name].to_numpy()
    sizes = gm.statistics.group_rows
    eligible = (sizes >= min_size) & ~np.isnan(values)
    if eligible.sum() < 2:
        return [
            Finding(
                rule_id=rule.id,
                metric=metric.name,
                comparison=rule.full_comparison,
                feature=label,
                group="<between groups>",
                status=Status.SKIPPED,
                threshold=rule.fail,
                warn_threshold=rule.warn,
                bound=rule.bound,
                n=int(sizes[eligible].sum()),
                message=(
                    f"Fewer than two groups of {label} have at least {min_size} rows and a "
                    f"defined {metric.label.lower()}, so {rule.id} is not judged."
                ),
            )
        ]
    sub = _group_metrics(_subset(gm.statistics, eligible), metric, metadata, min_size)
    summary = (
        sub.difference_intervals("between_groups")
        if rule.comparison == "difference"
        else sub.ratio_intervals("between_groups")
    )
    row = summary[summary["metric"] == metric.name].iloc[0]
    labels = [group_label(k, gm.sensitive_features) for k in sub.statistics.groups]
    low, high = labels.index(row["group_low"]), labels.index(row["group_high"])
    group_values = sub.by_group[metric.name].to_numpy()
    f = {
        "group": row["group_low"],
        "reference": row["group_high"],
        "n": int(sub.statistics.group_rows[low]),
        "n_reference": int(sub.statistics.group_rows[high]),
        "group_value": _none_if_nan(group_values[low]),
        "reference_value": _none_if_nan(group_values[high]),
        "min_size": min_size,
        "ci": gm.ci,
    }
    # the summary is already a size: max - min (>= 0) or min / max (<= 1)
    between = Rule(
        **{**rule.__dict__, "direction": "higher" if rule.comparison == "difference" else "lower"}
    )
    _fill(f, between, row["estimate"], row["lower"], row["upper"])
    if rule.comparison == "difference" and f["raw"] is not None:
        # described from the low group's side: "0.2 lower than"
        f["raw"] = -f["raw"]
        f["raw_lower"], f["raw_upper"] = (
            None if f["raw_upper"] is None else -f["raw_upper"],
            None if f["raw_lower"] is None else -f["raw_lower"],
        )
    tests = _tests_table(sub, sub.statistics.groups[high])
    f["p_value"], f["p_value_adjusted"], f["test"] = _p_values(tests, sub, metric.name, f["group"])
    return [_finding(between, metric, label, f)]


def _apply_waivers(
    findings: list[Finding], waivers: Iterable[Waiver], today: _dt.date
) -> list[dict[str, Any]]:
    expired_report: list[dict[str, Any]] = []
    waivers = list(waivers)
    used: set[int] = set()
    for finding in findings:
        for i, waiver in enumerate(waivers):
            if not waiver.applies_to(finding):
                continue
            used.add(i)
            record = waiver.to_dict()
            if waiver.active(today):
                record["state"] = "active"
                if finding.status in (Status.FAIL, Status.WARN, Status.INCONCLUSIVE):
                    record["waived_status"] = finding.status.value
                    finding.status = Status.WAIVED
                    finding.message += (
                        f" Waived until {waiver.expires.isoformat()} by {waiver.owner}: "
                        f"{waiver.justification}"
                    )
                finding.waiver = record
            else:
                record["state"] = "expired"
                finding.waiver = record
                finding.message += (
                    f" A waiver by {waiver.owner} expired on {waiver.expires.isoformat()} and "
                    "no longer applies."
                )
            break
    for i, waiver in enumerate(waivers):
        if not waiver.active(today):
            record = waiver.to_dict()
            record["state"] = "expired"
            record["matched"] = i in used
            expired_report.append(record)
    return expired_report


def policy_record(policy: Policy) -> dict[str, Any]:
    """What an AuditResult keeps of the policy: the policy itself, its source and hash."""
    return {**policy.to_dict(), "source": policy.source, "hash": policy.hash}


def apply_policy(
    result: AuditResult, policy: Any, *, today: _dt.date | str | None = None
) -> AuditResult:
    """Judge an audit with a policy: one finding per rule and group.

    Every rule is evaluated on every feature set it applies to, from the
    sufficient statistics in ``result.statistics`` (so nothing is recomputed
    from rows): PASS, WARN, FAIL, INCONCLUSIVE (the interval straddles the
    limit), SKIPPED (group or reference below the minimum size), WAIVED (an
    active waiver covers a FAIL, WARN or INCONCLUSIVE) or ERROR (the metric is
    undefined for the group, or unavailable in this audit). Expired waivers no
    longer apply; they are noted on their findings and listed in
    ``result.metadata["expired_waivers"]``.

    Parameters
    ----------
    result : AuditResult
        An audit with ``statistics`` (e.g. from :func:`fairscope.audit_predictions`).
    policy : str, path, dict or Policy
        Anything :func:`load_policy` accepts.
    today : datetime.date or str, optional
        The date waivers are checked against; default today (UTC).

    Returns
    -------
    AuditResult
        The same object, with ``findings``, ``policy`` and
        ``reproducibility["policy"]`` set.

    Examples
    --------
    >>> import fairscope
    >>> from fairscope.judge._policy import apply_policy
    >>> result = fairscope.audit_predictions(
    ...     [1, 0] * 50, [1, 0] * 25 + [0, 0] * 25,
    ...     sensitive_features=["a"] * 50 + ["b"] * 50)
    >>> apply_policy(result, "four-fifths").findings[0].status
    <Status.FAIL: 'FAIL'>
    """
    policy = load_policy(policy)
    if today is None:
        today = _dt.datetime.now(_dt.UTC).date()
    elif not isinstance(today, _dt.date):
        today = _as_date(today)
    findings: list[Finding] = []
    for rule in policy.rules:
        findings.extend(_judge_rule(result, rule))
    expired = _apply_waivers(findings, policy.waivers, today)
    result.findings = findings
    result.policy = policy_record(policy)
    result.metadata["expired_waivers"] = expired
    result.metadata["policy_checked_on"] = today.isoformat()
    result.reproducibility["policy"] = {
        "name": policy.name,
        "version": policy.version,
        "hash": policy.hash,
    }
    return result
