"""duediligence: customer due-diligence and risk screening for SaaS vendors."""

# The one place the version is written: the wheel's metadata reads it from here
# ([tool.hatch.version] in pyproject.toml), and reading it here costs no importlib.metadata
# (about 40 ms at every start).
__version__ = "0.1.0"

__all__ = ["__version__"]
