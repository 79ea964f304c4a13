"""Behaviours a first-time user hits: input alignment, odd columns, CLI files, reports."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest

import fairscope as fs


@pytest.fixture
def frame() -> pd.DataFrame:
    rng = np.random.default_rng(0)
    n = 400
    return pd.DataFrame(
        {
            "g": rng.choice(["a", "b"], n),
            "y": rng.integers(0, 2, n),
            "p": rng.integers(0, 2, n),
        },
        index=rng.permutation(n) + 1000,  # as after train_test_split
    )


def test_series_with_split_index_and_array_predictions_pair_by_position(frame):
    result = fs.audit_predictions(frame["y"], frame["p"].to_numpy(), sensitive_features=frame["g"])
    expected = fs.audit_predictions(
        frame["y"].to_numpy(),
        frame["p"].to_numpy(),
        sensitive_features={"g": frame["g"].to_numpy()},
    )
    pd.testing.assert_frame_equal(result.tables["counts"], expected.tables["counts"])


def test_same_index_labels_in_another_order_is_refused_not_mixed(frame):
    with pytest.raises(ValueError, match=r"y_true and y_pred have the same index labels"):
        fs.audit_predictions(frame["y"], frame["p"].sort_index(), sensitive_features=frame["g"])


def test_sensitive_feature_sorted_differently_is_refused_in_group_metrics(frame):
    with pytest.raises(ValueError, match=r"sensitive_features.*different order"):
        fs.GroupMetrics(frame["y"], frame["p"], frame["g"].sort_index())


def test_dataset_audit_refuses_a_reordered_sensitive_series(frame):
    with pytest.raises(ValueError, match=r"data and sensitive_features"):
        fs.audit_dataset(frame, sensitive_features=frame["g"].sort_index(), target="y")


def test_reweighing_refuses_a_reordered_target(frame):
    with pytest.raises(ValueError, match=r"different order"):
        fs.reweighing_weights(target=frame["y"].sort_index(), sensitive_features=frame["g"])


def _ages(n: int = 600) -> tuple[np.ndarray, np.ndarray, pd.Series]:
    rng = np.random.default_rng(1)
    y = rng.integers(0, 2, n)
    return y, rng.integers(0, 2, n), pd.Series(rng.integers(18, 90, n), name="age")


def test_continuous_sensitive_feature_warns_and_recommends_binning():
    y, p, age = _ages()
    with pytest.warns(UserWarning, match=r"'age' is numeric with \d+ distinct values.*Bin it"):
        fs.audit_predictions(y, p, sensitive_features=age)


def test_binned_or_categorical_sensitive_feature_does_not_warn(recwarn):
    y, p, age = _ages()
    fs.GroupMetrics(y, p, pd.cut(age, [0, 25, 45, 65, 120]))
    fs.GroupMetrics(y, p, age.astype("category"))
    fs.GroupMetrics(y, p, age // 20)  # a handful of numeric codes
    assert not [w for w in recwarn if "distinct values" in str(w.message)]


def test_dataset_audit_warns_once_about_a_continuous_feature():
    y, _, age = _ages()
    data = pd.DataFrame({"age": age, "sex": np.resize(["F", "M"], len(y)), "y": y})
    with pytest.warns(UserWarning) as caught:
        fs.audit_dataset(data, sensitive_features=["age", "sex"], target="y")
    assert sum("distinct values" in str(w.message) for w in caught) == 1


@pytest.mark.parametrize("method", ["threshold_optimizer", "exponentiated_gradient"])
def test_mitigators_explain_how_to_binarize_string_labels(method):
    from sklearn.linear_model import LogisticRegression

    from fairscope import mitigate

    rng = np.random.default_rng(0)
    X = rng.normal(size=(200, 2))
    y = np.where(X[:, 0] > 0, ">50K", "<=50K")
    with pytest.raises(ValueError, match=r"labels 0/1.*\(y == '>50K'\)\.astype\(int\)"):
        getattr(mitigate, method)(
            LogisticRegression().fit(X, y), X, y, sensitive_features=rng.choice(["a", "b"], 200)
        )


# --- CLI on files a CI engineer actually has -------------------------------------------


def _cli_frame(n: int = 300) -> pd.DataFrame:
    rng = np.random.default_rng(2)
    return pd.DataFrame(
        {
            "label": rng.integers(0, 2, n),
            "score": rng.random(n).round(3),
            "group": rng.choice(["Español", "Français"], n),
            "age": rng.integers(18, 90, n),
        }
    )


def _cli(capsys, *argv):
    from fairscope.cli._main import main

    code = main([str(a) for a in argv])
    return code, capsys.readouterr().err


def test_cli_reads_semicolon_csv_with_decimal_commas(tmp_path, capsys):
    frame = _cli_frame()
    path = tmp_path / "export.csv"
    frame.to_csv(path, sep=";", decimal=",", index=False)
    out = tmp_path / "a.json"
    code, err = _cli(
        capsys, "audit", path, "--y-true", "label", "--y-score", "score", "--threshold", "0.5",
        "--sensitive", "group", "-q", "--json", out,
    )  # fmt: skip
    assert (code, err) == (0, "")
    rates = fs.AuditResult.from_json(out.read_text()).tables["group_metrics"]
    expected = (frame["score"] >= 0.5).groupby(frame["group"]).mean()
    got = rates.set_index("group")["selection_rate"]
    assert got["Español"] == pytest.approx(expected["Español"], abs=1e-12)


def test_cli_names_the_encoding_problem_of_a_latin1_csv(tmp_path, capsys):
    path = tmp_path / "latin.csv"
    _cli_frame().to_csv(path, index=False, encoding="latin-1")
    code, err = _cli(
        capsys, "audit", path, "--y-true", "label", "--y-score", "score", "--threshold", "0.5",
        "--sensitive", "group",
    )  # fmt: skip
    assert code == 2
    assert err.count("\n") == 1
    assert "not UTF-8" in err and "iconv" in err


def test_cli_prints_library_warnings_as_one_line(tmp_path, capsys):
    path = tmp_path / "p.csv"
    _cli_frame().to_csv(path, index=False)
    code, err = _cli(
        capsys, "audit", path, "--y-true", "label", "--y-score", "score", "--threshold", "0.5",
        "--sensitive", "age", "-q",
    )  # fmt: skip
    assert code == 0
    assert err.startswith("fairscope: warning: sensitive feature 'age' is numeric")
    assert err.count("\n") == 1


# --- reports a reviewer reads -------------------------------------------------------------


def _regression_audit() -> fs.AuditResult:
    rng = np.random.default_rng(3)
    y = rng.normal(size=400)
    return fs.audit_predictions(
        y, y + rng.normal(size=400), sensitive_features={"g": rng.choice(["a", "b"], 400)}
    )


def test_regression_report_names_the_wald_intervals_it_shows_not_wilson():
    html = _regression_audit().to_html()
    assert "Every group mean is shown with a 95% confidence interval (Wald" in html
    assert "wilson" not in html.lower()


def test_report_shows_unset_provenance_values_as_a_dash_not_python_none():
    import re

    html = _regression_audit().to_html()
    cells = re.findall(r"<td[^>]*>\s*None\s*</td>|<dd>\s*None\s*</dd>", html)
    assert cells == []


def test_dataset_report_lists_each_warning_on_its_own_line():
    rng = np.random.default_rng(4)
    data = pd.DataFrame(
        {
            "g": rng.choice(["a", "b"], 300),
            "y": rng.integers(0, 2, 300),
            "constant": 1,
            "empty": np.nan,
        }
    )
    result = fs.audit_dataset(data, sensitive_features="g", target="y")
    assert len(result.metadata["warnings"]) >= 2
    html = result.to_html()
    for warning in result.metadata["warnings"]:
        assert f"<li>{warning.replace(chr(39), '&#39;')}</li>" in html


def _multiclass_audit() -> fs.AuditResult:
    rng = np.random.default_rng(5)
    y = rng.choice(["High", "Low", "Medium"], 600)
    pred = np.where(rng.random(600) < 0.7, y, "Low")
    return fs.audit_predictions(
        y, pred, sensitive_features={"g": rng.choice(["a", "b"], 600)}, task="multiclass"
    )


def test_multiclass_report_names_the_reference_group_not_a_python_dict():
    html = _multiclass_audit().to_html()
    assert re.search(r"Reference group of g</dt><dd>[ab] \(strategy: largest\)</dd>", html)
    assert "{&#39;selection_rate&#39;" not in html


def test_multiclass_summary_says_which_class_the_largest_gap_is_for():
    html = _multiclass_audit().to_html()
    assert re.search(r"The largest gap in selection rate \(class (High|Low|Medium)\):", html)


def test_a_single_group_feature_warns_and_its_report_renders():
    rng = np.random.default_rng(6)
    with pytest.warns(UserWarning, match=r"'site' has a single value"):
        result = fs.audit_predictions(
            rng.integers(0, 2, 200),
            rng.integers(0, 2, 200),
            sensitive_features={"site": np.repeat("Paris", 200)},
        )
    assert "<h2" in result.to_html()  # raised KeyError 'estimate' before


def test_a_reset_or_fresh_default_index_pairs_by_position_without_complaint():
    rng = np.random.default_rng(7)
    shuffled = pd.DataFrame(
        {"y": rng.integers(0, 2, 300), "g": rng.choice(["a", "b"], 300)}
    ).sample(frac=1, random_state=0)  # index: a permutation of 0..299
    predictions = pd.Series(rng.integers(0, 2, 300))  # e.g. pd.Series(model.predict(X))
    result = fs.audit_predictions(shuffled["y"], predictions, sensitive_features=shuffled["g"])
    assert result.metadata["n_rows"] == 300


def test_audit_model_refuses_y_in_another_order_than_x():
    from sklearn.linear_model import LogisticRegression

    rng = np.random.default_rng(8)
    X = pd.DataFrame({"a": rng.normal(size=300), "g": rng.choice(["u", "v"], 300)})
    X = X.sample(frac=1, random_state=1)
    y = (X["a"] > 0).astype(int)
    model = LogisticRegression().fit(X[["a"]], y)
    assert fs.audit_model(model, X, y, sensitive_features="g", drop_sensitive=True).passed
    with pytest.raises(ValueError, match=r"X and y have the same index labels"):
        fs.audit_model(model, X, y.sort_index(), sensitive_features="g", drop_sensitive=True)


def test_cross_val_audit_refuses_y_in_another_order_than_x():
    from sklearn.linear_model import LogisticRegression

    from fairscope.audits._sklearn import cross_val_audit

    rng = np.random.default_rng(9)
    X = pd.DataFrame(
        {"a": rng.normal(size=200), "g": rng.choice(["u", "v"], 200)},
        index=rng.permutation(200) + 5,
    )
    y = (X["a"] > 0).astype(int)
    with pytest.raises(ValueError, match=r"X and y have the same index labels"):
        cross_val_audit(
            LogisticRegression(),
            X,
            y.sort_index(),
            sensitive_features="g",
            drop_sensitive=True,
            cv=2,
        )


def test_cli_errors_name_flags_not_python_keywords(tmp_path, capsys):
    frame = _cli_frame()
    frame["label"] = frame["label"].map({0: "no", 1: "yes"})
    frame["pred"] = np.where(frame["score"] >= 0.5, "yes", "no")
    path = tmp_path / "yn.csv"
    frame.to_csv(path, index=False)
    code, err = _cli(
        capsys, "audit", path, "--y-true", "label", "--y-pred", "pred", "--sensitive", "group"
    )
    assert code == 2
    assert "--pos-label yes" in err and "pos_label=" not in err


def test_a_threshold_below_every_score_warns_that_all_predictions_are_positive():
    rng = np.random.default_rng(10)
    deciles = rng.integers(1, 11, 300)  # COMPAS-style decile scores, not probabilities
    with pytest.warns(UserWarning, match=r"threshold=0.5 puts every row on one side"):
        fs.audit_predictions(
            rng.integers(0, 2, 300),
            y_score=deciles,
            threshold=0.5,
            sensitive_features={"g": rng.choice(["a", "b"], 300)},
        )


def test_cli_warns_when_the_threshold_is_off_the_score_scale(tmp_path, capsys):
    frame = _cli_frame()
    frame["decile"] = np.random.default_rng(11).integers(1, 11, len(frame))
    path = tmp_path / "d.csv"
    frame.to_csv(path, index=False)
    code, err = _cli(
        capsys, "audit", path, "--y-true", "label", "--y-score", "decile", "--threshold", "0.5",
        "--sensitive", "group", "-q",
    )  # fmt: skip
    assert code == 0
    assert "fairscope: warning: threshold=0.5 puts every row on one side" in err
