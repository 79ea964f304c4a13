"""Loading policies: presets, YAML and JSON files, dicts; errors name the key and line.

Presets (``four-fifths``, ``equalized-odds``, ...) ship as YAML files in
``fairscope/presets``; :func:`presets` lists them. See ``docs/policies.md`` for the
file reference.
"""

from __future__ import annotations

import difflib
import os
from collections.abc import Mapping
from importlib import resources
from pathlib import Path
from typing import Any

from fairscope.core._registry import get_metric
from fairscope.judge._model import Policy, Rule, Waiver
from fairscope.judge._schema import PolicyError, _Locator, as_date, split_comparison, validate
from fairscope.judge._strict_yaml import parse_policy_text

_SUFFIXES = (".yaml", ".yml", ".json")


def presets() -> dict[str, str]:
    """Names of the built-in policies and their descriptions.

    Returns
    -------
    dict of str to str
        Preset name to its one-paragraph description.

    Examples
    --------
    >>> from fairscope.judge import presets
    >>> "four-fifths" in presets()
    True
    """
    out = {}
    for entry in sorted(resources.files("fairscope").joinpath("presets").iterdir(), key=str):
        if entry.name.endswith(".yaml"):
            policy = _load_text(entry.read_text(encoding="utf-8"), f"preset:{entry.name[:-5]}")
            out[policy.name] = policy.description
    return out


def load_policy(source: str | os.PathLike[str] | Mapping[str, Any] | Policy) -> Policy:
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
    >>> from fairscope.judge import load_policy
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
        return _load_path(source)
    raise TypeError(
        f"policy must be a preset name, a file path, a dict or a Policy; got "
        f"{type(source).__name__}."
    )


def _load_path(source: str | os.PathLike[str]) -> Policy:
    text_source = os.fspath(source)
    path = Path(text_source)
    looks_like_path = (
        isinstance(source, os.PathLike)
        or path.suffix.lower() in _SUFFIXES
        or os.sep in text_source
        or "/" in text_source
    )
    if not looks_like_path:
        preset = resources.files("fairscope").joinpath("presets", f"{text_source}.yaml")
        if preset.is_file():
            return _load_text(preset.read_text(encoding="utf-8"), f"preset:{text_source}")
        if not path.exists():
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


def _load_text(text: str, source: str) -> Policy:
    # YAML is a superset of JSON: one strict parse serves both, with line numbers for errors
    data, node = parse_policy_text(text, source)
    if data is None:
        raise PolicyError(f"policy {source} is empty; it needs at least 'name' and 'rules'.")
    policy = _from_dict(data, _Locator(node, source))
    return Policy(
        policy.name,
        policy.rules,
        policy.waivers,
        version=policy.version,
        description=policy.description,
        source=source,
        favorable=policy.favorable,
        familywise=policy.familywise,
    )


def _rule(r: Mapping[str, Any]) -> Rule:
    kind, method = split_comparison(r.get("comparison", "ratio"), r.get("method"))
    label = r.get("class")
    return Rule(
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
        class_label=None if label is None else str(label),
    )


def _from_dict(data: Any, loc: _Locator) -> Policy:
    validate(data, loc)
    waivers = [
        Waiver(
            rule=w["rule"],
            group=w["group"],
            justification=w["justification"],
            owner=w["owner"],
            expires=as_date(w["expires"]),
            feature=w.get("feature"),
        )
        for w in data.get("waivers") or []
    ]
    return Policy(
        name=data["name"],
        rules=tuple(_rule(r) for r in data["rules"]),
        waivers=tuple(waivers),
        version=str(data.get("version", "1")),
        description=data.get("description", ""),
        favorable=None if data.get("favorable") is None else str(data["favorable"]),
        familywise=data.get("familywise", "audit"),
    )
