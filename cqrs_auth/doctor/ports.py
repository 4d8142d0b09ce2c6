"""The doctor's port checks: is each port the course needs free, or held by JupyterLab itself?

`bash scripts/start` runs JupyterLab on port 8888, and the course's steps run the doctor after it,
so a Jupyter server on that port is the course's own (or another one, and then JupyterLab takes
the next free port): not a failure. A Jupyter server says so at `/api` with a JSON object
holding its version; anything else on the port (another program, or none that answers HTTP)
still fails.
"""

from __future__ import annotations

import json
import os
import socket
import urllib.request

from .checks import Check

JUPYTER_PORT = 8888
ASK_SECONDS = 2
PORT_ADVICE = {
    8888: "JupyterLab: stop what listens there, or use the URL JupyterLab prints (it takes the "
    "next free port)",
    3000: "cqrs-auth serve: stop what listens there, or run `cqrs-auth serve --port 3001`",
}
JUPYTER_NOTE = (
    "if it is not the course's, `scripts/start` takes the next free port: use the URL it prints"
)


def check_port(port: int, host: str = "127.0.0.1") -> Check:
    if _is_free(port, host):
        return Check(True, f"port {port} is free")
    version = jupyter_version(port, host) if port == JUPYTER_PORT else None
    if version is not None:
        return Check(
            True, f"port {port}: JupyterLab runs there (Jupyter Server {version})", JUPYTER_NOTE
        )
    advice = PORT_ADVICE.get(port, "stop what listens there, or choose another port")
    return Check(False, f"port {port} is in use", advice)


def _is_free(port: int, host: str) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        if os.name != "nt":  # as the servers bind; on Windows it would share a busy port
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError:
            return False
    return True


def jupyter_version(port: int, host: str = "127.0.0.1") -> str | None:
    """The version a Jupyter server on the port gives at `/api`, or None if none answers so.
    (No proxy: an HTTP_PROXY in the environment must not answer for localhost.)"""
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    try:
        with opener.open(f"http://{host}:{port}/api", timeout=ASK_SECONDS) as answer:
            body = json.loads(answer.read(10_000))
    except (OSError, ValueError):  # refused, timed out, an HTTP error, or not JSON
        return None
    version = body.get("version") if isinstance(body, dict) else None
    return version if isinstance(version, str) else None
