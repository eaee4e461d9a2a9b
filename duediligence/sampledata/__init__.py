"""Seeded generators for the sample data: roster, signals, labels, corpora and scale data."""
