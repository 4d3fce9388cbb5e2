"""Skipping a test whose tool is missing: a skip on a developer's machine, a failure on CI.

Every skip says what to install or set; under ``CI=true`` a missing tool is a broken setup, so
the test fails with the same message instead of passing by skipping.
"""

from __future__ import annotations

import os

import pytest


def skip_or_fail(message: str) -> None:
    """Skip the test, or fail it on CI (CI=true), where a missing tool is a broken setup."""
    if os.environ.get("CI", "").strip().lower() == "true":
        pytest.fail(message, pytrace=False)
    pytest.skip(message)
