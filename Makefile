# coopkg: the commands a newcomer needs.  `make test` is what CI runs.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
# The package with its test extra; then the docs extra (pyLODE 3.3.4) on top.  pyLODE 3.3.4
# needs rdflib >=7.5,<8, which the package's own rdflib >=7.1,<8 allows, so both extras resolve
# together in one venv (rdflib 7.x) and `make test` can run the documentation test too.
STAMP      := $(VENV)/.installed
DOCS_STAMP := $(VENV)/.installed-docs

.PHONY: install test docs clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(STAMP): $(BIN)/python pyproject.toml
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

$(DOCS_STAMP): $(STAMP)
	$(BIN)/pip install --quiet -e '.[test,docs]'
	touch $(DOCS_STAMP)

install: $(STAMP)

test: $(DOCS_STAMP)
	$(BIN)/python -m pytest

docs: $(DOCS_STAMP)
	mkdir -p docs/ontology
	$(BIN)/pylode ontology/coopkg.ttl -o docs/ontology/index.html

clean:
	rm -rf $(VENV) .pytest_cache build dist
