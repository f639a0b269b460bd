# coopkg: the commands a newcomer needs.  `make test` is what CI runs.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
# The package with its test extra; then the docs extra (pyLODE 3.3.4) on top.  pyLODE 3.3.4
# needs rdflib >=7.5,<8, which the package's own rdflib >=7.1,<8 allows, so both extras resolve
# together in one venv (rdflib 7.x) and `make test` can run the documentation test too.
STAMP      := $(VENV)/.installed
DOCS_STAMP := $(VENV)/.installed-docs

.PHONY: install test docs clean demo

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

# `make demo`: build the graph from the sample documents in data/documents/ into a fresh store under
# out/, validate it, print the answers of a few saved queries as tables, and write out/graph.ttl and
# out/graph.jsonld.  Quiet apart from the answers.  A saved query listed in DEMO_QUERIES whose .rq file
# is not in queries/ is skipped, so the demo keeps working while queries come and go.
DEMO_OUT     := out
DEMO_STORE   := $(DEMO_OUT)/store
COOPKG_DEMO  := $(BIN)/coopkg
DEMO_QUERIES := "programmes" \
                "programmes-by-implementer --param implementer=FIIAPP" \
                "programmes-in-place --param place=Colombia" \
                "organisation-pairs --param minWeight=2"

demo:
	@$(MAKE) --no-print-directory -s $(STAMP)
	@rm -rf $(DEMO_STORE) $(DEMO_OUT)/graph.ttl $(DEMO_OUT)/graph.jsonld
	@mkdir -p $(DEMO_OUT)
	@$(COOPKG_DEMO) build data/documents --store $(DEMO_STORE) --quiet
	@$(COOPKG_DEMO) validate --store $(DEMO_STORE) >/dev/null
	@for q in $(DEMO_QUERIES); do \
	  name=$${q%% *}; \
	  [ -f queries/$$name.rq ] || continue; \
	  echo; echo "== coopkg query $$q"; \
	  $(COOPKG_DEMO) query $$q --store $(DEMO_STORE) --format table || exit 1; \
	done
	@$(COOPKG_DEMO) export --format turtle --output $(DEMO_OUT)/graph.ttl --store $(DEMO_STORE)
	@$(COOPKG_DEMO) export --format json-ld --output $(DEMO_OUT)/graph.jsonld --store $(DEMO_STORE)
	@echo; echo "Graph built from data/documents/ into $(DEMO_STORE), validated, exported to $(DEMO_OUT)/graph.ttl and $(DEMO_OUT)/graph.jsonld"
