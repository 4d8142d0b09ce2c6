"""Looking for a person in every row of every table (chapter 10, issue 21).

The search reads the database as it is, not through the kit's repositories: every table the
database has (the kit's and any other), every row, every column, as the driver returns it.
Text is compared without regard to case; binary values are read as UTF-8 and compared the
same way; JSON is stored as text on both backends: it is searched as written and with its
`\\u` escapes read, so a payload's `Zo\\u00eb` is found as `Zoë`.
"""

from __future__ import annotations

import json
from collections import Counter
from typing import Any

import pandas as pd
from sqlalchemy import Engine, inspect, text

from ..bootstrap import App


def _as_text(value: Any) -> str:
    if isinstance(value, bytes | bytearray | memoryview):
        return bytes(value).decode("utf-8", errors="replace")
    written = "" if value is None else str(value)
    return f"{written}\n{_unescaped(written)}" if written[:1] in ("{", "[") else written


def _unescaped(text: str) -> str:
    """JSON as written with its \\u escapes read (`Zo\\u00eb` is `Zoë`); "" if not JSON."""
    try:
        return json.dumps(json.loads(text), ensure_ascii=False)
    except ValueError:
        return ""


def places_holding(engine: Engine, needle: str) -> Counter[tuple[str, str]]:
    """How many rows of each (table, column) hold `needle` (any case), in the whole database."""
    wanted, found = needle.casefold(), Counter[tuple[str, str]]()
    with engine.connect() as connection:
        for table in inspect(connection).get_table_names():
            quoted = connection.dialect.identifier_preparer.quote(table)
            for row in connection.execute(text(f"SELECT * FROM {quoted}")).mappings():  # noqa: S608 - names from the database itself
                for column, value in row.items():
                    if wanted in _as_text(value).casefold():
                        found[(table, column)] += 1
    return found


def search_everywhere(app: App, *needles: str) -> pd.DataFrame:
    """Where each of `needles` is, as a table (table, column, rows); empty if nowhere."""
    rows = [
        {"looking for": needle, "table": table, "column": column, "rows": count}
        for needle in needles
        for (table, column), count in sorted(places_holding(app.engine, needle).items())
    ]
    return pd.DataFrame(rows, columns=["looking for", "table", "column", "rows"])
