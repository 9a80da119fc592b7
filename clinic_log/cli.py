"""The command line: parses arguments and calls services only.

Exit codes: 0 ok, 1 `check` found problems, 2 bad input or usage (one line on stderr, no traceback).
"""

from __future__ import annotations

import argparse
import getpass
import os
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import date, datetime
from pathlib import Path
from typing import Any, NoReturn, TypeVar

from clinic_log.db.engine import Database
from clinic_log.domain.actor import Actor
from clinic_log.domain.enums import ConsentPurpose, PhotoUse, PhotoView, UserRole
from clinic_log.domain.errors import InvalidValue
from clinic_log.services.common.progress import Progress, no_progress

EXIT_OK, EXIT_PROBLEMS, EXIT_BAD_INPUT = 0, 1, 2
PASSPHRASE_ENV = "CLINIC_LOG_BACKUP_PASSPHRASE"


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        self.exit(EXIT_BAD_INPUT, f"{self.prog}: {message} (see {self.prog} --help)\n")


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date; use YYYY-MM-DD") from None


def _output(text: str) -> Path:
    """An output file named on the command line; the service checks the rest (folder, read-only, device…)."""
    if not text.strip():
        raise argparse.ArgumentTypeError("an empty file name; name the file to write")
    return Path(text)


T = TypeVar("T")
ROW_ID_MAX = 2**63 - 1  # the largest id a database row can have (SQLite and PostgreSQL BIGINT)


def _whole(low: int, high: int, what: str) -> Callable[[str], int]:
    """An argparse type: a whole number of ASCII digits from `low` to `high`, else one line saying what is allowed
    (an id larger than any row can have would make the database driver fail rather than find nothing; a count of
    10**20 demo clients would run for ever)."""

    def parse(text: str) -> int:
        digits = text[1:] if text.startswith("-") else text
        value = int(text) if text.isascii() and digits.isdigit() and len(digits) <= 19 else None
        if value is None or not low <= value <= high:
            raise argparse.ArgumentTypeError(f"{text!r} is not allowed; {what}")
        return value

    return parse


_decision_id = _whole(1, ROW_ID_MAX, "a decision id, the number `clinic-log decisions CLIENT_REF` lists")
_photo_id = _whole(1, ROW_ID_MAX, "a photo id, the number `clinic-log photo list CLIENT_REF` shows")
_session_id = _whole(1, ROW_ID_MAX, "a session id, the number the Sessions tab and exports show")
DEMO_MAX_CLIENTS, DEMO_MAX_SESSIONS = 200_000, 5_000_000


def _one_of(values: Sequence[str]) -> Callable[[str], str]:
    """An argparse type: one of `values`, else "'side' is not one of front, left45, …" (argparse names the option)."""

    def parse(text: str) -> str:
        if text not in values:
            raise argparse.ArgumentTypeError(f"{text!r} is not one of {', '.join(values)}")
        return text

    return parse


def _moment(text: str) -> datetime:
    """A date and time as ISO 8601; without a zone it is this computer's local time."""
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date and time; use YYYY-MM-DDTHH:MM, optionally with "
                                         "a zone such as +01:00") from None


def _add_photo_commands(sub: Any) -> None:
    photo = sub.add_parser("photo", help="before/after photos of a client: add, list, export, void",
                           description="photo add|list|export|void: photos live in the database (backed up with "
                                       "it); GPS and serial numbers are stripped before storing")
    actions = photo.add_subparsers(dest="photo_action", metavar="ACTION", parser_class=_Parser, required=True)
    add = actions.add_parser("add", help="add image files or every file of a folder (JPEG, PNG, HEIC, TIFF)",
                             description="photo add CLIENT_REF FILE_OR_FOLDER…: each file is stored in its own "
                                         "transaction; a refused file is reported and the rest stored (exit 2 if "
                                         "any was refused). Needs the client's consent to clinical photos "
                                         "(consent record CLIENT_REF --purpose photos_clinical --name NAME)")
    add.add_argument("client_ref")
    add.add_argument("files", nargs="+", type=Path, metavar="FILE_OR_FOLDER")
    add.add_argument("--session", type=_session_id, metavar="ID", help="the session the photos belong to")
    add.add_argument("--view", type=_one_of([v.value for v in PhotoView]), default=PhotoView.FRONT.value,
                     help="front (default), left45, right45, left90, right90 or closeup")
    add.add_argument("--area", metavar="CODE", help="the area photographed (one of the session's, with --session)")
    add.add_argument("--taken", type=_moment, metavar="ISO",
                     help="when it was taken, if not the camera's time (default: EXIF, else the file's time)")
    add.add_argument("--use", type=_one_of([u.value for u in PhotoUse]), default=PhotoUse.CLINICAL.value,
                     help="clinical (default) or other (also needs the consent to other uses)")
    listing = actions.add_parser("list", help="a client's photos, newest first, one tab-separated line each")
    listing.add_argument("client_ref")
    export = actions.add_parser("export", help="write a client's photos and an index CSV into a new folder",
                                description="photo export CLIENT_REF -o DIR: DIR must be new or empty; the files "
                                            "and the folder are readable by you only; voided photos are left out")
    export.add_argument("client_ref")
    export.add_argument("-o", "--output", type=_output, required=True, metavar="DIR")
    void = actions.add_parser("void", help="void a photo (kept, marked, left out of comparisons and exports)")
    void.add_argument("photo_id", type=_photo_id, metavar="PHOTO_ID")
    void.add_argument("--reason", required=True)
    consent = sub.add_parser("consent", help="record a client's signed consent (treatment or photos)",
                             description="consent record CLIENT_REF --name NAME [--purpose P] [--signed-on DATE]: "
                                         "the clinic's current wording of that purpose is kept with it")
    consent.add_argument("action", choices=("record",))
    consent.add_argument("client_ref")
    consent.add_argument("--purpose", type=_one_of([p.value for p in ConsentPurpose]),
                         default=ConsentPurpose.TREATMENT.value,
                         help="treatment (default), photos_clinical or photos_other")
    consent.add_argument("--name", required=True, help="the name of the person signing")
    consent.add_argument("--signed-on", type=_date, default=None, metavar="DATE", help="default: today")


class _VersionAction(argparse.Action):
    """`--version`: the installed version, read only when asked for."""

    def __init__(self, option_strings: list[str], dest: str, **kwargs: Any) -> None:
        super().__init__(option_strings, dest, nargs=0, **kwargs)

    def __call__(self, parser: argparse.ArgumentParser, namespace: argparse.Namespace, values: Any,
                 option_string: str | None = None) -> None:
        from clinic_log import version

        sys.stdout.write(f"clinic-log {version()}\n")
        parser.exit()


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="clinic-log", description="Clinic Log: microneedling treatment logbook.")
    parser.add_argument("--version", action=_VersionAction, help="print the version and exit")
    parser.add_argument("--db", metavar="PATH_OR_URL",
                        help="SQLite file or SQLAlchemy URL (default: $CLINIC_LOG_DB, then the user data folder)")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    sub.add_parser("init", help="create or upgrade the database and load reference data")
    demo = sub.add_parser("demo", help="add realistic demo data")
    demo.add_argument("--clients", type=_whole(1, DEMO_MAX_CLIENTS, f"1 to {DEMO_MAX_CLIENTS:,} clients"),
                      default=200)
    demo.add_argument("--sessions", type=_whole(0, DEMO_MAX_SESSIONS, f"0 to {DEMO_MAX_SESSIONS:,} sessions"),
                      default=1000)
    demo.add_argument("--seed", type=_whole(0, ROW_ID_MAX, "a whole number from 0"), default=1)
    imp = sub.add_parser("import", help="import a CSV file, all or nothing",
                         description="import KIND FILE: every problem is listed as 'line N: column: problem' and "
                                     "nothing is written. A session already in the database (same client, start "
                                     "time and practitioner) refuses the file, unless --skip-existing")
    imp.add_argument("kind", choices=("practitioners", "clients", "sessions"))
    imp.add_argument("file", type=Path)
    imp.add_argument("--skip-existing", action="store_true",
                     help="sessions only: skip sessions already in the database and import the rest")
    exp = sub.add_parser("export", help="export sessions (csv, json, fhir) or one client's data (json, pdf)",
                         description="export sessions --format csv|json|fhir -o FILE [--from DAY] [--to DAY] "
                                     "[--with-photos]; export client REF --format json|pdf -o FILE (subject "
                                     "access; JSON with the photos in FILE's name + _photos/ beside it)")
    exp.add_argument("what", choices=("sessions", "client"))
    exp.add_argument("ref", nargs="?", help="the client reference (export client only)")
    exp.add_argument("--format", choices=("csv", "json", "fhir", "pdf"), required=True)
    exp.add_argument("-o", "--output", type=_output, required=True)
    exp.add_argument("--from", dest="date_from", type=_date, help="first local day (sessions only)")
    exp.add_argument("--to", dest="date_to", type=_date, help="last local day (sessions only)")
    exp.add_argument("--with-photos", action="store_true",
                     help="sessions as fhir only: the photos as Media resources with their images (the bundle "
                          "grows by every image)")
    exp.add_argument("--times", choices=("local", "utc"), default="local",
                     help="sessions as csv/json: times in this computer's zone with their UTC offset (default) "
                          "or in UTC; the file names the zone in its time_zone column")
    rec = sub.add_parser("recall", help="sessions treated with a cartridge lot, as CSV")
    rec.add_argument("--lot", required=True)
    rec.add_argument("-o", "--output", type=_output,
                     help="write the CSV (UTF-8 with BOM) here instead of stdout")
    after = sub.add_parser("aftercare", help="write a session's aftercare sheet as PDF")
    after.add_argument("session_id", type=_session_id, metavar="SESSION_ID")
    after.add_argument("-o", "--output", type=_output, required=True)
    pre = sub.add_parser("pretreatment", help="write a client's pre-treatment sheet as PDF",
                         description="pretreatment CLIENT_REF -o FILE.pdf [--rf]: what to stop and when before "
                                     "treatment, with a line for each of the client's findings; --rf adds the RF "
                                     "lines (default: the treatment of the client's latest session)")
    pre.add_argument("client_ref")
    pre.add_argument("-o", "--output", type=_output, required=True)
    pre.add_argument("--rf", action="store_true", help="the sheet for RF microneedling")
    dec = sub.add_parser("decisions", help="list a client's decisions (defer, alternative, referral) with their ids",
                         description="decisions CLIENT_REF: one tab-separated line per decision (id, kind, open or "
                                     "closed, decided on, reason, then the review date, who the client is referred "
                                     "to, or the alternative), the open ones first; a line break in a reason shows "
                                     "as \\n")
    dec.add_argument("client_ref")
    ref = sub.add_parser("referral", help="write the referral letter of a referral decision as PDF",
                         description="referral DECISION_ID -o FILE.pdf: the letter for the client to take to the "
                                     "specialist, open or closed; `decisions CLIENT_REF` lists the ids")
    ref.add_argument("decision_id", type=_decision_id, metavar="DECISION_ID")
    ref.add_argument("-o", "--output", type=_output, required=True)
    bak = sub.add_parser("backup", help="consistent online copy of the database (owner-only; --encrypt for elsewhere)",
                         description="backup -o FILE [--encrypt]: a verified copy, owner-only, with FILE.meta.json "
                                     f"beside it. --encrypt: an age file, the passphrase from ${PASSPHRASE_ENV} or "
                                     "typed twice at a prompt (never on the command line)")
    bak.add_argument("-o", "--output", type=Path, required=True)
    bak.add_argument("--encrypt", action="store_true", help="encrypt with a passphrase (age format)")
    res = sub.add_parser("restore", help="replace the database with a verified backup",
                         description="restore FILE: refused unless FILE has Clinic Log's own schema and passes every "
                                     "check; an encrypted FILE asks for its passphrase (or reads "
                                     f"${PASSPHRASE_ENV})")
    res.add_argument("file", type=Path)
    sub.add_parser("check", help="integrity, foreign keys, the audit hash chain, seals and witness")
    sett = sub.add_parser("settings", help="list the clinic's settings, or set one (owner; validated, audited)",
                          description="settings: list KEY=VALUE; settings set KEY VALUE: store one, e.g. "
                                      "settings set fhir.identifier_system https://myclinic.example/fhir")
    sett.add_argument("action", nargs="?", choices=("list", "set"), default="list")
    sett.add_argument("key", nargs="?")
    sett.add_argument("value", nargs="?")
    ref = sub.add_parser("reference", help="the clinical reference tables as CSV files for the medical director "
                                           "(export), and back (load: owner; checked whole, audited)",
                         description="reference export DIR: write areas, indications, device models and tips, "
                                     "contraindications and complication types as CSV; reference load DIR: read "
                                     "back those found in DIR (all or nothing; rows missing from a file are kept)")
    ref.add_argument("action", choices=("export", "load"))
    ref.add_argument("folder", type=Path)
    ref.set_defaults(kind="reference")
    ind = sub.add_parser("indications", help="list indications with their site and ranges, or set an indication's "
                                             "site (owner; audited)",
                         description="indications: list CODE, label, the site an indication given as the area "
                                     "(older import files) is read onto, and its own depth ranges; indications "
                                     "set-site CODE SITE: set that site, e.g. indications set-site scars back")
    ind.add_argument("action", nargs="?", choices=("list", "set-site"), default="list")
    ind.add_argument("code", nargs="?")
    ind.add_argument("site", nargs="?")
    _add_photo_commands(sub)
    return parser


def cli_actor() -> Actor:
    """Whoever can run the CLI on the data folder acts as the owner; the audit names their OS account."""
    try:
        user = getpass.getuser()
    except (KeyError, OSError):
        user = "unknown"
    return Actor(f"cli:{user}", UserRole.OWNER)


def _out(line: str) -> None:
    sys.stdout.write(line + "\n")


def cmd_init(db: Database, args: argparse.Namespace, added: int) -> int:
    _out(f"database ready at {db.url} (schema up to date, {added} missing reference rows added)")
    return EXIT_OK


def cmd_demo(db: Database, args: argparse.Namespace) -> int:
    from clinic_log.services.exchange.demo import generate_demo

    for name in ("clients", "sessions"):
        if getattr(args, name) < 0:
            raise InvalidValue(f"--{name}", getattr(args, name), "0 or more")
    result = generate_demo(db, cli_actor(), clients=args.clients, sessions=args.sessions, seed=args.seed)
    _out(f"demo data: {result.practitioners} practitioners, {result.clients} clients, "
         f"{result.sessions} sessions, {result.areas} treated areas")
    return EXIT_OK


def cmd_import(db: Database, args: argparse.Namespace) -> int:
    from clinic_log.services.exchange import importer

    if args.kind != "sessions":
        if args.skip_existing:
            raise InvalidValue("--skip-existing", args.kind, "sessions only (practitioners and clients already in "
                               "the database always refuse the file)")
        run = {"practitioners": importer.import_practitioners, "clients": importer.import_clients}[args.kind]
        result = run(db, cli_actor(), args.file)
    else:
        with _terminal_progress(f"importing {args.file.name}") as progress:
            result = importer.import_sessions(db, cli_actor(), args.file, skip_existing=args.skip_existing,
                                              progress=progress)
    _out(f"imported {result.records} {result.kind} from {result.rows} rows of {args.file}")
    if result.skipped:
        lines = ", ".join(map(str, result.skipped_lines))
        more = ", …" if result.skipped > len(result.skipped_lines) else ""
        _out(f"skipped {result.skipped} sessions already in the database (lines {lines}{more})")
    return EXIT_OK


PROGRESS_AFTER_S = 1.0  # a terminal progress bar appears only for files that take longer than this


@contextmanager
def _terminal_progress(description: str, clock: Callable[[], float] = time.monotonic) -> Iterator[Progress]:
    """A progress bar on stderr for a job that runs over PROGRESS_AFTER_S, when stderr is a terminal (never in
    captured or piped output). It is redrawn at each report (a batch of rows), so no drawing thread runs."""
    if not sys.stderr.isatty():
        yield no_progress
        return
    started = clock()
    bar: Any = None
    task: Any = None

    def report(done: int, total: int) -> None:
        nonlocal bar, task
        if bar is None:
            if clock() - started < PROGRESS_AFTER_S:
                return
            from rich.console import Console
            from rich.progress import BarColumn, Progress, TaskProgressColumn, TimeRemainingColumn

            bar = Progress("[progress.description]{task.description}", BarColumn(), TaskProgressColumn(),
                           TimeRemainingColumn(), console=Console(stderr=True), transient=True, auto_refresh=False)
            bar.start()
            task = bar.add_task(description, total=total or None)
        bar.update(task, completed=done, total=total or None, refresh=True)

    try:
        yield report
    finally:
        if bar is not None:
            bar.stop()


def cmd_export(db: Database, args: argparse.Namespace) -> int:
    from clinic_log.services.common.files import NotWritten, check_target

    check_target(args.output)  # a bad target is refused before anything is read or audited
    if args.what == "client":
        from clinic_log.services.exchange.subject_access import SUBJECT_FORMATS, export_client, photos_folder_of

        if not args.ref:
            raise InvalidValue("REF", "", "the client reference, e.g. export client P-1001 --format json -o FILE")
        if args.format not in SUBJECT_FORMATS:
            raise InvalidValue("--format", args.format, "json or pdf for export client")
        if args.with_photos:
            raise InvalidValue("--with-photos", "export client", "export sessions --format fhir only (a client's "
                                                                 "export always holds their photos)")
        try:
            data = export_client(db, cli_actor(), args.ref, args.format, args.output)
        except OSError as exc:  # a full disk mid-write: the partial file is already gone
            raise NotWritten(args.output, exc) from exc
        rows = sum(len(r) for r in data.tables.values())
        count = len(data.photo_ids)
        photos = (f", and {count} photo{'s' if count != 1 else ''} to {photos_folder_of(args.output)}"
                  if args.format == "json" and data.photo_ids else "")
        _out(f"exported {rows} rows about client {data.client_ref} to {args.output}{photos}")
        return EXIT_OK
    from clinic_log.services.exchange.exporter import export_sessions

    if args.ref:
        raise InvalidValue("REF", args.ref, "nothing after 'export sessions' (use --from/--to to narrow it)")
    if args.format == "pdf":
        raise InvalidValue("--format", "pdf", "csv, json or fhir for export sessions")
    count = export_sessions(db, cli_actor(), args.format, args.output, args.date_from, args.date_to,
                            times=args.times, with_photos=args.with_photos)
    unit = "bundle entries" if args.format == "fhir" else "rows"
    _out(f"exported {count} {unit} to {args.output}")
    return EXIT_OK


def cmd_recall(db: Database, args: argparse.Namespace) -> int:
    from clinic_log.services.review.recall import recall_lot, write_recall_rows

    if args.output is not None:
        from clinic_log.services.review.recall import export_recall

        count = export_recall(db, cli_actor(), args.lot, args.output)
        _out(f"exported {count} recall rows to {args.output}")
        return EXIT_OK
    rows = recall_lot(db, cli_actor(), args.lot)
    write_recall_rows(sys.stdout, rows, lineterminator="\n")  # the same neutralised cells as the file
    return EXIT_OK


def _sheet(output: Path, save: Callable[[], T]) -> T:
    """Write a sheet the user asked for: the target is checked before anything is rendered, and an OS error while
    writing (a full disk) is one line naming the file, the partial file already gone."""
    from clinic_log.services.common.files import NotWritten, check_target

    check_target(output)
    try:
        return save()
    except OSError as exc:
        raise NotWritten(output, exc) from exc


def cmd_aftercare(db: Database, args: argparse.Namespace) -> int:
    from clinic_log.services.clients.aftercare import save_aftercare

    sheet = _sheet(args.output, lambda: save_aftercare(db, cli_actor(), args.session_id, args.output))
    _out(f"aftercare sheet for session {sheet.session_id} (template v{sheet.template_version}) "
         f"written to {args.output}")
    return EXIT_OK


def cmd_pretreatment(db: Database, args: argparse.Namespace) -> int:
    from clinic_log.services.clients.pretreatment import save_pretreatment

    sheet = _sheet(args.output, lambda: save_pretreatment(db, cli_actor(), args.client_ref, args.output,
                                                          "rf" if args.rf else None))
    _out(f"pre-treatment sheet for client {sheet.client_ref} ({sheet.modality}, template v{sheet.template_version}) "
         f"written to {args.output}")
    return EXIT_OK


DECISION_COLUMNS = ("id", "kind", "state", "decided_on", "reason", "detail")


def _one_line(text: str) -> str:
    """A reason on one line of the listing: line breaks and tabs written as \\n, \\r, \\t (as `settings` does)."""
    return text.replace("\r", "\\r").replace("\n", "\\n").replace("\t", "\\t")


def cmd_decisions(db: Database, args: argparse.Namespace) -> int:
    from clinic_log.domain.enums import DecisionKind
    from clinic_log.services.clients.client_record import client_decisions

    today = date.today()
    found = client_decisions(db, cli_actor(), args.client_ref, today, "clinic-log decisions")
    if not found.decisions:
        _out(f"no decisions recorded for client {found.client_ref}")
        return EXIT_OK
    _out("\t".join(DECISION_COLUMNS))
    for d in found.decisions:
        if d.kind is DecisionKind.DEFER:
            detail = f"review on {d.review_on.isoformat() if d.review_on else '?'}"
        elif d.kind is DecisionKind.REFERRAL:
            detail = f"referred to {d.referred_to}"
        else:
            detail = f"alternative: {d.alternative}"
        state = "open" if d.open_on(today) else "closed"
        _out("\t".join((str(d.id), d.kind.value, state, d.decided_at.astimezone().date().isoformat(),
                        _one_line(d.reason), _one_line(detail))))
    return EXIT_OK


def cmd_referral(db: Database, args: argparse.Namespace) -> int:
    from clinic_log.services.clients.referral_letter import save_referral

    letter = _sheet(args.output, lambda: save_referral(db, cli_actor(), args.decision_id, args.output))
    _out(f"referral letter of decision {letter.decision_id} for client {letter.client_ref} "
         f"(to {letter.referred_to}) written to {args.output}")
    return EXIT_OK


def _passphrase(confirm: bool) -> str:
    """The backup passphrase: from $CLINIC_LOG_BACKUP_PASSPHRASE, else typed at the terminal (twice with `confirm`).
    Never a command-line argument: those are visible to every user of the machine."""
    import warnings

    from clinic_log.domain.errors import DomainError

    given = os.environ.get(PASSPHRASE_ENV)
    if given:
        return given
    unreadable = DomainError(f"no passphrase was given: type it at the prompt in a terminal or set {PASSPHRASE_ENV}"
                             "; nothing was done")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", getpass.GetPassWarning)  # no terminal: refuse rather than echo it
            first = getpass.getpass("Backup passphrase: ")
            again = getpass.getpass("The same passphrase again: ") if confirm else first
    except (EOFError, getpass.GetPassWarning):
        raise unreadable from None
    if not first:
        raise unreadable
    if again != first:
        raise DomainError("the passphrases typed do not match: nothing was written")
    return first


def cmd_backup(db: Database, args: argparse.Namespace) -> int:
    from clinic_log.services.backup.backup import backup, check_passphrase

    passphrase = None
    if args.encrypt:
        passphrase = _passphrase(confirm=True)
        check_passphrase(passphrase)
    result = backup(db, cli_actor(), args.output, passphrase=passphrase)
    how = "encrypted, " if result.encrypted else ""
    _out(f"backup written to {result.path} ({result.size_bytes:,} bytes, {how}verified, owner-only); "
         f"its checksum and audit witness are in {result.meta.name}")
    return EXIT_OK


def cmd_restore(db: Database, args: argparse.Namespace) -> int:
    from clinic_log.services.backup.backup import is_encrypted, restore

    passphrase = _passphrase(confirm=False) if is_encrypted(args.file) else None
    safety = restore(db, cli_actor(), args.file, passphrase=passphrase)
    kept = f"the previous database was kept as {safety}" if safety else f"{db.sqlite_path} is new"
    _out(f"restored from {args.file}; {kept}")
    return EXIT_OK


def cmd_check(db: Database, args: argparse.Namespace) -> int:
    from clinic_log.services.audit.integrity import check_database, record_witness
    from clinic_log.services.audit.witness import chain_head

    problems = check_database(db)
    for problem in problems:
        _out(problem)
    if problems:
        _out(f"audit chain now: {chain_head(db)}")
        return EXIT_PROBLEMS
    head = record_witness(db)
    _out("ok: integrity, foreign keys, audit hash chain, every signed session's seal and the chain's witness "
         "verified")
    _out(f"audit chain head: {head} (written to the witness beside the database)")
    return EXIT_OK


def cmd_settings(db: Database, args: argparse.Namespace) -> int:
    from clinic_log.services.clinic.clinic_settings import read_settings, save_settings
    from clinic_log.settings import SETTINGS

    if args.action == "list":
        if args.key is not None:
            raise InvalidValue("settings", args.key, "nothing after 'settings' or 'settings list'; "
                                                      "to change one: settings set KEY VALUE")
        for key, value in read_settings(db).items():
            _out(f"{key}={value.replace(chr(10), chr(92) + 'n')}")
        return EXIT_OK
    if args.key not in SETTINGS:
        raise InvalidValue("KEY", args.key or "", "one of " + ", ".join(SETTINGS))
    if args.key == "clinic.logo_path":
        raise InvalidValue("KEY", args.key, "choose the logo in Settings → Clinic settings…, which keeps a copy")
    if args.value is None:
        raise InvalidValue("VALUE", "", f"settings set {args.key} VALUE ({SETTINGS[args.key].description})")
    changed = save_settings(db, cli_actor(), {args.key: args.value})
    if args.key in changed:
        _out(f"{args.key}={changed[args.key]}")
    else:
        _out(f"{args.key} unchanged ({read_settings(db)[args.key] or 'not set'})")
    return EXIT_OK


def cmd_reference(db: Database, args: argparse.Namespace) -> int:
    from clinic_log.services.clinic.reference_files import export_reference, load_reference

    if args.action == "export":
        for path in export_reference(db, cli_actor(), args.folder):
            _out(str(path))
        return EXIT_OK
    loaded = load_reference(db, cli_actor(), args.folder)
    _out(f"{', '.join(loaded.files)}: {loaded.added} row(s) added, {loaded.changed} changed")
    return EXIT_OK


def _range(low: float | None, high: float | None) -> str | None:
    return None if low is None or high is None else f"{low}–{high} mm"


def cmd_indications(db: Database, args: argparse.Namespace) -> int:
    from clinic_log.services.clinic.indications import list_indications, set_indication_site

    if args.action == "list":
        if args.code is not None:
            raise InvalidValue("indications", args.code, "nothing after 'indications' or 'indications list'; "
                                                         "to set a site: indications set-site CODE SITE")
        _out("code\tlabel\tsite for older files\tranges")
        for i in list_indications(db):
            usual, rf = _range(i.usual_min_mm, i.usual_max_mm), _range(i.rf_min_mm, i.rf_max_mm)
            ranges = ", ".join(r for r in (usual, rf and f"RF {rf}") if r) or "the site's"
            _out(f"{i.code}\t{i.label}\t{i.default_site or 'site_not_recorded'}\t{ranges}")
        return EXIT_OK
    if args.code is None:
        raise InvalidValue("CODE", "", "indications set-site CODE SITE, CODE as listed by 'indications'")
    if args.site is None:
        raise InvalidValue("SITE", "", f"indications set-site {args.code} SITE, SITE a body site code "
                                       "(abdomen, cheeks…)")
    if set_indication_site(db, cli_actor(), args.code, args.site):
        _out(f"{args.code}: site {args.site}")
    else:
        _out(f"{args.code}: site unchanged ({args.site})")
    return EXIT_OK


PHOTO_COLUMNS = ("id", "taken_at", "view", "use", "session", "area", "size", "state", "sha256")


def cmd_photo(db: Database, args: argparse.Namespace) -> int:
    from clinic_log.services.photos import photos

    actor = cli_actor()
    if args.photo_action == "add":
        result = photos.add_photos(db, actor, args.client_ref, args.files, session_id=args.session, view=args.view,
                                   area=args.area, taken=args.taken, use=args.use)
        for file in result.files:
            if file.stored:
                _out(f"{file.file}: stored as photo {file.photo_id}" + (f" ({file.note})" if file.note else ""))
            else:
                sys.stderr.write(f"clinic-log: {file.problem}\n")
        _out(result.summary)
        return EXIT_BAD_INPUT if result.refused else EXIT_OK
    if args.photo_action == "list":
        found = photos.list_photos(db, actor, args.client_ref)
        if not found:
            _out(f"no photos of client {args.client_ref}")
            return EXIT_OK
        _out("\t".join(PHOTO_COLUMNS))
        for p in found:
            state = f"voided: {_one_line(p.void_reason or '')}" if p.voided else "standing"
            _out("\t".join((str(p.id), p.taken_at.astimezone().isoformat(timespec="minutes"), p.view.value,
                            p.use.value, str(p.session_id or ""), p.area_code or "", f"{p.width}x{p.height}", state,
                            p.sha256)))
        return EXIT_OK
    if args.photo_action == "export":
        from clinic_log.services.photos.photo_export import export_photos

        done = export_photos(db, actor, args.client_ref, args.output)
        _out(f"{len(done.files)} photos of client {args.client_ref} written to {done.folder} "
             f"(index: {done.index.name})")
        return EXIT_OK
    current = photos.photo_info(db, actor, args.photo_id)
    photos.void_photo(db, actor, args.photo_id, args.reason, current.version)
    _out(f"photo {args.photo_id} voided")
    return EXIT_OK


def cmd_consent(db: Database, args: argparse.Namespace) -> int:
    from clinic_log.services.clients.consents import client_id_for, record_consent

    purpose = ConsentPurpose(args.purpose)
    signed_on = args.signed_on or date.today()
    record_consent(db, cli_actor(), client_id_for(db, args.client_ref), args.name, signed_on, purpose=purpose)
    _out(f"{purpose.label} recorded for client {args.client_ref}, signed on {signed_on.isoformat()} by "
         f"{args.name.strip()}")
    return EXIT_OK


COMMANDS: dict[str, Callable[[Database, argparse.Namespace], int]] = {
    "demo": cmd_demo, "import": cmd_import, "export": cmd_export, "recall": cmd_recall,
    "aftercare": cmd_aftercare, "pretreatment": cmd_pretreatment, "decisions": cmd_decisions,
    "referral": cmd_referral, "backup": cmd_backup, "restore": cmd_restore,
    "check": cmd_check, "settings": cmd_settings, "reference": cmd_reference,
    "indications": cmd_indications, "photo": cmd_photo, "consent": cmd_consent,
}


def run_command(db_location: str, args: argparse.Namespace) -> int:
    """Run one CLI command; domain errors become one line on stderr and exit 2."""
    from clinic_log.domain.errors import DomainError, ImportRefused
    from clinic_log.services.backup.database import init_database, prepare_database

    db: Database | None = None
    try:
        if args.command == "init":
            db, added = init_database(db_location)
            return cmd_init(db, args, added)
        if args.command == "restore":
            from clinic_log.db.engine import open_database

            db = open_database(db_location)  # a broken live database must still be restorable
        else:
            db = prepare_database(db_location)
        return COMMANDS[args.command](db, args)
    except ImportRefused as exc:
        sys.stderr.write(f"clinic-log: {args.kind} import refused, nothing was written:\n")
        for problem in exc.problems:
            sys.stderr.write(f"{problem}\n")
        return EXIT_BAD_INPUT
    except DomainError as exc:
        sys.stderr.write(f"clinic-log: {exc}\n")
        return EXIT_BAD_INPUT
    finally:
        if db is not None:
            db.dispose()


def parse(argv: Sequence[str] | None) -> argparse.Namespace:
    return build_parser().parse_args(argv)
