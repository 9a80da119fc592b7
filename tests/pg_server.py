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
        server.send_signal(signal.SIGINT)  # fast shutdown
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
        shutil.rmtree(data, ignore_errors=True)
