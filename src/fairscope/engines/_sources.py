"""Resolving ``data=`` to a lazily evaluated narwhals frame, whatever engine holds it.

Engines are imported only when their kind of data arrives, so ``import
fairscope`` never loads polars, pyarrow, DuckDB or pyspark.
"""

from __future__ import annotations

import glob
import os
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pandas as pd

#: Engines the CLI's ``--engine`` flag and :func:`open_table` accept.
ENGINES = ("auto", "pandas", "duckdb", "spark")

#: Files above this total size are streamed through DuckDB by ``engine="auto"``.
AUTO_DUCKDB_BYTES = 256 * 2**20

#: Tokens ``pandas.read_csv`` treats as missing by default.
PANDAS_NA_TOKENS = [
    "", "#N/A", "#N/A N/A", "#NA", "-1.#IND", "-1.#QNAN", "-NaN", "-nan", "1.#IND", "1.#QNAN",
    "<NA>", "N/A", "NA", "NULL", "NaN", "None", "n/a", "nan", "null",
]  # fmt: skip

_SUPPORTED = (
    "a pandas DataFrame, a polars DataFrame or LazyFrame, a pyarrow Table, a DuckDB relation, "
    "a Spark DataFrame, or a path / glob / list of paths to Parquet or CSV files"
)


def _is_path_like(data: Any) -> bool:
    if isinstance(data, str | os.PathLike):
        return True
    return (
        isinstance(data, Sequence)
        and not isinstance(data, str)
        and len(data) > 0
        and all(isinstance(p, str | os.PathLike) for p in data)
    )


def expand_paths(data: str | os.PathLike | Sequence[str | os.PathLike]) -> list[str]:
    """Files named by a path, a glob or a list of them; a clear error when none exist."""
    items = [data] if isinstance(data, str | os.PathLike) else list(data)
    files: list[str] = []
    for item in items:
        text = os.fspath(item)
        if glob.has_magic(text):
            matched = sorted(glob.glob(text, recursive=True))
            if not matched:
                raise ValueError(f"data={text!r} matches no file; check the path or glob.")
            files.extend(matched)
        elif os.path.isdir(text):
            inner = sorted(
                str(p) for p in Path(text).rglob("*") if p.suffix.lower() in (".parquet", ".csv")
            )
            if not inner:
                raise ValueError(f"data={text!r} is a folder without .parquet or .csv files.")
            files.extend(inner)
        elif os.path.exists(text):
            files.append(text)
        else:
            raise ValueError(f"data={text!r} does not exist; give a Parquet or CSV file or glob.")
    return files


def _file_format(files: list[str]) -> str:
    kinds = set()
    for f in files:
        lower = f.lower()
        if lower.endswith((".parquet", ".pq", ".parq")):
            kinds.add("parquet")
        elif lower.endswith((".csv", ".csv.gz", ".tsv", ".txt")):
            kinds.add("csv")
        else:
            raise ValueError(
                f"cannot tell the format of {f!r}; name Parquet files *.parquet and CSV files "
                "*.csv (or load the data yourself and pass the DataFrame)."
            )
    if len(kinds) > 1:
        raise ValueError("data= mixes Parquet and CSV files; pass one format at a time.")
    return kinds.pop()


#: Settings of the DuckDB connection fairscope opens for files. An audit reduces the rows
#: to a few cells per group (one streaming GROUP BY), so it needs little memory: capping
#: DuckDB's buffer pool (default: 80% of RAM) and its threads (each reads ahead its own
#: Parquet row groups) keeps the scan's peak memory from growing with the rows or with the
#: machine, and not preserving insertion order lets the scan stream without ordering
#: buffers. Columns collected as rows (a data-set audit) still come back in file order:
#: :func:`in_file_order` turns the setting on for that query. Pass your own
#: ``connection=`` to choose other settings, or edit this dict before opening files.
DUCKDB_CONFIG: dict[str, Any] = {
    "memory_limit": "256MB",
    "threads": min(os.cpu_count() or 1, 4),
    "preserve_insertion_order": False,
}


def duckdb_connection() -> Any:
    """A new in-memory DuckDB connection with :data:`DUCKDB_CONFIG`.

    Returns
    -------
    duckdb.DuckDBPyConnection
    """
    import duckdb

    return duckdb.connect(config=dict(DUCKDB_CONFIG))


def duckdb_relation(files: list[str], connection: Any = None) -> Any:
    """A DuckDB relation scanning the files, read out of core (nothing loaded yet).

    Parameters
    ----------
    files : list of str
        Parquet or CSV files (one format).
    connection : duckdb.DuckDBPyConnection, optional
        Default: :func:`duckdb_connection` (memory capped, see :data:`DUCKDB_CONFIG`).

    Returns
    -------
    duckdb.DuckDBPyRelation
    """
    con = duckdb_connection() if connection is None else connection
    if _file_format(files) == "parquet":
        return con.read_parquet(files)
    # the tokens pandas.read_csv reads as missing, so both paths see the same missing values
    return con.read_csv(files, na_values=PANDAS_NA_TOKENS)


@contextmanager
def in_file_order(native: Any) -> Iterator[None]:
    """Within the block, a DuckDB relation's rows come back in file order.

    Collecting rows (not reducing them) needs the order the files hold, so
    seeded subsamples pick the rows the pandas path picks; the setting of the
    connection is restored after the block. Other engines are left alone.

    Parameters
    ----------
    native : object
        The data as given (a DuckDB relation or any other kind).

    Returns
    -------
    contextlib context manager

    Examples
    --------
    >>> import pandas as pd
    >>> with in_file_order(pd.DataFrame({"a": [1]})):
    ...     pass
    """
    query = getattr(native, "query", None)
    if type(native).__name__ != "DuckDBPyRelation" or query is None:
        yield
        return
    setting = "preserve_insertion_order"
    before = query("r", f"SELECT current_setting('{setting}')").fetchall()[0][0]
    query("r", f"SET {setting} = true")
    try:
        yield
    finally:
        query("r", f"SET {setting} = {str(bool(before)).lower()}")


def to_narwhals(data: Any) -> Any:
    """Wrap ``data`` in a narwhals DataFrame or LazyFrame; paths become DuckDB scans.

    Parameters
    ----------
    data : object
        pandas, polars, pyarrow, a DuckDB relation, a Spark DataFrame, or Parquet/CSV paths.

    Returns
    -------
    narwhals.DataFrame or narwhals.LazyFrame

    Raises
    ------
    TypeError
        When ``data`` is none of the supported kinds.
    """
    import narwhals as nw

    if _is_path_like(data):
        data = duckdb_relation(expand_paths(data))
    try:
        return nw.from_native(data)
    except TypeError:
        raise TypeError(f"data= must be {_SUPPORTED}; got {type(data).__name__}.") from None


def engine_name(frame: Any) -> str:
    """Name of the engine behind a narwhals frame: ``"polars"``, ``"duckdb"``, ``"pyspark"``..."""
    return str(frame.implementation.name).lower()


def column_names(frame: Any) -> list[str]:
    """Column names of a narwhals frame, without computing it."""
    return list(frame.collect_schema().names())


def open_table(
    path: str | os.PathLike | Sequence[str | os.PathLike], engine: str = "auto", **options: Any
) -> Any:
    """Open Parquet or CSV files as a table fairscope can audit through ``data=``.

    Parameters
    ----------
    path : str, path, or list of them
        A file, a folder, a glob (``"logs/*.parquet"``) or a list of files.
    engine : {"auto", "pandas", "duckdb", "spark"}, default "auto"
        ``"pandas"`` loads the files into memory; ``"duckdb"`` returns a DuckDB
        relation that is scanned out of core when audited; ``"spark"`` reads the
        files with the active (or a new local) SparkSession; ``"auto"`` uses
        pandas for files up to 256 MiB in total and DuckDB above.
    **options
        ``connection=`` (a DuckDB connection) or ``spark=`` (a SparkSession).

    Returns
    -------
    pandas.DataFrame, duckdb.DuckDBPyRelation or pyspark.sql.DataFrame

    Examples
    --------
    >>> import os, tempfile
    >>> import pandas as pd
    >>> from fairscope.engines import open_table
    >>> folder = tempfile.mkdtemp()
    >>> pd.DataFrame({"y": [1, 0]}).to_csv(os.path.join(folder, "a.csv"), index=False)
    >>> type(open_table(os.path.join(folder, "*.csv"), engine="duckdb")).__name__
    'DuckDBPyRelation'
    >>> open_table(os.path.join(folder, "a.csv"))["y"].tolist()
    [1, 0]
    """
    if engine not in ENGINES:
        raise ValueError(f"engine={engine!r} is unknown; choose one of {list(ENGINES)}.")
    files = expand_paths(path)
    kind = _file_format(files)
    if engine == "auto":
        size = sum(os.path.getsize(f) for f in files)
        engine = "duckdb" if size > AUTO_DUCKDB_BYTES else "pandas"
    if engine == "duckdb":
        return duckdb_relation(files, options.get("connection"))
    if engine == "spark":
        from pyspark.sql import SparkSession

        spark = options.get("spark") or SparkSession.builder.getOrCreate()
        if kind == "parquet":
            return spark.read.parquet(*files)
        return spark.read.csv(files, header=True, inferSchema=True)
    if kind == "parquet":
        return pd.concat([pd.read_parquet(f) for f in files], ignore_index=True)
    return pd.concat([pd.read_csv(f) for f in files], ignore_index=True)


def is_engine_data(data: Any) -> bool:
    """Whether ``data`` is for an engine: set, and not a pandas DataFrame (the in-memory path).

    Parameters
    ----------
    data : object
        What a user passed as ``data=``.

    Returns
    -------
    bool

    Examples
    --------
    >>> import pandas as pd
    >>> is_engine_data(pd.DataFrame()), is_engine_data("scores/*.parquet")
    (False, True)
    """
    return data is not None and not isinstance(data, pd.DataFrame)


def choose_engine(
    path: str | os.PathLike | Sequence[str | os.PathLike],
    engine: str = "auto",
    fmt: str | None = None,
) -> str:
    """The engine that will read ``path``: ``"pandas"``, ``"duckdb"`` or ``"spark"``.

    ``"auto"`` picks DuckDB for globs, folders, lists of files and Parquet/CSV
    files above 256 MiB in total (streamed out of core), pandas otherwise
    (including TSV and JSON Lines, which only pandas reads here).

    Parameters
    ----------
    path : path-like or sequence of path-likes
        A file, a folder, a glob or a list of files.
    engine : {"auto", "pandas", "duckdb", "spark"}, default "auto"
        A name other than ``"auto"`` is checked and returned.
    fmt : str, optional
        The file format when the name does not tell it.

    Returns
    -------
    str

    Examples
    --------
    >>> from fairscope.engines._sources import choose_engine
    >>> choose_engine("logs/*.parquet")
    'duckdb'
    >>> choose_engine("small.csv", "pandas")
    'pandas'
    """
    if engine not in ENGINES:
        raise ValueError(f"engine={engine!r} is unknown; choose one of {list(ENGINES)}.")
    if engine != "auto":
        if engine != "pandas" and fmt not in (None, "csv", "parquet"):
            raise ValueError(
                f"--format {fmt} files are read by pandas only; use --engine pandas or auto."
            )
        return engine
    if fmt not in (None, "csv", "parquet"):
        return "pandas"
    items = [path] if isinstance(path, str | os.PathLike) else list(path)
    if len(items) > 1 or any(
        glob.has_magic(os.fspath(p)) or os.path.isdir(os.fspath(p)) for p in items
    ):
        return "duckdb"
    text = os.fspath(items[0])
    if not os.path.isfile(text):
        return "pandas"  # the pandas reader names the missing file
    try:
        _file_format([text])
    except ValueError:
        return "pandas"
    return "duckdb" if os.path.getsize(text) > AUTO_DUCKDB_BYTES else "pandas"
