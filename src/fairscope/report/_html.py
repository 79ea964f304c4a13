"""The self-contained HTML transparency report.

One file with inline CSS, plots as inline SVG and a few lines of vanilla
JavaScript (table sorting, expand all) that touch no data. A
Content-Security-Policy meta tag forbids every network load and every script
except that one, identified by its SHA-256 hash; jinja2 autoescaping escapes
every string that comes from the data.

Before escaping, every value printed by the template passes :func:`_display`
(jinja's ``finalize``): control and bidi characters are shown as escapes (an
XML parser and a reader both see them), right-to-left text is isolated
(Unicode FSI/PDI, the text equivalent of ``<bdi>``; table cells also carry
``dir="auto"``), and a value is cut in the middle to
:data:`MAX_HTML_TEXT` characters, so a 100 KB column name cannot make a
megabyte report. The ``label`` filter is the same for names and labels, with
the shorter cap of the other media and a ``<bdi>`` element.
"""

from __future__ import annotations

import base64
import datetime
import hashlib
import os
from functools import cache
from importlib import resources
from typing import TYPE_CHECKING, Any

from fairscope.core._atomic import write_text
from fairscope.core._text_safety import MAX_DISPLAY_LENGTH, html_text, shorten_words
from fairscope.report._content import build_report

if TYPE_CHECKING:  # pragma: no cover
    from fairscope.result._audit_result import AuditResult

_TEMPLATES = "fairscope.report"
#: Longest text one template value may print (a sentence with a long name in it still fits).
MAX_HTML_TEXT = 2000


def _display(value: Any) -> Any:
    """jinja ``finalize``: text from the data shown safely (markup built by us passes as is)."""
    from markupsafe import Markup

    if isinstance(value, Markup) or not isinstance(value, str):
        return value
    if value.isascii() and value.isprintable() and len(value) <= MAX_DISPLAY_LENGTH:
        return value  # most values: nothing hidden, nothing right-to-left, nothing too long
    # no word of prose is 200 characters long: such a run is a name from the data
    value = shorten_words(value)
    return html_text(value, limit=MAX_HTML_TEXT)


def _label(value: Any) -> Any:
    """The ``label`` filter: a name or label capped like in the other media, inside ``<bdi>``."""
    from markupsafe import Markup, escape

    return Markup("<bdi>%s</bdi>") % escape(html_text(value, limit=MAX_DISPLAY_LENGTH))


@cache
def _asset(name: str) -> str:
    return resources.files(_TEMPLATES).joinpath("templates", name).read_text(encoding="utf-8")


@cache
def _environment() -> Any:
    import jinja2

    environment = jinja2.Environment(
        loader=jinja2.PackageLoader("fairscope.report", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=False,
        lstrip_blocks=False,
        finalize=_display,
    )
    environment.filters["label"] = _label
    return environment


def script_hash(script: str) -> str:
    """The CSP source expression (``'sha256-...'``) of an inline script."""
    digest = hashlib.sha256(script.encode("utf-8")).digest()
    return "'sha256-" + base64.b64encode(digest).decode("ascii") + "'"


def content_security_policy(script: str) -> str:
    """A policy allowing inline styles, data: images and only the given inline script."""
    return (
        "default-src 'none'; "
        "style-src 'unsafe-inline'; "
        "img-src data:; "
        f"script-src {script_hash(script)}; "
        "base-uri 'none'; form-action 'none'; connect-src 'none'; font-src 'none'; "
        "object-src 'none'; frame-src 'none'"
    )


def render(context: dict[str, Any]) -> str:
    """Lay out a report built by :func:`fairscope.report._content.build_report`."""
    from markupsafe import Markup

    script = _asset("report.js")
    context = _trust_svgs(context, Markup)
    template = _environment().get_template("report.html.j2")
    html: str = template.render(
        r=context,
        css=Markup(_asset("report.css")),
        js=Markup(script),
        csp=content_security_policy(script),
    )
    return html


def _trust_svgs(context: dict[str, Any], markup: Any) -> dict[str, Any]:
    """Mark the SVG strings (built and sanitized by report._svg) as safe markup."""
    context["overview"] = markup(context.get("overview", ""))
    for section in context["metric_sections"]:
        for block in section["blocks"]:
            block["svg"] = markup(block["svg"])
    for section in (*context["dataset_sections"], *context["score_sections"]):
        section["svgs"] = [markup(s) for s in section["svgs"]]
    return context


def write_atomic(path: str | os.PathLike[str], text: str) -> None:
    """Write text to ``path`` atomically (see :func:`fairscope.core._atomic.write_text`)."""
    write_text(path, text)


def to_html(
    result: AuditResult,
    path: str | os.PathLike[str] | None = None,
    *,
    title: str | None = None,
    suppress_below: int | None = None,
    metadata: dict[str, Any] | None = None,
    model_card: dict[str, Any] | None = None,
    owner: str | None = None,
    model_name: str | None = None,
    model_version: str | None = None,
    data_name: str | None = None,
    data_version: str | None = None,
    audit_date: str | datetime.date | None = None,
) -> str:
    """The transparency report of an audit, as one self-contained HTML file.

    The report reads only the result (its tables, findings, metadata and
    reproducibility block), so one rebuilt from the saved JSON is the same.

    Parameters
    ----------
    result : AuditResult
    path : str or path-like, optional
        Write the report there (atomically) as well as returning it.
    title : str, optional
        Title of the report; default from the kind of audit.
    suppress_below : int, optional
        Replace every value of a group with fewer rows by
        ``"suppressed (n < k)"``, in tables and plots alike (privacy).
    metadata : dict, optional
        Extra facts shown under "About this audit" (owner, ticket, data
        source...). Values are shown as text; only ``http(s)://`` URLs become
        links.
    model_card : dict, optional
        Model-card fields shown under "Limitations and considerations":
        ``intended_use``, ``users``, ``out_of_scope_uses``,
        ``ethical_considerations``, ``limitations``, ``tradeoffs`` (strings or
        lists of strings). Missing ones are flagged as not supplied.
    owner, model_name, model_version, data_name, data_version : str, optional
        The header block under the title: who owns the system, which model and
        which data (with their versions) were audited. Fields not given are left
        out of the header.
    audit_date : str or datetime.date, optional
        Date shown in the header; default the day the audit ran (from the
        result's reproducibility record), so a report rebuilt from the saved
        JSON shows the same date.

    Returns
    -------
    str
        The HTML document.

    Examples
    --------
    >>> import fairscope
    >>> result = fairscope.audit_predictions(
    ...     [1, 0, 1, 0, 1, 0], [1, 0, 0, 0, 1, 1],
    ...     sensitive_features=["a", "a", "a", "b", "b", "b"])
    >>> html = result.to_html(title="Loan model", model_name="scorecard", model_version="2.1")
    >>> "NOT JUDGED" in html and "scorecard, version 2.1" in html
    True
    """
    header = {
        "owner": owner,
        "model_name": model_name,
        "model_version": model_version,
        "data_name": data_name,
        "data_version": data_version,
        "audit_date": audit_date,
    }
    context = build_report(
        result,
        title=title,
        suppress_below=suppress_below,
        metadata=metadata,
        model_card=model_card,
        header=header,
    )
    html = render(context)
    if path is not None:
        write_atomic(path, html)
    return html
