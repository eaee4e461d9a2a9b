"""Reviewers' decisions (four-eyes), users and roles, and the tamper-evident audit trail."""
