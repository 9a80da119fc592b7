"""main(): parse arguments, set up logging, then run a CLI command or start the GUI."""

from __future__ import annotations

import contextlib
import logging
import os
import sys
from collections.abc import Sequence
from logging.handlers import RotatingFileHandler

from clinic_log import cli, paths


def _setup_logging() -> None:
    try:
        paths.private_dir(paths.log_dir())  # logs name clients and users: owner-only like the data folder
        handler: logging.Handler = RotatingFileHandler(paths.log_dir() / "clinic-log.log", maxBytes=2_000_000,
                                                       backupCount=5, encoding="utf-8")
    except OSError:
        handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    logging.basicConfig(level=logging.INFO, handlers=[handler])


def _quiet_stdout() -> None:
    """Point stdout at /dev/null so Python's flush at exit does not fail again on the closed pipe."""
    with contextlib.suppress(OSError, ValueError):
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())


def main(argv: Sequence[str] | None = None) -> int:
    args = cli.parse(argv)
    _setup_logging()
    location = paths.resolve_db(args.db)
    try:
        if args.command:
            return cli.run_command(location, args)
        from clinic_log.ui.shell.gui import run_gui

        return run_gui(location)
    except BrokenPipeError:  # `clinic-log settings | head`: the reader stopped reading; nothing went wrong here
        _quiet_stdout()
        return cli.EXIT_OK
    except Exception as exc:  # last resort: log the trace, tell the user in one line
        logging.getLogger("clinic_log").exception("unexpected error")
        sys.stderr.write(f"clinic-log: unexpected error: {exc} (details in {paths.log_dir()})\n")
        return cli.EXIT_BAD_INPUT
