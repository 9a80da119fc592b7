"""A throw-away PostgreSQL server for tests: initdb in a temp dir, run on 127.0.0.1:<free port>, stop by pid."""

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
    bin_dir = _bin_dir()
    assert bin_dir is not None
    prefix = _as_user()
    data = tempfile.mkdtemp(prefix="clinic-log-pg-")
    if prefix:
        shutil.chown(data, "postgres")
    port = _free_port()
    subprocess.run([*prefix, f"{bin_dir}/initdb", "-D", data, "-A", "trust", "-U", "clinic", "-E", "UTF8"],
                   check=True, capture_output=True)
    server = subprocess.Popen([*prefix, f"{bin_dir}/postgres", "-D", data, "-p", str(port), "-k", data,
                               "-c", "listen_addresses=127.0.0.1", "-c", "fsync=off"],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 30
        while True:
            ready = subprocess.run([f"{bin_dir}/pg_isready", "-h", "127.0.0.1", "-p", str(port)],
                                   capture_output=True)
            if ready.returncode == 0:
                break
            if time.monotonic() > deadline or server.poll() is not None:
                raise RuntimeError("PostgreSQL did not start")
            time.sleep(0.1)
        subprocess.run([f"{bin_dir}/createdb", "-h", "127.0.0.1", "-p", str(port), "-U", "clinic", "clinic"],
                       check=True, capture_output=True)
        yield f"postgresql+psycopg://clinic@127.0.0.1:{port}/clinic"
    finally:
        _stop(data, server)
        shutil.rmtree(data, ignore_errors=True)


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
    admin = create_engine(template_url.rsplit("/", 1)[0] + "/postgres", isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(text(f"CREATE DATABASE {name} TEMPLATE clinic"))
        yield template_url.rsplit("/", 1)[0] + f"/{name}"
        with admin.connect() as conn:
            conn.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
    finally:
        admin.dispose()
