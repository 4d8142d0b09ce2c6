"""Throughput without the hash, against the floor, and from one worker to two, on MariaDB.

    python benchmarks/throughput.py [--mysql-url URL] [--seconds 5] [--rounds 3]

Servers, all on one MariaDB (a throwaway one unless `--mysql-url` is given), started together
and loaded in turn by wrk (one thread), so that every ratio is measured side by side:

- the floor (benchmarks/floor.py, one worker): one primary-key SELECT and JSON, nothing else;
- the kit without its hash (benchmarks/nohash.py) with one worker and with two.

Table 1: requests/s of the floor, a no-hash login and `me` (one worker each) with 1, 8 and 32
clients, and floor / login (target: at most 3). Table 2: login and `me` with 8 and 32 clients
on one worker and on two, the ratio (target: at least 1.7 on two cores), the most the cores
allow (cores x 1000 / CPU ms per request of server, MariaDB and wrk together, over one
worker's rate: the server, MariaDB and wrk share the machine's cores), and the CPU each request
took from each. Each figure is the median of `--rounds` runs. The logins take turns among 200
users (common.LOGIN_USERS), as real logins would: one user's logins queue for its lockout row.
"""

from __future__ import annotations

import argparse
import os

import common
import jwt
from common import BenchServer, Wrk, databases, load_average, no_hash_server, print_table

CORES = len(os.sched_getaffinity(0))


class Runs(common.Runs):
    def ceiling(self, name: str, clients: int) -> float:
        """The most two workers could reach over one, were the cores the only limit: the
        machine's cores divided by the CPU a request takes from everything (server, MariaDB
        and wrk, as measured with two workers), over one worker's rate."""
        per_request = sum(self.cpu_parts(f"{name}, 2 workers", clients))
        return CORES * 1000 / per_request / self.rate(f"{name}, 1 worker", clients)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mysql-url", help="default: a throwaway MariaDB (scripts/mariadb.sh)")
    parser.add_argument("--seconds", type=float, default=5)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    wrk = Wrk()
    print(f"load average at the start: {load_average()}")
    with databases(args.mysql_url, sqlite=False) as [(_, url)]:
        kits = {1: no_hash_server(url, 1), 2: no_hash_server(url, 2)}
        scripts, token = wrk.login_and_me(kits[1].url)
        user_id = jwt.decode(token, options={"verify_signature": False})["sub"]
        floor = BenchServer("floor.py", url, 1, "--user-id", user_id)
        runs = Runs(wrk, args.seconds)
        try:
            for _ in range(args.rounds):
                for clients in (1, 8, 32):
                    runs.run("floor", floor, scripts["me"], clients)
                    for name, script in scripts.items():
                        runs.run(f"{name}, 1 worker", kits[1], script, clients)
                        if clients > 1:
                            runs.run(f"{name}, 2 workers", kits[2], script, clients)
        finally:
            for server in (floor, *kits.values()):
                server.stop()
    report(runs, args)


def report(runs: Runs, args: argparse.Namespace) -> None:
    print(f"no hash, MariaDB, wrk -t1, {args.seconds:g} s a run, medians of {args.rounds} rounds")
    rows = []
    for clients in (1, 8, 32):
        floor, login = runs.rate("floor", clients), runs.rate("login, 1 worker", clients)
        me = runs.rate("me, 1 worker", clients)
        rows.append([clients, f"{floor:.0f}", f"{login:.0f}", f"{me:.0f}", f"{floor / login:.2f}"])
    print_table(["clients", "floor/s", "login/s", "me/s", "floor / login (target <= 3)"], rows)
    rows = []
    for name in ("login", "me"):
        for clients in (8, 32):
            one, two = (
                runs.rate(f"{name}, 1 worker", clients),
                runs.rate(f"{name}, 2 workers", clients),
            )
            rows.append([name, clients, f"{one:.0f}", f"{two:.0f}", f"{two / one:.2f}",
                         f"{runs.ceiling(name, clients):.2f}",
                         runs.cpu_ms(f"{name}, 1 worker", clients),
                         runs.cpu_ms(f"{name}, 2 workers", clients)])  # fmt: skip
    headers = ["request", "clients", "1 worker/s", "2 workers/s", "ratio (target >= 1.7)"]
    headers += [f"most {CORES} cores allow", "CPU ms server / MariaDB / wrk, 1 worker"]
    headers += ["same, 2 workers"]
    print_table(headers, rows)
    print(f"load average at the end: {load_average()}")


if __name__ == "__main__":
    main()
