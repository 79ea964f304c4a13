"""The ``fairscope`` command: fairness audits as a CI gate.

A thin shell over the Python API: each command is one call a notebook user can
make too. Exit codes: 0 passed, 1 the policy (or baseline comparison) failed,
2 usage or input error. Errors go to stderr as one line naming the column,
file or key; ``--debug`` shows the traceback. Output files are written
atomically.

Examples
--------
>>> from fairscope.cli._main import main
>>> main(["policies"])  # doctest: +ELLIPSIS
demographic-parity ...
0
"""

from __future__ import annotations

import argparse
import os
import sys
import time
import traceback
import warnings
from collections.abc import Sequence
from pathlib import Path
from typing import Any

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2

_FORMATS = {
    ".csv": "csv",
    ".tsv": "tsv",
    ".txt": "csv",
    ".parquet": "parquet",
    ".pq": "parquet",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".json": "jsonl",
}
_COMPRESSION = (".gz", ".bz2", ".zip", ".xz", ".zst")


class InputError(ValueError):
    """A problem with the command's inputs (exit code 2)."""


# -- small helpers -------------------------------------------------------------------------


class _Progress:
    """Progress lines on stderr, only when a person is watching (a terminal) or asked."""

    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled
        self.start = time.perf_counter()

    def __call__(self, message: str) -> None:
        if self.enabled:
            elapsed = time.perf_counter() - self.start
            print(f"[{elapsed:6.1f}s] {message}", file=sys.stderr, flush=True)


def _size(path: Path) -> str:
    size = float(path.stat().st_size)
    for unit in ("B", "KB", "MB", "GB"):
        if size < 1024 or unit == "GB":
            return f"{size:.0f} {unit}" if unit == "B" else f"{size:.1f} {unit}"
        size /= 1024
    return f"{size:.1f} GB"  # pragma: no cover


def _format_of(path: Path, given: str | None) -> str:
    if given:
        return given
    suffixes = [s.lower() for s in path.suffixes]
    while suffixes and suffixes[-1] in _COMPRESSION:
        suffixes.pop()
    fmt = _FORMATS.get(suffixes[-1] if suffixes else "")
    if fmt is None:
        raise InputError(
            f"cannot tell the format of {str(path)!r} from its extension; use .csv, .tsv, "
            ".parquet or .jsonl, or pass --format csv|tsv|parquet|jsonl."
        )
    return fmt


def _check_columns(path: Path, header: list[str], wanted: list[str]) -> None:
    seen: set[str] = set()
    duplicated = sorted({c for c in header if c in seen or seen.add(c)})
    if duplicated:
        raise InputError(
            f"{str(path)!r} has duplicated column names {duplicated}; rename them so each "
            "column is unambiguous."
        )
    for column in wanted:
        if column not in header:
            import difflib

            close = difflib.get_close_matches(column, header, n=1)
            hint = f" Did you mean {close[0]!r}?" if close else ""
            shown = ", ".join(header[:20]) + (", ..." if len(header) > 20 else "")
            raise InputError(f"column {column!r} is not in {str(path)!r}.{hint} Columns: {shown}")


def read_table(
    path: Any,
    columns: Sequence[str] | None,
    fmt: str | None = None,
    *,
    required: Sequence[str] = (),
) -> Any:
    """Read the named columns (all when None) of a CSV, TSV, Parquet or JSON Lines file.

    Checks before reading the rows that the file exists, is not empty, has no
    duplicated column names and has every requested (and ``required``) column.
    """
    import pandas as pd

    path = Path(path)
    if not path.exists():
        raise InputError(f"input file {str(path)!r} does not exist.")
    if path.is_dir():
        raise InputError(f"input {str(path)!r} is a directory; give a data file.")
    if path.stat().st_size == 0:
        raise InputError(f"input file {str(path)!r} is empty.")
    fmt = _format_of(path, fmt)
    wanted = list(dict.fromkeys([*(columns or []), *required]))
    usecols = None if columns is None else wanted
    try:
        if fmt in ("csv", "tsv"):
            sep = "\t" if fmt == "tsv" else ","
            try:
                first = pd.read_csv(path, sep=sep, header=None, nrows=1, dtype=str)
            except pd.errors.EmptyDataError:
                raise InputError(f"input file {str(path)!r} is empty.") from None
            header = [str(c) for c in first.iloc[0].tolist()] if len(first) else []
            other = _other_separator(header) if fmt == "csv" else None
            if other is not None:
                # European spreadsheets write ';'-separated "CSV" (',' is their decimal mark)
                sep = other
                decimal = "," if other == ";" else "."
                first = pd.read_csv(path, sep=sep, header=None, nrows=1, dtype=str)
                header = [str(c) for c in first.iloc[0].tolist()]
            else:
                decimal = "."
            _check_columns(path, header, wanted)
            frame = pd.read_csv(path, sep=sep, decimal=decimal, usecols=usecols, low_memory=False)
        elif fmt == "parquet":
            import pyarrow.parquet as pq

            header = list(pq.read_schema(path).names)
            _check_columns(path, header, wanted)
            frame = pd.read_parquet(path, columns=usecols)
        elif fmt == "jsonl":
            frame = pd.read_json(path, lines=True)
            _check_columns(path, [str(c) for c in frame.columns], wanted)
            frame = frame if usecols is None else frame[usecols]
        else:
            raise InputError(f"--format {fmt!r} is unknown; use csv, tsv, parquet or jsonl.")
    except InputError:
        raise
    except UnicodeDecodeError as exc:
        raise InputError(
            f"cannot read {str(path)!r}: it is not UTF-8 text ({exc.reason} at byte "
            f"{exc.start}); convert it to UTF-8 first, e.g. iconv -f latin1 -t utf-8 IN > OUT."
        ) from None
    except (ValueError, OSError) as exc:
        first_line = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise InputError(f"cannot read {str(path)!r} as {fmt}: {first_line}") from None
    except Exception as exc:  # pyarrow and parser errors have many types
        first_line = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise InputError(f"cannot read {str(path)!r} as {fmt}: {first_line}") from None
    if len(frame) == 0:
        raise InputError(f"input file {str(path)!r} has a header but no rows.")
    return frame


def _other_separator(header: list[str]) -> str | None:
    """The separator of a CSV whose header did not split on commas (';', tab or '|')."""
    if len(header) != 1:
        return None
    for sep in (";", "\t", "|"):
        if sep in header[0]:
            return sep
    return None


def _pos_label(value: str | None, series: Any) -> Any:
    """The --pos-label text converted to the label column's type."""
    if value is None:
        return 1
    import pandas as pd

    if pd.api.types.is_bool_dtype(series):
        return value.lower() in ("1", "true", "yes")
    if pd.api.types.is_numeric_dtype(series):
        try:
            number = float(value)
        except ValueError:
            raise InputError(
                f"--pos-label {value!r} is not a number, but the label column is numeric."
            ) from None
        return int(number) if number.is_integer() else number
    return value


def _fail_on(values: Sequence[str] | None) -> tuple[str, ...]:
    statuses = ["fail"]
    for value in values or []:
        for part in value.split(","):
            part = part.strip().lower()
            if part not in ("fail", "warn", "inconclusive"):
                raise InputError(f"--fail-on {part!r} is unknown; use fail, warn or inconclusive.")
            if part not in statuses:
                statuses.append(part)
    return tuple(statuses)


def _write_outputs(result: Any, args: argparse.Namespace, progress: _Progress) -> list[str]:
    written = []
    for flag, write in (
        ("json", lambda p: result.to_json(p)),
        ("junit", lambda p: result.to_junit(p)),
        ("markdown", lambda p: _write_markdown(result, p)),
        ("html", lambda p: _write_html(result, p, args)),
    ):
        path = getattr(args, flag, None)
        if path:
            progress(f"writing {flag} to {path}")
            try:
                write(path)
            except FileNotFoundError as exc:
                raise InputError(f"--{flag} {path}: {exc}") from None
            written.append(f"{flag}: {path}")
    return written


def _write_markdown(result: Any, path: str) -> None:
    from fairscope.core._atomic import write_text

    write_text(path, result.to_markdown())


def _html_available() -> bool:
    import importlib.util

    return importlib.util.find_spec("fairscope.report") is not None


def _write_html(result: Any, path: str, args: argparse.Namespace | None = None) -> None:
    if not _html_available():
        raise InputError(
            "--html needs the HTML report module fairscope.report, which this installation "
            "does not have; use --json/--markdown, or upgrade fairscope."
        )
    options = {}
    if args is not None and getattr(args, "title", None):
        options["title"] = args.title
    if args is not None and getattr(args, "suppress_below", None) is not None:
        options["suppress_below"] = args.suppress_below
    result.to_html(path, **options)


def _report(result: Any, args: argparse.Namespace, progress: _Progress) -> None:
    """Write the output files, then print the findings and what was written.

    Files come first so that a closed stdout (``fairscope audit ... | head``)
    cannot cost the user the JSON, JUnit or HTML they asked for.
    """
    written = _write_outputs(result, args, progress)
    _print_result(result, args.quiet)
    if not args.quiet:
        for line in written:
            print(f"wrote {line}")


def _print_result(result: Any, quiet: bool) -> None:
    if quiet:
        return
    from fairscope.result._serialize import summary

    print(summary(result, limit=25))
    if not result.findings and "group_metrics" in result.tables:
        table = result.tables["group_metrics"]
        keep = [
            c
            for c in (
                "feature",
                "group",
                "n",
                "selection_rate",
                "true_positive_rate",
                "false_positive_rate",
                "accuracy",
            )
            if c in table
        ]
        print()
        print(table[keep].to_string(index=False, float_format=lambda v: f"{v:.3f}"))


def _exit_code(result: Any) -> int:
    if result.policy is None and not result.findings:
        return EXIT_OK
    return EXIT_OK if result.passed else EXIT_FAILED


# -- commands --------------------------------------------------------------------------------


def _cmd_audit(args: argparse.Namespace, progress: _Progress) -> int:
    import numpy as np

    import fairscope
    from fairscope.judge._policy import load_policy

    if args.y_pred is None and (args.y_score is None or args.threshold is None):
        raise InputError(
            "give --y-pred COL, or --y-score COL with --threshold T to derive predictions."
        )
    if args.y_pred is not None and args.threshold is not None:
        raise InputError("--threshold derives predictions from --y-score; drop it or --y-pred.")
    if args.threshold is not None and not np.isfinite(args.threshold):
        raise InputError(f"--threshold must be a finite number; got {args.threshold}.")
    fail_on = _fail_on(args.fail_on)
    policy = load_policy(args.policy) if args.policy else None
    columns = [args.y_true, *args.sensitive]
    for extra in (args.y_pred, args.y_score, args.sample_weight):
        if extra:
            columns.append(extra)
    engine = _engine(args)
    if engine != "pandas":
        return _audit_with_engine(args, progress, engine, fail_on, policy)
    path = Path(args.path)
    progress(f"reading {path} ({_size(path) if path.exists() else '?'})")
    frame = read_table(path, columns, args.format)
    progress(f"read {len(frame):,} rows")
    y_pred: Any = args.y_pred
    if args.y_score is not None:
        import pandas as pd

        score = frame[args.y_score]
        if not pd.api.types.is_numeric_dtype(score) or pd.api.types.is_bool_dtype(score):
            raise InputError(
                f"--y-score column {args.y_score!r} must be numeric; got {score.dtype}."
            )
        values = score.to_numpy(dtype=float, na_value=np.nan)
        missing = int(np.isnan(values).sum())
        if missing and not args.dropna:
            raise InputError(
                f"--y-score column {args.y_score!r} has {missing:,} missing (NaN) values; fix the "
                "data or pass --dropna to drop those rows (the count is reported)."
            )
        if args.threshold is not None:
            from fairscope.audits._predictions import _decision_threshold

            if missing < len(values):
                _decision_threshold(values[~np.isnan(values)], args.threshold)
            derived = np.where(np.isnan(values), np.nan, (values >= args.threshold).astype(float))
            y_pred = derived
    pos_label = _pos_label(args.pos_label, frame[args.y_true])
    progress(f"auditing {len(frame):,} rows over {', '.join(args.sensitive)}")
    result = fairscope.audit_predictions(
        args.y_true,
        y_pred,
        sensitive_features=list(args.sensitive),
        y_score=args.y_score,
        task=args.task,
        data=frame,
        sample_weight=args.sample_weight,
        pos_label=pos_label,
        reference=args.reference,
        min_group_size=args.min_group_size,
        dropna=args.dropna,
        fail_on=fail_on,
        policy=policy,
    )
    result.metadata["input_file"] = str(path)
    progress("audit done")
    _report(result, args, progress)
    return _exit_code(result)


def _engine(args: argparse.Namespace) -> str:
    from fairscope.engines._sources import choose_engine

    try:
        return choose_engine(args.path, args.engine, args.format)
    except ValueError as exc:
        raise InputError(str(exc)) from None


def _audit_with_engine(
    args: argparse.Namespace, progress: _Progress, engine: str, fail_on: Any, policy: Any
) -> int:
    """``audit`` with the rows read by DuckDB or Spark: only per-group counts reach Python."""
    import fairscope
    from fairscope.engines import open_table
    from fairscope.engines._audit_data import distinct_values

    progress(f"opening {args.path} with {engine}")
    data = open_table(args.path, engine=engine)
    pos_label = _pos_label(args.pos_label, distinct_values(data, args.y_true))
    progress(f"auditing with {engine} over {', '.join(args.sensitive)}")
    result = fairscope.audit_predictions(
        args.y_true,
        args.y_pred,
        sensitive_features=list(args.sensitive),
        y_score=args.y_score,
        threshold=args.threshold,
        task=args.task,
        data=data,
        sample_weight=args.sample_weight,
        pos_label=pos_label,
        reference=args.reference,
        min_group_size=args.min_group_size,
        dropna=args.dropna,
        fail_on=fail_on,
        policy=policy,
    )
    result.metadata["input_file"] = str(args.path)
    result.metadata["engine"] = engine
    progress("audit done")
    _report(result, args, progress)
    return _exit_code(result)


def _cmd_dataset(args: argparse.Namespace, progress: _Progress) -> int:
    import importlib.util

    if importlib.util.find_spec("fairscope.audits._dataset") is None:
        raise InputError(
            "dataset audits need fairscope.audits._dataset, which this installation does not have."
        )
    import fairscope
    from fairscope.judge._policy import load_policy

    policy = load_policy(args.policy) if args.policy else None
    path = Path(args.path)
    progress(f"reading {path}")
    # without --feature every column is audited (proxies, missingness, shift)
    columns = [args.target, *args.sensitive, *args.feature] if args.feature else None
    engine = _engine(args)
    if engine == "pandas":
        frame = read_table(path, columns, args.format, required=[args.target, *args.sensitive])
    else:  # the engine reads (only the needed columns); the dataset audit runs on them
        from fairscope.engines import open_table
        from fairscope.engines._audit_data import collect_columns

        data = open_table(args.path, engine=engine)
        frame = collect_columns(data, columns or list(data.columns))
    progress(f"auditing {len(frame):,} rows")
    kwargs: dict[str, Any] = {
        "target": args.target,
        "sensitive_features": list(args.sensitive),
        "policy": policy,
    }
    if args.feature:
        kwargs["features"] = list(args.feature)
    result = fairscope.audit_dataset(frame, **kwargs)
    result.fail_on = _fail_on(args.fail_on)
    result.metadata["input_file"] = str(path)
    # the engine read the columns; the dataset audit itself ran on pandas
    result.metadata["engine"] = "pandas" if engine == "pandas" else f"{engine} -> pandas"
    _report(result, args, progress)
    return _exit_code(result)


def _cmd_report(args: argparse.Namespace, progress: _Progress) -> int:
    from fairscope.result._serialize import from_json

    if not (args.html or args.markdown or args.junit):
        raise InputError("fairscope report needs an output: --html F, --markdown F or --junit F.")
    path = Path(args.audit)
    if not path.is_file():
        raise InputError(f"audit file {str(path)!r} does not exist.")
    result = from_json(path)
    args.json = None
    for line in _write_outputs(result, args, progress):
        print(f"wrote {line}")
    return EXIT_OK


def _cmd_compare(args: argparse.Namespace, progress: _Progress) -> int:
    from fairscope.audits._baseline import compare_baseline

    for name in (args.base, args.new):
        if not Path(name).is_file():
            raise InputError(f"audit file {name!r} does not exist.")
    comparison = compare_baseline(args.base, args.new, tolerance=args.tolerance)
    print(comparison.summary())
    if args.json:
        from fairscope.core._atomic import write_text

        write_text(args.json, comparison.table.to_json(orient="records", indent=1) + "\n")
        print(f"wrote json: {args.json}")
    return EXIT_OK if comparison.passed else EXIT_FAILED


def _cmd_metrics(args: argparse.Namespace, progress: _Progress) -> int:
    from fairscope.core._registry import metrics_table

    table = metrics_table()
    if args.json:
        print(table.reset_index().to_json(orient="records", indent=1))
        return EXIT_OK
    for name, row in table.iterrows():
        aliases = f" (aliases: {row['aliases']})" if row["aliases"] else ""
        print(f"{name}{aliases}")
        print(f"    {row['definition']}")
        print(f"    formula: {row['formula']}; favourable: {row['direction']}; task: {row['task']}")
    return EXIT_OK


def _cmd_policies(args: argparse.Namespace, progress: _Progress) -> int:
    from importlib import resources

    from fairscope.judge._policy import load_policy, presets

    names = presets()
    if args.name:
        if args.name not in names:
            load_policy(args.name)  # raises the error with suggestions
        text = resources.files("fairscope").joinpath("presets", f"{args.name}.yaml")
        print(text.read_text(encoding="utf-8"), end="")
        return EXIT_OK
    width = max(len(n) for n in names)
    for name, description in names.items():
        print(f"{name.ljust(width)}  {description}")
    print("\nshow one with `fairscope policies NAME`; see docs/policies.md to write your own.")
    return EXIT_OK


def _cmd_demo(args: argparse.Namespace, progress: _Progress) -> int:
    import importlib.util

    if importlib.util.find_spec("fairscope.datasets") is None:
        raise InputError(
            "the demo needs fairscope.datasets.make_credit_scoring, which this installation "
            "does not have."
        )
    import fairscope
    from fairscope.datasets import make_credit_scoring

    out = Path(args.output)
    out.mkdir(parents=True, exist_ok=True)
    progress(f"generating {args.n:,} synthetic credit applications (bias={args.bias})")
    data = make_credit_scoring(n=args.n, bias=args.bias, random_state=args.seed)
    # sex and race with their intersection: a typical audit, whose report stays under 1 MB
    progress("auditing approvals by sex and race")
    result = fairscope.audit_predictions(
        "repaid",
        "approved",
        y_score="score",
        sensitive_features=["sex", "race"],
        data=data,
        policy=args.policy,
    )
    result.metadata["input_file"] = (
        f"fairscope.datasets.make_credit_scoring(n={args.n}, bias={args.bias}, "
        f"random_state={args.seed})"
    )
    from fairscope.core._atomic import write_text

    # files first: a closed stdout must not cost the outputs
    progress("writing the audit, the PR comment and the HTML report")
    result.to_json(out / "audit.json")
    write_text(out / "summary.md", result.to_markdown())
    html = _html_available()
    if html:
        result.to_html(out / "report.html")
    _print_result(result, False)
    print()
    print(f"wrote the audit (JSON):          {out / 'audit.json'}")
    print(f"wrote the PR comment (Markdown): {out / 'summary.md'}")
    if html:
        print(f"wrote the HTML report:           {out / 'report.html'}")
    else:
        print("HTML report skipped: fairscope.report is not available in this installation.")
    print(
        "\nnext: open the report, or gate a model in CI with\n"
        "  fairscope audit predictions.csv --y-true label --y-pred prediction "
        "--sensitive group --policy four-fifths --junit fairness.xml"
    )
    return EXIT_OK


# -- the parser ------------------------------------------------------------------------------


def _add_outputs(parser: argparse.ArgumentParser, json_flag: bool = True) -> None:
    group = parser.add_argument_group("outputs (written atomically)")
    if json_flag:
        group.add_argument("--json", metavar="F", help="save the audit as JSON (lossless)")
    group.add_argument("--html", metavar="F", help="write the HTML transparency report")
    group.add_argument("--title", metavar="TEXT", help="title of the HTML report")
    group.add_argument(
        "--suppress-below",
        type=_non_negative_int,
        metavar="K",
        help="in the HTML report, hide every value of a group with fewer than K rows (privacy)",
    )
    group.add_argument("--junit", metavar="F", help="write JUnit XML (one testcase per finding)")
    group.add_argument("--markdown", metavar="F", help="write Markdown for a PR comment")


def _non_negative_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"expected a number >= 0, got {value}")
    return value


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of the ``fairscope`` command."""
    from fairscope import __version__

    parser = argparse.ArgumentParser(
        prog="fairscope",
        description="Audit AI systems for bias. Exit codes: 0 passed, 1 policy failed, "
        "2 usage or input error.",
    )
    parser.add_argument("--version", action="version", version=f"fairscope {__version__}")
    parser.add_argument("--debug", action="store_true", help="show tracebacks on errors")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    audit = sub.add_parser(
        "audit",
        help="audit predictions in a CSV/Parquet/JSON Lines file",
        description="Audit predictions stored in a file (binary by default; multiclass and "
        "regression are detected from the labels, or set with --task).",
    )
    audit.add_argument("path", help="CSV, TSV, Parquet or JSON Lines file")
    audit.add_argument("--y-true", required=True, metavar="COL", help="true label column")
    audit.add_argument("--y-pred", metavar="COL", help="prediction column")
    audit.add_argument("--y-score", metavar="COL", help="score column (probability)")
    audit.add_argument(
        "--threshold", type=float, metavar="T", help="predict positive when score >= T"
    )
    audit.add_argument(
        "--sensitive",
        action="append",
        required=True,
        metavar="COL",
        help="sensitive feature column (repeat for several; intersections are audited too)",
    )
    audit.add_argument(
        "--task",
        choices=["binary", "multiclass", "regression"],
        help="type of prediction (default: detected from the labels)",
    )
    audit.add_argument("--sample-weight", metavar="COL", help="row weight column")
    audit.add_argument("--pos-label", metavar="V", help="positive label (default 1)")
    audit.add_argument("--policy", metavar="FILE|PRESET", help="policy file or preset name")
    audit.add_argument(
        "--fail-on",
        action="append",
        metavar="STATUS",
        help="also fail on warn and/or inconclusive findings (fail always fails)",
    )
    audit.add_argument(
        "--reference",
        default="largest",
        help="reference group or strategy largest|best|overall (default largest)",
    )
    audit.add_argument(
        "--min-group-size",
        type=int,
        default=30,
        metavar="N",
        help="groups smaller than N are SKIPPED (default 30)",
    )
    audit.add_argument(
        "--dropna",
        action="store_true",
        help="drop rows with a missing label, prediction or score (counted in the report)",
    )
    audit.add_argument("--format", choices=["csv", "tsv", "parquet", "jsonl"])
    audit.add_argument(
        "--engine",
        choices=["auto", "pandas", "duckdb", "spark"],
        default="auto",
        help="what reads the rows: auto (DuckDB for globs, folders and Parquet/CSV files over "
        "256 MiB, streamed out of core; else pandas), pandas, duckdb or spark",
    )
    audit.add_argument("-q", "--quiet", action="store_true", help="print nothing on success")
    audit.add_argument("-v", "--verbose", action="store_true", help="show progress")
    _add_outputs(audit)
    audit.set_defaults(handler=_cmd_audit)

    dataset = sub.add_parser(
        "dataset", help="audit a training data set (representation, label bias, proxies)"
    )
    dataset.add_argument("path")
    dataset.add_argument("--target", required=True, metavar="COL")
    dataset.add_argument("--sensitive", action="append", required=True, metavar="COL")
    dataset.add_argument(
        "--feature",
        action="append",
        metavar="COL",
        help="feature column to audit (default: all other columns)",
    )
    dataset.add_argument("--policy", metavar="FILE|PRESET")
    dataset.add_argument("--fail-on", action="append", metavar="STATUS")
    dataset.add_argument("--format", choices=["csv", "tsv", "parquet", "jsonl"])
    dataset.add_argument(
        "--engine",
        choices=["auto", "pandas", "duckdb", "spark"],
        default="auto",
        help="what reads the rows: auto (DuckDB for globs, folders and Parquet/CSV files over "
        "256 MiB, streamed out of core; else pandas), pandas, duckdb or spark",
    )
    dataset.add_argument("-q", "--quiet", action="store_true")
    dataset.add_argument("-v", "--verbose", action="store_true")
    _add_outputs(dataset)
    dataset.set_defaults(handler=_cmd_dataset)

    report = sub.add_parser("report", help="re-render a saved audit (JSON) as HTML/Markdown/JUnit")
    report.add_argument("audit", help="audit JSON written by --json")
    _add_outputs(report, json_flag=False)
    report.set_defaults(handler=_cmd_report)

    compare = sub.add_parser(
        "compare", help="fail when a disparity got worse than in a baseline audit"
    )
    compare.add_argument("base", help="baseline audit JSON")
    compare.add_argument("new", help="new audit JSON")
    compare.add_argument(
        "--tolerance", type=float, default=0.0, metavar="X", help="allowed worsening (default 0)"
    )
    compare.add_argument("--json", metavar="F", help="write the comparison table as JSON")
    compare.set_defaults(handler=_cmd_compare)

    metrics = sub.add_parser("metrics", help="list the metric registry with definitions")
    metrics.add_argument("--json", action="store_true", help="print JSON")
    metrics.set_defaults(handler=_cmd_metrics)

    policies = sub.add_parser("policies", help="list the preset policies, or print one")
    policies.add_argument("name", nargs="?", help="preset to print as YAML")
    policies.set_defaults(handler=_cmd_policies)

    demo = sub.add_parser(
        "demo", help="audit a synthetic credit-scoring data set and write the reports"
    )
    demo.add_argument("--output", "-o", default="fairscope-demo", metavar="DIR")
    demo.add_argument("--n", type=int, default=10_000, help="rows (default 10000)")
    demo.add_argument("--bias", type=float, default=0.5, help="planted bias in [0, 1]")
    demo.add_argument("--seed", type=int, default=0)
    demo.add_argument("--policy", default="four-fifths", metavar="FILE|PRESET")
    demo.set_defaults(handler=_cmd_demo)
    return parser


#: Library keywords whose hints should name the command-line flag instead.
_FLAG_OF = {
    "pos_label": "--pos-label",
    "task": "--task",
    "min_group_size": "--min-group-size",
    "reference": "--reference",
}


def _cli_wording(message: str) -> str:
    """Library hints (``pass pos_label='yes'``, ``dropna=True``) in command-line terms."""
    import re

    message = message.replace("dropna=True", "--dropna")

    def flag(match: re.Match) -> str:
        value = match.group(3) if match.group(3) is not None else match.group(4)
        return f"{_FLAG_OF[match.group(1)]} {value}".rstrip() if value else _FLAG_OF[match.group(1)]

    keys = "|".join(_FLAG_OF)
    return re.sub(rf"\b({keys})=('([^']*)'|([^\s,;)]*?))(?=[\s,;)]|\.(?:\s|$)|$)", flag, message)


def _print_warnings(caught: list[warnings.WarningMessage]) -> None:
    """Library warnings as one ``fairscope: warning:`` line each (not Python's two-line form)."""
    seen: set[str] = set()
    for warning in caught:
        if issubclass(warning.category, DeprecationWarning | PendingDeprecationWarning):
            continue
        message = " ".join(str(warning.message).split())
        if message not in seen:
            seen.add(message)
            print(f"fairscope: warning: {message}", file=sys.stderr)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``fairscope`` command; returns the exit code.

    Parameters
    ----------
    argv : list of str, optional
        Arguments (default ``sys.argv[1:]``).
    """
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse: --help (0) or a usage error (2)
        return int(exc.code or 0)
    if args.command is None:
        parser.print_help(sys.stderr)
        return EXIT_USAGE
    verbose = getattr(args, "verbose", False) or (
        sys.stderr.isatty() and not getattr(args, "quiet", False)
    )
    progress = _Progress(bool(verbose) and os.environ.get("FAIRSCOPE_NO_PROGRESS") is None)
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            try:
                return args.handler(args, progress)
            finally:
                _print_warnings(caught)
    except KeyboardInterrupt:
        print("fairscope: interrupted", file=sys.stderr)
        return EXIT_USAGE
    except Exception as exc:  # one clear line; the traceback only on request
        if args.debug:
            traceback.print_exc()
        message = str(exc).strip() or type(exc).__name__
        if isinstance(exc, KeyError):
            message = f"missing key {message}"
        first = _cli_wording(" ".join(message.split()))
        print(f"fairscope: error: {first}", file=sys.stderr)
        return EXIT_USAGE


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
