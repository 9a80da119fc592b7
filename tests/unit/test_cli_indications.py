"""`clinic-log indications`: list each indication with its site and ranges; `indications set-site CODE SITE` (owner,
audited with the old and new site) is what an older file's indication-as-area is then read onto."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from tests.unit.cli_helpers import run


@pytest.fixture
def ready(db_path: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    code, _, err = run(capsys, "--db", str(db_path), "init")
    assert code == 0, err
    return db_path


def test_indications_lists_code_label_site_and_ranges(ready: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, stdout, err = run(capsys, "--db", str(ready), "indications")
    assert code == 0, err
    lines = {line.split()[0]: line for line in stdout.splitlines()[1:]}
    assert "cheeks" in lines["acne_scars"] and "1.5–2.0 mm" in lines["acne_scars"]
    assert "site_not_recorded" in lines["scars"] and "RF 1.5–4.0 mm" in lines["scars"]
    assert "the site's" in lines["rejuvenation"]


def test_set_site_stores_it_audits_old_and_new_and_says_when_unchanged(
        ready: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, stdout, err = run(capsys, "--db", str(ready), "indications", "set-site", "scars", "abdomen")
    assert code == 0, err
    assert "scars" in stdout and "abdomen" in stdout
    with sqlite3.connect(ready) as raw:
        actor, entity_id, detail = raw.execute(
            "SELECT actor, entity_id, detail FROM audit_log WHERE entity = 'indication'").fetchone()
        (site,) = raw.execute("SELECT default_site FROM indications WHERE code = 'scars'").fetchone()
    assert actor.startswith("cli:") and entity_id == "scars" and site == "abdomen"
    assert json.loads(detail) == {"default_site": {"old": "site_not_recorded", "new": "abdomen"}}
    code, stdout, _ = run(capsys, "--db", str(ready), "indications", "set-site", "scars", "abdomen")
    assert code == 0 and "unchanged" in stdout


@pytest.mark.parametrize(("args", "words"), [
    (("indications", "set-site", "scars", "kneecap"), "site: 'kneecap' is not allowed; a body site, one of"),
    (("indications", "set-site", "acne", "cheeks"), "indication: 'acne' is not allowed; one of acne_scars"),
    (("indications", "set-site", "scars"), "SITE"),
    (("indications", "set-site"), "CODE"),
    (("indications", "list", "extra"), "nothing after"),
])
def test_bad_set_site_exits_2_with_one_line_and_changes_nothing(
        ready: Path, capsys: pytest.CaptureFixture[str], args: tuple[str, ...], words: str) -> None:
    code, _, err = run(capsys, "--db", str(ready), *args)
    assert code == 2 and len(err.strip().splitlines()) == 1 and words in err, err
    assert "Traceback" not in err
    with sqlite3.connect(ready) as raw:
        assert raw.execute("SELECT count(*) FROM audit_log WHERE entity = 'indication'").fetchone() == (0,)
