"""audit_dataset on engine data: the same tables as on pandas, only audited columns collected."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import fairscope
from fairscope.datasets import make_credit_scoring

pl = pytest.importorskip("polars")
pytest.importorskip("duckdb")

OPTIONS = {
    "target": "repaid",
    "sensitive_features": ["sex", "race"],
    "random_state": 0,
    "proxy_sample": 1000,
}


@pytest.fixture(scope="module")
def frame() -> pd.DataFrame:
    df = make_credit_scoring(3000, random_state=0).drop(columns=["score", "approved"])
    rng = np.random.default_rng(0)
    # missing values: a "<missing>" race group, and missingness to audit
    df.loc[rng.random(len(df)) < 0.05, "income"] = np.nan
    df.loc[rng.random(len(df)) < 0.03, "race"] = None
    df.loc[rng.random(len(df)) < 0.04, "employment"] = None
    return df


@pytest.fixture(scope="module")
def expected(frame) -> fairscope.AuditResult:
    return fairscope.audit_dataset(frame, **OPTIONS)


@pytest.fixture(scope="module")
def parquet(frame, tmp_path_factory) -> str:
    path = tmp_path_factory.mktemp("dataset") / "credit.parquet"
    frame.to_parquet(path, index=False)
    return str(path)


def assert_same_audit(actual: fairscope.AuditResult, expected: fairscope.AuditResult) -> None:
    assert list(actual.tables) == list(expected.tables)
    for name, table in expected.tables.items():
        pd.testing.assert_frame_equal(actual.tables[name], table, rtol=1e-12, atol=1e-12)
    engine = actual.metadata.pop("engine")
    assert actual.metadata == expected.metadata
    actual.metadata["engine"] = engine


@pytest.mark.parametrize("kind", ["polars", "polars-lazy", "duckdb-parquet"])
def test_engine_dataset_audit_equals_the_pandas_audit(frame, expected, parquet, kind):
    data = {
        "polars": lambda: pl.from_pandas(frame),
        "polars-lazy": lambda: pl.from_pandas(frame).lazy(),
        "duckdb-parquet": lambda: parquet,
    }[kind]()
    actual = fairscope.audit_dataset(data, **OPTIONS)
    assert_same_audit(actual, expected)
    engine = "duckdb" if kind == "duckdb-parquet" else "polars"
    assert actual.metadata["engine"] == f"{engine} -> pandas"


def test_engine_dataset_audit_collects_only_the_audited_columns(frame, parquet, monkeypatch):
    from fairscope.engines import _audit_data as audit_data

    collected = []
    original = audit_data.collect_columns

    def spy(data, names):
        collected.append(list(names))
        return original(data, names)

    monkeypatch.setattr(audit_data, "collect_columns", spy)
    options = {**OPTIONS, "features": ["income", "zip_region"]}
    actual = fairscope.audit_dataset(parquet, **options)
    assert collected == [["repaid", "sex", "race", "income", "zip_region"]]
    assert_same_audit(actual, fairscope.audit_dataset(frame, **options))


def test_engine_dataset_audit_names_an_unknown_feature_column(parquet):
    with pytest.raises(ValueError, match="features names 'salary', which is not a column"):
        fairscope.audit_dataset(parquet, **{**OPTIONS, "features": ["salary"]})


def test_engine_dataset_audit_names_an_unknown_target_column(parquet):
    with pytest.raises(ValueError, match="target='label' is not a column of data"):
        fairscope.audit_dataset(parquet, **{**OPTIONS, "target": "label"})
