"""JUnit XML of an audit's findings, for CI systems that display test results.

One ``<testcase>`` per rule and group (``classname`` = ``fairscope.<rule id>``,
``name`` = ``<feature>: <group>``, with ``[class C]`` after the group for a
multiclass audit's per-class finding). FAIL and ERROR findings carry a
``<failure>``/``<error>`` element with the finding's message; SKIPPED ones a
``<skipped>``; WARN, INCONCLUSIVE and WAIVED ones pass, unless listed in the
result's ``fail_on``, and carry their status and message in ``<system-out>`` so
they stay visible.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from typing import TYPE_CHECKING, Any

from fairscope.core._atomic import write_text
from fairscope.core._findings import Finding, Status
from fairscope.core._text_safety import xml_safe
from fairscope.report._findings import group_and_class

if TYPE_CHECKING:  # pragma: no cover
    from fairscope.result._audit_result import AuditResult


def _failing(result: AuditResult) -> set[Status]:
    return {Status(s.upper()) for s in result.fail_on} | {Status.FAIL}


def _testcase(finding: Finding, failing: set[Status]) -> ET.Element:
    # labels come from the data: characters XML forbids are shown as escapes, not written
    message = xml_safe(finding.message, limit=2000)
    case = ET.Element(
        "testcase",
        {
            "classname": f"fairscope.{xml_safe(finding.rule_id)}",
            "name": f"{xml_safe(finding.feature)}: {xml_safe(group_and_class(finding))}",
            "time": "0",
        },
    )
    status = finding.status
    if status == Status.ERROR:
        ET.SubElement(case, "error", {"message": message, "type": "ERROR"}).text = message
    elif status in failing:
        ET.SubElement(case, "failure", {"message": message, "type": status.value}).text = message
    elif status == Status.SKIPPED:
        ET.SubElement(case, "skipped", {"message": message})
    ET.SubElement(case, "system-out").text = f"{status.value}: {message}"
    return case


def to_junit(result: AuditResult, path: Any = None) -> str:
    """The findings as JUnit XML; written atomically to ``path`` when given.

    Parameters
    ----------
    result : AuditResult
    path : str or os.PathLike, optional

    Returns
    -------
    str
        The XML document.

    Examples
    --------
    >>> import fairscope
    >>> result = fairscope.audit_predictions([1, 0] * 50, [1, 0] * 25 + [0, 0] * 25,
    ...     sensitive_features=["a"] * 50 + ["b"] * 50, policy="four-fifths")
    >>> xml = result.to_junit()
    >>> '<testsuite name="fairscope.four-fifths" tests="1" failures="1"' in xml
    True
    """
    failing = _failing(result)
    policy = xml_safe((result.policy or {}).get("name", "no-policy"))
    suites = ET.Element("testsuites", {"name": f"fairscope audit ({policy})"})
    by_rule: dict[str, list[Finding]] = {}
    for finding in result.findings:
        by_rule.setdefault(finding.rule_id, []).append(finding)
    totals = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0}
    for rule_id, findings in by_rule.items():
        counts = {
            "tests": len(findings),
            "failures": sum(f.status in failing and f.status != Status.ERROR for f in findings),
            "errors": sum(f.status == Status.ERROR for f in findings),
            "skipped": sum(
                f.status == Status.SKIPPED and f.status not in failing for f in findings
            ),
        }
        for key, value in counts.items():
            totals[key] += value
        suite = ET.SubElement(
            suites,
            "testsuite",
            {"name": f"fairscope.{xml_safe(rule_id)}", **{k: str(v) for k, v in counts.items()}},
        )
        for finding in findings:
            suite.append(_testcase(finding, failing))
    for key, value in totals.items():
        suites.set(key, str(value))
    ET.indent(suites)
    text = '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(suites, encoding="unicode")
    if path is not None:
        write_text(path, text + "\n")
    return text
