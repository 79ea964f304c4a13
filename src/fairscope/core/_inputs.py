"""Validation of audit inputs at the public boundary.

Inputs are checked once, here, with messages that name the argument (or
column), what was received and the fix. Inner code trusts what comes out.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from fairscope.core._counts import chunked_bincount
from fairscope.core._groups import find_stacklevel
from fairscope.core._sensitive_checks import check_sensitive_frame
from fairscope.core._warnings import InputWarning


@dataclass(frozen=True, eq=False)
class BinaryInputs:
    """Validated binary-classification inputs, ready to reduce to counts."""

    y_true: np.ndarray
    y_pred: np.ndarray
    sensitive: pd.DataFrame
    sample_weight: np.ndarray | None
    pos_label: Any
    n_input_rows: int
    dropped: dict[str, int] = field(default_factory=dict)
    n_dropped: int = 0


def _describe(value: Any) -> str:
    return f"{type(value).__name__}"


def column(value: Any, data: Any, argument: str) -> pd.Series:
    """Resolve an argument that is an array-like, or a column name of ``data``."""
    if isinstance(value, str | int) and not isinstance(value, bool) and data is not None:
        if not isinstance(data, pd.DataFrame):
            raise TypeError(
                f"{argument}={value!r} names a column, so data= must be a pandas DataFrame "
                f"(got {_describe(data)})."
            )
        _check_unique_columns(data)
        if value not in data.columns:
            raise ValueError(
                f"{argument}={value!r} is not a column of data; columns are {list(data.columns)}."
            )
        return data[value].reset_index(drop=True)
    if isinstance(value, str):
        raise ValueError(
            f"{argument}={value!r} looks like a column name but no data= DataFrame was given."
        )
    if isinstance(value, pd.DataFrame):
        if value.shape[1] != 1:
            raise ValueError(
                f"{argument} must be one-dimensional; got a DataFrame with {value.shape[1]} columns."
            )
        value = value.iloc[:, 0]
    if isinstance(value, pd.Series):
        return value.reset_index(drop=True).rename(argument if value.name is None else value.name)
    if hasattr(value, "to_numpy") and not isinstance(value, np.ndarray):
        value = value.to_numpy()
    array = np.asarray(value)
    if array.ndim == 2 and 1 in array.shape:
        array = array.reshape(-1)
    if array.ndim != 1:
        raise ValueError(
            f"{argument} must be one-dimensional; got an array of shape {array.shape}."
        )
    # copy=False: pandas 3 copies arrays by default, doubling the memory of large inputs
    try:
        return pd.Series(array, name=argument, copy=False)
    except UnicodeEncodeError:
        # a lone surrogate (text decoded with errors="surrogateescape") cannot be stored as
        # Arrow text; kept as Python strings, it stays a group of its own
        return pd.Series(array, name=argument, dtype=object)


def _indexes_of(value: Any) -> list[pd.Index]:
    """The pandas row indexes carried by an argument (none for arrays and lists)."""
    if isinstance(value, pd.Series | pd.DataFrame):
        return [value.index]
    if isinstance(value, Mapping):
        return [v.index for v in value.values() if isinstance(v, pd.Series)]
    if isinstance(value, list | tuple):
        return [v.index for v in value if isinstance(v, pd.Series)]
    return []


def _default_index(index: pd.Index) -> bool:
    return isinstance(index, pd.RangeIndex) and index.start == 0 and index.step == 1


def check_aligned(data: Any = None, /, **arguments: Any) -> None:
    """Refuse pandas inputs whose rows are the same labels in a different order.

    Inputs are matched by position, like scikit-learn does: ``y_test`` (index
    from ``train_test_split``) with ``model.predict(X_test)`` (an array) is
    fine, and so is any default ``RangeIndex`` (it carries no row identity).
    But two pandas inputs holding the same other index labels in different
    orders (e.g. one was sorted or shuffled) would silently pair the wrong
    rows, so that is an error naming the arguments and the fix.
    """
    named: list[tuple[str, pd.Index]] = []
    for argument, value in arguments.items():
        if value is None:
            continue
        if isinstance(data, pd.DataFrame) and (
            isinstance(value, str)
            or (isinstance(value, list) and value and isinstance(value[0], str))
        ):
            named.append((f"data (columns named by {argument})", data.index))
            continue
        named.extend((argument, index) for index in _indexes_of(value))
    # a default RangeIndex carries no row identity (pd.Series(model.predict(X)), reset_index)
    named = [(name, index) for name, index in named if not _default_index(index)]
    for i, (first, a) in enumerate(named):
        for second, b in named[i + 1 :]:
            if a is b or len(a) != len(b) or a.equals(b):
                continue
            if a.is_unique and b.is_unique and a.isin(b).all():
                raise ValueError(
                    f"{first} and {second} have the same index labels in a different order; "
                    "fairscope pairs rows by position, so rows would be mixed up. Align them "
                    f"first (e.g. {second} = {second}.loc[{first}.index]), or pass arrays "
                    "(.to_numpy()) if the order is already right."
                )


def _check_unique_columns(data: pd.DataFrame, argument: str = "data") -> None:
    duplicated = data.columns[data.columns.duplicated()].unique().tolist()
    if duplicated:
        raise ValueError(
            f"{argument} has duplicated column names {duplicated}; rename them so each column "
            "is unique."
        )
    _check_distinct_names(list(data.columns), argument)


def _check_distinct_names(names: list[Any], argument: str) -> None:
    """Names that print the same (the column ``1`` and the column ``"1"``) are refused."""
    seen: dict[str, Any] = {}
    for name in names:
        if str(name) in seen:
            raise ValueError(
                f"{argument} has the names {seen[str(name)]!r} and {name!r}, which read the "
                "same in labels and reports; rename one."
            )
        seen[str(name)] = name


def sensitive_frame(sensitive_features: Any, data: Any) -> pd.DataFrame:
    """Resolve sensitive features to a DataFrame with one named column per feature.

    Accepts a Series, a 1-D array, a list of arrays, a DataFrame, a dict of
    arrays, or one or several column names of ``data``. Checked by
    :func:`fairscope.core._sensitive_checks.check_sensitive_frame` (values that
    cannot be groups, names, the group limit).
    """
    return check_sensitive_frame(_sensitive_frame(sensitive_features, data))


def _sensitive_frame(sensitive_features: Any, data: Any) -> pd.DataFrame:
    sf = sensitive_features
    if sf is None:
        raise ValueError(
            "sensitive_features is required: a column name of data=, a Series, an array, a "
            "DataFrame or a dict of arrays."
        )
    if isinstance(sf, str):
        sf = [sf]
    if isinstance(sf, pd.DataFrame):
        if sf.shape[1] == 0:
            raise ValueError("sensitive_features is a DataFrame with no columns.")
        _check_unique_columns(sf, "sensitive_features")
        frame = sf.reset_index(drop=True)
        frame.columns = [str(c) for c in frame.columns]
        return frame
    if isinstance(sf, Mapping):
        if not sf:
            raise ValueError("sensitive_features is an empty dict.")
        _check_distinct_names(list(sf), "sensitive_features")
        cols = {str(k): column(v, None, f"sensitive_features[{k!r}]") for k, v in sf.items()}
        _check_lengths({k: len(v) for k, v in cols.items()})
        # Series, not arrays: a categorical keeps its declared order, Arrow strings stay Arrow
        return pd.DataFrame(cols, copy=False)
    if isinstance(sf, pd.Series):
        name = "sensitive_feature" if sf.name is None else str(sf.name)
        return sf.reset_index(drop=True).rename(name).to_frame()
    if _names_columns(sf, data):
        if len(set(sf)) != len(sf):
            raise ValueError(f"sensitive_features names a column twice: {list(sf)!r}.")
        return pd.DataFrame({s: column(s, data, "sensitive_features") for s in sf}, copy=False)
    if (
        isinstance(sf, Sequence)
        and len(sf) > 0
        and all(isinstance(s, pd.Series | np.ndarray) for s in sf)
    ):
        cols = {}
        for i, s in enumerate(sf):
            name = str(s.name) if isinstance(s, pd.Series) and s.name is not None else f"sf{i}"
            if name in cols:
                raise ValueError(
                    f"sensitive_features has two Series named {name!r}; give them distinct "
                    "names, or pass a dict {name: values}."
                )
            cols[name] = column(s, None, "sensitive_features")
        _check_lengths({k: len(v) for k, v in cols.items()})
        return pd.DataFrame(cols, copy=False)
    array = np.asarray(sf, dtype=object) if not isinstance(sf, np.ndarray) else sf
    if array.ndim == 2:
        return pd.DataFrame({f"sf{j}": array[:, j] for j in range(array.shape[1])})
    return column(sf, None, "sensitive_features").rename("sensitive_feature").to_frame()


def _names_columns(sf: Any, data: Any) -> bool:
    """Whether a list of strings names columns of ``data`` (else it holds values)."""
    if not (isinstance(sf, Sequence) and len(sf) > 0 and all(isinstance(s, str) for s in sf)):
        return False
    if data is None:
        return False
    columns = set(map(str, getattr(data, "columns", [])))
    if all(s in columns for s in sf):
        return True
    if len(sf) == len(data):
        return False  # one string per row: the values of a feature
    missing = [s for s in sf if s not in columns]
    raise ValueError(
        f"sensitive_features names {missing[0]!r}, which is not a column of data; "
        f"columns are {list(getattr(data, 'columns', []))}."
    )


def _check_lengths(lengths: Mapping[str, int]) -> None:
    if len(set(lengths.values())) > 1:
        listed = ", ".join(f"{k} has {v}" for k, v in lengths.items())
        raise ValueError(
            f"inputs have different lengths ({listed}); every input needs one value per row."
        )


def _missing_mask(series: pd.Series) -> np.ndarray | None:
    """Rows whose value is missing, or None when the dtype cannot hold one."""
    if isinstance(series.dtype, np.dtype) and series.dtype.kind in "biu":
        return None
    mask = series.isna().to_numpy()
    return mask if mask.any() else None


def _values_of(series: pd.Series, mask: np.ndarray | None) -> list[Any]:
    """The distinct values of a label column (missing rows left out)."""
    if mask is None and isinstance(series.dtype, np.dtype) and series.dtype.kind in "biu":
        values = series.to_numpy()
        low, high = values.min(), values.max()
        if int(high) - int(low) <= 1:
            # at most two adjacent values: min and max are all of them, no pass needed
            present = np.unique(np.array([low, high]))
            return [bool(v) for v in present] if values.dtype == bool else present.tolist()
        if int(high) - int(low) < 1 << 16:
            # a count table is much faster than hashing for small integer labels
            counts = chunked_bincount(values, int(high) - int(low) + 1, offset=-int(low))
            present = np.flatnonzero(counts) + int(low)
            return [bool(v) for v in present] if values.dtype == bool else present.tolist()
    uniques = pd.unique(series[~mask]) if mask is not None else pd.unique(series)
    return list(uniques)


def row_weights(sample_weight: Any, n: int, rows_of: str) -> np.ndarray:
    """Per-row weights of an array-level metric: ones when None, else checked floats.

    Parameters
    ----------
    sample_weight : array-like or None
        One finite, non-negative weight per row.
    n : int
        Number of rows.
    rows_of : str
        What the rows belong to, for the error message (``"y_true"``, ``"the data"``).

    Returns
    -------
    ndarray of float, shape (n,)

    Examples
    --------
    >>> row_weights(None, 2, "y_true").tolist()
    [1.0, 1.0]
    """
    if sample_weight is None:
        return np.ones(n)
    w = np.asarray(sample_weight, dtype=float)
    if w.shape != (n,):
        raise ValueError(f"sample_weight has {w.size} values; {rows_of} has {n} rows.")
    if not np.isfinite(w).all() or (w < 0).any():
        raise ValueError("sample_weight must be finite and non-negative.")
    return w


def _weights_array(weight: pd.Series) -> np.ndarray:
    """Weights as float64; no copy for float64 numpy data, NaN for missing values."""
    if isinstance(weight.dtype, np.dtype):
        return np.asarray(weight.to_numpy(dtype=float))
    return np.asarray(weight.to_numpy(dtype=float, na_value=np.nan))


def _binarize(series: pd.Series, pos_label: Any) -> np.ndarray:
    if series.dtype == bool:
        flags = np.asarray(series.to_numpy(), dtype=bool)
        return flags if pos_label else ~flags
    if isinstance(series.dtype, np.dtype):
        return np.asarray(series.to_numpy() == pos_label, dtype=bool)
    # extension dtypes (Arrow strings, nullable integers): compare without a trip through
    # Python objects; missing values were removed or rejected before this point
    return np.asarray((series == pos_label).to_numpy(dtype=bool, na_value=False))


def _choose_pos_label(labels: set[Any], pos_label: Any, argument_values: str) -> Any:
    if pos_label is None:
        if labels <= {0, 1} or labels <= {True, False}:
            return 1
        raise ValueError(
            f"pos_label=None, but the labels {sorted(map(str, labels))} are not 0/1 or "
            "False/True, so the positive class is ambiguous; pass pos_label= naming it, e.g. "
            f"pos_label={sorted(labels, key=str)[-1]!r}."
        )
    if pos_label in labels:
        return pos_label
    if pos_label in (1, True) and labels <= {0, 1}:
        # e.g. every prediction is 0: still a valid binary audit
        return pos_label
    if pos_label == 1 and not (labels <= {0, 1}):
        raise ValueError(
            f"labels are {sorted(map(str, labels))} ({argument_values}), so the default "
            "pos_label=1 does not apply; pass pos_label= naming the positive (favourable or "
            "predicted) class, e.g. pos_label="
            f"{sorted(labels, key=str)[-1]!r}."
        )
    raise ValueError(
        f"pos_label={pos_label!r} is not among the labels {sorted(map(str, labels))} "
        f"({argument_values}); pass one of them."
    )


def binary_inputs(
    y_true: Any,
    y_pred: Any,
    sensitive_features: Any,
    *,
    sample_weight: Any = None,
    pos_label: Any = 1,
    data: Any = None,
    dropna: bool = False,
) -> BinaryInputs:
    """Validate and binarize the inputs of a binary audit."""
    check_aligned(
        data,
        y_true=y_true,
        y_pred=y_pred,
        sensitive_features=sensitive_features,
        sample_weight=sample_weight,
    )
    true = column(y_true, data, "y_true")
    pred = column(y_pred, data, "y_pred")
    sens = sensitive_frame(sensitive_features, data)
    lengths = {"y_true": len(true), "y_pred": len(pred)}
    for name in sens.columns:
        lengths[f"sensitive feature {name!r}"] = len(sens)
    weight = None
    if sample_weight is not None:
        weight = column(sample_weight, data, "sample_weight")
        lengths["sample_weight"] = len(weight)
    _check_lengths(lengths)
    n = len(true)
    if n == 0:
        raise ValueError("the inputs are empty (0 rows); an audit needs at least one row.")

    masks = {"y_true": _missing_mask(true), "y_pred": _missing_mask(pred)}
    if weight is not None:
        masks["sample_weight"] = _weight_mask(weight)
    keep, dropped = _rows_to_keep(masks, dropna)
    if keep is not None:
        true, pred, sens = true[keep], pred[keep], sens[keep]
        if weight is not None:
            weight = weight[keep]
        masks = {"y_true": None, "y_pred": None}

    labels = set(_values_of(true, masks["y_true"])) | set(_values_of(pred, masks["y_pred"]))
    chosen, yt, yp = binarize_pair(labels, true, pred, pos_label)
    return BinaryInputs(
        y_true=yt,
        y_pred=yp,
        sensitive=sens.reset_index(drop=True),
        sample_weight=None if weight is None else _weights_array(weight),
        pos_label=chosen,
        n_input_rows=n,
        dropped=dropped,
        n_dropped=0 if keep is None else int((~keep).sum()),
    )


def _weight_mask(weight: pd.Series) -> np.ndarray | None:
    """The rows whose weight is missing or not finite (None if none); negative weights raise."""
    if not (pd.api.types.is_numeric_dtype(weight) and not pd.api.types.is_bool_dtype(weight)):
        raise ValueError(
            f"sample_weight must be numeric; got dtype {weight.dtype}. Convert it to float."
        )
    w = _weights_array(weight)
    finite = np.isfinite(w)
    mask = None if finite.all() else ~finite
    del finite  # one row-sized boolean less at the peak
    negative = int(np.count_nonzero(w < 0))
    if negative:
        raise ValueError(
            f"sample_weight has {negative} negative value{'s' if negative != 1 else ''}; "
            "weights must be >= 0."
        )
    return mask


def _rows_to_keep(
    masks: dict[str, np.ndarray | None], dropna: bool
) -> tuple[np.ndarray | None, dict[str, int]]:
    """Which rows to keep (None: all) and the dropped counts; raises unless ``dropna``."""
    bad = {k: int(m.sum()) for k, m in masks.items() if m is not None}
    if not bad:
        return None, {}
    parts = ", ".join(
        f"{k} has {v} missing{' or non-finite' if k == 'sample_weight' else ''} "
        f"value{'s' if v != 1 else ''}"
        for k, v in bad.items()
    )
    if not dropna:
        raise ValueError(
            f"{parts}; fix the data or pass dropna=True to drop those rows "
            "(the dropped count is recorded on the result)."
        )
    keep = ~np.logical_or.reduce([m for m in masks.values() if m is not None])
    if not keep.any():
        raise ValueError(
            f"every row has a missing y_true, y_pred or sample_weight ({parts}); "
            "nothing is left to audit after dropna=True."
        )
    return keep, {f"missing {k}": int(v) for k, v in bad.items()}


def finite_floats(
    series: pd.Series, argument: str, *, wrong_dtype: Callable[[pd.Series], str], fix: str
) -> np.ndarray:
    """A numeric column as floats; text, booleans and missing or infinite values raise.

    Parameters
    ----------
    series : pandas.Series
    argument : str
        The argument's name, for the error messages.
    wrong_dtype : callable
        The error message for a column that is not numeric (given the column).
    fix : str
        What the error for missing or infinite values advises.

    Returns
    -------
    ndarray of float

    Examples
    --------
    >>> import pandas as pd
    >>> finite_floats(pd.Series([1, 2]), "y", wrong_dtype=str, fix="fix them.").tolist()
    [1.0, 2.0]
    """
    if not pd.api.types.is_numeric_dtype(series) or pd.api.types.is_bool_dtype(series):
        raise ValueError(wrong_dtype(series))
    values = series.to_numpy(dtype=float, na_value=np.nan)
    bad = int((~np.isfinite(values)).sum())
    if bad:
        raise ValueError(
            f"{argument} has {bad} missing or infinite value{'s' if bad != 1 else ''}; {fix}"
        )
    return np.asarray(values)


def binarize_pair(
    labels: set[Any], y_true: pd.Series, y_pred: pd.Series, pos_label: Any
) -> tuple[Any, np.ndarray, np.ndarray]:
    """The positive label, and labels and predictions as booleans, with the binary audit's errors.

    Parameters
    ----------
    labels : set
        The distinct values of ``y_true`` and ``y_pred`` together.
    y_true, y_pred : pandas.Series
        Labels and predictions (one per row, or per engine cell).
    pos_label : object
        The positive label asked for (checked against ``labels``).

    Returns
    -------
    pos_label, y_true, y_pred
        The positive label chosen and the boolean arrays.

    Examples
    --------
    >>> import pandas as pd
    >>> chosen, yt, yp = binarize_pair({0, 1}, pd.Series([1, 0]), pd.Series([1, 1]), 1)
    >>> chosen, yt.tolist(), yp.tolist()
    (1, [True, False], [True, True])
    """
    if len(labels) > 2:
        shown = sorted(map(str, labels))[:6]
        raise ValueError(
            f"y_true and y_pred together have {len(labels)} distinct values {shown}; a binary "
            "audit needs two. Binarize them first (e.g. y_pred = score >= threshold), or use "
            "task='multiclass' in fairscope.audit_predictions."
        )
    chosen = _choose_pos_label(labels, pos_label, "values of y_true and y_pred")
    yt = _binarize(y_true, chosen)
    yp = _binarize(y_pred, chosen)
    warn_single_class(yt)
    return chosen, yt, yp


def warn_single_class(y_true: np.ndarray) -> None:
    """Warn when every true label is the same class: the audit goes on without its rates.

    The selection rate does not read the labels, and every peer accepts such data; the
    rates conditional on the missing class are undefined (NaN) and a rule on them is
    not judged.

    Parameters
    ----------
    y_true : ndarray of bool
        The binarized true labels.

    Returns
    -------
    None
    """
    if len(y_true) and (y_true.all() or not y_true.any()):
        only = "positive" if y_true.all() else "negative"
        rates = (
            "false positive and true negative rates"
            if y_true.all()
            else "true positive and false negative rates"
        )
        warnings.warn(
            f"y_true contains a single class (every row is {only}): the selection rate and "
            f"the rates that do not need the other class are audited, but the {rates} are "
            "undefined (NaN) and rules on them are not judged.",
            InputWarning,
            stacklevel=find_stacklevel(),
        )
