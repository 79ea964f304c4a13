"""Policies and saved audits read strictly (issue 15, "Policies and saved audits").

Hostile files are the fixtures: a duplicated key that turns FAIL into PASS, a
385-byte "billion laughs" of nested aliases, an impossible waiver date, a
policy path given to ``fairscope policies``, and tampered saved audits.
"""

from __future__ import annotations

import json

import numpy as np
import pytest

import fairscope
from fairscope.cli._main import main
from fairscope.judge import PolicyError, _strict_yaml, load_policy

RULE = "name: p\nrules:\n  - id: sr\n    metric: selection_rate\n"


def test_a_duplicated_key_is_refused_with_both_lines(tmp_path):
    path = tmp_path / "dup.yaml"
    path.write_text(RULE + "    fail: 0.8\n    fail: 0.1\n")
    with pytest.raises(PolicyError, match=r"dup.yaml line 6: key 'fail' is given twice.*line 5"):
        load_policy(path)


def test_nested_aliases_are_refused_at_once(tmp_path):
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x]"]
    for i in range(1, 10):
        lines.append(f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 9) + "]")
    path = tmp_path / "laughs.yaml"
    path.write_text("\n".join(lines) + "\nname: p\nrules: *a9\n")
    assert len(path.read_bytes()) < 600
    with pytest.raises(PolicyError, match=r"laughs.yaml line \d+: .*alias"):
        load_policy(path)


def test_a_policy_with_a_few_aliases_still_loads(tmp_path):
    path = tmp_path / "ok.yaml"
    path.write_text(
        "name: p\nrules:\n  - id: a\n    metric: selection_rate\n    fail: &limit 0.8\n"
        "  - id: b\n    metric: true_positive_rate\n    fail: *limit\n"
    )
    assert [r.fail for r in load_policy(path).rules] == [0.8, 0.8]


def test_the_c_parser_is_used_when_libyaml_is_installed():
    import yaml

    if getattr(yaml, "__with_libyaml__", False):
        assert issubclass(_strict_yaml._StrictLoader, yaml.CSafeLoader)


def test_the_file_is_parsed_once(tmp_path, monkeypatch):
    calls = []
    real = _strict_yaml._StrictLoader.get_single_node

    def counted(self):
        calls.append(1)
        return real(self)

    monkeypatch.setattr(_strict_yaml._StrictLoader, "get_single_node", counted)
    path = tmp_path / "p.yaml"
    path.write_text(RULE + "    fail: 0.8\n")
    load_policy(path)
    assert len(calls) == 1


def test_an_impossible_waiver_date_names_the_file_key_and_line(tmp_path):
    path = tmp_path / "w.yaml"
    path.write_text(
        RULE + "    fail: 0.8\nwaivers:\n  - rule: sr\n    group: b\n    justification: j\n"
        "    owner: o\n    expires: 2026-02-30\n"
    )
    with pytest.raises(PolicyError, match=r"w.yaml line 11: waivers\[0\]\.expires: .*2026-02-30"):
        load_policy(path)


def test_policies_prints_a_policy_file_given_by_path(tmp_path, capsys):
    path = tmp_path / "p.yaml"
    path.write_text(RULE + "    fail: 0.8\n")
    (tmp_path / "p.yaml.yaml").write_text("WRONG FILE\n")
    assert main(["policies", str(path)]) == 0
    assert capsys.readouterr().out == path.read_text()


# -- saved audits ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def saved():
    rng = np.random.default_rng(0)
    n = 400
    result = fairscope.audit_predictions(
        rng.integers(0, 2, n),
        rng.integers(0, 2, n),
        sensitive_features=rng.choice(["a", "b"], n),
        policy="four-fifths",
    )
    return json.loads(result.to_json())


@pytest.mark.parametrize("text", ["", "   ", "not json", "[1, 2]"])
def test_from_json_refuses_text_that_is_neither_an_audit_nor_an_existing_file(text):
    with pytest.raises(ValueError, match=r"AuditResult\.from_json"):
        fairscope.AuditResult.from_json(text)


def test_from_json_refuses_deep_nesting_without_recursion_error():
    text = '{"a": ' * 100_000 + "1" + "}" * 100_000
    with pytest.raises(ValueError, match="nest"):
        fairscope.AuditResult.from_json(text)


def test_from_json_refuses_tables_of_unequal_column_lengths(saved):
    tampered = json.loads(json.dumps(saved))
    _shorten_one_column(tampered["tables"]["counts"])
    with pytest.raises(ValueError, match="counts"):
        fairscope.AuditResult.from_json(json.dumps(tampered))


def test_from_json_refuses_negative_counts(saved):
    tampered = json.loads(json.dumps(saved))
    _negate_a_count(tampered["tables"]["counts"])
    with pytest.raises(ValueError, match="negative"):
        fairscope.AuditResult.from_json(json.dumps(tampered))


def _shorten_one_column(table):
    column = table["columns"][-1]
    column["values"] = column["values"][:-1]


def _negate_a_count(table):
    column = next(c for c in table["columns"] if c["name"] == "tp")
    column["values"][0] = -5


def test_a_recursive_alias_is_refused(tmp_path):
    path = tmp_path / "loop.yaml"
    path.write_text("a: &a [*a]\nname: p\nrules: *a\n")
    with pytest.raises(PolicyError, match=r"loop.yaml line 1: aliases"):
        load_policy(path)


def test_a_bootstrap_without_a_seed_records_one_that_reproduces_it():
    rng = np.random.default_rng(0)
    n = 300
    y, p, g = rng.integers(0, 2, n), rng.integers(0, 2, n), rng.choice(["a", "b"], n)
    first = fairscope.audit_predictions(
        y, p, sensitive_features=g, ci_method="bootstrap", n_boot=200
    )
    seed = first.reproducibility["random_seed"]
    assert isinstance(seed, int)
    again = fairscope.audit_predictions(
        y, p, sensitive_features=g, ci_method="bootstrap", n_boot=200, random_state=seed
    )
    assert first.tables["intervals"].equals(again.tables["intervals"])
