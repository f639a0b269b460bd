"""Parameter values are data, never query text: quotes, braces, `#`, newlines, `>` or SPARQL keywords in a
value change the answer at most, on the embedded store and on a SPARQL endpoint alike, and never the graph."""
from __future__ import annotations

import subprocess

import pyoxigraph as ox
import pytest

from conftest import coopkg_command
from coopkg.query import QueryError, get_saved_query, run_saved_query, saved_queries, with_values
from endpoint import (  # noqa: F401  (fixtures)
    comparable, dev_store, endpoint_target, plain_rows, quad_count_on, sparql_endpoint, store_target,
)

NASTY = [
    'x" } ; DROP ALL ; #',
    "<http://x> } UNION { ?s ?p ?o",
    "x' } ; DELETE WHERE { ?s ?p ?o } #",
    '"""',
    "\\\" } #",
    "}",
    "# } } }",
    ">",
    "http://x> } ; DROP ALL ; <http://y",
    "http://example.org/a b",
    "EU\n} INSERT DATA { <http://x> <http://x> <http://x> }",
    "EU\r\nDROP ALL",
    "a\u2028b\u2029c\x85d\x00",
    "SELECT * WHERE { ?s ?p ?o }",
    ") } VALUES ?x { 1 } (",
    "?_funder_iri $x",
    'EU" ; ',
]


@pytest.fixture(params=["store", "endpoint"])
def target(request, store_target):
    if request.param == "store":
        return store_target
    return request.getfixturevalue("endpoint_target")


def quads(target, dev_store) -> int:
    if target.__class__.__name__ == "StoreTarget":
        return len(dev_store.store)
    return quad_count_on(target.url)


def run(target, name, **params):
    return plain_rows(run_saved_query(target, get_saved_query(name), params))


IRI_PARAMETERS = sorted({(q.name, p.name) for q in saved_queries().values() for p in q.parameters if p.kind == "iri"})
#: one query for each `_iri` parameter name (the name decides how a value is looked up)
ONE_PER_NAME = sorted({param: (name, param) for name, param in reversed(IRI_PARAMETERS)}.values())


def _with_required(name: str, param: str, value: str) -> dict:
    """The query's example parameters, with one of them replaced."""
    params = dict(get_saved_query(name).examples)
    params[param] = value
    return params


@pytest.mark.parametrize("value", NASTY)
def test_iri_parameters_name_nothing_or_something_known(target, dev_store, value):
    """A value for an `_iri` parameter is looked up among known names (ignoring case, accents and
    punctuation) or refused; it never reaches the query as text."""
    before = quads(target, dev_store)
    for name, param in ONE_PER_NAME:
        query = get_saved_query(name)
        try:
            table = run_saved_query(target, query, _with_required(name, param, value))
        except QueryError as err:
            assert "names nothing" in str(err) or "not a valid IRI" in str(err), err
            continue
        # punctuation aside it is a known name ("EU\" ; " is the EU): the answer for that resource
        from coopkg.query import resolve_resource

        iri = resolve_resource(value, param, target).value
        assert comparable(table) == comparable(run_saved_query(target, query, _with_required(name, param, iri)))
    assert quads(target, dev_store) == before


@pytest.mark.parametrize("value", NASTY[:2] + ["http://x> } ; DROP ALL ; <http://y"])
def test_the_classic_attacks_name_nothing(target, dev_store, value):
    before = quads(target, dev_store)
    for name, param in IRI_PARAMETERS:
        with pytest.raises(QueryError, match="names nothing"):
            run_saved_query(target, get_saved_query(name), _with_required(name, param, value))
    assert quads(target, dev_store) == before


def test_an_iri_that_names_nothing_in_the_graph_answers_nothing(target):
    for name, param in IRI_PARAMETERS:
        rows = run(target, name, **_with_required(name, param, "http://example.org/x#%7D%20UNION"))
        assert rows == [], name
    with pytest.raises(QueryError, match="not a valid IRI"):
        run(target, "programmes-by-funder", funder="http://x/%zz")
    with pytest.raises(QueryError, match="not a valid IRI"):
        run(target, "programmes-by-funder", funder="http://[x/")


@pytest.mark.parametrize("value", NASTY)
def test_string_parameters_are_plain_values(target, dev_store, value):
    before = quads(target, dev_store)
    # includeInferred: anything but a "false" word keeps inferred links, so the normal answer
    normal = comparable(run_saved_query(target, get_saved_query("programmes-by-sdg"), {"sdg": "16"}))
    nasty = run_saved_query(target, get_saved_query("programmes-by-sdg"), {"sdg": "16", "includeInferred": value})
    assert comparable(nasty) == normal
    nasty = run_saved_query(target, get_saved_query("programmes-by-hr-theme"), {"theme": "groups", "includeInferred": value})
    assert len(nasty.rows) == 2
    # gap: names no gap, so nothing has it
    assert run(target, "programmes-with-gaps", gap=value) == []
    assert quads(target, dev_store) == before


@pytest.mark.parametrize("value", NASTY + ["2022", "2022-06-01x", "1e3", "+-1"])
def test_typed_parameters_refuse_what_they_are_not(target, value):
    for name, params in (("programmes-active", {"date": value}), ("programmes-active", {"year": value + "0"}),
                         ("organisation-pairs", {"minWeight": value + "x"}),
                         ("organisations-in-several-programmes", {"minProgrammes": value + "x"})):
        with pytest.raises(QueryError, match="not a valid"):
            run_saved_query(target, get_saved_query(name), params)


@pytest.mark.parametrize("value", NASTY)
def test_a_bound_value_comes_back_unchanged(target, value):
    """The strongest check: a value bound into a query is returned as the very same string."""
    table = target.select("SELECT ?v ?w WHERE { BIND (STRLEN(?v) AS ?w) }", {"v": ox.Literal(value)})
    assert [(r["v"].value, int(r["w"].value)) for r in table.rows] == [(value, len(value))]


def test_values_block_text_is_escaped():
    text = with_values("SELECT ?v WHERE { }", {"v": ox.Literal('x" } ; DROP ALL ; #\n')})
    assert 'VALUES (?v) { ("x\\" } ; DROP ALL ; #\\n") }' in text
    with pytest.raises(QueryError):
        with_values("SELECT ?v WHERE { }", {"v) { (1) } DROP ALL #": ox.Literal("x")})
    with pytest.raises(QueryError):
        with_values("SELECT ?v WHERE { }", {"v": '"x" } DROP ALL'})


def test_the_cli_on_the_endpoint(sparql_endpoint):
    before = quad_count_on(sparql_endpoint)
    result = subprocess.run(coopkg_command() + ["query", "programmes-by-funder", "--param",
                                                'funder=x" } ; DROP ALL ; #', "--endpoint", sparql_endpoint],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 2 and "names nothing" in result.stderr
    result = subprocess.run(coopkg_command() + ["query", "programmes-with-gaps", "--param", "gap=} ; DROP ALL ; #",
                                                "--endpoint", sparql_endpoint, "--format", "csv"],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[0].startswith("programme,title,missing_dates")
    assert len(result.stdout.splitlines()) == 1
    assert quad_count_on(sparql_endpoint) == before
