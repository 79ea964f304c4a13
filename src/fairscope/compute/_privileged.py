"""AIF360's two-group convention: a privileged group (one value or a union), all other rows."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from fairscope.core._groups import encode_groups, group_label
from fairscope.core._inputs import sensitive_frame

__all__ = ["privileged_mask"]


def privileged_mask(sensitive_features: Any, privileged_groups: Any) -> np.ndarray:
    """Which rows belong to the privileged group; every other row is the comparison.

    Parameters
    ----------
    sensitive_features : array-like, DataFrame or dict
        One feature, or several (then a group is a tuple of values, in the order of
        the features).
    privileged_groups : value or list of values
        The privileged group, or a list of groups whose union is privileged
        (AIF360's ``privileged_groups=``). Labels are compared as shown in tables
        (``"<missing>"`` for missing values), so ``1`` and ``"1"`` both match.

    Returns
    -------
    ndarray of bool

    Raises
    ------
    ValueError
        If a privileged value is not a group, naming the groups there are; or if
        it leaves no row on one side.

    Examples
    --------
    >>> privileged_mask(["a", "b", "c", "a"], ["a", "c"]).tolist()
    [True, False, True, True]
    """
    frame = sensitive_frame(sensitive_features, None)
    groups = encode_groups(frame)
    features = tuple(frame.columns)
    labels = [group_label(key, features) for key in groups.index]
    wanted = privileged_groups
    if isinstance(wanted, list | set | np.ndarray | pd.Index | pd.Series):
        wanted = list(wanted)
    else:
        wanted = [wanted]
    chosen = []
    for value in wanted:
        label = group_label(value, features)
        if label not in labels:
            raise ValueError(
                f"privileged group {value!r} is not a group of {list(features)}; the groups "
                f"are {labels}."
            )
        chosen.append(labels.index(label))
    mask = np.isin(groups.codes, chosen)
    if mask.all() or not mask.any():
        raise ValueError(
            f"privileged_groups={privileged_groups!r} leaves no rows to compare with; "
            f"name some but not all of the groups {labels}."
        )
    return mask
