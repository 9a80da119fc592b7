# Clinic Log: `make run` starts the app, `make test` runs every check headless. Both set up .venv first.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

# Per-user desktop integration on Linux (XDG): the launcher and the icon, pointing at this checkout's .venv.
XDG_DATA_HOME ?= $(HOME)/.local/share

.PHONY: dist dist-check install-desktop run test test-pg pytest-pg-if-available lint typecheck contracts pytest bench screenshots mutation clean

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check --upgrade "pip>=24"
	$(PY) -m pip install --quiet --disable-pip-version-check -e ".[dev,dist]" --config-settings editable_mode=compat
	$(PY) -m compileall -q clinic_log  # bytecode even where PYTHONDONTWRITEBYTECODE is set: faster starts
	touch $(STAMP)

run: $(STAMP)
	$(PY) -m clinic_log

# The SQLite suite and the PostgreSQL run side by side (two cores: about half the time of one after the other);
# each one's output is printed whole when it ends.
test: lint typecheck contracts
	$(MAKE) --no-print-directory -j2 --output-sync=target pytest pytest-pg-if-available

lint: $(STAMP)
	$(PY) -m ruff check clinic_log tests benchmarks

typecheck: $(STAMP)
	$(PY) -m mypy

contracts: $(STAMP)
	$(VENV)/bin/lint-imports

pytest: $(STAMP)
	$(PY) -m pytest

# The service suite, the CLI end-to-end test, the workstations seeing each other, the engine and migrations (retries,
# libpq connection details) and the benchmarks' loader on PostgreSQL (each starts a throw-away server).
test-pg: $(STAMP)
	$(PY) -m pytest --backend=postgres tests/unit/services tests/unit/test_postgres.py tests/ui/common/test_workstation_changes.py \
		tests/unit/db tests/unit/benchmarks

pytest-pg-if-available: $(STAMP)
	@if ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1 || command -v postgres >/dev/null 2>&1; \
	then $(MAKE) --no-print-directory test-pg; \
	else echo "PostgreSQL server binaries not found: the PostgreSQL run is skipped (make test-pg)"; fi

# Mutation testing of the rules (minutes; not part of `make test`): mutmut changes one operator or constant of
# clinic_log/domain/ at a time and some domain test must then fail. Fails below 90 % killed in rules, suitability,
# windows or permissions, or overall; docs/mutation.md lists the survivors judged equivalent and why.
mutation: $(STAMP)
	rm -rf mutants
	$(VENV)/bin/mutmut run
	$(PY) tests/unit/domain/mutation_score.py

# Every benchmark on SQLite, then history, dashboard and import on PostgreSQL too (skipped without server binaries);
# `python benchmarks/run_all.py --backend postgres --only history` runs a part.
bench: $(STAMP)
	$(PY) benchmarks/run_all.py

screenshots: $(STAMP)
	$(PY) -m tools.screenshots
	$(PY) -m tools.aftercare_samples  # sample aftercare sheets (needs pdftoppm: apt-get install poppler-utils)

# What a clinic installs: the one-folder app dist/clinic-log/ (PyInstaller, resources/packaging/clinic-log.spec, with
# install-desktop.sh beside the executable) and the wheel and sdist in dist/. The wheel is built from the sdist in a
# clean temporary folder (python -m build), so nothing left in build/ by an earlier run can slip into it.
dist: $(STAMP)
	rm -rf dist/clinic-log dist/clinic_log-*
	$(PY) -m build --quiet --outdir dist .  # errors still print; the list of files copied does not
	$(PY) resources/packaging/build_app.py
	install -m 755 resources/packaging/install-desktop.sh dist/clinic-log/
	@du -sm dist/clinic-log

# Smoke test of both (run by .ci/run after make test): see tests/dist_check.py.
dist-check: dist
	$(PY) tests/dist_check.py

install-desktop:
	XDG_DATA_HOME="$(XDG_DATA_HOME)" sh resources/packaging/install-desktop.sh "$(CURDIR)/$(VENV)/bin/clinic-log" resources

clean:
	rm -rf $(VENV) build dist mutants .pytest_cache .mypy_cache .ruff_cache .hypothesis *.egg-info benchmarks/.data
	find . -name __pycache__ -type d -prune -exec rm -rf {} +
