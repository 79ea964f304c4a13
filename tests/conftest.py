"""Shared fixtures: paths to the real public datasets beside the repository."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


def shared_data_dir() -> Path:
    """``$FAIRSCOPE_DATA_DIR`` if set, else ``../shared/data`` beside the repository."""
    env = os.environ.get("FAIRSCOPE_DATA_DIR")
    return Path(env) if env else REPO.parent / "shared" / "data"


@pytest.fixture(scope="session")
def compas_csv() -> Path:
    path = shared_data_dir() / "compas" / "compas-scores-two-years.csv"
    if not path.exists():
        pytest.skip(f"COMPAS data not found at {path} (set FAIRSCOPE_DATA_DIR)")
    return path


@pytest.fixture(scope="session")
def adult_dir() -> Path:
    path = shared_data_dir() / "adult"
    if not (path / "adult.data").exists():
        pytest.skip(f"Adult data not found at {path} (set FAIRSCOPE_DATA_DIR)")
    return path
