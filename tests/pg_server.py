"""A throw-away PostgreSQL server for tests: initdb in a temp dir, run on 127.0.0.1:<free port>, stop by pid.

The benchmarks run theirs the same way (`kept_server`), on a data folder they keep between runs.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager


def _bin_dir() -> str | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/postgres"))
    return os.path.dirname(found[-1]) if found else shutil.which("postgres") and os.path.dirname(
        shutil.which("postgres") or "")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _as_user() -> list[str]:
    """PostgreSQL refuses to run as root: drop to the 'postgres' account when we are root."""
    if os.geteuid() != 0:
        return []
    pwd.getpwnam("postgres")  # KeyError when there is no such account
    return ["runuser", "-u", "postgres", "--"]


def unavailable_reason() -> str | None:
    if _bin_dir() is None:
        return "PostgreSQL server binaries not installed"
    try:
        _as_user()
    except KeyError:
        return "running as root and no 'postgres' account to run the server"
    return None


@contextmanager
def running_server() -> Iterator[str]:
    """Yield an SQLAlchemy URL of a fresh, empty database; the server is stopped afterwards."""
    data = tempfile.mkdtemp(prefix="clinic-log-pg-")
    try:
        with kept_server(data, ("fsync=off",)) as server_url:
            _createdb(server_url, "clinic")
            yield f"{server_url}/clinic"
    finally:
        shutil.rmtree(data, ignore_errors=True)


@contextmanager
def kept_server(data: str, settings: tuple[str, ...] = ()) -> Iterator[str]:
    """Run a server on the data folder `data` (made by initdb when it holds no cluster yet; the caller removes it),
    with extra `name=value` settings; yield its URL without a database name. The server is stopped afterwards."""
    bin_dir = _bin_dir()
    assert bin_dir is not None
    prefix = _as_user()
    os.makedirs(data, exist_ok=True)
    if prefix:
        shutil.chown(data, "postgres")
        os.chmod(data, 0o700)
    if not os.path.exists(os.path.join(data, "PG_VERSION")):
        subprocess.run([*prefix, f"{bin_dir}/initdb", "-D", data, "-A", "trust", "-U", "clinic", "-E", "UTF8"],
                       check=True, capture_output=True)
    port = _free_port()
    _servers[port] = _Server(bin_dir, prefix, data, port, settings)
    try:
        _servers[port].start()
        yield f"postgresql+psycopg://clinic@127.0.0.1:{port}"
    finally:
        _servers.pop(port).stop()


def _createdb(server_url: str, name: str) -> None:
    server = _server_of(server_url)
    subprocess.run([f"{server.bin_dir}/createdb", "-h", "127.0.0.1", "-p", str(server.port), "-U", "clinic", name],
                   check=True, capture_output=True)


class _Server:
    """One throw-away postmaster, which a test may stop and start again on the same port and data."""

    def __init__(self, bin_dir: str, prefix: list[str], data: str, port: int, settings: tuple[str, ...]) -> None:
        self.bin_dir, self.prefix, self.data, self.port, self.settings = bin_dir, prefix, data, port, settings
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        extra = [part for setting in self.settings for part in ("-c", setting)]
        self.process = server = subprocess.Popen(
            [*self.prefix, f"{self.bin_dir}/postgres", "-D", self.data, "-p", str(self.port), "-k", self.data,
             "-c", "listen_addresses=127.0.0.1", *extra],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 30
        while True:
            ready = subprocess.run([f"{self.bin_dir}/pg_isready", "-h", "127.0.0.1", "-p", str(self.port)],
                                   capture_output=True)
            if ready.returncode == 0:
                return
            if time.monotonic() > deadline or server.poll() is not None:
                raise RuntimeError("PostgreSQL did not start")
            time.sleep(0.1)

    def stop(self) -> None:
        if self.process is not None:
            _stop(self.data, self.process)
            self.process = None


_servers: dict[int, _Server] = {}


def _server_of(url: str) -> _Server:
    from sqlalchemy.engine import make_url

    port = make_url(url).port
    assert port is not None
    return _servers[port]


def stop_server(url: str) -> None:
    """Stop (fast shutdown: sessions are ended, open transactions rolled back) the server `url` is on."""
    _server_of(url).stop()


def require_password(url: str, role: str) -> None:
    """From now on `role` logs in to the server `url` is on only with its password (scram-sha-256); other roles
    stay on trust."""
    from sqlalchemy import create_engine, text

    hba = os.path.join(_server_of(url).data, "pg_hba.conf")
    with open(hba, encoding="utf-8") as handle:
        rules = handle.read()
    with open(hba, "w", encoding="utf-8") as handle:
        handle.write(f"host all {role} 127.0.0.1/32 scram-sha-256\n" + rules)
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(text("SELECT pg_reload_conf()"))
    finally:
        admin.dispose()


def start_server(url: str) -> None:
    """Start again the server `stop_server` stopped, on the same port and data."""
    _server_of(url).start()


def _stop(data: str, server: subprocess.Popen[bytes]) -> None:
    """Fast shutdown of the postmaster by its pid (runuser does not pass signals on)."""
    try:
        with open(os.path.join(data, "postmaster.pid")) as handle:
            pid = int(handle.readline())
        os.kill(pid, signal.SIGINT)
    except (OSError, ValueError):
        server.terminate()
    try:
        server.wait(timeout=30)
    except subprocess.TimeoutExpired:
        server.kill()


_counter = 0


@contextmanager
def fresh_database(template_url: str) -> Iterator[str]:
    """A new database copied from the (already migrated) template database, dropped afterwards."""
    from sqlalchemy import create_engine, text

    global _counter
    _counter += 1
    name = f"test_{os.getpid()}_{_counter}"
    admin = create_engine(template_url.rsplit("/", 1)[0] + "/postgres", isolation_level="AUTOCOMMIT",
                          pool_pre_ping=True)  # a test may have restarted the server meanwhile
    try:
        with admin.connect() as conn:
            conn.execute(text(f"CREATE DATABASE {name} TEMPLATE clinic"))
        yield template_url.rsplit("/", 1)[0] + f"/{name}"
        with admin.connect() as conn:
            conn.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
    finally:
        admin.dispose()
