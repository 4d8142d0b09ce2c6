"""The floor: the cheapest answer this stack gives. A bare Starlette endpoint under the same
uvicorn (httptools, uvloop) that runs one primary-key SELECT through PyMySQL and returns JSON,
with nothing else: no GraphQL, no thread, no transaction, no access log.

    python benchmarks/floor.py --database-url URL --user-id UUID [--port 3001] [--workers N]

Each worker keeps one PyMySQL connection (autocommit) and queries on the event loop itself.
"""

from __future__ import annotations

import argparse
import os
import uuid

import pymysql
import uvicorn
from sqlalchemy.engine import make_url
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

QUERY = "SELECT username, email FROM users WHERE userId = %s"


def create_app() -> Starlette:
    """The workers' app factory: the database and the user from the environment."""
    url = make_url(os.environ["FLOOR_DATABASE_URL"])
    key = uuid.UUID(os.environ["FLOOR_USER_ID"]).bytes
    connection = pymysql.connect(
        host=url.host, port=url.port or 3306, user=url.username, password=url.password,
        database=url.database, autocommit=True,
    )  # fmt: skip

    async def answer(request: Request) -> JSONResponse:
        await request.body()
        with connection.cursor() as cursor:
            cursor.execute(QUERY, (key,))
            username, email = cursor.fetchone()
        return JSONResponse({"data": {"me": {"username": username, "email": email}}})

    return Starlette(routes=[Route("/graphql", answer, methods=["POST"])])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--user-id", required=True)
    parser.add_argument("--port", type=int, default=3001)
    parser.add_argument("--workers", type=int, default=1)
    args = parser.parse_args()
    os.environ |= {"FLOOR_DATABASE_URL": args.database_url, "FLOOR_USER_ID": args.user_id}
    uvicorn.run(
        "floor:create_app", factory=True, port=args.port, workers=args.workers,
        http="httptools", access_log=False, log_level="warning",
    )  # fmt: skip


if __name__ == "__main__":
    main()
