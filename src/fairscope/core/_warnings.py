"""Warning categories, so users and test configurations filter by category, not text.

Examples
--------
>>> import warnings
>>> from fairscope import InputWarning
>>> with warnings.catch_warnings():
...     warnings.simplefilter("ignore", InputWarning)  # e.g. expected continuous features
...     pass
"""

from __future__ import annotations


class FairscopeWarning(UserWarning):
    """Base class of every warning fairscope emits."""


class InputWarning(FairscopeWarning):
    """The input is usable but odd: one group only, a continuous sensitive feature,
    a threshold that puts every row on one side."""


class ReferenceWarning(FairscopeWarning):
    """A reference group could not be applied as given to every feature set."""


class StatisticsWarning(FairscopeWarning):
    """An interval or test is less reliable than usual (few events, degenerate bootstrap)."""


class PolicyWarning(FairscopeWarning):
    """A policy rule, waiver or option had no effect, or was judged differently than asked."""


class FairscopeDeprecationWarning(FairscopeWarning, DeprecationWarning):
    """A name or argument that still works but will be removed; the message names its successor."""


__all__ = [
    "FairscopeDeprecationWarning",
    "FairscopeWarning",
    "InputWarning",
    "PolicyWarning",
    "ReferenceWarning",
    "StatisticsWarning",
]
