"""Reading a data file into pandas: CSV, TSV, Parquet or JSON Lines, checked before the rows.

:func:`read_table` is what ``fairscope audit`` and ``fairscope dataset`` use to
read a file with pandas; a notebook user gets the same checks and the same
messages. Files too large for memory go through :func:`fairscope.engines.open_table`
(DuckDB or Spark) instead.
"""

from __future__ import annotations

import difflib
import os
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

import pandas as pd

#: File extension -> format.
FORMATS: dict[str, str] = {
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


class InputFileError(ValueError):
    """A data file that cannot be read as asked: absent, empty, unknown format, missing column."""


def format_of(path: str | os.PathLike[str], given: str | None = None) -> str:
    """The format of a data file: ``given``, else from its extension (compression ignored).

    Parameters
    ----------
    path : str or path-like
        The file.
    given : {"csv", "tsv", "parquet", "jsonl"}, optional
        The format, when the extension does not tell it.

    Returns
    -------
    str
        ``"csv"``, ``"tsv"``, ``"parquet"`` or ``"jsonl"``.

    Examples
    --------
    >>> format_of("scores.csv.gz")
    'csv'
    """
    if given:
        return given
    suffixes = [s.lower() for s in Path(path).suffixes]
    while suffixes and suffixes[-1] in _COMPRESSION:
        suffixes.pop()
    fmt = FORMATS.get(suffixes[-1] if suffixes else "")
    if fmt is None:
        raise InputFileError(
            f"cannot tell the format of {str(path)!r} from its extension; use .csv, .tsv, "
            ".parquet or .jsonl, or pass --format csv|tsv|parquet|jsonl."
        )
    return fmt


def read_table(
    path: str | os.PathLike[str],
    *,
    columns: Sequence[str] | None = None,
    format: str | None = None,
    required: Sequence[str] = (),
) -> pd.DataFrame:
    """Read the named columns (all when None) of a CSV, TSV, Parquet or JSON Lines file.

    Checks before reading the rows that the file exists, is not empty, has no
    duplicated column names and has every requested (and ``required``) column,
    and names a close match when a column is misspelt. A ``;``-, tab- or
    ``|``-separated ``.csv`` (as spreadsheets in many locales write them) is
    read with its own separator.

    Parameters
    ----------
    path : str or path-like
        The data file; ``.gz``, ``.bz2``, ``.zip``, ``.xz`` and ``.zst`` are decompressed.
    columns : sequence of str, optional
        Columns to read (default all); only those are parsed.
    format : {"csv", "tsv", "parquet", "jsonl"}, optional
        Default from the extension.
    required : sequence of str, default ()
        Columns that must exist even when every column is read.

    Returns
    -------
    pandas.DataFrame
        The rows of ``columns`` and ``required`` (every column when ``columns`` is None),
        in the file's column order.

    Raises
    ------
    InputFileError
        A ``ValueError`` naming the file and the problem (absent, a folder, empty,
        unknown format, duplicated or missing column, not UTF-8, unparsable).

    See Also
    --------
    fairscope.engines.open_table : the same files read out of core by DuckDB or Spark.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "scores.csv"
    >>> _ = path.write_text("y,p,sex\\n1,1,f\\n0,1,m\\n")
    >>> read_table(path, columns=["y", "sex"]).columns.tolist()
    ['y', 'sex']
    """
    path = Path(path)
    _check_file(path)
    fmt = format_of(path, format)
    wanted = list(dict.fromkeys([*(columns or []), *required]))
    usecols = None if columns is None else wanted
    try:
        frame = _read(path, fmt, wanted, usecols)
    except InputFileError:
        raise
    except UnicodeDecodeError as exc:
        raise InputFileError(
            f"cannot read {str(path)!r}: it is not UTF-8 text ({exc.reason} at byte "
            f"{exc.start}); convert it to UTF-8 first, e.g. iconv -f latin1 -t utf-8 IN > OUT."
        ) from None
    except Exception as exc:  # pandas, pyarrow and the parsers raise many types
        first_line = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise InputFileError(f"cannot read {str(path)!r} as {fmt}: {first_line}") from None
    if len(frame) == 0:
        raise InputFileError(f"input file {str(path)!r} has a header but no rows.")
    return frame


def _check_file(path: Path) -> None:
    if not path.exists():
        raise InputFileError(f"input file {str(path)!r} does not exist.")
    if path.is_dir():
        raise InputFileError(f"input {str(path)!r} is a directory; give a data file.")
    if path.stat().st_size == 0:
        raise InputFileError(f"input file {str(path)!r} is empty.")


def _read(path: Path, fmt: str, wanted: list[str], usecols: list[str] | None) -> pd.DataFrame:
    if fmt in ("csv", "tsv"):
        return _read_delimited(path, fmt, wanted, usecols)
    if fmt == "parquet":
        import pyarrow.parquet as pq

        _check_columns(path, list(pq.read_schema(path).names), wanted)
        return pd.read_parquet(path, columns=usecols)
    if fmt == "jsonl":
        frame = pd.read_json(path, lines=True)
        _check_columns(path, [str(c) for c in frame.columns], wanted)
        return frame if usecols is None else frame[usecols]
    raise InputFileError(f"--format {fmt!r} is unknown; use csv, tsv, parquet or jsonl.")


def _read_delimited(
    path: Path, fmt: str, wanted: list[str], usecols: list[str] | None
) -> pd.DataFrame:
    sep = "\t" if fmt == "tsv" else ","
    header = _header(path, sep)
    other = _other_separator(header) if fmt == "csv" else None
    decimal = "."
    if other is not None:
        # European spreadsheets write ';'-separated "CSV" (',' is their decimal mark)
        sep = other
        decimal = "," if other == ";" else "."
        header = _header(path, sep)
    _check_columns(path, header, wanted)
    return pd.read_csv(path, sep=sep, decimal=decimal, usecols=usecols, low_memory=False)


def _header(path: Path, sep: str) -> list[str]:
    try:
        first = pd.read_csv(path, sep=sep, header=None, nrows=1, dtype=str)
    except pd.errors.EmptyDataError:
        raise InputFileError(f"input file {str(path)!r} is empty.") from None
    return [str(c) for c in first.iloc[0].tolist()] if len(first) else []


def _other_separator(header: list[str]) -> str | None:
    """The separator of a CSV whose header did not split on commas (';', tab or '|')."""
    if len(header) != 1:
        return None
    for sep in (";", "\t", "|"):
        if sep in header[0]:
            return sep
    return None


def _check_columns(path: Path, header: list[str], wanted: list[str]) -> None:
    duplicated = sorted(c for c, n in Counter(header).items() if n > 1)
    if duplicated:
        raise InputFileError(
            f"{str(path)!r} has duplicated column names {duplicated}; rename them so each "
            "column is unambiguous."
        )
    for column in wanted:
        if column not in header:
            close = difflib.get_close_matches(column, header, n=1)
            hint = f" Did you mean {close[0]!r}?" if close else ""
            shown = ", ".join(header[:20]) + (", ..." if len(header) > 20 else "")
            raise InputFileError(
                f"column {column!r} is not in {str(path)!r}.{hint} Columns: {shown}"
            )
