"""Figures the product's rules default to, in one module that imports nothing.

The CLI shows them in its help text, so they live apart from the code that applies them (which
imports the database and the name-matching libraries); see ``tests/test_cli_start.py``.
"""

from __future__ import annotations

# The screening score at and above which a hit is a potential match (matching.compare).
MATCH_THRESHOLD = 0.8

# Years after offboarding before a client's parties are pseudonymised (review.retention):
# 5 years after the end of the business relationship, EU AMLD 2015/849 art. 40(1)(b).
RETENTION_YEARS = 5
