# Everything runs inside .venv, created from the pinned requirements.txt.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python

.PHONY: run test demo lint bench clean

# The project itself is installed editable (no dependencies beyond the pinned ones), which puts
# the `zonefeed` command into .venv/bin and keeps it running this checkout's code.
$(VENV)/.installed: requirements.txt pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	$(PY) -m pip install --quiet --no-deps -e .
	touch $@

run: $(VENV)/.installed
	$(VENV)/bin/zonefeed run

demo: $(VENV)/.installed
	$(VENV)/bin/zonefeed demo

test: $(VENV)/.installed
	$(VENV)/bin/lint-imports --no-cache
	$(PY) -m pytest -q

lint: $(VENV)/.installed
	$(VENV)/bin/ruff check .

clean:
	rm -rf $(VENV) data
