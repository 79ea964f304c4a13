"""Deprecated positional arguments of :class:`~fairscope.compute._group_metrics.GroupMetrics`.

``GroupMetrics(y_true, y_pred, sensitive_features, metrics, ...)`` once took
its options by position; they are keyword-only now, and positional use still
works with a :class:`~fairscope.core._warnings.FairscopeDeprecationWarning`.
"""

from __future__ import annotations

import warnings
from typing import Any

from fairscope.core._groups import find_stacklevel
from fairscope.core._warnings import FairscopeDeprecationWarning

__all__ = ["positional_keywords"]

_KEYWORD_ONLY = ("metrics", "sample_weight", "pos_label", "data")


def positional_keywords(args: tuple[Any, ...], *defaults: Any) -> tuple[Any, ...]:
    """Map deprecated positional arguments after ``sensitive_features`` to their keywords.

    Parameters
    ----------
    args : tuple
        The positional arguments given after ``sensitive_features``.
    *defaults
        The keyword values, in the order of ``_KEYWORD_ONLY``.

    Returns
    -------
    tuple
        ``args`` followed by the defaults of the keywords not given by position.

    Examples
    --------
    >>> import warnings
    >>> with warnings.catch_warnings():
    ...     warnings.simplefilter("ignore")
    ...     positional_keywords((["tpr"],), None, None, 1, None)
    (['tpr'], None, 1, None)
    """
    if len(args) > len(_KEYWORD_ONLY):
        raise TypeError(
            f"GroupMetrics takes at most 3 positional arguments (y_true, y_pred, "
            f"sensitive_features); got {3 + len(args)}."
        )
    names = _KEYWORD_ONLY[: len(args)]
    warnings.warn(
        f"passing {', '.join(names)} by position is deprecated; give "
        + ", ".join(f"{n}=" for n in names)
        + " by keyword.",
        FairscopeDeprecationWarning,
        stacklevel=find_stacklevel(),
    )
    return (*args, *defaults[len(args) :])
