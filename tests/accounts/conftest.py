"""Fixtures of the accounts tests: the review tests' people (an admin, two reviewers, an
analyst, an auditor) and fresh settings around each test."""

from __future__ import annotations

from tests.review.conftest import _fresh_settings, people

__all__ = ["_fresh_settings", "people"]
