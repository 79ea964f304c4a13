"""The DuckDB connection fairscope opens for files caps its memory; a user's own is untouched."""

import pytest

duckdb = pytest.importorskip("duckdb")
pd = pytest.importorskip("pandas")

from fairscope.engines._sources import DUCKDB_CONFIG, duckdb_relation  # noqa: E402


@pytest.fixture
def parquet(tmp_path):
    path = tmp_path / "p.parquet"
    pd.DataFrame({"y": [1, 0, 1], "g": ["a", "b", "a"]}).to_parquet(path)
    return str(path)


def _setting(relation, name):
    return relation.query("r", f"SELECT current_setting('{name}') FROM r").fetchall()[0][0]


def test_fairscope_connection_caps_memory_and_keeps_row_order(parquet):
    relation = duckdb_relation([parquet])
    assert _setting(relation, "memory_limit") == "488.2 MiB"  # 512 MB, shown in MiB
    # collected columns keep file order (seeded subsamples pick the same rows as pandas)
    assert _setting(relation, "preserve_insertion_order") is True
    assert DUCKDB_CONFIG["memory_limit"] == "512MB"


def test_a_connection_the_user_gives_keeps_its_settings(parquet):
    con = duckdb.connect(config={"memory_limit": "1GB", "threads": 1})
    relation = duckdb_relation([parquet], con)
    assert _setting(relation, "memory_limit") == "953.6 MiB"  # 1 GB
    assert _setting(relation, "threads") == 1
