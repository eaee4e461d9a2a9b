"""Ingestion: readers, validated input schemas, and loaders for roster data, lists and feeds."""
