"""Input forms accepted by GroupMetrics, and a clear error for every bad input."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest

from fairscope import GroupMetrics, InputWarning
from fairscope.core._inputs import binary_inputs, sensitive_frame

Y_TRUE = [1, 0, 1, 0, 1, 0]
Y_PRED = [1, 1, 0, 0, 1, 0]
GROUPS = ["a", "a", "a", "b", "b", "b"]


def rates(gm: GroupMetrics) -> list[float]:
    return gm.by_group["selection_rate"].tolist()


def audit(y_true=Y_TRUE, y_pred=Y_PRED, sf=GROUPS, **kwargs) -> GroupMetrics:
    return GroupMetrics(y_true, y_pred, sf, metrics=["selection_rate", "tpr"], **kwargs)


# -- accepted forms ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "convert",
    [list, np.array, pd.Series, lambda v: pd.Series(v, index=range(100, 106))],
    ids=["list", "ndarray", "series", "series-with-index"],
)
def test_label_containers_give_the_same_result(convert):
    gm = audit(convert(Y_TRUE), convert(Y_PRED), convert(GROUPS))
    assert rates(gm) == [2 / 3, 1 / 3]


def test_series_indexes_are_ignored_not_aligned():
    y_pred = pd.Series(Y_PRED, index=[5, 4, 3, 2, 1, 0])
    assert rates(audit(y_pred=y_pred)) == [2 / 3, 1 / 3]


def test_column_names_with_data():
    frame = pd.DataFrame({"label": Y_TRUE, "pred": Y_PRED, "group": GROUPS, "w": [1.0] * 6})
    gm = GroupMetrics("label", "pred", "group", data=frame, sample_weight="w")
    assert gm.sensitive_features == ("group",)
    assert gm.by_group.loc["a", "selection_rate"] == 2 / 3


def test_bool_labels():
    gm = audit([bool(v) for v in Y_TRUE], [bool(v) for v in Y_PRED])
    assert rates(gm) == [2 / 3, 1 / 3]


def test_string_labels_with_pos_label():
    to_text = {1: "approved", 0: "denied"}
    gm = audit([to_text[v] for v in Y_TRUE], [to_text[v] for v in Y_PRED], pos_label="approved")
    assert rates(gm) == [2 / 3, 1 / 3]
    assert gm.pos_label == "approved"


def test_pos_label_zero_swaps_the_classes():
    gm = audit(pos_label=0)
    assert rates(gm) == [1 / 3, 2 / 3]


def test_predictions_of_one_class_are_valid():
    gm = audit(y_pred=[0] * 6)
    assert rates(gm) == [0.0, 0.0]


def test_float_labels_read_from_csv():
    gm = audit([float(v) for v in Y_TRUE], [float(v) for v in Y_PRED])
    assert rates(gm) == [2 / 3, 1 / 3]


@pytest.mark.parametrize(
    "sf",
    [
        {"sex": GROUPS, "race": list("xyxyxy")},
        pd.DataFrame({"sex": GROUPS, "race": list("xyxyxy")}),
        [pd.Series(GROUPS, name="sex"), pd.Series(list("xyxyxy"), name="race")],
    ],
    ids=["dict", "dataframe", "list-of-series"],
)
def test_several_sensitive_features_give_intersections(sf):
    gm = audit(sf=sf)
    assert gm.sensitive_features == ("sex", "race")
    assert gm.by_group.index.tolist() == [("a", "x"), ("a", "y"), ("b", "x"), ("b", "y")]


def test_several_column_names_of_data():
    frame = pd.DataFrame({"sex": GROUPS, "race": list("xyxyxy")})
    gm = audit(sf=["sex", "race"], data=frame)
    assert gm.sensitive_features == ("sex", "race")


def test_list_of_strings_as_values_when_not_columns():
    frame = pd.DataFrame({"other": range(6)})
    assert sensitive_frame(GROUPS, frame).iloc[:, 0].tolist() == GROUPS


def test_two_dimensional_array_gives_one_feature_per_column():
    frame = sensitive_frame(np.array([["a", "x"], ["b", "y"]], dtype=object), None)
    assert frame.columns.tolist() == ["sf0", "sf1"]


def test_unnamed_series_is_called_sensitive_feature():
    assert audit(sf=pd.Series(GROUPS)).sensitive_features == ("sensitive_feature",)


def test_inputs_are_not_copied():
    weight = np.ones(6)
    inputs = binary_inputs(Y_TRUE, Y_PRED, GROUPS, sample_weight=weight)
    assert np.shares_memory(inputs.sample_weight, weight)


# -- missing values in y_true / y_pred / sample_weight -------------------------------------


def test_missing_labels_raise_with_counts_per_column():
    with pytest.raises(
        ValueError,
        match=re.escape(
            "y_true has 2 missing values, y_pred has 1 missing value; fix the data or pass "
            "dropna=True to drop those rows (the dropped count is recorded on the result)."
        ),
    ):
        audit([1, None, 1, 0, np.nan, 0], [1, 1, None, 0, 1, 0])


def test_dropna_drops_rows_and_records_the_count():
    gm = audit([1, None, 1, 0, np.nan, 0], [1, 1, None, 0, 1, 0], dropna=True)
    assert gm.n_dropped == 3
    assert gm.dropped == {"missing y_true": 2, "missing y_pred": 1}
    assert gm.group_sizes.tolist() == [1, 2]


def test_dropna_counts_a_row_missing_in_two_columns_once():
    gm = audit([1, None, 1, 0, 1, 0], [1, None, 1, 0, 1, 0], dropna=True)
    assert gm.n_dropped == 1
    assert gm.dropped == {"missing y_true": 1, "missing y_pred": 1}


def test_dropna_with_nothing_left_raises():
    with pytest.raises(
        ValueError, match=r"every row has a missing y_true.*nothing is left to audit"
    ):
        audit([None] * 6, Y_PRED, dropna=True)


def test_nan_weight_raises_unless_dropna():
    weight = [1.0, np.nan, 1.0, 1.0, 1.0, np.inf]
    with pytest.raises(
        ValueError,
        match="sample_weight has 2 missing or non-finite values; fix the data or pass dropna=True",
    ):
        audit(sample_weight=weight)
    gm = audit(sample_weight=weight, dropna=True)
    assert gm.dropped == {"missing sample_weight": 2}


def test_nullable_integer_labels_with_missing_values():
    y_true = pd.array([1, pd.NA, 1, 0, 1, 0], dtype="Int64")
    with pytest.raises(ValueError, match="y_true has 1 missing value;"):
        audit(y_true)
    assert audit(y_true, dropna=True).n_dropped == 1


# -- bad input: every case names the argument and the fix -----------------------------------


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        (
            {"y_pred": Y_PRED[:5]},
            "inputs have different lengths (y_true has 6, y_pred has 5, sensitive feature "
            "'sensitive_feature' has 6); every input needs one value per row.",
        ),
        (
            {"sf": GROUPS[:4]},
            "inputs have different lengths (y_true has 6, y_pred has 6, sensitive feature "
            "'sensitive_feature' has 4)",
        ),
        ({"sample_weight": [1.0] * 7}, "sample_weight has 7); every input needs one value per row"),
        (
            {"sf": {"sex": GROUPS, "race": ["x"] * 5}},
            "inputs have different lengths (sex has 6, race has 5)",
        ),
    ],
    ids=["y_pred", "sensitive", "weight", "dict-features"],
)
def test_mismatched_lengths(kwargs, message):
    with pytest.raises(ValueError, match=re.escape(message)):
        audit(**kwargs)


def test_empty_input():
    with pytest.raises(
        ValueError,
        match=re.escape("the inputs are empty (0 rows); an audit needs at least one row."),
    ):
        audit([], [], [])


@pytest.mark.parametrize(("value", "word"), [(1, "positive"), (0, "negative")])
def test_single_class_in_y_true(value, word):
    # accepted with a warning: the selection rate does not need both classes (issue 14)
    with pytest.warns(
        InputWarning,
        match=re.escape(f"y_true contains a single class (every row is {word}): the selection"),
    ):
        audit([value] * 6)


def test_ambiguous_pos_label():
    with pytest.raises(
        ValueError,
        match=re.escape(
            "labels are ['no', 'yes'] (values of y_true and y_pred), so the default pos_label=1 "
            "does not apply; pass pos_label= naming the positive (favourable or predicted) class, "
            "e.g. pos_label='yes'."
        ),
    ):
        audit(["yes", "no"] * 3, ["no", "yes"] * 3)


def test_ambiguous_pos_label_none():
    with pytest.raises(
        ValueError, match=r"pos_label=None, but the labels \['no', 'yes'\] are not 0/1"
    ):
        audit(["yes", "no"] * 3, ["no", "yes"] * 3, pos_label=None)


def test_absent_pos_label():
    with pytest.raises(
        ValueError,
        match=re.escape(
            "pos_label='maybe' is not among the labels ['no', 'yes'] (values of y_true "
            "and y_pred); pass one of them."
        ),
    ):
        audit(["yes", "no"] * 3, ["no", "yes"] * 3, pos_label="maybe")


def test_more_than_two_labels():
    with pytest.raises(
        ValueError,
        match=r"together have 3 distinct values \['0', '1', '2'\]; a binary audit needs two",
    ):
        audit([0, 1, 2, 0, 1, 0])


def test_negative_weights():
    with pytest.raises(
        ValueError, match=re.escape("sample_weight has 2 negative values; weights must be >= 0.")
    ):
        audit(sample_weight=[1.0, -1.0, 1.0, -0.5, 1.0, 1.0])


def test_non_numeric_weights():
    with pytest.raises(ValueError, match="sample_weight must be numeric; got dtype"):
        audit(sample_weight=list("abcdef"))


def test_unknown_label_column():
    frame = pd.DataFrame({"label": Y_TRUE, "pred": Y_PRED, "group": GROUPS})
    with pytest.raises(
        ValueError,
        match=re.escape(
            "y_true='target' is not a column of data; columns are ['label', 'pred', 'group']."
        ),
    ):
        GroupMetrics("target", "pred", "group", data=frame)


def test_unknown_sensitive_column():
    frame = pd.DataFrame({"label": Y_TRUE, "pred": Y_PRED, "group": GROUPS})
    with pytest.raises(
        ValueError,
        match=re.escape("sensitive_features names 'race', which is not a column of data"),
    ):
        GroupMetrics("label", "pred", ["group", "race"], data=frame)


def test_column_name_without_data():
    with pytest.raises(
        ValueError,
        match=re.escape(
            "y_true='label' looks like a column name but no data= DataFrame was given."
        ),
    ):
        GroupMetrics("label", Y_PRED, GROUPS)


def test_column_name_with_data_that_is_not_a_frame():
    with pytest.raises(TypeError, match="data= must be a pandas"):
        GroupMetrics("label", "pred", "group", data={"label": Y_TRUE})


def test_duplicated_column_names_in_data():
    frame = pd.DataFrame([[1, 1, "a"], [0, 0, "b"]], columns=["y", "y", "group"])
    with pytest.raises(
        ValueError, match=re.escape("data has duplicated column names ['y']; rename them")
    ):
        GroupMetrics("y", "y", "group", data=frame)


def test_duplicated_sensitive_feature_names():
    frame = pd.DataFrame([["a", "x"], ["b", "y"]], columns=["g", "g"])
    with pytest.raises(
        ValueError, match=re.escape("sensitive_features has duplicated column names ['g']")
    ):
        GroupMetrics([1, 0], [1, 0], frame)


def test_sensitive_column_named_twice():
    frame = pd.DataFrame({"y": Y_TRUE, "p": Y_PRED, "g": GROUPS})
    with pytest.raises(
        ValueError, match=re.escape("sensitive_features names a column twice: ['g', 'g'].")
    ):
        GroupMetrics("y", "p", ["g", "g"], data=frame)


def test_missing_sensitive_features():
    with pytest.raises(ValueError, match="sensitive_features is required"):
        GroupMetrics(Y_TRUE, Y_PRED, None)


def test_missing_labels_argument():
    with pytest.raises(ValueError, match="y_true and y_pred are required"):
        GroupMetrics(y_pred=Y_PRED, sensitive_features=GROUPS)


def test_two_dimensional_labels():
    with pytest.raises(
        ValueError, match=re.escape("y_true must be one-dimensional; got an array of shape (3, 2).")
    ):
        audit(np.zeros((3, 2)))


def test_empty_sensitive_dict():
    with pytest.raises(ValueError, match="sensitive_features is an empty dict"):
        audit(sf={})


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"ci": 1.5}, "ci must be between 0 and 1"),
        ({"ci_method": "exact"}, "ci_method='exact' is unknown"),
        ({"min_group_size": -1}, "min_group_size must be >= 0"),
    ],
)
def test_bad_interval_options(kwargs, message):
    with pytest.raises(ValueError, match=re.escape(message)):
        audit(**kwargs)


@pytest.mark.parametrize("form", ["column-name", "dict", "list-of-series", "dataframe", "series"])
def test_categorical_order_survives_every_input_form(form):
    levels = pd.Categorical(["lo", "hi"] * 3, categories=["lo", "hi"])
    frame = pd.DataFrame({"y": Y_TRUE, "p": Y_PRED, "level": levels})
    sf = {
        "column-name": "level",
        "dict": {"level": frame["level"]},
        "list-of-series": [frame["level"]],
        "dataframe": frame[["level"]],
        "series": frame["level"],
    }[form]
    gm = GroupMetrics("y", "p", sf, data=frame)
    assert gm.by_group.index.tolist() == ["lo", "hi"]


def test_two_series_with_the_same_name_are_rejected():
    s = pd.Series(GROUPS, name="g")
    with pytest.raises(ValueError, match="sensitive_features has two Series named 'g'"):
        audit(sf=[s, s])
