# Two commands on a fresh machine: `make run` and `make test`.
# Each creates .venv when missing and installs what it needs (stamp files keep
# repeat runs instant until pyproject.toml changes).

# The distribution's optimised interpreter when there is one (tools/pick-python says why).
PYTHON ?= $(shell sh tools/pick-python)
VENV ?= .venv
BIN := $(VENV)/bin
# A change to any of these reinstalls (the C kernels are compiled by the install).
INSTALL_INPUTS := pyproject.toml setup.py planner/pricing/_native.c
# An editable install leaves planner/ uncompiled; where Python may not write bytecode on import
# (PYTHONDONTWRITEBYTECODE, a read-only checkout) every command would compile it again: a third of
# a second of each `planner` command's start. Compiled here once; a changed source is recompiled
# on import as usual.
COMPILE := $(BIN)/python -m compileall -q -j 0 planner

.PHONY: run test lint bench soak clean package package-check

$(BIN)/python:
	@test -n "$(PYTHON)" || { echo "no interpreter to build $(VENV) on: make PYTHON=/path/to/python3.11" >&2; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed-base: $(INSTALL_INPUTS) | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	$(COMPILE)
	touch $@

$(VENV)/.installed-test: $(INSTALL_INPUTS) | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test]'
	$(COMPILE)
	touch $@

$(VENV)/.installed-bench: $(INSTALL_INPUTS) | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test,bench]'
	$(COMPILE)
	touch $@

run: $(VENV)/.installed-base
	$(BIN)/planner gui

lint: $(VENV)/.installed-test
	$(BIN)/ruff check planner tests benchmarks
	$(BIN)/lint-imports
	$(BIN)/mypy

# Two processes (pytest-xdist), a test file's tests kept together in one (its module fixtures are built once).
# Bytecode allowed for the run: pytest keeps the test files' rewritten, compiled form in __pycache__ instead
# of compiling every test file again in each process (PYTHONDONTWRITEBYTECODE, if set, forbids that).
# Where the time goes: make test PYTEST_ARGS=--durations=0
PYTEST_ARGS ?=
test: lint
	PYTHONDONTWRITEBYTECODE= QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest -q -n 2 --dist loadfile $(PYTEST_ARGS)

# The long torture runs (600 fuzz cases, 30 s of writers with the window, 100 kills): not in CI.
soak: $(VENV)/.installed-test
	PLANNER_SOAK=1 QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest -q -s tests/torture/test_torture_soak.py

bench: $(VENV)/.installed-bench
	@for script in benchmarks/bench_*.py; do \
		case $$script in */bench_ab_revisions.py) continue;; esac; \
		echo "== $$script"; \
		QT_QPA_PLATFORM=offscreen $(BIN)/python $$script || exit 1; \
	done

clean:
	rm -rf $(VENV) build dist .pytest_cache .ruff_cache .mypy_cache .hypothesis

# The desktop bundle (packaging/, README "The desktop bundle", docs/development.md); not part of `make test`.
# strip (binutils) shrinks the bundle, and the two xcb libraries Qt's X11 plugin needs beyond Qt's
# packages get bundled. The check needs Qt's libraries (as .ci/run), the validators and an X server.
QT_SYSTEM_PACKAGES := libegl1 libgl1 libxkbcommon0 libfontconfig1 libglib2.0-0 libdbus-1-3 fonts-dejavu-core
APP_ID := org.hedgeplanner.HedgePlanner

$(VENV)/.installed-package: $(INSTALL_INPUTS) | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[package]'
	$(COMPILE)
	touch $@

package: $(VENV)/.installed-package
	bash packaging/ensure-debian-packages.sh binutils libxcb-icccm4 libxcb-keysyms1
	$(BIN)/pyinstaller --noconfirm --clean --log-level WARN --distpath dist --workpath build packaging/hedge-planner.spec

package-check: package
	bash packaging/ensure-debian-packages.sh $(QT_SYSTEM_PACKAGES) desktop-file-utils appstream xvfb xauth
	desktop-file-validate packaging/$(APP_ID).desktop
	appstreamcli validate --no-net packaging/$(APP_ID).metainfo.xml
	$(BIN)/python packaging/check_bundle.py
