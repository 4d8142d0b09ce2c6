"""GraphQL over HTTP: the ASGI app (Starlette) and the uvicorn server."""

from .app import create_app

__all__ = ["create_app"]
