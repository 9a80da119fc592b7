"""Find clients as the user types: name in any script (accent- and case-insensitive), reference, phone or date
of birth, a page at a time.

Names and references are matched on `clients.search_key` (folded "first last ref"), each typed word
anywhere in it; the rows come in `search_key` order so the database can walk that index and stop after one
page instead of sorting every match (the first page of 100k clients stays well under 50 ms).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from sqlalchemy import Select, func, or_, select

from clinic_log.db.engine import Database
from clinic_log.db.models import Client
from clinic_log.services.common.text_match import contains, words_in

PAGE_SIZE = 50

_ISO = re.compile(r"^\s*(\d{4})-(\d{1,2})-(\d{1,2})\s*$")
_DMY = re.compile(r"^\s*(\d{1,2})[./](\d{1,2})[./](\d{4})\s*$")
_PHONE_CHARS = re.compile(r"^[\d\s()+\-./]+$")
_DIGITS = re.compile(r"\d")


@dataclass(frozen=True)
class ClientRow:
    """One line of the client list."""

    id: int
    client_ref: str
    first_name: str
    last_name: str
    date_of_birth: date | None
    phone: str | None

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()


def parse_typed_date(text: str) -> date | None:
    """A date typed as the app shows it (2026-03-01) or day first (1.3.2026, 01/03/2026); None otherwise."""
    if match := _ISO.match(text):
        year, month, day = (int(g) for g in match.groups())
    elif match := _DMY.match(text):
        day, month, year = (int(g) for g in match.groups())
    else:
        return None
    try:
        return date(year, month, day)
    except ValueError:
        return None


def phone_needle(text: str) -> str | None:
    """A query that looks like a phone number (3+ digits, only phone punctuation) without its spaces, else None.

    Stored phones are compared without their spaces too, so "501 234" finds "+48 501 234 567" and "+48501".
    """
    if _PHONE_CHARS.match(text) and len(_DIGITS.findall(text)) >= 3:
        return "".join(text.split())
    return None


def search_statement(query: str) -> Select[int, str, str, str, date | None, str | None]:
    """The SELECT for `query` (without limit/offset), rows in search-key order.

    A date of birth, or a phone number, matches few clients that the name index cannot find: those queries
    order by ``lower(search_key)`` (the same order, the key is already folded) so the database scans the
    table once and sorts the few matches, instead of walking the whole name index and reading every row
    (200 ms → 10–25 ms on 100k clients).
    """
    columns = select(Client.id, Client.client_ref, Client.first_name, Client.last_name, Client.date_of_birth,
                     Client.phone)
    if (born := parse_typed_date(query)) is not None:
        return columns.where(Client.date_of_birth == born).order_by(func.lower(Client.search_key), Client.id)
    name_match = words_in(Client.search_key, query)
    if name_match is None:
        return columns.order_by(Client.search_key, Client.id)
    if (phone := phone_needle(query)) is not None:
        return (columns.where(or_(name_match, contains(func.replace(Client.phone, " ", ""), phone)))
                .order_by(func.lower(Client.search_key), Client.id))
    return columns.where(name_match).order_by(Client.search_key, Client.id)


def search_clients(db: Database, query: str, limit: int = PAGE_SIZE, offset: int = 0) -> list[ClientRow]:
    """A page of the clients matching `query` (all clients when it is blank), in name order."""
    with db.reading() as session:
        rows = session.execute(search_statement(query).limit(limit).offset(offset))
        return [ClientRow(r.id, r.client_ref, r.first_name, r.last_name, r.date_of_birth, r.phone) for r in rows]
