"""The reproducibility block of every audit: what computed it, on which inputs, when.

An audit record is only evidence if someone can tell later whether it was made
on the same data with the same code. :func:`environment` records the versions
of fairscope and the libraries that computed it and a UTC timestamp;
:func:`input_digests` records a SHA-256 of each input column that was audited
(its name, dtype and values, not the row order of anything else), so a
reviewer can check that a report belongs to a given file. How a column is
hashed is defined in :mod:`fairscope.core._column_digest`.
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import platform
from collections.abc import Mapping
from importlib import metadata as _metadata
from typing import Any

import numpy as np
import pandas as pd

from fairscope._version import __version__
from fairscope.core._column_digest import column_digest
from fairscope.core._inputs import column, sensitive_frame

__all__ = ["column_digest", "environment", "input_digests", "reproducibility"]


def _installed(distribution: str) -> str | None:
    try:
        return _metadata.version(distribution)
    except _metadata.PackageNotFoundError:
        return None


def environment() -> dict[str, Any]:
    """Versions of fairscope and the libraries that computed the audit, and a UTC timestamp.

    Examples
    --------
    >>> from fairscope.result._provenance import environment
    >>> sorted(environment())[:3]
    ['fairscope', 'numpy', 'pandas']
    """
    return {
        "fairscope": __version__,
        "python": platform.python_version(),
        "numpy": np.__version__,
        "pandas": pd.__version__,
        # read from the installed metadata: importing scikit-learn costs a second
        "scipy": _installed("scipy"),
        "scikit-learn": _installed("scikit-learn"),
        "platform": platform.platform(terse=True),
        "timestamp_utc": _dt.datetime.now(_dt.UTC).isoformat(timespec="seconds"),
    }


def input_digests(
    columns: Mapping[str, Any],
    sensitive_features: Any = None,
    data: Any = None,
    digests: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    """Digests of the audited inputs.

    Parameters
    ----------
    columns : mapping of str to array-like or column name
        The audit's arguments (``y_true``, ``y_pred``, ``y_score``,
        ``sample_weight``); None values are left out.
    sensitive_features : optional
        As given to the audit; each sensitive column is hashed on its own.
    data : pandas.DataFrame, optional
        The table that named columns come from.
    digests : mapping of str to str, optional
        Digests the caller has computed already (by :func:`column_digest`), by
        argument: the dataset audit hashes its feature columns from the codes
        its encoding found, so they are not factorized twice.

    Returns
    -------
    dict
        ``{"inputs": {argument: {"column": name or None, "sha256": hex}}, "inputs_sha256": hex}``;
        the combined digest covers every input in a fixed order. Inputs that
        are not pandas/numpy data (an engine's lazy table) are listed under
        ``"not_hashed"``.
    """
    out: dict[str, dict[str, Any]] = {}
    not_hashed: list[str] = []
    if data is not None and not isinstance(data, pd.DataFrame):
        # An engine's table (lazy, out of core or remote): hashing it would mean another
        # full pass through the engine, so its columns are listed as not hashed.
        not_hashed = [a for a, v in columns.items() if v is not None]
        if sensitive_features is not None:
            not_hashed.append("sensitive_features")
        columns, sensitive_features = {}, None
    for argument, value in columns.items():
        if value is None:
            continue
        known = (digests or {}).get(argument)
        try:
            out[argument] = {
                "column": value if isinstance(value, str) else None,
                "sha256": known or column_digest(column(value, data, argument)),
            }
        except (TypeError, ValueError):
            not_hashed.append(argument)
    if sensitive_features is not None:
        try:
            frame = sensitive_frame(sensitive_features, data)
            for name in frame.columns:
                out[f"sensitive:{name}"] = {
                    "column": str(name),
                    "sha256": column_digest(frame[name]),
                }
        except (TypeError, ValueError):
            not_hashed.append("sensitive_features")
    combined = hashlib.sha256()
    for key in sorted(out):
        combined.update(f"{key}={out[key]['sha256']};".encode())
    result: dict[str, Any] = {"inputs": out, "inputs_sha256": combined.hexdigest()}
    if not_hashed:
        result["not_hashed"] = not_hashed
    return result


def reproducibility(
    metadata: Mapping[str, Any],
    columns: Mapping[str, Any] | None = None,
    sensitive_features: Any = None,
    data: Any = None,
    *,
    random_seed: Any = None,
    digests: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    """The full reproducibility block of an audit.

    Versions and timestamp (:func:`environment`), input digests
    (:func:`input_digests`), row counts and dropped rows from the audit's
    metadata, the random seed (None when nothing random was drawn) and a
    ``policy`` slot that :func:`fairscope.apply_policy` fills. ``digests``
    passes digests computed already (see :func:`input_digests`).

    Examples
    --------
    >>> from fairscope.result._provenance import reproducibility
    >>> block = reproducibility({"n_rows": 3, "n_dropped": 0}, {"y_true": [1, 0, 1]})
    >>> block["n_rows"], len(block["inputs_sha256"])
    (3, 64)
    """
    block = environment()
    if columns is not None or sensitive_features is not None:
        block.update(input_digests(columns or {}, sensitive_features, data, digests))
    block["n_rows"] = int(metadata.get("n_rows", 0))
    block["n_dropped"] = int(metadata.get("n_dropped", 0))
    block["dropped"] = dict(metadata.get("dropped", {}) or {})
    seed = random_seed if random_seed is not None else metadata.get("random_state")
    block["random_seed"] = seed if seed is None or isinstance(seed, int | str) else str(seed)
    block["policy"] = None
    return block
