"""The executable schema: the SDL in schema/*.graphql, with the kit's scalar and resolvers bound
by ariadne. ariadne fails fast when a resolver names a field the SDL does not have."""

from __future__ import annotations

from ariadne import load_schema_from_path, make_executable_schema
from graphql import GraphQLSchema

from ..resources import schema_dir
from .beyond_resolvers import user
from .date_time import date_time
from .resolvers import mutation, query
from .scalars import email_address


def load_sdl() -> str:
    return load_schema_from_path(schema_dir())


def build_schema() -> GraphQLSchema:
    return make_executable_schema(load_sdl(), query, mutation, user, email_address, date_time)
