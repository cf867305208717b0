"""Settings: every control value checked, refusals name the control, nothing half-applied."""

from __future__ import annotations

import pytest

from glassnet.playground.settings import (
    MAX_UNITS,
    Settings,
    SettingsError,
    changed_keys,
    parse_settings,
    to_query,
)


def test_defaults_are_tf_playground_like():
    s = Settings()
    assert (s.dataset, s.features, s.hidden, s.activation) == ("circle", ("x1", "x2"), (4, 2),
                                                               "tanh")
    assert s.task() == "binary"


@pytest.mark.parametrize("changes, key, expected", [
    ({"learning_rate": "0.1"}, "learning_rate", 0.1),
    ({"learning_rate": 3}, "learning_rate", 3.0),
    ({"batch_size": "25"}, "batch_size", 25),
    ({"hidden": [8, 8, 8]}, "hidden", (8, 8, 8)),
    ({"hidden": "3,1"}, "hidden", (3, 1)),
    ({"hidden": []}, "hidden", ()),
    ({"features": ["sin_x2", "x1"]}, "features", ("x1", "sin_x2")),
    ({"features": "x1,x1x2"}, "features", ("x1", "x1x2")),
    ({"optimizer": "nesterov"}, "optimizer", "nesterov"),
    ({"dataset": "spirals"}, "dataset", "spirals"),
    ({"dropout": "0.25"}, "dropout", 0.25),
    ({"noise": 35}, "noise", 35),
])
def test_good_values_are_parsed(changes, key, expected):
    assert getattr(parse_settings(changes), key) == expected


@pytest.mark.parametrize("changes, match", [
    ({"learning_rate": "abc"}, r"learning_rate must be a number, got 'abc'"),
    ({"learning_rate": 0}, r"learning_rate must be in \(0, 10\], got 0"),
    ({"learning_rate": -0.5}, r"learning_rate must be in \(0, 10\]"),
    ({"learning_rate": "nan"}, r"learning_rate must be a finite number"),
    ({"learning_rate": True}, r"learning_rate must be a number"),
    ({"hidden": [10_000]}, rf"units of hidden layer 0 must be between 1 and {MAX_UNITS}, "
                           r"got 10000"),
    ({"hidden": [4, 0]}, r"units of hidden layer 1 must be between 1 and"),
    ({"hidden": [2] * 7}, r"hidden layers must be at most 6, got 7"),
    ({"hidden": [1.5]}, r"units of hidden layer 0 must be a whole number, got 1.5"),
    ({"batch_size": -10}, r"batch_size must be between 1 and 2000, got -10"),
    ({"batch_size": "ten"}, r"batch_size must be a number"),
    ({"dataset": "mnist"}, r"dataset must be one of circle, xor, .*; got 'mnist'"),
    ({"features": []}, r"features must name at least one input feature"),
    ({"features": ["x3"]}, r"each feature must be one of x1, x2, .*; got 'x3'"),
    ({"activation": "swish"}, r"activation must be one of"),
    ({"optimizer": "lbfgs"}, r"optimizer must be one of sgd, momentum, nesterov, adam"),
    ({"noise": 80}, r"noise must be between 0 and 50, got 80"),
    ({"dropout": 0.95}, r"dropout must be in \[0, 0.9\], got 0.95"),
    ({"classes": 1}, r"classes must be between 2 and 6, got 1"),
    ({"lr": 0.1}, r"unknown setting\(s\) 'lr'"),
])
def test_bad_values_are_refused_with_a_message(changes, match):
    with pytest.raises(SettingsError, match=match):
        parse_settings(changes)


def test_a_refused_change_keeps_the_previous_settings():
    before = parse_settings({"learning_rate": 0.3, "hidden": [3]})
    with pytest.raises(SettingsError, match="batch_size"):
        parse_settings({"learning_rate": 1.0, "batch_size": -1}, before)
    assert before.learning_rate == 0.3 and before.hidden == (3,)


def test_not_a_dict_is_refused():
    with pytest.raises(SettingsError, match="settings must be a JSON object, got list"):
        parse_settings([1, 2])


def test_empty_changes_return_the_same_object_and_changed_keys():
    s = Settings()
    assert parse_settings({}, s) is s
    new = parse_settings({"learning_rate": 1, "hidden": [1]}, s)
    assert changed_keys(s, new) == {"learning_rate", "hidden"}


@pytest.mark.parametrize("dataset, task", [("circle", "binary"), ("plane", "regression"),
                                           ("multigauss", "regression"),
                                           ("spirals", "multiclass"), ("blobs", "multiclass")])
def test_task_follows_the_data_set(dataset, task):
    assert Settings(dataset=dataset).task() == task


def test_the_query_form_parses_back_to_the_same_settings():
    s = parse_settings({"dataset": "xor", "hidden": [5, 3], "features": ["x1", "x1x2"],
                        "learning_rate": 0.1, "optimizer": "adam"})
    assert parse_settings(to_query(s)) == s
