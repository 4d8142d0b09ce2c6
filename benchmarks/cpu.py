"""The server's CPU per request, without the hash: a login and `me`, over HTTP, on MariaDB.

    python benchmarks/cpu.py [--mysql-url URL] [--seconds 8] [--rounds 3] [--clients 8]

Runs the kit without its hash (benchmarks/nohash.py, one process) on MariaDB (a throwaway
server unless `--mysql-url` is given), signs 200 users up, and then, `--rounds` times in turn,
sends their logins (in turn) and user0's `me` with wrk for `--seconds` each. For each, the
server process's CPU time (user + system, from /proc/PID/stat, all its threads, the read
model's included) over the requests it answered: the median of the rounds. Targets of issue
11: a login at most 1.5 ms, `me` at most 0.6 ms. Two servers side by side, with uvicorn's
access log (the default) and without it (ACCESS_LOG=false).
"""

from __future__ import annotations

import argparse

from common import Runs, Wrk, databases, load_average, no_hash_server, print_table

TARGETS = {"login": 1.5, "me": 0.6}  # ms, issue 11


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mysql-url", help="default: a throwaway MariaDB (scripts/mariadb.sh)")
    parser.add_argument("--seconds", type=float, default=8)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--clients", type=int, default=8)
    args = parser.parse_args()
    wrk = Wrk()
    print(f"load average at the start: {load_average()}")
    with databases(args.mysql_url, sqlite=False) as [(_, url)]:
        servers = {
            "ACCESS_LOG=true (default)": no_hash_server(url),
            "ACCESS_LOG=false": no_hash_server(url, env={"ACCESS_LOG": "false"}),
        }
        runs = Runs(wrk, args.seconds)
        try:
            scripts, _ = wrk.login_and_me(servers["ACCESS_LOG=false"].url)
            for server in servers.values():
                for script in scripts.values():
                    wrk.run(server.url, script, args.clients, 2)  # warm up
            for _ in range(args.rounds):
                for log, server in servers.items():
                    for name, script in scripts.items():
                        runs.run(f"{name}|{log}", server, script, args.clients)
        finally:
            for server in servers.values():
                server.stop()
    rows = []
    for name in sorted(scripts):
        for log in sorted(servers):
            run = f"{name}|{log}"
            cpu = runs.cpu_parts(run, args.clients)[0]  # the server's share
            rate = runs.rate(run, args.clients)
            rows.append([name, log, f"{cpu:.2f}", f"{TARGETS[name]:.1f}", f"{rate:.0f}"])
    print(f"no-hash server on MariaDB, {args.clients} clients, medians of {args.rounds} rounds")
    print_table(["request", "access log", "server CPU ms/request", "target", "requests/s"], rows)
    print(f"load average at the end: {load_average()}")


if __name__ == "__main__":
    main()
