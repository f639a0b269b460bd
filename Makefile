# coopkg: the commands a newcomer needs.  `make test` is what CI runs.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
# The package with its test extra; then the docs extra (pyLODE 3.3.4) on top.  pyLODE 3.3.4
# needs rdflib >=7.5,<8, which the package's own rdflib >=7.1,<8 allows, so both extras resolve
# together in one venv (rdflib 7.x) and `make test` can run the documentation test too.
STAMP      := $(VENV)/.installed
DOCS_STAMP := $(VENV)/.installed-docs

.PHONY: install test docs clean demo bench bench-smoke

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

# `make bench`: the benchmark harness (benchmarks/run.py) at 1,000, 10,000 and 100,000 generated documents:
# build (per stage, peak memory), saved queries against rdflib, incremental rebuild, exports, validation.
# Writes benchmarks/results/<date>.md and the table in docs/performance.md. Hours at 100,000 documents:
# `make bench BENCH_SIZES=1000,10000` for the smaller sizes; BENCH_ARGS for more options (--help).
BENCH_SIZES ?= 1000,10000,100000
BENCH_ARGS  ?=
bench: $(STAMP)
	$(BIN)/python benchmarks/run.py --sizes $(BENCH_SIZES) --update-docs $(BENCH_ARGS)

# `make bench-smoke`: every step of the harness on 20 documents, results under a temporary folder (CI runs
# the same through tests/test_bench.py; no timing is asserted).
bench-smoke: $(STAMP)
	$(BIN)/python benchmarks/run.py --smoke --work $${TMPDIR:-/tmp}/coopkg-bench-smoke --out $${TMPDIR:-/tmp}/coopkg-bench-smoke/results
