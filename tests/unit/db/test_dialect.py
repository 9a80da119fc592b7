"""The SQL that differs between SQLite and PostgreSQL, behind one name each, as the SQLite file answers it."""

from __future__ import annotations

from collections import defaultdict

from sqlalchemy import select
from sqlalchemy.orm import Session

from clinic_log.db.dialect import NOTES_INDEX, group_concat, is_search_index, notes_matches, reserve_ids
from clinic_log.db.engine import Database
from clinic_log.db.models import Area, DeviceModel, table_of


def test_a_groups_values_are_joined_by_the_separator_given(db: Database) -> None:
    with db.reading() as session:
        by_region: dict[str, set[str]] = defaultdict(set)
        for code, region in session.execute(select(Area.code, Area.region)):
            by_region[region].add(code)
        joined = {region: text for region, text in session.execute(
            select(Area.region, group_concat(session, Area.code, " | ")).group_by(Area.region))}
    assert {region: set(text.split(" | ")) for region, text in joined.items()} == by_region
    assert len(by_region) > 1  # more than one group, so a group cannot borrow another's values


def test_reserved_ids_follow_the_last_row_and_nothing_is_reserved_for_no_rows(db: Database) -> None:
    table = table_of(DeviceModel)  # the shipped device models: rows are there already

    def reserve(session: Session) -> tuple[list[int], list[int], int | None]:
        last = session.scalar(select(DeviceModel.id).order_by(DeviceModel.id.desc()).limit(1))
        return reserve_ids(session, table, 3), reserve_ids(session, table, 0), last

    ids, none, last = db.write(reserve)
    assert last is not None and last > 1
    assert (ids, none) == ([last + 1, last + 2, last + 3], [])


def test_only_the_notes_index_and_its_shadow_tables_count_as_the_search_index() -> None:
    assert is_search_index(NOTES_INDEX) and is_search_index(f"{NOTES_INDEX}_data")
    assert not is_search_index("sessions") and not is_search_index("audit_log")


def test_notes_search_with_a_quote_in_the_words_answers_instead_of_failing(db: Database) -> None:
    with db.reading() as session:
        assert notes_matches(session, 'the "red" patch', cap=10) == []
        assert notes_matches(session, 'ab"', cap=10) == []
