"""Local servers for the tests: a free loopback port, and waiting until a freshly started server answers.

Used by the Oxigraph endpoint (endpoint.py), Virtuoso (virtuoso.py) and `coopkg serve` (test_serve.py)."""
from __future__ import annotations

import socket
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Callable


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until_answering(url: str, process: subprocess.Popen, name: str, log_tail: Callable[[], str],
                         timeout: float, interval: float = 0.2) -> None:
    """Poll `url` until it answers 200. Raises RuntimeError with the server's log when the process exits
    first or `timeout` seconds pass (the caller stops the process)."""
    deadline = time.monotonic() + timeout
    while True:
        if process.poll() is not None:
            raise RuntimeError(f"{name} exited with {process.returncode}: {log_tail()}")
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        if time.monotonic() > deadline:
            raise RuntimeError(f"{name} did not answer on {url} within {timeout:.0f} s: {log_tail()}")
        time.sleep(interval)
