# coopkg: the commands a newcomer needs.  `make test` is what CI runs.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: install test docs clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(STAMP): $(BIN)/python pyproject.toml
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

test: $(STAMP)
	$(BIN)/python -m pytest

docs: $(STAMP)
	$(BIN)/pip install --quiet 'pylode==3.3.4'
	mkdir -p docs/ontology
	$(BIN)/pylode ontology/coopkg.ttl -o docs/ontology/index.html

clean:
	rm -rf $(VENV) .pytest_cache build dist
