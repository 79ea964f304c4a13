"""Generate the reference pages of the docs from the code: metrics, policy schema, CLI, API.

The metric registry (``fairscope.metrics.REGISTRY``), the policy JSON schema
(``src/fairscope/schemas/policy.schema.json``), the CLI parser
(``fairscope.cli.build_parser``) and the package's public names are the single
sources of truth. ``docs/hooks.py`` calls :data:`PAGES` at every ``mkdocs build``,
so the site is always current and nothing generated is committed.

Usage (to read the pages without building the site)::

    python docs/gen_reference.py [--output DIR]   # default docs/reference
"""

from __future__ import annotations

import argparse
import importlib
import importlib.util
import inspect
import json
import os
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
REFERENCE = ROOT / "docs" / "reference"
SCHEMA = ROOT / "src" / "fairscope" / "schemas" / "policy.schema.json"
HEADER = "<!-- generated at build time by docs/gen_reference.py from {source} -->\n\n"

TASK_TITLES = {
    "binary": "Binary classification (from the confusion cells TN, FP, FN, TP)",
    "score": "Scores (from per-group score histograms by label)",
    "multiclass": "Multiclass classification (from the per-group K x K confusion matrix)",
    "regression": "Regression (from per-group moment sums of residuals)",
}


def _cell(text: Any) -> str:
    """Text safe inside a Markdown table cell."""
    return str(text).replace("|", "\\|").replace("\n", " ")


def metrics_page() -> str:
    """docs/reference/metrics.md from the registry."""
    from fairscope.metrics import DEFAULT_METRICS, REGISTRY

    lines = [
        HEADER.format(source="fairscope.metrics.REGISTRY"),
        "# Metric reference\n",
        "Every metric fairscope computes is declared once, in the registry "
        "`fairscope.metrics.REGISTRY`; tables, policies, the CLI (`fairscope metrics`) and "
        "this page read it. Names are case-insensitive and aliases are accepted wherever a "
        'metric name is (`metrics=["fpr"]`, a policy rule\'s `metric: tpr`).\n',
        "**Direction** says which way is favourable for the person the decision is about "
        "(`higher`: a higher value is better, `lower`: lower is better, `neutral`: neither, "
        "e.g. the selection rate, whose disparities matter but not its level).\n",
        f"Default metrics of a binary audit: {', '.join(f'`{m}`' for m in DEFAULT_METRICS)}.\n",
    ]
    tasks: dict[str, list[Any]] = {}
    for metric in REGISTRY.values():
        tasks.setdefault(getattr(metric, "task", "binary"), []).append(metric)
    order = [t for t in TASK_TITLES if t in tasks] + sorted(set(tasks) - set(TASK_TITLES))
    for task in order:
        lines.append(f"## {TASK_TITLES.get(task, task.capitalize())}\n")
        lines.append("| name | label | formula | direction | aliases |")
        lines.append("| --- | --- | --- | --- | --- |")
        for m in tasks[task]:
            aliases = ", ".join(f"`{a}`" for a in m.aliases)
            lines.append(
                f"| [`{m.name}`](#{m.name}) | {_cell(m.label)} | "
                f"`{m.formula_text}` | {m.direction} | {aliases} |"
            )
        lines.append("")
        for m in tasks[task]:
            lines.append(f"### {m.name}\n")
            lines.append(f"**{m.label}.** {m.definition}\n")
            lines.append(f"- Formula: `{m.formula_text}`")
            lines.append(f"- Direction: {m.direction}")
            if m.aliases:
                lines.append(f"- Aliases: {', '.join(f'`{a}`' for a in m.aliases)}")
            if task == "binary" and getattr(m, "uses_row_counts", False):
                lines.append("- A count of rows (unweighted), shown beside every group.")
            elif task == "binary":
                if m.is_proportion:
                    lines.append(
                        "- A proportion of rows: Wilson (or Clopper-Pearson, bootstrap) "
                        f"intervals and two-proportion tests apply; undefined when "
                        f"{m.undefined_when}."
                    )
                else:
                    lines.append(
                        "- Not a proportion: intervals by the multinomial bootstrap; "
                        f"undefined when {m.undefined_when}."
                    )
            lines.append(f"- Reference: {m.reference}\n")
    return "\n".join(lines).rstrip() + "\n"


def _schema_type(node: dict[str, Any]) -> str:
    if "enum" in node:
        return " \\| ".join(f"`{json.dumps(v)}`" for v in node["enum"])
    if "const" in node:
        return f"`{json.dumps(node['const'])}`"
    kind = node.get("type")
    if isinstance(kind, list):
        return " or ".join(kind)
    if kind == "array" and isinstance(node.get("items"), dict):
        return f"array of {_schema_type(node['items'])}"
    if kind:
        return str(kind)
    for key in ("oneOf", "anyOf"):
        if key in node:
            return " or ".join(_schema_type(n) for n in node[key])
    if "$ref" in node:
        return f"[{node['$ref'].rsplit('/', 1)[-1]}](#{node['$ref'].rsplit('/', 1)[-1].lower()})"
    return "any"


def _schema_object(title: str, node: dict[str, Any], level: int) -> list[str]:
    lines = [f"{'#' * level} {title}\n"]
    if node.get("description"):
        lines.append(f"{node['description']}\n")
    properties = node.get("properties", {})
    if properties:
        required = set(node.get("required", []))
        lines.append("| key | type | required | default | description |")
        lines.append("| --- | --- | --- | --- | --- |")
        for key, prop in properties.items():
            default = f"`{json.dumps(prop['default'])}`" if "default" in prop else ""
            lines.append(
                f"| `{key}` | {_schema_type(prop)} | {'yes' if key in required else ''} | "
                f"{default} | {_cell(prop.get('description', ''))} |"
            )
        lines.append("")
    return lines


def policy_page() -> str:
    """docs/reference/policy-schema.md from the policy JSON schema."""
    lines = [HEADER.format(source="src/fairscope/schemas/policy.schema.json")]
    lines.append("# Policy file reference\n")
    if not SCHEMA.exists():
        lines.append(
            "The policy schema (`src/fairscope/schemas/policy.schema.json`) is not part of "
            "this build; see [Policies](../policies.md).\n"
        )
        return "\n".join(lines)
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    lines.append(
        "Policies are YAML or JSON files validated against the JSON schema shipped as "
        "`fairscope/schemas/policy.schema.json` (draft "
        f"`{schema.get('$schema', 'unspecified')}`). This page is generated from it; see "
        "[Policies](../policies.md) for the guide and examples.\n"
    )
    lines += _schema_object("Top level", schema, 2)
    definitions = schema.get("$defs") or schema.get("definitions") or {}
    for name, node in definitions.items():
        lines += _schema_object(name, node, 2)
        for sub in ("oneOf", "anyOf"):
            for i, option in enumerate(node.get(sub, []), 1):
                if option.get("properties"):
                    lines += _schema_object(f"{name}, form {i}", option, 3)
    return "\n".join(lines).rstrip() + "\n"


def _cli_available() -> bool:
    try:
        return importlib.util.find_spec("fairscope.cli") is not None
    except ModuleNotFoundError:
        return False


def _action_row(action: argparse.Action) -> str:
    names = ", ".join(f"`{o}`" for o in action.option_strings) or f"`{action.dest}`"
    if action.metavar and action.option_strings:
        names += f" `{action.metavar}`"
    default = action.default
    shown = (
        ""
        if default in (None, False, argparse.SUPPRESS) or action.option_strings == []
        else f"`{default}`"
    )
    choices = f" One of {', '.join(f'`{c}`' for c in action.choices)}." if action.choices else ""
    required = "yes" if action.required or not action.option_strings else ""
    return f"| {names} | {required} | {shown} | {_cell((action.help or '') + choices)} |"


def cli_page() -> str:
    """docs/reference/cli.md from the argparse parser of ``fairscope``."""
    lines = [HEADER.format(source="fairscope.cli.build_parser()")]
    lines.append("# CLI reference\n")
    if not _cli_available():
        lines.append(
            "The `fairscope` command (`fairscope.cli`) is not part of this build; see "
            "[CLI](../cli.md).\n"
        )
        return "\n".join(lines)
    from fairscope.cli import build_parser

    # argparse wraps usage to the terminal width: fix it so the page is the same everywhere
    previous = os.environ.get("COLUMNS")
    os.environ["COLUMNS"] = "100"
    try:
        return _cli_text(build_parser(), lines)
    finally:
        if previous is None:
            del os.environ["COLUMNS"]
        else:
            os.environ["COLUMNS"] = previous


def _cli_text(parser: argparse.ArgumentParser, lines: list[str]) -> str:
    parser.prog = "fairscope"
    lines.append(
        "Generated from the command's own parser. Exit codes: `0` passed, `1` a policy (or "
        "baseline comparison) failed, `2` usage or input error. See [CLI](../cli.md) for "
        "a guide.\n"
    )
    lines.append("```text\n" + parser.format_usage().strip() + "\n```\n")
    subparsers = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    for sub in subparsers:
        helps = {c.dest: c.help for c in sub._choices_actions}
        for name, command in sub.choices.items():
            command.prog = f"fairscope {name}"
            lines.append(f"## fairscope {name}\n")
            text = command.description or helps.get(name) or ""
            if text:
                lines.append(f"{text}\n")
            lines.append("```text\n" + command.format_usage().strip() + "\n```\n")
            actions = [a for a in command._actions if not isinstance(a, argparse._HelpAction)]
            if actions:
                lines.append("| argument | required | default | description |")
                lines.append("| --- | --- | --- | --- |")
                lines += [_action_row(a) for a in actions]
                lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def _summary(obj: Any) -> str:
    doc = inspect.getdoc(obj) or ""
    return doc.split("\n\n", 1)[0].replace("\n", " ").strip()


def _short_signature(function: Any) -> str:
    """``(y_true, y_pred, *, sensitive_features, ...)``: required arguments, then an ellipsis."""
    try:
        parameters = list(inspect.signature(function).parameters.values())
    except (TypeError, ValueError):
        return ""
    shown, more, star = [], False, False
    for p in parameters:
        if p.kind in (p.VAR_POSITIONAL, p.VAR_KEYWORD) or p.default is not p.empty:
            more = True
            continue
        if p.kind is p.KEYWORD_ONLY and not star:
            shown.append("*")
            star = True
        shown.append(p.name)
    return "(" + ", ".join(shown + (["..."] if more else [])) + ")"


def _is_warning(obj: Any) -> bool:
    return inspect.isclass(obj) and issubclass(obj, Warning)


def _warnings_section(exports: dict[str, Any]) -> list[str]:
    """The warning categories as a tree under FairscopeWarning, and how to filter them."""
    categories = {n: v for n, v in exports.items() if _is_warning(v)}
    if not categories:
        return []
    lines = [
        "\n## Warnings\n",
        "Every warning fairscope emits is a subclass of `FairscopeWarning`, so it can be "
        "filtered by category instead of by message text "
        '(`warnings.simplefilter("ignore", fairscope.InputWarning)`); see '
        "[Warnings](../warnings.md).\n",
        "| category | is a | summary |",
        "| --- | --- | --- |",
    ]
    for name in sorted(categories, key=lambda n: (n != "FairscopeWarning", n.lower())):
        bases = ", ".join(f"`{b.__name__}`" for b in categories[name].__bases__)
        lines.append(f"| `{name}` | {bases} | {_cell(_summary(categories[name]))} |")
    return lines


def _public_names(module: Any) -> list[str]:
    """A submodule's public names: its ``__all__``, else what it defines itself."""
    names = getattr(module, "__all__", None)
    if names is not None:
        return sorted(str(n) for n in names)
    return sorted(
        n
        for n, v in vars(module).items()
        if not n.startswith("_")
        and (inspect.isfunction(v) or inspect.isclass(v))
        and getattr(v, "__module__", "") == module.__name__
    )


def api_page() -> str:
    """docs/reference/api.md: every public name of ``fairscope`` with its summary."""
    import fairscope

    lines = [HEADER.format(source="fairscope._EXPORTS")]
    lines.append("# Python API\n")
    lines.append(
        "The public names of the `fairscope` package (imported lazily, so `import fairscope` "
        "stays fast) with the first line of their docstrings; `help(fairscope.<name>)` shows "
        "the full documentation with parameters and examples.\n"
    )
    exports: dict[str, Any] = {}
    for name in fairscope._EXPORTS:
        try:
            exports[name] = getattr(fairscope, name)
        except (ImportError, AttributeError):
            continue  # its module is not part of this build
    lines.append("## Functions and classes\n")
    lines.append("| name | kind | summary |")
    lines.append("| --- | --- | --- |")
    for name in sorted(exports, key=str.lower):
        obj = exports[name]
        if _is_warning(obj):
            continue
        kind = "class" if inspect.isclass(obj) else "function"
        signature = _short_signature(obj) if kind == "function" else ""
        lines.append(f"| `{name}{signature}` | {kind} | {_cell(_summary(obj))} |")
    lines += _warnings_section(exports)
    lines.append("\n## Submodules\n")
    lines.append("| module | summary |")
    lines.append("| --- | --- |")
    for name in sorted(fairscope._SUBMODULES):
        try:
            module = importlib.import_module(f"fairscope.{name}")
        except ImportError:
            continue
        names = ", ".join(f"`{n}`" for n in _public_names(module))
        lines.append(f"| `fairscope.{name}` | {_cell(_summary(module))} {names} |")
    return "\n".join(lines).rstrip() + "\n"


PAGES: dict[str, Callable[[], str]] = {
    "metrics.md": metrics_page,
    "policy-schema.md": policy_page,
    "cli.md": cli_page,
    "api.md": api_page,
}


def _write_atomic(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
        handle.write(text)
    os.replace(tmp, path)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--output", default=str(REFERENCE), help="folder to write the pages to")
    args = parser.parse_args(argv)
    for name, make in PAGES.items():
        _write_atomic(Path(args.output) / name, make())
        print(f"wrote {Path(args.output) / name}")
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT / "src"))
    sys.exit(main())
