"""Close-match suggestions (glassnet._suggest) and the registries' messages that use them."""

from __future__ import annotations

import pytest

import glassnet as gn
from glassnet._suggest import close_matches, did_you_mean


@pytest.mark.parametrize("name, choices, expected", [
    ("Diagnosis", ["id", "diagnosis", "radius"], ["diagnosis"]),
    ("diagnoss", ["id", "diagnosis", "radius"], ["diagnosis"]),
    ("zzz", ["id", "diagnosis"], []),
    ("id", ["id", "ID"], []),                          # an exact name needs no suggestion
    ("Id", ["idx", "ID", "id"], ["ID", "id", "idx"]),  # case-insensitive matches first
])
def test_close_matches(name, choices, expected):
    assert close_matches(name, choices) == expected


@pytest.mark.parametrize("name, expected", [
    ("Diagnosis", " (did you mean 'diagnosis'?)"),
    ("nothing-like-it", ""),
])
def test_did_you_mean(name, expected):
    assert did_you_mean(name, ["id", "diagnosis"]) == expected


@pytest.mark.parametrize("get, name, message", [
    (gn.activations.get, "tahn", r"unknown activation 'tahn'.*\(did you mean 'tanh'\?\)"),
    (gn.optimizers.get, "adma", r"unknown optimizer 'adma'.*\(did you mean 'adam'\?\)"),
    (gn.losses.get, "binary_crossentropi", r"\(did you mean 'binary_crossentropy'\?\)"),
    (gn.initializers.get, "he_norml", r"\(did you mean 'he_normal'\?\)"),
    (gn.layers.get_class, "dense", r"unknown layer type 'dense'.*\(did you mean 'Dense'\?\)"),
])
def test_registries_suggest_the_close_name(get, name, message):
    with pytest.raises(ValueError, match=message):
        get(name)


def test_unknown_metric_suggests_the_close_name():
    model = gn.Sequential([gn.layers.Dense(1, activation="sigmoid")])
    with pytest.raises(ValueError, match=r"unknown metric 'acuracy'.*did you mean 'accuracy'"):
        model.compile(loss="binary_crossentropy", optimizer="sgd", metrics=["acuracy"])
