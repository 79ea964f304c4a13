"""The report's header block: who audited what, when, under which policy.

The facts a reviewer needs before reading a verdict. The caller states them
(``to_html(model_name=..., owner=...)`` or the CLI's ``--model-name`` ...); the
audit date defaults to when the audit ran and the policy to the one it was judged
by, both read from the result.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from fairscope.report._formatting import _text

if TYPE_CHECKING:  # pragma: no cover
    from fairscope.result._audit_result import AuditResult

#: The header fields ``to_html`` accepts, in the order they are shown.
HEADER_FIELDS = (
    "audit_date",
    "model_name",
    "model_version",
    "data_name",
    "data_version",
    "owner",
)


def _audit_date(result: AuditResult, given: Any) -> str:
    if isinstance(given, dt.datetime):
        return given.date().isoformat()
    if isinstance(given, dt.date):
        return given.isoformat()
    if given not in (None, ""):
        return _text(given)
    stamp = result.reproducibility.get("timestamp_utc")
    return str(stamp)[:10] if stamp else ""


def _named(name: Any, version: Any) -> str:
    name_text = _text(name) if name not in (None, "") else ""
    version_text = _text(version) if version not in (None, "") else ""
    if name_text and version_text:
        return f"{name_text}, version {version_text}"
    return name_text or (f"version {version_text}" if version_text else "")


def header_facts(result: AuditResult, header: dict[str, Any]) -> list[dict[str, str]]:
    """The header block's terms and values; fields not stated are left out."""
    unknown = sorted(set(header) - set(HEADER_FIELDS))
    if unknown:
        raise ValueError(
            f"unknown header field(s) {unknown}; the report's header takes "
            f"{', '.join(HEADER_FIELDS)}."
        )
    policy = result.policy or {}
    policy_text = (
        _named(policy.get("name") or "custom policy", policy.get("version"))
        if policy
        else "none (nothing judged)"
    )
    facts = [
        ("Audit date", _audit_date(result, header.get("audit_date"))),
        ("Model", _named(header.get("model_name"), header.get("model_version"))),
        ("Data", _named(header.get("data_name"), header.get("data_version"))),
        ("Owner", _text(header["owner"]) if header.get("owner") not in (None, "") else ""),
        ("Policy", policy_text),
    ]
    return [{"term": term, "value": value} for term, value in facts if value]


__all__ = ["HEADER_FIELDS", "header_facts"]
