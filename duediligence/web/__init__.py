"""The reviewer web app and JSON API (FastAPI), over the same database and report templates."""

from duediligence.web.app import create_app

__all__ = ["create_app"]
