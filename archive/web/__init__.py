"""`gazette serve`: a small read-only web application over DATA."""

from archive.web.app import create_app

__all__ = ["create_app"]
