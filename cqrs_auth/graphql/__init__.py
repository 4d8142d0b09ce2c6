"""The GraphQL entry point: the SDL in schema/, bound to thin resolvers with ariadne, executed
synchronously by graphql-core with the kit's limits and error handling."""

from .executor import GraphQLExecutor
from .schema import build_schema, load_sdl

__all__ = ["GraphQLExecutor", "build_schema", "load_sdl"]
