"""Core statements compiled once per database and run straight on the DB-API connection.

For the one write that happens at the chair many times a day and must feel instant: signing a session. Through
the ORM session and Core execution, each statement and the transaction around it cost ~50–100 µs of Python
(cache key, parameter and result objects, events), which is most of a signature once the disk is fast. Here
SQLAlchemy still builds the SQL from the same Core constructs and converts values with its own type processors
(so what is written and read is exactly what the ORM writes and reads); only the per-call machinery is skipped.

Everything else goes through `Database.write` / `Database.reading`. `Database.write_direct` opens the
transaction (engine.py); `DriverTransaction` is what the caller's work function receives.
"""

from __future__ import annotations

from collections import namedtuple
from collections.abc import Callable, Mapping, MutableMapping, Sequence
from typing import Any

from sqlalchemy import Dialect
from sqlalchemy.sql import ClauseElement
from sqlalchemy.sql.compiler import SQLCompiler

_Processor = Callable[[Any], Any]


class DriverStatement:
    """One Core statement compiled for one dialect, with the bind and result processors its columns need."""

    def __init__(self, statement: ClauseElement, dialect: Dialect) -> None:
        compiled = statement.compile(dialect=dialect)
        assert isinstance(compiled, SQLCompiler)
        if "POSTCOMPILE" in compiled.string:  # expanding IN lists are rendered per call: not for this path
            raise ValueError(f"statement needs per-call rendering, run it through Core instead: {compiled.string}")
        self.sql = compiled.string
        self._compiled = compiled
        self._order = list(compiled.positiontup or ()) if compiled.positional else None
        self._bind_processors = {
            name: processor for name, bind in compiled.binds.items()
            if (processor := bind.type.dialect_impl(dialect).bind_processor(dialect)) is not None
        }
        self._dialect = dialect
        self._columns = list(getattr(statement, "selected_columns", ()))
        self._row_type: Any = namedtuple("Row", [c.key for c in self._columns]) if self._columns else None
        # Made at the first result: some drivers' conversions depend on the type the server reports.
        self._result_processors: list[tuple[int, _Processor]] | None = None

    def parameters(self, given: Mapping[str, Any]) -> Sequence[Any] | MutableMapping[str, Any]:
        """The driver's parameters: every bind (with the statement's own defaults, e.g. LIMIT 1), converted."""
        values = self._compiled.construct_params(dict(given))
        for name, processor in self._bind_processors.items():
            values[name] = processor(values[name])
        if self._order is None:
            return values
        return tuple(values[name] for name in self._order)

    def fetch(self, cursor: Any) -> list[Any]:
        """The executed cursor's rows as named tuples (attribute access by column key), converted as Core would."""
        if self._result_processors is None:
            self._result_processors = [
                (i, processor) for i, (column, described) in enumerate(zip(self._columns, cursor.description,
                                                                           strict=True))
                if (processor := column.type.dialect_impl(self._dialect).result_processor(self._dialect,
                                                                                          described[1])) is not None
            ]
        make = self._row_type._make
        if not self._result_processors:
            return [make(r) for r in cursor.fetchall()]
        converted = []
        for raw in cursor.fetchall():
            values = list(raw)
            for i, processor in self._result_processors:
                values[i] = processor(values[i])
            converted.append(make(values))
        return converted


class DriverTransaction:
    """The open write transaction a `Database.write_direct` work function runs in."""

    def __init__(self, dbapi_connection: Any, prepare: Callable[[ClauseElement], DriverStatement],
                 audit_lock: tuple[str, Sequence[Any]] | None) -> None:
        self._cursor = dbapi_connection.cursor()
        self._prepare = prepare
        self._audit_lock = audit_lock

    def rows(self, statement: ClauseElement, params: Mapping[str, Any]) -> list[Any]:
        prepared = self._prepare(statement)
        self._cursor.execute(prepared.sql, prepared.parameters(params))
        return prepared.fetch(self._cursor)

    def tuples(self, statement: ClauseElement, params: Mapping[str, Any]) -> list[tuple[Any, ...]]:
        """The rows as the driver returns them: no type conversion, no named tuples (for long reads whose columns
        need none, e.g. seals)."""
        prepared = self._prepare(statement)
        self._cursor.execute(prepared.sql, prepared.parameters(params))
        return [tuple(row) for row in self._cursor.fetchall()]

    def scalars(self, statement: ClauseElement, params: Mapping[str, Any] | None = None) -> list[Any]:
        return [row[0] for row in self.rows(statement, params or {})]

    def execute(self, statement: ClauseElement, params: Mapping[str, Any]) -> int:
        """Run a write; the number of rows it changed."""
        prepared = self._prepare(statement)
        self._cursor.execute(prepared.sql, prepared.parameters(params))
        return int(self._cursor.rowcount)

    def execute_many(self, statement: ClauseElement, rows: Sequence[Mapping[str, Any]]) -> None:
        if rows:
            prepared = self._prepare(statement)
            self._cursor.executemany(prepared.sql, [prepared.parameters(row) for row in rows])

    def lock_audit_chain(self) -> None:
        """As `Database.lock_audit_chain`: serialise appends to the audit chain until this transaction ends."""
        if self._audit_lock is not None:
            self._cursor.execute(*self._audit_lock)

    def close(self) -> None:
        self._cursor.close()
