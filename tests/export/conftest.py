"""Keras runs on its PyTorch backend in these tests (no TensorFlow needed): ``KERAS_BACKEND``
is set here, before any test module imports keras. The models are in ``export_models.py``."""

from __future__ import annotations

import os

import pytest

os.environ["KERAS_BACKEND"] = "torch"

from export_models import MODELS  # noqa: E402


@pytest.fixture(params=sorted(MODELS))
def model_name(request) -> str:
    return request.param
