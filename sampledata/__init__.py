"""Seeded generators for the sample data: roster, signals, labels, corpora and scale data.

A development tool beside the ``duediligence`` package, not part of it: the wheel does not carry
it (``[tool.hatch.build.targets.wheel] only-include`` in ``pyproject.toml``). The runtime reads
the files these generators wrote (``sample_data/``, found through ``duediligence.shipped``);
only ``duediligence sample ...`` imports them, from a source checkout, as do the tests and the
benchmarks. The generators may use the package's foundations (``csvutil``, ``shipped``), nothing
above them (``tests/test_layers.py``).
"""
