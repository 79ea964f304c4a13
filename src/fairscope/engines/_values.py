"""Per-group counts of arbitrary column values (for dataset audits), computed by the engine."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from fairscope.engines._passes import check_negative_weights, check_weight_dtype
from fairscope.engines._reduce import (
    ROWS,
    _key,
    encode_key_groups,
    finite_float,
    prepare,
    reduce_by_keys,
    require_column,
    require_features,
    sensitive_names,
)


def group_value_counts(
    data: Any,
    sensitive_features: str | list[str],
    columns: str | list[str] | tuple[str, ...] = (),
    *,
    sample_weight: str | None = None,
) -> pd.DataFrame:
    """Rows (and weights) per group and per combination of values of other columns.

    The building block of dataset audits (label balance, representation,
    proxies) for data held by any engine: one group-by runs in the engine and
    the result has one row per observed (group, values) combination.

    Parameters
    ----------
    data : any data accepted by :func:`fairscope.engines.confusion_counts` (pandas too).
    sensitive_features : str or list of str
        Group columns; their values are labelled as in the binary path
        (strings, ``"<missing>"`` for missing values) and ordered the same way.
    columns : str or list of str, default ()
        Other columns whose values are counted within each group (raw values;
        missing values are kept as missing, not dropped).
    sample_weight : str, optional
        Weight column; missing or non-finite weights raise.

    Returns
    -------
    pandas.DataFrame
        One column per sensitive feature (group labels), one per ``columns``
        entry, ``n`` (rows) and, with weights, ``weight``; sorted by group
        order, then by value.

    Examples
    --------
    >>> import pandas as pd
    >>> from fairscope.engines import group_value_counts
    >>> df = pd.DataFrame({"sex": ["F", "M", "F", None], "y": [1, 0, 0, 1]})
    >>> group_value_counts(df, "sex", "y")
           sex  y  n
    0        F  0  1
    1        F  1  1
    2        M  0  1
    3  <missing>  1  1
    """
    import narwhals as nw

    frame, names, _ = prepare(data)
    features = sensitive_names(sensitive_features, data)
    require_features(features, names)
    value_cols = [columns] if isinstance(columns, str) else list(columns)
    for c in value_cols:
        require_column(c, "columns", names, data)
    sums: dict[str, Any] = {}
    flagged = frame
    if sample_weight is not None:
        require_column(sample_weight, "sample_weight", names, data)
        check_weight_dtype(frame, sample_weight)
        w, bad = finite_float(sample_weight)
        sums = {
            "__w": w,
            "__bad": bad.cast(nw.Float64),
            "__neg": (w < 0).fill_null(False).cast(nw.Float64),
        }
    table = reduce_by_keys(flagged, [*features, *value_cols], sums, list(sums))
    if sample_weight is not None:
        n_bad, n_neg = int(table["__bad"].sum()), int(table["__neg"].sum())
        if n_bad:
            raise ValueError(
                f"sample_weight has {n_bad} missing or non-finite values; fix or fill them."
            )
        if n_neg:
            check_negative_weights(table)
    groups, _ = encode_key_groups(table, features)
    k = len(features)
    out = pd.DataFrame(
        {
            f: np.asarray(
                groups.index.get_level_values(j) if k > 1 else groups.index, dtype=object
            )[groups.codes]
            for j, f in enumerate(features)
        }
    )
    for j, c in enumerate(value_cols):
        out[c] = table[_key(k + j)].to_numpy()
    out["n"] = table[ROWS].to_numpy()
    if sample_weight is not None:
        out["weight"] = table["__w"].to_numpy()
    out["__code"] = groups.codes
    out = out.sort_values(["__code", *value_cols], kind="stable", na_position="last")
    return out.drop(columns="__code").reset_index(drop=True)
