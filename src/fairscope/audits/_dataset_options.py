"""Checks of audit_dataset's options (moved out of ``_dataset.py`` to keep it small)."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

__all__ = ["check_options", "check_target_options"]


def check_options(
    data: pd.DataFrame,
    min_group_size: Any,
    proxy_sample: Any,
    proxy_cv: Any,
    ci: float,
) -> None:
    """Refuse options of audit_dataset that cannot work, naming the fix.

    Parameters
    ----------
    data : pandas.DataFrame
    min_group_size, proxy_sample, proxy_cv, ci
        The arguments of the same names.

    Returns
    -------
    None
    """
    if len(data) == 0:
        raise ValueError("data is empty (0 rows); a dataset audit needs rows.")
    if data.columns.duplicated().any():
        dup = data.columns[data.columns.duplicated()].unique().tolist()
        raise ValueError(f"data has duplicated column names {dup}; rename them.")
    if not isinstance(min_group_size, int | np.integer) or min_group_size < 0:
        raise ValueError(f"min_group_size must be a non-negative integer; got {min_group_size!r}.")
    if not (isinstance(proxy_sample, int | np.integer) and proxy_sample >= 10):
        raise ValueError(f"proxy_sample must be an integer of at least 10; got {proxy_sample!r}.")
    if proxy_cv is not None and not (isinstance(proxy_cv, int | np.integer) and proxy_cv >= 1):
        raise ValueError(
            "proxy_cv must be None (automatic), 1 (one held-out third) or a number of folds "
            f"of at least 2; got {proxy_cv!r}."
        )
    if not 0 < ci < 1:
        raise ValueError(f"ci must be between 0 and 1 (e.g. 0.95); got {ci!r}.")


def check_target_options(target: Any, pos_label: Any, target_type: Any) -> None:
    """Refuse options that describe a target when no target is given.

    Parameters
    ----------
    target, pos_label, target_type
        The arguments of audit_dataset of the same names.

    Returns
    -------
    None
    """
    if target is None and (pos_label is not None or target_type is not None):
        raise ValueError(
            "pos_label and target_type describe the target; give target= (a column of data) "
            "or drop them."
        )
