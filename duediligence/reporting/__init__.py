"""Review reports an auditor can trust: context builders, templates, charts, PDF, integrity."""
