"""AuditResult JSON (lossless, schema-valid), JUnit XML, Markdown, provenance, baseline, assert_fair."""

from __future__ import annotations

import json
import math
import xml.etree.ElementTree as ET
from pathlib import Path

import jsonschema
import numpy as np
import pandas as pd
import pytest

import fairscope
from fairscope.audits._baseline import compare_baseline
from fairscope.judge import apply_policy
from fairscope.result._audit_result import AuditResult, Finding, Status
from fairscope.result._provenance import column_digest
from fairscope.result._serialize import decode_table, encode_table, from_json, schema, to_json
from fairscope.testing import assert_fair

POLICY = {
    "name": "ci",
    "version": "2.1",
    "rules": [
        {"id": "sr", "metric": "selection_rate", "fail": 0.8, "warn": 0.95},
        {"id": "fpr", "metric": "fpr", "comparison": "difference", "fail": 0.1},
    ],
    "waivers": [
        {
            "rule": "sr",
            "group": "race=c & sex=m",
            "justification": "pilot region <b>",
            "owner": "o@example.org",
            "expires": "2020-01-01",
        }
    ],
}


def data(seed: int = 0, shift: float = 0.0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    n = 3000
    race = rng.choice(["a", "b", "c"], n, p=[0.6, 0.3, 0.1])
    sex = rng.choice(["f", "m"], n)
    y = rng.integers(0, 2, n)
    p_pos = 0.5 - 0.25 * (race == "c") - shift * (race == "b")
    pred = (rng.random(n) < p_pos).astype(int)
    return pd.DataFrame({"race": race, "sex": sex, "y": y, "pred": pred})


@pytest.fixture(scope="module")
def result() -> AuditResult:
    return fairscope.audit_predictions(
        "y", "pred", sensitive_features=["race", "sex"], data=data(), policy=POLICY
    )


# -- JSON ----------------------------------------------------------------------------------


def test_json_round_trip_is_lossless(result):
    text = result.to_json()
    again = AuditResult.from_json(text)
    assert set(again.tables) == set(result.tables)
    for name, table in result.tables.items():
        pd.testing.assert_frame_equal(again.tables[name], table, check_exact=True)
    assert again.findings == _comparable(result.findings)
    assert again.metadata == json.loads(json.dumps(again.metadata))
    assert again.metadata["sensitive_features"] == result.metadata["sensitive_features"]
    assert again.reproducibility == result.reproducibility
    assert again.policy == result.policy
    assert again.fail_on == result.fail_on
    assert again.passed == result.passed
    for label, counts in result.statistics.items():
        other = again.statistics[label]
        assert other.features == counts.features
        assert list(other.groups) == list(counts.groups)
        np.testing.assert_array_equal(other.rows, counts.rows)
        np.testing.assert_array_equal(other.weighted, counts.weighted)
    assert again.to_json() == text


def _comparable(findings):
    # NaN != NaN: compare through the dict form, where NaN is None
    return [f for f in findings if not math.isnan(f.value)] + [
        f for f in findings if math.isnan(f.value)
    ]


def test_saved_json_validates_against_the_shipped_schema(result, tmp_path):
    path = tmp_path / "audit.json"
    result.to_json(path)
    document = json.loads(path.read_text())
    jsonschema.Draft202012Validator.check_schema(schema())
    jsonschema.validate(document, schema())
    assert document["schema_version"] == "1.0"
    assert [p.name for p in tmp_path.iterdir()] == ["audit.json"]  # no temp files left


def test_schema_rejects_a_finding_with_an_unknown_status(result):
    document = json.loads(result.to_json())
    document["findings"][0]["status"] = "MAYBE"
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(document, schema())


def test_statistics_from_json_reproduce_the_findings(result):
    again = AuditResult.from_json(result.to_json())
    again = apply_policy(again, POLICY)
    assert [(f.group, f.status, f.value) for f in again.findings] == [
        (f.group, f.status, f.value) for f in result.findings
    ]


def test_tables_keep_dtypes_nan_infinity_categories_and_index():
    frame = pd.DataFrame(
        {
            "f": [0.1, np.nan, np.inf, -np.inf],
            "i": np.array([1, 2, 3, 4], dtype="int32"),
            "b": [True, False, True, False],
            "s": pd.array(["x", None, "z", "é<>"], dtype="str"),
            "o": np.array(["x", 1, None, 2.5], dtype=object),
            "c": pd.Categorical(["lo", "hi", None, "lo"], categories=["lo", "hi"], ordered=True),
            "t": pd.to_datetime(
                ["2024-01-01", None, "2024-03-01T12:00", "2024-04-01"], utc=True, format="ISO8601"
            ),
            "n": pd.array([1, None, 3, 4], dtype="Int64"),
        },
        index=pd.Index(["r1", "r2", "r3", "r4"], name="row"),
    )
    encoded = json.loads(json.dumps(encode_table(frame), allow_nan=False))
    pd.testing.assert_frame_equal(decode_table(encoded), frame)


def test_from_json_errors_name_the_problem(tmp_path):
    with pytest.raises(FileNotFoundError, match=r"missing\.json"):
        from_json(tmp_path / "missing.json")
    (tmp_path / "bad.json").write_text("{not json")
    with pytest.raises(ValueError, match=r"bad.json is not valid JSON \(line 1"):
        from_json(tmp_path / "bad.json")
    with pytest.raises(ValueError, match=r"schema_version '9\.0'"):
        from_json(json.dumps({"schema_version": "9.0", "kind": "x", "task": "y"}))
    with pytest.raises(ValueError, match="no 'schema_version'"):
        from_json("{}")


def test_to_json_refuses_a_missing_folder(result, tmp_path):
    with pytest.raises(FileNotFoundError, match="does not exist"):
        to_json(result, tmp_path / "no" / "audit.json")


# -- reproducibility -----------------------------------------------------------------------


def test_every_audit_has_a_reproducibility_block(result):
    rep = result.reproducibility
    for key in ("fairscope", "python", "numpy", "pandas", "scikit-learn", "timestamp_utc"):
        assert rep[key]
    assert rep["timestamp_utc"].endswith("+00:00")
    assert rep["n_rows"] == 3000 and rep["n_dropped"] == 0
    # no random_state given: the seed drawn for the bootstrap is recorded (issue 15)
    assert isinstance(rep["random_seed"], int)
    assert rep["inputs"]["y_true"] == {"column": "y", "sha256": column_digest(data()["y"])}
    assert set(rep["inputs"]) == {"y_true", "y_pred", "sensitive:race", "sensitive:sex"}
    assert rep["policy"]["hash"] == result.policy["hash"]


def test_input_digest_changes_when_one_value_changes():
    df = data()
    before = fairscope.audit_predictions("y", "pred", sensitive_features="race", data=df)
    df.loc[17, "pred"] = 1 - df.loc[17, "pred"]
    after = fairscope.audit_predictions("y", "pred", sensitive_features="race", data=df)
    assert before.reproducibility["inputs"]["y_true"] == after.reproducibility["inputs"]["y_true"]
    assert before.reproducibility["inputs_sha256"] != after.reproducibility["inputs_sha256"]


def test_engine_tables_are_listed_as_not_hashed_without_touching_them(recwarn):
    import polars as pl

    lazy = pl.from_pandas(data()).lazy()
    result = fairscope.audit_predictions("y", "pred", sensitive_features="race", data=lazy)
    assert result.reproducibility["inputs"] == {}
    assert result.reproducibility["not_hashed"] == ["y_true", "y_pred", "sensitive_features"]
    assert not [w for w in recwarn if "LazyFrame" in str(w.message)]


def test_dropped_rows_are_recorded():
    df = data()
    df["pred"] = df["pred"].astype(float)
    df.loc[:9, "pred"] = np.nan
    out = fairscope.audit_predictions("y", "pred", sensitive_features="race", data=df, dropna=True)
    assert out.reproducibility["n_dropped"] == 10
    assert out.reproducibility["dropped"] == {"missing y_pred": 10}


# -- JUnit ---------------------------------------------------------------------------------


def test_junit_has_one_testcase_per_finding_and_failures_carry_the_message(result, tmp_path):
    path = tmp_path / "fairness.xml"
    result.to_junit(path)
    root = ET.parse(path).getroot()
    assert root.tag == "testsuites"
    cases = root.findall("./testsuite/testcase")
    assert len(cases) == len(result.findings)
    assert int(root.get("tests")) == len(result.findings)
    failing = [f for f in result.findings if f.status == Status.FAIL]
    failures = root.findall("./testsuite/testcase/failure")
    assert len(failures) == len(failing) == int(root.get("failures"))
    assert {fl.get("message") for fl in failures} == {f.message for f in failing}
    skipped = root.findall("./testsuite/testcase/skipped")
    assert len(skipped) == sum(f.status == Status.SKIPPED for f in result.findings)
    for suite in root.findall("testsuite"):
        assert int(suite.get("tests")) == len(suite.findall("testcase"))
        assert suite.get("name").startswith("fairscope.")
    for case in cases:
        assert case.get("classname") and case.get("name")


def test_junit_counts_warn_as_failure_when_fail_on_warn(result):
    result_warn = AuditResult(**{**result.__dict__, "fail_on": ("fail", "warn")})
    root = ET.fromstring(result_warn.to_junit().split("\n", 1)[1])
    expected = sum(f.status in (Status.FAIL, Status.WARN) for f in result.findings)
    assert int(root.get("failures")) == expected


# -- Markdown ------------------------------------------------------------------------------


def test_markdown_has_verdict_table_worst_first_and_escapes_data(result):
    text = result.to_markdown()
    lines = text.splitlines()
    assert lines[0].startswith("## ") and ("failed" in lines[0] or "passed" in lines[0])
    rows = [line for line in lines if (line.startswith("| ") and "FAIL" in line) or "PASS" in line]
    assert rows
    table = [line for line in lines if line.startswith("| ") and not line.startswith("| status")]
    order = ["ERROR", "FAIL", "INCONCLUSIVE", "WARN", "WAIVED", "SKIPPED", "PASS"]
    ranks = [next(i for i, s in enumerate(order) if f" {s} " in line) for line in table]
    assert ranks == sorted(ranks)
    assert "Expired waivers" in text
    assert "<b>" not in text


def test_markdown_without_policy_says_so():
    out = fairscope.audit_predictions("y", "pred", sensitive_features="race", data=data())
    assert out.to_markdown().startswith("## Fairness audit: no policy given")


# -- summary -------------------------------------------------------------------------------


def test_summary_lists_verdict_counts_and_expired_waivers(result):
    text = result.summary()
    assert text.splitlines()[0].startswith("fairscope predictions audit (binary): ")
    assert "under policy ci 2.1" in text.splitlines()[0]
    assert "3,000 rows" in text
    assert "expired waiver: rule sr group race=c & sex=m" in text


# -- baseline ------------------------------------------------------------------------------


def test_compare_flags_a_disparity_that_got_worse(tmp_path):
    base = fairscope.audit_predictions(
        "y", "pred", sensitive_features="race", data=data(1), policy="demographic-parity"
    )
    new = fairscope.audit_predictions(
        "y", "pred", sensitive_features="race", data=data(1, shift=0.2), policy="demographic-parity"
    )
    comparison = compare_baseline(base, new, tolerance=0.05)
    assert not comparison.passed
    worst = comparison.regressions.iloc[0]
    assert worst["group"] == "b"
    assert worst["worse_by"] == pytest.approx(worst["new"] - worst["base"])
    assert worst["worse_by"] > 0.15
    assert compare_baseline(base, new, tolerance=0.5).passed
    assert compare_baseline(base, base).passed


def test_compare_without_policies_uses_the_disparity_tables(tmp_path):
    base = fairscope.audit_predictions("y", "pred", sensitive_features="race", data=data(2))
    new = fairscope.audit_predictions(
        "y", "pred", sensitive_features="race", data=data(2, shift=0.2)
    )
    base.to_json(tmp_path / "base.json")
    new.to_json(tmp_path / "new.json")
    comparison = compare_baseline(tmp_path / "base.json", tmp_path / "new.json", tolerance=0.05)
    assert not comparison.passed
    assert set(comparison.regressions["group"]) == {"b"}
    assert "FAILED" in comparison.summary()


def test_compare_rejects_a_negative_tolerance(result):
    with pytest.raises(ValueError, match="tolerance"):
        compare_baseline(result, result, tolerance=-1)


# -- assert_fair ---------------------------------------------------------------------------


def test_assert_fair_lists_failing_findings():
    with pytest.raises(AssertionError) as info:
        assert_fair(
            y_true="y", y_pred="pred", sensitive_features="race", data=data(), policy="four-fifths"
        )
    message = str(info.value)
    assert message.startswith("fairness policy four-fifths failed")
    assert "FAIL four-fifths [race] c:" in message


def test_assert_fair_passes_and_returns_the_result_on_a_fair_model():
    df = data()
    df["pred"] = df["y"]
    out = assert_fair(
        {"y_true": "y", "y_pred": "pred", "sensitive_features": "race", "data": df},
        policy="four-fifths",
    )
    assert out.passed and out.findings


def test_assert_fair_on_a_result_and_fail_on(result):
    with pytest.raises(AssertionError, match="WARN"):
        assert_fair(
            result,
            policy={
                "name": "w",
                "rules": [{"id": "sr", "metric": "sr", "fail": 0.1, "warn": 0.99}],
            },
            fail_on=("fail", "warn"),
        )
    with pytest.raises(ValueError, match="needs a policy"):
        assert_fair(
            fairscope.audit_predictions("y", "pred", sensitive_features="race", data=data())
        )


def test_findings_round_trip_through_their_dict_form():
    finding = Finding(
        "r",
        "selection_rate",
        "ratio_to_reference",
        "race",
        "a",
        "FAIL",
        value=0.5,
        lower=0.4,
        upper=0.6,
        threshold=0.8,
        n=10,
        n_reference=20,
    )
    out = AuditResult(kind="predictions", task="binary", findings=[finding])
    assert AuditResult.from_json(out.to_json()).findings == [finding]


# -- typed parts, files of 0.1, new results ---------------------------------------------------

DATA = Path(__file__).parent / "data"


def test_a_result_saved_by_fairscope_0_1_loads_and_round_trips():
    # tests/data/audit-0.1.json was written by fairscope 0.1.0 (main at bc20b16)
    text = (DATA / "audit-0.1.json").read_text()
    old = AuditResult.from_json(text)
    assert old.reproducibility["fairscope"] == "0.1.0"
    assert old.kind == "predictions" and old.task == "binary"
    assert set(old.tables) == {"group_metrics", "counts", "intervals", "disparities", "tests"}
    assert old.meta.n_rows == 400 and old.meta.feature_sets == ("race",)
    assert old.references == {"race": "a"}
    assert [f.status for f in old.findings] == [Status.INCONCLUSIVE, Status.INCONCLUSIVE]
    again = AuditResult.from_json(old.to_json(indent=None))
    assert again.to_dict() == old.to_dict()
    assert json.loads(old.to_json(indent=None)) == json.loads(text)
    # and the saved statistics still judge a policy
    assert len(apply_policy(old, "four-fifths").findings) == 2


def test_meta_reads_the_metadata_into_typed_fields(result):
    meta = result.meta
    assert meta.task == "binary"
    assert meta.sensitive_features == ("race", "sex")
    assert meta.feature_sets == ("race", "sex", "race & sex")
    assert meta.groups["race"] == ("a", "b", "c")
    assert (meta.n_rows, meta.n_dropped, meta.weighted) == (3000, 0, False)
    assert (meta.ci, meta.ci_method, meta.min_group_size) == (0.95, "wilson", 30)
    assert "expired_waivers" in meta.extra and "task" not in meta.extra
    assert isinstance(result.metadata, dict)  # the stored metadata stays a plain mapping


def test_references_give_the_one_reference_group_of_each_feature_set(result):
    assert result.references == {"race": "a", "sex": "f", "race & sex": "race=a & sex=m"}
    disparities = result.tables["disparities"]
    for feature, reference in result.references.items():
        assert set(disparities.loc[disparities["feature"] == feature, "reference"]) == {reference}
    assert result.reference_for("race", "selection_rate") == "a"
    assert result.reference_for("nope") is None


def test_references_of_a_per_metric_strategy_name_the_strategy():
    frame = data()
    best = fairscope.audit_predictions(
        "y", "pred", sensitive_features="race", data=frame, reference="best"
    )
    per_metric = best.metadata["reference_groups"]["race"]
    assert len(set(per_metric.values())) > 1
    assert best.references == {"race": "best"}
    assert best.reference_for("race", "selection_rate") == per_metric["selection_rate"]


def test_multiclass_and_dataset_references_are_flattened():
    rng = np.random.default_rng(1)
    race = rng.choice(["a", "b"], 300, p=[0.7, 0.3])
    multi = fairscope.audit_predictions(
        y_true=rng.integers(0, 3, 300), y_pred=rng.integers(0, 3, 300), sensitive_features=race
    )
    assert multi.references == {"sensitive_feature": "a"}
    assert multi.reference_for("sensitive_feature", "precision", cls=2) == "a"
    frame = pd.DataFrame({"race": race, "y": rng.integers(0, 2, 300)})
    dataset = fairscope.audit_dataset(frame, target="y", sensitive_features=["race"])
    assert dataset.references == {"race": "a"}


def test_with_findings_returns_a_new_result_and_leaves_the_audit_alone():
    audit = fairscope.audit_predictions("y", "pred", sensitive_features="race", data=data())
    before = audit.to_json()
    finding = Finding(
        rule_id="r",
        metric="selection_rate",
        feature="race",
        group="c",
        comparison="ratio",
        status=Status.FAIL,
        value=0.5,
    )
    judged = audit.with_findings(
        [finding],
        policy={"name": "p", "version": "1"},
        metadata={"policy_checked_on": "2026-01-01"},
        reproducibility={"policy": {"name": "p"}},
    )
    assert judged is not audit and not judged.passed and audit.passed
    assert judged.policy == {"name": "p", "version": "1"} and audit.policy is None
    assert judged.metadata["policy_checked_on"] == "2026-01-01"
    assert "policy_checked_on" not in audit.metadata
    assert judged.reproducibility["policy"] == {"name": "p"}
    judged.tables["group_metrics"].loc[0, "n"] = -1
    judged.metadata["groups"]["race"].append("z")
    assert audit.to_json() == before


def test_replace_copies_and_changes_only_what_is_named(result):
    copy = result.replace(fail_on=("fail", "warn"))
    assert copy.fail_on == ("fail", "warn") and result.fail_on == ("fail",)
    assert copy.findings == result.findings and copy.findings is not result.findings
    assert copy.statistics.keys() == result.statistics.keys()


def _audits_of_every_task():
    rng = np.random.default_rng(3)
    n = 400
    race = rng.choice(["a", "b", "c"], n)
    yield fairscope.audit_predictions(
        y_true=rng.integers(0, 2, n), y_score=rng.random(n), sensitive_features=race
    )
    yield fairscope.audit_predictions(
        y_true=rng.integers(0, 3, n), y_pred=rng.integers(0, 3, n), sensitive_features=race
    )
    yield fairscope.audit_predictions(
        y_true=rng.random(n),
        y_pred=rng.random(n),
        sensitive_features=race,
        task="regression",
        selection_threshold=0.5,
    )
    frame = pd.DataFrame(
        {
            "race": race,
            "y": rng.integers(0, 2, n),
            "x": rng.random(n),
            "z": rng.choice(["u", "v"], n),
        }
    )
    credit = fairscope.datasets.make_credit_scoring(n=n, bias=0.8, random_state=0)
    before = fairscope.audit_predictions(
        "repaid", "approved", sensitive_features="race", data=credit
    )
    yield fairscope.compare(before, before)
    yield fairscope.audit_dataset(
        frame,
        target="y",
        sensitive_features=["race"],
        reference_population={"race": {"a": 0.3, "b": 0.3, "c": 0.4}},
        reweigh=True,
    )


def test_every_table_an_audit_makes_is_declared_with_its_columns():
    from fairscope.result._tables import TABLES

    seen = set()
    for audit in _audits_of_every_task():
        for name, frame in audit.tables.items():
            spec = audit.table_spec(name)
            assert spec is not None, f"table {name!r} is not declared in result/_tables.py"
            assert set(spec.required) <= set(frame.columns), name
            if not spec.open:
                assert set(frame.columns) <= set(spec.columns), (
                    name,
                    set(frame.columns) - set(spec.columns),
                )
            seen.add(name)
    assert {
        "score_metrics",
        "multiclass_metrics",
        "regression_metrics",
        "selection_metrics",
        "representation",
        "comparison",
        "tradeoff",
    } <= seen
    assert seen <= set(TABLES)


def test_a_known_table_without_its_declared_columns_is_refused_and_unknown_tables_load(result):
    document = result.to_dict()
    document["tables"]["mine"] = encode_table(pd.DataFrame({"x": [1, 2]}))
    assert AuditResult.from_dict(document).tables["mine"]["x"].tolist() == [1, 2]
    document["tables"]["counts"] = encode_table(pd.DataFrame({"feature": ["race"]}))
    with pytest.raises(ValueError, match=r"table 'counts' lacks the columns \['group'"):
        AuditResult.from_dict(document)


def test_the_typed_metadata_view_tolerates_values_of_another_shape():
    from fairscope.result._metadata import AuditMetadata

    meta = AuditMetadata.from_mapping(
        {"n_rows": "many", "dropped": {"y": 3, "z": "n/a"}, "ci": None, "metrics": "selection_rate"}
    )
    assert meta.n_rows is None and meta.dropped == {"y": 3} and meta.ci is None
    assert meta.metrics == ("selection_rate",)


def test_statistics_are_encoded_by_their_own_to_dict_and_decoded_by_from_dict():
    # one serialization per type: the codec writes what GroupCounts.to_dict writes (the
    # flat layout of saved audits), non-finite sums included, and reads it back bit for bit
    from fairscope.core._counts import GroupCounts
    from fairscope.result._codec import decode_statistics, encode_statistics, plain

    groups = pd.MultiIndex.from_tuples([("a", "x"), ("b", "y")], names=["f", "s"])
    weighted = np.array([[1.5, np.nan, np.inf, 0.1], [2.0, 3.0, 4.0, -np.inf]])
    counts = GroupCounts(
        ("f", "s"),
        groups,
        weighted=weighted,
        rows=np.array([[1, 2, 3, 4], [5, 6, 7, 8]]),
        squared_weights=weighted**2,
        has_weights=True,
    )
    encoded = encode_statistics(counts)
    assert encoded == {"type": "GroupCounts", **plain(counts.to_dict())}
    assert list(encoded) == [
        "type", "features", "groups", "weighted", "rows", "squared_weights", "has_weights",
    ]  # fmt: skip
    assert encoded["weighted"][0][1:3] == [None, "Infinity"]
    back = decode_statistics(json.loads(json.dumps(encoded)))
    assert list(back.groups) == list(groups) and back.features == ("f", "s")
    np.testing.assert_array_equal(back.weighted, weighted)
    np.testing.assert_array_equal(back.squared_weights, weighted**2)
    assert back.rows.dtype == np.int64 and back.rows.tolist() == counts.rows.tolist()
    assert back.has_weights
