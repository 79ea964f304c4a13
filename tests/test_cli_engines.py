"""The CLI's ``--engine``: DuckDB (or Spark) reads the rows, the audit is the pandas one."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from fairscope.cli._main import main
from fairscope.engines import _sources as sources
from fairscope.engines._sources import choose_engine


@pytest.fixture(scope="module")
def parts(tmp_path_factory):
    rng = np.random.default_rng(5)
    n = 1200
    frame = pd.DataFrame(
        {
            "group": rng.choice(["a", "b", "c"], n),
            "label": rng.integers(0, 2, n),
            "pred": rng.integers(0, 2, n),
        }
    )
    folder = tmp_path_factory.mktemp("parts")
    for i, chunk in enumerate(np.array_split(np.arange(n), 3)):
        frame.iloc[chunk].to_parquet(folder / f"part-{i}.parquet", index=False)
    frame.to_parquet(folder.parent / "all.parquet", index=False)
    return folder


def audit(capsys, path, *extra):
    argv = ["audit", str(path), "--y-true", "label", "--y-pred", "pred", "--sensitive", "group"]
    code = main([*argv, *map(str, extra)])
    out, err = capsys.readouterr()
    return code, out, err


def test_a_glob_is_audited_through_duckdb_like_the_file_with_pandas(parts, tmp_path, capsys):
    code, _, err = audit(capsys, parts / "*.parquet", "--json", tmp_path / "duck.json")
    assert code == 0, err
    code, _, err = audit(
        capsys, parts.parent / "all.parquet", "--engine", "pandas", "--json", tmp_path / "pd.json"
    )
    assert code == 0, err
    duck = json.loads((tmp_path / "duck.json").read_text())
    plain = json.loads((tmp_path / "pd.json").read_text())
    assert duck["metadata"]["engine"] == "duckdb"
    assert duck["tables"]["group_metrics"] == plain["tables"]["group_metrics"]
    assert duck["tables"]["counts"] == plain["tables"]["counts"]


def test_an_unknown_column_with_duckdb_is_a_usage_error(parts, capsys):
    code, _, err = audit(capsys, parts / "*.parquet", "--sample-weight", "w")
    assert code == 2
    assert "'w'" in err and "not a column" in err


def test_json_lines_cannot_be_read_by_duckdb(parts, capsys):
    code, _, err = audit(capsys, parts / "x.jsonl", "--engine", "duckdb", "--format", "jsonl")
    assert code == 2
    assert "read by pandas only" in err


def test_auto_streams_globs_folders_and_large_files_through_duckdb(parts, monkeypatch):
    assert choose_engine(str(parts / "*.parquet")) == "duckdb"
    assert choose_engine(str(parts)) == "duckdb"
    single = str(parts.parent / "all.parquet")
    assert choose_engine(single) == "pandas"
    monkeypatch.setattr(sources, "AUTO_DUCKDB_BYTES", 100)
    assert choose_engine(single) == "duckdb"
    assert choose_engine(single, fmt="tsv") == "pandas"


def test_dataset_audit_reads_a_glob_through_duckdb(parts, tmp_path, capsys):
    base = ["dataset", "--target", "label", "--sensitive", "group", "--feature", "pred"]
    assert main([*base, str(parts / "*.parquet"), "--json", str(tmp_path / "d.json")]) == 0
    assert main([*base, str(parts.parent / "all.parquet"), "--json", str(tmp_path / "p.json")]) == 0
    capsys.readouterr()
    duck = json.loads((tmp_path / "d.json").read_text())
    plain = json.loads((tmp_path / "p.json").read_text())
    assert duck["metadata"]["n_rows"] == plain["metadata"]["n_rows"] == 1200
    # the proxy model is seeded by default, so every table is the same
    assert duck["tables"] == plain["tables"]
    assert duck["metadata"]["engine"] == "duckdb -> pandas"
    assert plain["metadata"]["engine"] == "pandas"
