"""Test helper: a private Virtuoso Open Source instance (Debian's `virtuoso-opensource`) for the push tests, with
its own database and virtuoso.ini in a temporary folder, on free 127.0.0.1 ports; made once per session.

Import the fixture into a test module (`from virtuoso import virtuoso`). The database's `dba` account gets a random
password, and may write through the digest-authenticated endpoints /sparql-graph-crud-auth (Graph Store Protocol)
and /sparql-auth (SPARQL Update), so nothing needs granting; /sparql answers queries without a login, with the union
of all graphs as its default graph.
"""
from __future__ import annotations

import secrets
import shutil
import subprocess
import urllib.parse
from dataclasses import dataclass
from pathlib import Path
from typing import IO

import pytest

from servers import free_port, wait_until_answering

#: Debian's server binary; .ci/run installs the package, so a missing binary fails the tests instead of skipping them
BINARY_NAMES = ("virtuoso-t", "virtuoso")
START_TIMEOUT = 90.0

_made: dict[str, "VirtuosoServer"] = {}


def virtuoso_binary() -> Path | None:
    for name in BINARY_NAMES:
        found = shutil.which(name)
        if found:
            return Path(found)
    return None


def write_ini(folder: Path, sql_port: int, http_port: int) -> Path:
    """A minimal virtuoso.ini keeping every file in `folder` and listening on 127.0.0.1 only."""
    (folder / "vsp").mkdir(exist_ok=True)
    ini = folder / "virtuoso.ini"
    ini.write_text(f"""\
[Database]
DatabaseFile       = {folder}/virtuoso.db
ErrorLogFile       = {folder}/virtuoso.log
LockFile           = {folder}/virtuoso.lck
TransactionFile    = {folder}/virtuoso.trx
xa_persistent_file = {folder}/virtuoso.pxa
ErrorLogLevel      = 7
FileExtend         = 200
MaxCheckpointRemap = 2000
Striping           = 0
TempStorage        = TempDatabase

[TempDatabase]
DatabaseFile       = {folder}/virtuoso-temp.db
TransactionFile    = {folder}/virtuoso-temp.trx
MaxCheckpointRemap = 2000
Striping           = 0

[Parameters]
ServerPort         = 127.0.0.1:{sql_port}
DisableUnixSocket  = 1
CheckpointInterval = 60
NumberOfBuffers    = 10000
MaxDirtyBuffers    = 6000
DirsAllowed        = {folder}

[HTTPServer]
ServerPort         = 127.0.0.1:{http_port}
ServerRoot         = {folder}/vsp
ServerThreads      = 10
MaxClientConnections = 10
Charset            = UTF-8

[SPARQL]
ResultSetMaxRows   = 100000
MaxQueryExecutionTime = 120
MaxQueryCostEstimationTime = 400
""", encoding="utf-8")
    return ini


@dataclass
class VirtuosoServer:
    """A running private Virtuoso: its endpoint URLs and the account that may write."""

    folder: Path
    process: subprocess.Popen
    http_port: int
    password: str
    output: IO[bytes]
    user: str = "dba"

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.http_port}"

    @property
    def query_url(self) -> str:
        return self.base + "/sparql"

    @property
    def gsp_url(self) -> str:
        return self.base + "/sparql-graph-crud-auth"

    @property
    def update_url(self) -> str:
        return self.base + "/sparql-auth"

    def log_tail(self) -> str:
        log = self.folder / "virtuoso.log"
        return log.read_text(errors="replace")[-2000:] if log.exists() else "(no log)"

    def stop(self) -> None:
        """SIGTERM makes Virtuoso checkpoint and exit; kill it if it does not within the timeout."""
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
        self.output.close()


def start_virtuoso(folder: Path, timeout: float = START_TIMEOUT) -> VirtuosoServer:
    binary = virtuoso_binary()
    if binary is None:
        pytest.fail("Virtuoso is not installed (no virtuoso-t on PATH): .ci/run installs it with "
                    "`apt-get install -y --no-install-recommends virtuoso-opensource`; run that, as root, and rerun")
    http_port = free_port()
    sql_port = free_port()
    while sql_port == http_port:
        sql_port = free_port()
    ini = write_ini(folder, sql_port, http_port)
    password = "pw-" + secrets.token_urlsafe(12)
    output = open(folder / "stdout.log", "wb")
    # a first run creates the database, replaces the well-known dba password and exits
    try:
        subprocess.run([str(binary), "+configfile", str(ini), "+foreground", "+pwdold", "dba", "+pwddba", password],
                       cwd=folder, stdout=output, stderr=subprocess.STDOUT, timeout=timeout, check=True)
    except (subprocess.CalledProcessError, subprocess.TimeoutExpired) as err:
        output.close()
        log = folder / "virtuoso.log"
        raise RuntimeError(f"creating the Virtuoso database failed ({err}): "
                           + (log.read_text(errors="replace")[-2000:] if log.exists() else "no log")) from None
    # +foreground keeps it our child, so the session can stop it; cwd keeps any stray file in the folder
    process = subprocess.Popen([str(binary), "+configfile", str(ini), "+foreground"], cwd=folder,
                               stdout=output, stderr=subprocess.STDOUT)
    server = VirtuosoServer(folder, process, http_port, password, output)
    try:
        # a new database takes a few seconds to initialise
        wait_until_answering(server.query_url + "?" + urllib.parse.urlencode({"query": "ASK {}"}), process,
                             "virtuoso-t", server.log_tail, timeout, interval=0.25)
    except BaseException:
        server.stop()
        raise
    return server


@pytest.fixture(scope="session")
def virtuoso(tmp_path_factory):
    """A private Virtuoso for the whole session, stopped at its end."""
    if "server" not in _made:
        _made["server"] = start_virtuoso(tmp_path_factory.mktemp("virtuoso"))
    server = _made["server"]
    yield server
    server.stop()
