"""Data sets: a synthetic lending data set with tunable bias, and loaders of public benchmarks.

:func:`make_credit_scoring` simulates applicants, their repayment and a credit
model whose unfairness is controlled by one number. It needs no files and is
what ``fairscope demo``, the quickstart and the docs use. :func:`make_hiring`
simulates an automated hiring tool with unknown categories, for regulated audits.

:func:`load_compas` and :func:`load_adult` read the official files of two
public fairness benchmarks from a folder you name, or from
``$FAIRSCOPE_DATA_DIR``, and verify their checksums. When the files are not
there they can be downloaded once from the public source into
``~/.cache/fairscope``; offline they fail at once with a message saying where
to put the files.
"""

from __future__ import annotations

import hashlib
import io
import os
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from fairscope.core._atomic import write_bytes
from fairscope.datasets._hiring import make_hiring
from fairscope.datasets._synthetic import (
    AGE_GROUPS,
    AGE_SHARES,
    EMPLOYMENT,
    RACE_SHARES,
    RACES,
    ZIP_REGIONS,
    make_credit_scoring,
)

# kept importable from here: tests check the simulated model through them
from fairscope.datasets._synthetic import _bias_penalty as _bias_penalty
from fairscope.datasets._synthetic import _legitimate_logit as _legitimate_logit

__all__ = [
    "ADULT_COLUMNS",
    "ADULT_MD5",
    "ADULT_URL",
    "AGE_GROUPS",
    "AGE_SHARES",
    "COMPAS_FILE",
    "COMPAS_IDENTIFIERS",
    "COMPAS_SHA256",
    "COMPAS_URL",
    "EMPLOYMENT",
    "RACES",
    "RACE_SHARES",
    "ZIP_REGIONS",
    "cache_dir",
    "load_adult",
    "load_compas",
    "make_credit_scoring",
    "make_hiring",
]


# -- public benchmark data ------------------------------------------------------------------

COMPAS_FILE = "compas-scores-two-years.csv"
#: sha256 of the COMPAS file as fairscope reads it: ProPublica's file without the
#: personal identifiers and with the two duplicated columns kept once.
COMPAS_SHA256 = "bef60d960f32c96c1b75d71e7f928a62775a0ac922c0a59ba6d9f476f0fd04cb"
COMPAS_URL = "https://raw.githubusercontent.com/propublica/compas-analysis/master/" + COMPAS_FILE
#: Columns of ProPublica's file that identify people; never kept.
COMPAS_IDENTIFIERS = (
    "name",
    "first",
    "last",
    "dob",
    "c_case_number",
    "r_case_number",
    "vr_case_number",
)

ADULT_URL = "https://archive.ics.uci.edu/ml/machine-learning-databases/adult/"
#: md5 of the UCI files (the checksum UCI users have compared for decades).
ADULT_MD5 = {
    "adult.data": "5d7c39d7b8804f071cdd1f2a7c460872",
    "adult.test": "35238206dfdf7f1fe215bbb874adecdc",
}
#: Column names documented in ``adult.names``.
ADULT_COLUMNS = (
    "age",
    "workclass",
    "fnlwgt",
    "education",
    "education-num",
    "marital-status",
    "occupation",
    "relationship",
    "race",
    "sex",
    "capital-gain",
    "capital-loss",
    "hours-per-week",
    "native-country",
    "income",
)
_ADULT_SPLITS = {"train": ("adult.data",), "test": ("adult.test",), "both": ADULT_MD5}

_DOWNLOAD_TIMEOUT = 20.0


def _fetch(url: str, timeout: float = _DOWNLOAD_TIMEOUT) -> bytes:
    """Bytes at ``url`` (https only); raises ``OSError`` when offline or on HTTP errors."""
    import urllib.request

    if not url.startswith("https://"):
        raise ValueError(f"refusing to download over a non-https URL: {url!r}")
    with urllib.request.urlopen(url, timeout=timeout) as response:
        return response.read()


def cache_dir() -> Path:
    """Folder where downloaded data sets are kept: ``$XDG_CACHE_HOME/fairscope``.

    ``~/.cache/fairscope`` when ``XDG_CACHE_HOME`` is not set.

    Returns
    -------
    pathlib.Path
        The folder (not created here).
    """
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "fairscope"


def _digest(path: Path, algorithm: str) -> str:
    h = hashlib.new(algorithm)
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _verify(path: Path, algorithm: str, expected: str) -> None:
    actual = _digest(path, algorithm)
    if actual != expected:
        raise ValueError(
            f"{path} has {algorithm} {actual}, expected {expected}: it is not the official "
            "file (changed, truncated or another version). Replace it with the official file, "
            "or pass verify=False to read it anyway."
        )


def _write_atomic(path: Path, content: bytes) -> None:
    # a downloaded data set goes into a cache folder made on first use
    path.parent.mkdir(parents=True, exist_ok=True)
    write_bytes(path, content)


def _candidates(path: Any, subdir: str, filename: str) -> list[Path]:
    """Where a data file may be: in the folder itself or in its ``subdir``."""
    folder = Path(path).expanduser()
    return [folder / filename, folder / subdir / filename]


def _locate(
    path: Any, subdir: str, filename: str, *, what: str, accept_file: bool = False
) -> tuple[Path | None, list[Path]]:
    """The file to read (or None) and every place that was looked at."""
    argument = "path"
    if path is not None:
        given = Path(path).expanduser()
        if given.is_file() and (accept_file or given.name == filename):
            return given, [given]
        if given.is_file():
            raise ValueError(
                f"{argument}={str(path)!r} is a file, but {what} is read from a folder holding "
                f"{filename}; pass that folder."
            )
        tried = _candidates(given, subdir, filename)
    else:
        tried = []
        env = os.environ.get("FAIRSCOPE_DATA_DIR")
        if env:
            tried += _candidates(env, subdir, filename)
        tried.append(cache_dir() / subdir / filename)
    for candidate in tried:
        if candidate.is_file():
            return candidate, tried
    return None, tried


def _not_found(what: str, filename: str, subdir: str, tried: list[Path], reason: str) -> str:
    places = "\n".join(f"  - {p}" for p in tried)
    return (
        f"{what} file {filename} not found. Looked in:\n{places}\n{reason}\n"
        f"Fix: put {filename} in a folder and pass path=<folder>, or set the environment "
        f"variable FAIRSCOPE_DATA_DIR=<folder> (the file may also sit in <folder>/{subdir}/)."
    )


def _download_or_fail(
    what: str, filename: str, subdir: str, url: str, tried: list[Path], download: bool
) -> bytes:
    if not download:
        raise FileNotFoundError(
            _not_found(what, filename, subdir, tried, "Downloading is off (download=False).")
        )
    try:
        return _fetch(url)
    except (OSError, ValueError) as exc:  # URLError and timeouts are OSErrors
        reason = f"Downloading {url} failed ({exc}); this machine may be offline."
        raise FileNotFoundError(_not_found(what, filename, subdir, tried, reason)) from exc


def _deidentify_compas(frame: pd.DataFrame) -> pd.DataFrame:
    """ProPublica's columns without personal identifiers and duplicated columns."""
    drop = [c for c in COMPAS_IDENTIFIERS if c in frame.columns]
    for name in ("decile_score", "priors_count"):
        twin = f"{name}.1"  # read_csv's name for the second column of the same name
        if twin in frame.columns and frame[twin].equals(frame[name]):
            drop.append(twin)
    return frame.drop(columns=drop)


def load_compas(
    path: str | os.PathLike[str] | None = None, *, download: bool = True, verify: bool = True
) -> pd.DataFrame:
    """Load ProPublica's COMPAS two-year recidivism data (7,214 defendants in Broward County).

    Parameters
    ----------
    path : str or path-like, optional
        The file ``compas-scores-two-years.csv``, or a folder holding it
        directly or in ``compas/``. By default the file is looked for in
        ``$FAIRSCOPE_DATA_DIR`` (and its ``compas/``), then in the download cache
        (:func:`cache_dir`).
    download : bool, default True
        When no ``path`` is given and the file is in neither place, download
        it from ProPublica's repository into the cache, remove the personal
        identifiers and check its sha256. Offline this fails at once with a
        :class:`FileNotFoundError` that says where to put the file.
    verify : bool, default True
        Check the sha256 of the file read against :data:`COMPAS_SHA256`; a
        mismatch raises :class:`ValueError`.

    Returns
    -------
    pandas.DataFrame
        The 44 columns of the file (see ProPublica's analysis) plus
        ``high_risk``: 1 when ``score_text`` is "Medium" or "High", the
        prediction ProPublica audited. The usual audit is
        ``y_true="two_year_recid", y_pred="high_risk"``, sensitive features
        ``race``, ``sex`` and ``age_cat``, all rows.

    Raises
    ------
    FileNotFoundError
        When the file is not found and cannot be downloaded.
    ValueError
        When the checksum does not match.

    References
    ----------
    J. Larson, S. Mattu, L. Kirchner, J. Angwin, "How We Analyzed the COMPAS
    Recidivism Algorithm", ProPublica, 2016.

    Examples
    --------
    >>> from fairscope.datasets import load_compas
    >>> df = load_compas("../shared/data")  # doctest: +SKIP
    >>> df.groupby("race")["high_risk"].mean().round(2)["African-American"]  # doctest: +SKIP
    0.58
    """
    what = "COMPAS"
    found, tried = _locate(
        path,
        "compas",
        COMPAS_FILE,
        what=what,
        accept_file=True,
    )
    if found is None:
        if path is not None:
            raise FileNotFoundError(
                _not_found(
                    what,
                    COMPAS_FILE,
                    "compas",
                    tried,
                    "Nothing is downloaded when a path is given.",
                )
            )
        raw = _download_or_fail(what, COMPAS_FILE, "compas", COMPAS_URL, tried, download)
        text = _deidentify_compas(pd.read_csv(io.BytesIO(raw))).to_csv(index=False)
        found = cache_dir() / "compas" / COMPAS_FILE
        content = text.encode()
        if hashlib.sha256(content).hexdigest() != COMPAS_SHA256:
            raise ValueError(
                f"The file downloaded from {COMPAS_URL} does not have the expected content "
                f"(sha256 of its de-identified form is not {COMPAS_SHA256}); the source may "
                "have changed. Nothing was cached. Put the official file in a folder and pass "
                "path=<folder> or set FAIRSCOPE_DATA_DIR."
            )
        _write_atomic(found, content)
    if verify:
        _verify(found, "sha256", COMPAS_SHA256)
    frame = _deidentify_compas(pd.read_csv(found))
    frame["high_risk"] = frame["score_text"].isin(["Medium", "High"]).astype(np.int64)
    return frame


def _read_adult(path: Path, test: bool) -> pd.DataFrame:
    frame = pd.read_csv(
        path,
        header=None,
        names=list(ADULT_COLUMNS),
        skipinitialspace=True,
        na_values="?",
        skiprows=1 if test else 0,  # adult.test starts with "|1x3 Cross validator"
    )
    if test:
        frame["income"] = frame["income"].str.rstrip(".")
    return frame


def load_adult(
    path: str | os.PathLike[str] | None = None,
    split: str = "train",
    *,
    download: bool = True,
    verify: bool = True,
) -> pd.DataFrame:
    """Load the UCI Adult (Census Income) data: who earns more than $50K a year.

    Parameters
    ----------
    path : str or path-like, optional
        A folder holding ``adult.data`` and ``adult.test`` directly or in
        ``adult/``. By default they are looked for in ``$FAIRSCOPE_DATA_DIR``
        (and its ``adult/``), then in the download cache (:func:`cache_dir`).
    split : {"train", "test", "both"}, default "train"
        ``adult.data`` (32,561 rows), ``adult.test`` (16,281 rows) or both, one
        after the other with a column ``split`` saying which.
    download : bool, default True
        When no ``path`` is given and a file is in neither place, download it
        from the UCI repository into the cache and check its md5. Offline this
        fails at once with a :class:`FileNotFoundError` that says where to put
        the files.
    verify : bool, default True
        Check the md5 of each file against :data:`ADULT_MD5`; a mismatch
        raises :class:`ValueError`.

    Returns
    -------
    pandas.DataFrame
        The columns of :data:`ADULT_COLUMNS`: ``age``, ``workclass``,
        ``fnlwgt``, ``education``, ``education-num``, ``marital-status``,
        ``occupation``, ``relationship``, ``race``, ``sex``, ``capital-gain``,
        ``capital-loss``, ``hours-per-week``, ``native-country`` and the label
        ``income`` ("<=50K" or ">50K"; the trailing "." of the test file is
        removed). Unknown values ("?") are missing (NaN): they are kept, so
        an audit reports them as their own group.

    References
    ----------
    R. Kohavi, "Scaling Up the Accuracy of Naive-Bayes Classifiers: a
    Decision-Tree Hybrid", KDD 1996.

    Examples
    --------
    >>> from fairscope.datasets import load_adult
    >>> df = load_adult("../shared/data", split="both")  # doctest: +SKIP
    >>> round((df["income"] == ">50K").mean(), 4)  # doctest: +SKIP
    0.2393
    """
    if split not in _ADULT_SPLITS:
        raise ValueError(f"split must be 'train', 'test' or 'both'; got {split!r}.")
    frames = []
    for filename in _ADULT_SPLITS[split]:
        found, tried = _locate(
            path,
            "adult",
            filename,
            what="Adult",
        )
        if found is None:
            if path is not None:
                raise FileNotFoundError(
                    _not_found(
                        "Adult",
                        filename,
                        "adult",
                        tried,
                        "Nothing is downloaded when a path is given.",
                    )
                )
            content = _download_or_fail(
                "Adult", filename, "adult", ADULT_URL + filename, tried, download
            )
            if hashlib.md5(content).hexdigest() != ADULT_MD5[filename]:
                raise ValueError(
                    f"The file downloaded from {ADULT_URL + filename} does not have md5 "
                    f"{ADULT_MD5[filename]}; the source may have changed. Nothing was cached. "
                    "Put the official files in a folder and pass path=<folder>."
                )
            found = cache_dir() / "adult" / filename
            _write_atomic(found, content)
        if verify:
            _verify(found, "md5", ADULT_MD5[filename])
        frame = _read_adult(found, test=filename == "adult.test")
        if split == "both":
            frame["split"] = "train" if filename == "adult.data" else "test"
        frames.append(frame)
    return frames[0] if len(frames) == 1 else pd.concat(frames, ignore_index=True)
