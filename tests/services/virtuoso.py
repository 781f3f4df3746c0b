"""A throw-away Virtuoso Open Source server on loopback, for the remote-backend contract tests.

``make test`` installs Debian's ``virtuoso-opensource`` when it is absent (scripts/test-services.sh);
this module starts ``virtuoso-t`` on free ports with a fresh database in a temporary folder, opens
SPARQL Update and the Graph Store Protocol to the anonymous SPARQL user (loopback only, throw-away
data) and stops it afterwards.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

import httpx

INI = """[Database]
DatabaseFile = {dir}/virtuoso.db
ErrorLogFile = {dir}/virtuoso.log
LockFile = {dir}/virtuoso.lck
TransactionFile = {dir}/virtuoso.trx
xa_persistent_file = {dir}/virtuoso.pxa
ErrorLogLevel = 7
FileExtend = 200
MaxCheckpointRemap = 2000
Striping = 0
TempStorage = TempDatabase

[TempDatabase]
DatabaseFile = {dir}/virtuoso-temp.db
TransactionFile = {dir}/virtuoso-temp.trx
MaxCheckpointRemap = 2000
Striping = 0

[Parameters]
ServerPort = 127.0.0.1:{sql_port}
DisableUnixSocket = 1
DisableTcpSocket = 0
MaxClientConnections = 20
CheckpointInterval = 60
CaseMode = 2
DirsAllowed = ., {dir}
NumberOfBuffers = {buffers}
MaxDirtyBuffers = {dirty_buffers}
ThreadsPerQuery = 2
MaxQueryMem = 1G
MaxSortedTopRows = 1000000

[HTTPServer]
ServerPort = 127.0.0.1:{http_port}
ServerRoot = {dir}
MaxClientConnections = 20
ServerThreads = 20
EnabledDavVSP = 0
Charset = UTF-8

[SPARQL]
ResultSetMaxRows = {max_rows}
MaxQueryCostEstimationTime = 0
MaxQueryExecutionTime = 120
"""

SETUP_SQL = """GRANT SPARQL_UPDATE TO "SPARQL";
GRANT EXECUTE ON DB.DBA.L_O_LOOK TO "SPARQL";
GRANT EXECUTE ON DB.DBA.SPARUL_RUN TO "SPARQL";
GRANT EXECUTE ON DB.DBA.SPARQL_INSERT_DICT_CONTENT TO "SPARQL";
GRANT EXECUTE ON DB.DBA.SPARQL_DELETE_DICT_CONTENT TO "SPARQL";
DB.DBA.RDF_DEFAULT_USER_PERMS_SET ('nobody', 7);
DB.DBA.RDF_DEFAULT_USER_PERMS_SET ('SPARQL', 7);
"""


@dataclass
class VirtuosoServer:
    process: subprocess.Popen
    directory: Path
    http_port: int
    sql_port: int

    @property
    def sparql(self) -> str:
        return f"http://127.0.0.1:{self.http_port}/sparql"

    @property
    def graph_store(self) -> str:
        return f"http://127.0.0.1:{self.http_port}/sparql-graph-crud"

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def missing_reason() -> str | None:
    for binary in ("virtuoso-t", "isql-vt"):
        if shutil.which(binary) is None:
            return (f"{binary} not found: install Debian's virtuoso-opensource (make test does this via "
                    "scripts/test-services.sh when run as root)")
    return None


def start(directory: Path, timeout: float = 90, *, memory_mb: int = 160, max_rows: int = 10_000_000) -> VirtuosoServer:
    """A fresh server in ``directory`` with about ``memory_mb`` of page buffers (8 KB each; the
    benchmarks give it what Virtuoso's guide recommends for their data, the tests the minimum) and
    answers of at most ``max_rows`` rows (ResultSetMaxRows; over HTTP never more than 1,048,576)."""
    reason = missing_reason()
    if reason:
        raise RuntimeError(reason)
    directory.mkdir(parents=True, exist_ok=True)
    http_port, sql_port = _free_port(), _free_port()
    ini = directory / "virtuoso.ini"
    buffers = memory_mb * 1024 // 8
    ini.write_text(INI.format(dir=directory, http_port=http_port, sql_port=sql_port, buffers=buffers,
                              dirty_buffers=buffers * 3 // 4, max_rows=max_rows))
    log = (directory / "stdout.log").open("w")
    process = subprocess.Popen(["virtuoso-t", "+foreground", "+configfile", str(ini)], cwd=directory,
                               stdout=log, stderr=subprocess.STDOUT)
    server = VirtuosoServer(process, directory, http_port, sql_port)
    deadline = time.time() + timeout
    while True:
        if process.poll() is not None:
            raise RuntimeError(f"virtuoso-t exited: {(directory / 'virtuoso.log').read_text(errors='replace')[-2000:]}")
        try:
            if httpx.get(server.sparql, params={"query": "ASK {}"}, timeout=2).status_code == 200:
                break
        except httpx.TransportError:
            pass
        if time.time() > deadline:
            server.stop()
            raise RuntimeError("virtuoso did not answer in time")
        time.sleep(0.5)
    try:
        isql(server, SETUP_SQL)
    except RuntimeError:
        server.stop()
        raise
    return server


def isql(server: VirtuosoServer, sql: str, timeout: float = 60) -> str:
    """Run SQL statements as dba; RuntimeError with Virtuoso's message when one fails."""
    done = subprocess.run(["isql-vt", f"127.0.0.1:{server.sql_port}", "dba", "dba"], input=sql,
                          capture_output=True, text=True, timeout=timeout)
    if done.returncode != 0 or "Error" in done.stdout:
        raise RuntimeError(f"virtuoso SQL failed: {done.stdout[-1500:]} {done.stderr[-500:]}")
    return done.stdout


def bulk_load(server: VirtuosoServer, nquads: Path, timeout: float = 7200) -> None:
    """Load an N-Quads file with Virtuoso's bulk loader (each quad into its own graph), then checkpoint;
    the file must be inside the server's folder (its DirsAllowed)."""
    isql(server, f"ld_dir('{nquads.parent}', '{nquads.name}', 'urn:kmgraph:unused');\n"
                 "rdf_loader_run();\ncheckpoint;\n", timeout=timeout)
    failed = isql(server, "SELECT ll_file, ll_error FROM DB.DBA.load_list WHERE ll_error IS NOT NULL;\n")
    if "0 Rows" not in failed:
        raise RuntimeError(f"virtuoso bulk load failed: {failed[-1500:]}")
