"""Checks on the sensitive features once they are one DataFrame: names, values, group count.

Run by :func:`fairscope.core._inputs.sensitive_frame` on every path, so each
error names the column it is about:

- values that cannot be groups (lists, dicts) are refused, naming the column;
- a name holding ``" & "`` is refused when there are several features, since
  intersection labels join features with ``" & "`` and the two would collide;
- text that is not valid Unicode (a lone surrogate, from bytes decoded with
  ``errors="surrogateescape"``) is shown as its escape (``\\udc80``), with an
  :class:`~fairscope.core._warnings.InputWarning`;
- more groups than :data:`DEFAULT_MAX_GROUPS` (a column of IDs passed as a
  sensitive feature) are refused with the count, the column and how to raise
  the limit (``max_groups=``), before any statistic is computed.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

import numpy as np
import pandas as pd

from fairscope.core._bincount import CHUNK_ROWS
from fairscope.core._groups import sorted_uniques
from fairscope.core._warnings import InputWarning

#: Most groups a sensitive feature (or intersection) may have unless ``max_groups`` is raised.
DEFAULT_MAX_GROUPS = 5000

_MAX_GROUPS: ContextVar[int | None] = ContextVar("fairscope_max_groups", default=None)


@contextmanager
def group_limit(max_groups: int | None) -> Iterator[None]:
    """Within the block, sensitive features may have up to ``max_groups`` groups.

    Parameters
    ----------
    max_groups : int or None
        The limit; ``None`` keeps the enclosing one (default :data:`DEFAULT_MAX_GROUPS`).

    Returns
    -------
    contextmanager
        Restores the previous limit on exit.

    Examples
    --------
    >>> with group_limit(20_000):
    ...     current_group_limit()
    20000
    """
    if max_groups is None:
        yield
        return
    if isinstance(max_groups, bool) or not isinstance(max_groups, int) or max_groups < 1:
        raise ValueError(f"max_groups must be a whole number >= 1; got {max_groups!r}.")
    token = _MAX_GROUPS.set(max_groups)
    try:
        yield
    finally:
        _MAX_GROUPS.reset(token)


def current_group_limit() -> int:
    """The group limit in force (``max_groups`` of the running audit, else the default).

    Returns
    -------
    int
        Most groups allowed per feature and per intersection.

    Examples
    --------
    >>> current_group_limit() == DEFAULT_MAX_GROUPS
    True
    """
    limit = _MAX_GROUPS.get()
    return DEFAULT_MAX_GROUPS if limit is None else limit


def check_sensitive_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """Check the sensitive features (see the module notes); the frame, lone surrogates escaped.

    Parameters
    ----------
    frame : pandas.DataFrame
        One column per sensitive feature.

    Returns
    -------
    pandas.DataFrame
        ``frame``, or a copy whose invalid text is escaped.

    Examples
    --------
    >>> check_sensitive_frame(pd.DataFrame({"sex": ["f", "m"]})).shape
    (2, 1)
    """
    names = [str(c) for c in frame.columns]
    if len(names) > 1:
        for name in names:
            if " & " in name:
                raise ValueError(
                    f"sensitive feature {name!r} contains ' & ', which joins features in "
                    "intersection labels ('race=A & sex=B'); rename the column."
                )
    limit = current_group_limit()
    original = frame
    bounds = []
    for name in frame.columns:
        column = frame[name]
        if isinstance(column.dtype, pd.CategoricalDtype):
            # the categories bound the values present: no pass over the rows unless too many
            uniques = column.cat.categories
            count = len(uniques) if len(uniques) <= limit else _used_categories(column)
        elif column.dtype == object or isinstance(column.dtype, pd.StringDtype):
            # the one pass over the rows the groups need anyway: kept as categorical codes
            # in group order, so the reduce does not factorize the column again
            column, uniques = _as_categorical(column, str(name))
            frame = frame.copy() if frame is original else frame
            frame[name] = column
            count = len(uniques)
        else:
            uniques = _distinct_values(column, str(name))
            count = len(uniques)
        _check_count(count, f"sensitive feature {str(name)!r}", limit)
        bounds.append(count + 1)  # and a missing-value group
        if any(isinstance(u, str) and not _is_valid_text(u) for u in uniques):
            frame = frame.copy()
            frame[name] = frame[name].map(_escaped_text).astype(object)
            warnings.warn(
                f"sensitive feature {str(name)!r} holds text that is not valid Unicode (lone "
                "surrogates, e.g. bytes decoded with errors='surrogateescape'); those "
                "characters are shown as escapes such as '\\udc80'.",
                InputWarning,
                stacklevel=4,
            )
    if len(names) > 1 and math.prod(bounds) > limit:
        # only then can the intersections outnumber the limit: count them (a pass over rows)
        combined = len(frame.drop_duplicates())
        _check_count(combined, f"intersection of {', '.join(map(repr, names))}", limit)
    return frame


def _as_categorical(column: pd.Series, name: str) -> tuple[pd.Series, pd.Index]:
    """The text column as categorical codes, its categories sorted as groups are ordered.

    Factorized a chunk at a time (a chunk's hash table stays in cache), then each chunk's
    codes are renumbered to the sorted categories.
    """
    parts = []
    try:
        for start in range(0, len(column), CHUNK_ROWS):
            codes, seen = pd.factorize(column.iloc[start : start + CHUNK_ROWS])
            parts.append((codes, pd.Index(seen, tupleize_cols=False)))
    except TypeError:
        _distinct_values(column, name)  # raises the error that names the column
        raise
    every = [seen for _, seen in parts]
    ordered = sorted_uniques(every[0].append(every[1:]) if len(every) > 1 else every[0])
    if len(ordered) == 0:
        ordered = pd.Index([], dtype=object)
    out = np.empty(len(column), dtype=np.int32)
    at = 0
    for codes, seen in parts:
        position = ordered.get_indexer(seen).astype(np.int32)
        out[at : at + len(codes)] = np.where(codes >= 0, position[codes], -1) if len(seen) else -1
        at += len(codes)
    categorical = pd.Categorical.from_codes(out, categories=ordered, validate=False)
    return pd.Series(categorical, index=column.index, name=column.name), ordered


def _used_categories(column: pd.Series) -> int:
    codes = column.cat.codes.to_numpy()
    return int(np.count_nonzero(np.bincount(codes[codes >= 0], minlength=1)))


def _distinct_values(series: pd.Series, name: str) -> Any:
    try:
        return pd.unique(series)
    except TypeError as exc:
        kinds = sorted({type(v).__name__ for v in series if not _hashable(v)})
        raise ValueError(
            f"sensitive feature {name!r} holds values that cannot be groups "
            f"({', '.join(kinds) or exc}); give one label (text or number) per row, for "
            "example by converting the column with .astype(str)."
        ) from None


def _hashable(value: Any) -> bool:
    try:
        hash(value)
    except TypeError:
        return False
    return True


def _check_count(count: int, what: str, limit: int) -> None:
    if count > limit:
        raise ValueError(
            f"{what} has {count:,} groups, more than max_groups={limit:,}: is it an ID or a "
            "continuous column? Bin it into fewer groups, or pass max_groups= a larger number "
            "to audit every group."
        )


def _is_valid_text(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _escaped_text(value: Any) -> Any:
    if isinstance(value, str) and not _is_valid_text(value):
        return value.encode("utf-8", "backslashreplace").decode("utf-8")
    return value
