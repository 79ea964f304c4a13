"""The DuckDB connection fairscope opens for files caps its memory; a user's own is untouched."""

import pytest

duckdb = pytest.importorskip("duckdb")
pd = pytest.importorskip("pandas")

from fairscope.engines._audit_data import collect_columns, distinct_columns  # noqa: E402
from fairscope.engines._sources import DUCKDB_CONFIG, duckdb_relation  # noqa: E402


@pytest.fixture
def parquet(tmp_path):
    path = tmp_path / "p.parquet"
    pd.DataFrame({"y": [1, 0, 1], "g": ["a", "b", "a"]}).to_parquet(path)
    return str(path)


def _setting(relation, name):
    return relation.query("r", f"SELECT current_setting('{name}') FROM r").fetchall()[0][0]


def test_fairscope_connection_caps_memory_threads_and_does_not_order_the_scan(parquet):
    relation = duckdb_relation([parquet])
    assert _setting(relation, "memory_limit") == "244.1 MiB"  # 256 MB, shown in MiB
    assert _setting(relation, "threads") == DUCKDB_CONFIG["threads"] <= 4
    assert _setting(relation, "preserve_insertion_order") is False
    assert DUCKDB_CONFIG["memory_limit"] == "256MB"


def test_collected_columns_keep_file_order_and_the_setting_is_restored(tmp_path):
    # several files and row groups, so an unordered parallel scan could interleave them
    frames = [pd.DataFrame({"i": range(k * 50_000, (k + 1) * 50_000)}) for k in range(4)]
    for k, frame in enumerate(frames):
        frame.to_parquet(tmp_path / f"part-{k}.parquet", row_group_size=5_000)
    relation = duckdb_relation(sorted(str(p) for p in tmp_path.glob("*.parquet")))
    collected = collect_columns(relation, ["i"])
    assert collected["i"].tolist() == list(range(200_000))
    assert _setting(relation, "preserve_insertion_order") is False


def test_task_detection_reads_distinct_labels_with_a_group_by(parquet):
    # narwhals' unique() is a window over every row in DuckDB; a group-by streams
    relation = duckdb_relation([parquet])
    values = distinct_columns(relation, ["y", "g"])
    assert sorted(values["y"].tolist()) == [0, 1]
    assert sorted(values["g"].tolist()) == ["a", "b"]


def test_a_connection_the_user_gives_keeps_its_settings(parquet):
    con = duckdb.connect(config={"memory_limit": "1GB", "threads": 1})
    relation = duckdb_relation([parquet], con)
    assert _setting(relation, "memory_limit") == "953.6 MiB"  # 1 GB
    assert _setting(relation, "threads") == 1
