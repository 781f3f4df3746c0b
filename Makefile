# Set-up and everyday commands. `make run` and `make test` work on a fresh machine.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed-stamp
HOST   ?= 127.0.0.1
PORT   ?= 8000
STORE  ?= data/store

.PHONY: install run test test-services vocabularies km-documents catalogue messages settings-table bench bench-quick clean

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

run: install
	$(VENV)/bin/kmgraph serve --host $(HOST) --port $(PORT) --store $(STORE)

test: install test-services
	$(PY) -m pytest

# Debian packages the tests drive (Virtuoso, Java); installed when missing.
test-services:
	bash scripts/test-services.sh

# Regenerate ontology/vocabularies and ontology/mappings from ../shared (output is committed).
vocabularies: install
	$(PY) scripts/build_vocabularies.py

# Regenerate the KM document schemas, contexts and shapes from ../shared (output is committed).
km-documents: install
	$(PY) scripts/build_km_documents.py

# Extract the web interface's messages and rewrite the French and Spanish catalogues (output is committed).
messages: install
	mkdir -p build
	$(VENV)/bin/pybabel -q extract -F babel.cfg -o build/messages.pot --no-location --sort-output --project kmgraph .
	$(PY) scripts/ui_translations.py build/messages.pot

# Regenerate the sample catalogue of knowledge objects (output is committed).
catalogue: install
	$(PY) scripts/build_catalogue.py

# Benchmarks, each against its baseline in the same run; results in bench/RESULTS.md.
bench: install test-services
	$(PY) -m pip install --quiet -e '.[bench]'
	$(PY) -m bench.run_all

bench-quick: install test-services
	$(PY) -m pip install --quiet -e '.[bench]'
	$(PY) -m bench.run_all --quick

clean:
	rm -rf $(VENV) data build dist *.egg-info .pytest_cache

# Rewrite the README's table of settings from kmgraph/config.py (a test checks they agree).
settings-table: install
	$(PY) scripts/settings_table.py
