"""The structure of a policy file, checked key by key with the position of a bad key.

The same checks run on a YAML or JSON file, a dict and a :class:`~fairscope.judge.Policy`
built in Python, so every mistake gets one message naming the key (and, for files, its
line). ``fairscope/schemas/policy.schema.json`` states the same structure for editors;
checks that need the metric registry or two keys at once are made only here.
"""

from __future__ import annotations

import datetime as _dt
import math
from collections.abc import Mapping
from typing import Any

from fairscope.core._registry import Metric, get_metric

KINDS: tuple[str, ...] = ("ratio", "difference")
METHODS: tuple[str, ...] = ("to_reference", "between_groups", "to_overall")
DIRECTIONS: tuple[str, ...] = ("both", "lower", "higher")
DECIDE_ON: tuple[str, ...] = ("interval", "point")
#: Families of FAILs sharing one error budget: every comparison of the audit, of one
#: feature set (all rules), of one rule in one feature set, or each comparison alone.
FAMILYWISE: tuple[str, ...] = ("audit", "feature_set", "rule", "none")

RULE_KEYS = frozenset(
    {
        "id",
        "metric",
        "class",
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
)
WAIVER_KEYS = frozenset({"rule", "feature", "group", "justification", "owner", "expires"})
POLICY_KEYS = frozenset(
    {"name", "version", "description", "favorable", "familywise", "rules", "waivers", "$schema"}
)

#: Metrics whose values are not confined to [0, 1], so difference limits above 1 make sense.
_UNBOUNDED = frozenset({"treatment_equality", "count", "log_loss"})

Path = tuple[str | int, ...]


class PolicyError(ValueError):
    """A policy that cannot be loaded or is invalid; the message names the key (and line)."""


class _Locator:
    """Names a key of a policy and, for files, the line it is on."""

    def __init__(self, node: Any, source: str) -> None:
        self.node = node
        self.source = source

    def _find(self, path: Path) -> Any:
        import yaml  # only files have nodes, and loading one has imported yaml already

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

    def error(self, path: Path, message: str) -> PolicyError:
        """A PolicyError naming the key at ``path`` (and its line in a file)."""
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


def unbounded(metric: Metric) -> bool:
    """Whether differences of ``metric`` may exceed 1 (regression metrics, counts, log loss)."""
    return metric.name in _UNBOUNDED or metric.task == "regression"


def validate(data: Any, loc: _Locator) -> None:
    """Check a policy's structure; raise PolicyError naming the first bad key."""
    if not isinstance(data, Mapping):
        raise loc.error((), f"a policy is a mapping with 'name' and 'rules'; got {_kind(data)}.")
    unknown = sorted(set(data) - POLICY_KEYS)
    if unknown:
        raise loc.error((unknown[0],), f"unknown key; allowed: {', '.join(sorted(POLICY_KEYS))}.")
    for key in ("name", "rules"):
        if key not in data:
            raise loc.error((key,), "is required.")
    if not isinstance(data["name"], str) or not data["name"].strip():
        raise loc.error(("name",), f"must be a non-empty string; got {data['name']!r}.")
    if "version" in data and not isinstance(data["version"], str | int | float):
        raise loc.error(("version",), "must be a string such as '1.0'.")
    if "description" in data and not isinstance(data["description"], str):
        raise loc.error(("description",), "must be a string.")
    favorable = data.get("favorable")
    if favorable is not None and not isinstance(favorable, str | int | float | bool):
        raise loc.error(
            ("favorable",), "must be the label that is good news for the person, e.g. 0 or 'Low'."
        )
    if data.get("familywise", "audit") not in FAMILYWISE:
        raise loc.error(
            ("familywise",),
            f"{data['familywise']!r} is unknown; use one of {', '.join(FAMILYWISE)} (default "
            "'audit': the whole audit's false-FAIL rate stays at the stated level).",
        )
    rules = data["rules"]
    if not isinstance(rules, list) or not rules:
        raise loc.error(("rules",), "must be a non-empty list of rules.")
    ids: set[str] = set()
    for i, rule in enumerate(rules):
        _validate_rule(rule, ("rules", i), loc)
        if rule["id"] in ids:
            raise loc.error(("rules", i, "id"), f"duplicate rule id {rule['id']!r}.")
        ids.add(rule["id"])
    waivers = data.get("waivers") or []
    if not isinstance(waivers, list):
        raise loc.error(("waivers",), "must be a list of waivers.")
    for i, waiver in enumerate(waivers):
        _validate_waiver(waiver, ("waivers", i), loc, ids)


def _kind(value: Any) -> str:
    names: dict[type, str] = {list: "a list", str: "a string", dict: "a mapping"}
    return names.get(type(value), type(value).__name__)


def _number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def split_comparison(comparison: str, method: str | None) -> tuple[str, str | None]:
    """``"ratio_to_overall"`` -> ``("ratio", "to_overall")``; a bare kind keeps ``method``."""
    for kind in KINDS:
        if comparison.startswith(kind + "_"):
            return kind, comparison[len(kind) + 1 :]
    return comparison, method


def _validate_rule(rule: Any, at: Path, loc: _Locator) -> None:
    if not isinstance(rule, Mapping):
        raise loc.error(at, f"a rule is a mapping with id, metric and fail; got {_kind(rule)}.")
    unknown = sorted(set(rule) - RULE_KEYS)
    if unknown:
        raise loc.error((*at, unknown[0]), f"unknown key; allowed: {', '.join(sorted(RULE_KEYS))}.")
    for key in ("id", "metric", "fail"):
        if key not in rule:
            raise loc.error((*at, key), "is required.")
    if not isinstance(rule["id"], str) or not rule["id"].strip():
        raise loc.error((*at, "id"), f"must be a non-empty string; got {rule['id']!r}.")
    metric = _rule_metric(rule, at, loc)
    kind, method = _rule_comparison(rule, at, loc)
    _check_limits(rule, metric, kind, at, loc)
    _check_groups(rule, method, at, loc)
    _check_options(rule, at, loc)


def _rule_metric(rule: Mapping[str, Any], at: Path, loc: _Locator) -> Metric:
    if not isinstance(rule["metric"], str):
        raise loc.error((*at, "metric"), f"must be a metric name; got {rule['metric']!r}.")
    try:
        metric = get_metric(rule["metric"])
    except ValueError as exc:
        raise loc.error((*at, "metric"), str(exc)) from None
    if metric.uses_row_counts:
        raise loc.error(
            (*at, "metric"),
            f"{metric.name!r} cannot be judged by a rule; use a rate such as selection_rate.",
        )
    label = rule.get("class")
    if (label is not None and not isinstance(label, str | int)) or isinstance(label, bool):
        raise loc.error((*at, "class"), f"must be a class label such as 'cat'; got {label!r}.")
    return metric


def _rule_comparison(rule: Mapping[str, Any], at: Path, loc: _Locator) -> tuple[str, str]:
    comparison = rule.get("comparison", "ratio")
    if not isinstance(comparison, str):
        raise loc.error((*at, "comparison"), "must be 'ratio' or 'difference'.")
    kind, method = split_comparison(comparison, rule.get("method", "to_reference"))
    if kind not in KINDS:
        raise loc.error(
            (*at, "comparison"),
            f"{comparison!r} is unknown; use 'ratio' or 'difference' (optionally with "
            "'_to_reference', '_between_groups' or '_to_overall').",
        )
    if method not in METHODS:
        key = "comparison" if comparison != kind else "method"
        raise loc.error((*at, key), f"{method!r} is unknown; use one of {', '.join(METHODS)}.")
    return kind, str(method)


def _check_limits(
    rule: Mapping[str, Any], metric: Metric, kind: str, at: Path, loc: _Locator
) -> None:
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
        high = math.inf if unbounded(metric) else 1
        if kind == "difference" and not 0 <= value <= high:
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


def _check_groups(rule: Mapping[str, Any], method: str, at: Path, loc: _Locator) -> None:
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


def _check_options(rule: Mapping[str, Any], at: Path, loc: _Locator) -> None:
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


def _validate_waiver(waiver: Any, at: Path, loc: _Locator, rule_ids: set[str]) -> None:
    if not isinstance(waiver, Mapping):
        raise loc.error(at, f"a waiver is a mapping; got {_kind(waiver)}.")
    unknown = sorted(set(waiver) - WAIVER_KEYS)
    if unknown:
        raise loc.error(
            (*at, unknown[0]), f"unknown key; allowed: {', '.join(sorted(WAIVER_KEYS))}."
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
        as_date(waiver["expires"])
    except ValueError:
        raise loc.error(
            (*at, "expires"), f"must be a date YYYY-MM-DD; got {waiver['expires']!r}."
        ) from None


def as_date(value: Any) -> _dt.date:
    """A date from a date, a datetime or an ISO string (``"2026-06-30"``)."""
    if isinstance(value, _dt.datetime):
        return value.date()
    if isinstance(value, _dt.date):
        return value
    if isinstance(value, str):
        return _dt.date.fromisoformat(value.strip())
    raise ValueError(value)
