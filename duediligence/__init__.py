"""duediligence: customer due-diligence and risk screening for SaaS vendors."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("duediligence")
except PackageNotFoundError:  # running from a source tree that was not installed
    __version__ = "0.0.0+local"

__all__ = ["__version__"]
