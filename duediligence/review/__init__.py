"""Reviewers' decisions (four-eyes), match and signal verdicts, EDD, retention."""
