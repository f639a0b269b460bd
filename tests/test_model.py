"""The model as a whole: the ontology, the vocabularies, the SHACL shapes, the saved queries and
the hand-written document fixtures (tests/fixtures/conforming.ttl and tests/fixtures/faulty/*.ttl).

The vocabulary file list comes from coopkg.resources.model_paths(), keeping only the files that
exist, so that a vocabulary still being written (organisations.ttl) is checked as soon as it appears.
"""
from __future__ import annotations

import re
from pathlib import Path

import owlrl
import pytest
from owlrl.Namespaces import ERRNS
from pyshacl import validate as shacl_validate
from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import OWL, RDF, RDFS, SH, SKOS

from coopkg.resources import model_paths, shape_paths
from coopkg.validate import Validator
from coopkg.vocabulary import Vocabulary

REPO = Path(__file__).resolve().parents[1]
ONTOLOGY = REPO / "ontology"
SHAPES = REPO / "shapes"
QUERIES = REPO / "queries"
FIXTURES = REPO / "tests" / "fixtures"
CONFORMING = FIXTURES / "conforming.ttl"
FAULTY = sorted((FIXTURES / "faulty").glob("*.ttl"))

CK = Namespace("https://w3id.org/coopkg/def#")
ONTOLOGY_IRI = URIRef("https://w3id.org/coopkg/def")

#: Reused vocabularies whose terms coopkg files may use without declaring them.
ALLOWED_NAMESPACES: dict[str, str] = {
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "dct": "http://purl.org/dc/terms/",
    "prov": "http://www.w3.org/ns/prov#",
    "oa": "http://www.w3.org/ns/oa#",
    "org": "http://www.w3.org/ns/org#",
    "schema": "https://schema.org/",
    "eurio": "http://data.europa.eu/s66#",
    "sdgo": "http://metadata.un.org/sdg/ontology#",
    "sh": "http://www.w3.org/ns/shacl#",
    "vann": "http://purl.org/vocab/vann/",
    "void": "http://rdfs.org/ns/void#",
    "dcat": "http://www.w3.org/ns/dcat#",
    "wd": "http://www.wikidata.org/entity/",
}

#: Namespaces of individuals rather than terms (concepts, places, organisations, SDG goals and
#: minted resources). A regex over a query cannot tell a term from a value, so prefixed names in
#: these namespaces are not checked in queries; in Turtle the positions checked never hold them.
INDIVIDUAL_NAMESPACES = ("https://w3id.org/coopkg/voc/", "https://w3id.org/coopkg/id/",
                         "http://metadata.un.org/sdg/")


def existing_model_paths() -> list[Path]:
    return [p for p in model_paths() if p.exists()]


def parse(path: Path) -> Graph:
    return Graph().parse(path, format="turtle")


@pytest.fixture(scope="module")
def ontology() -> Graph:
    return parse(ONTOLOGY / "coopkg.ttl")


@pytest.fixture(scope="module")
def model() -> Graph:
    """The ontology and every vocabulary that exists, as one graph."""
    graph = Graph()
    for path in existing_model_paths():
        graph.parse(path, format="turtle")
    return graph


@pytest.fixture(scope="module")
def validator() -> Validator:
    return Validator(Vocabulary.load(existing_model_paths()))


# -- every file parses ------------------------------------------------------------------------

@pytest.mark.parametrize("path", sorted(ONTOLOGY.glob("*.ttl")) + sorted(SHAPES.glob("*.ttl")),
                         ids=lambda p: f"{p.parent.name}/{p.name}")
def test_turtle_parses(path: Path):
    graph = parse(path)
    assert len(graph) > 0, f"{path} holds no triples"


def test_model_paths_are_the_ontology_files():
    """model_paths() names the ontology first and only files of ontology/."""
    paths = model_paths()
    assert paths[0].name == "coopkg.ttl"
    assert all(p.parent.resolve() == ONTOLOGY.resolve() for p in paths)


# -- OWL 2 RL consistency ---------------------------------------------------------------------

def test_owl_rl_closure_is_consistent(model: Graph):
    """The OWL 2 RL closure of the ontology and all vocabularies (places included: about 12 s,
    so no sampling is needed) holds no inconsistency.

    owlrl reports an inconsistency by adding, for each message, a blank node of type
    err:ErrorMessage (err: = http://www.daml.org/2002/03/agents/agent-ont#) with the text as its
    err:error; a resource found to be an owl:Nothing is one such message, and is also checked
    directly.
    """
    closure = Graph()
    for triple in model:
        closure.add(triple)
    owlrl.DeductiveClosure(owlrl.OWLRL_Semantics).expand(closure)
    errors = sorted(str(closure.value(node, ERRNS.error)) for node in closure.subjects(RDF.type, ERRNS.ErrorMessage))
    assert not errors, "OWL 2 RL inconsistencies:\n" + "\n".join(errors)
    nothing = sorted(str(s) for s in closure.subjects(RDF.type, OWL.Nothing))
    assert not nothing, f"resources inferred to be owl:Nothing: {nothing}"


# -- the ontology documents every term --------------------------------------------------------

DECLARATION_TYPES = (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty)


def declared_terms(ontology: Graph) -> set[URIRef]:
    return {s for t in DECLARATION_TYPES for s in ontology.subjects(RDF.type, t) if isinstance(s, URIRef)}


def test_ontology_declares_terms(ontology: Graph):
    terms = declared_terms(ontology)
    assert len([t for t in terms if (t, RDF.type, OWL.Class) in ontology]) >= 15
    assert all(str(t).startswith(str(CK)) for t in terms), "coopkg.ttl declares terms outside ck:"


def test_every_term_is_labelled_and_defined(ontology: Graph):
    problems = []
    for term in sorted(declared_terms(ontology)):
        labels = {lit.language for lit in ontology.objects(term, RDFS.label) if isinstance(lit, Literal)}
        for lang in ("en", "es"):
            if lang not in labels:
                problems.append(f"{term.n3()} has no rdfs:label @{lang}")
        definitions = {lit.language for lit in ontology.objects(term, SKOS.definition) if isinstance(lit, Literal)}
        if "en" not in definitions:
            problems.append(f"{term.n3()} has no skos:definition @en")
        if (term, RDFS.isDefinedBy, None) not in ontology:
            problems.append(f"{term.n3()} has no rdfs:isDefinedBy")
        elif (term, RDFS.isDefinedBy, ONTOLOGY_IRI) not in ontology:
            problems.append(f"{term.n3()} is not rdfs:isDefinedBy {ONTOLOGY_IRI.n3()}")
    assert not problems, "\n".join(problems)


# -- every term used is declared or reused ----------------------------------------------------

def _path_terms(graph: Graph, node) -> set[URIRef]:
    """The properties in a SHACL property path (an IRI, a sequence list or a path expression)."""
    if isinstance(node, URIRef):
        return {node} if node != RDF.nil else set()
    out: set[URIRef] = set()
    if isinstance(node, BNode):
        for p, o in graph.predicate_objects(node):
            if p in (RDF.first, RDF.rest, SH.inversePath, SH.alternativePath,
                     SH.zeroOrMorePath, SH.oneOrMorePath, SH.zeroOrOnePath):
                out |= _path_terms(graph, o)
    return out


def turtle_terms(graph: Graph) -> set[URIRef]:
    """Terms a graph uses: predicates, classes it types things with, SHACL target classes, classes
    and paths."""
    terms = {p for p in graph.predicates() if isinstance(p, URIRef)}
    for p in (RDF.type, SH.targetClass, SH["class"]):
        terms |= {o for o in graph.objects(None, p) if isinstance(o, URIRef)}
    for path in graph.objects(None, SH.path):
        terms |= _path_terms(graph, path)
    return terms


_PREFIX_DECL = re.compile(r"PREFIX\s+([A-Za-z][\w.-]*)?:\s*<([^>\s]*)>", re.IGNORECASE)
_IRI = re.compile(r"<([^<>\s\"{}|^`\\]*)>")
_STRING = re.compile(r'"""(?:[^"\\]|\\.|"(?!""))*"""|\'\'\'(?:[^\'\\]|\\.|\'(?!\'\'))*\'\'\'|"(?:[^"\\\n]|\\.)*"|\'(?:[^\'\\\n]|\\.)*\'')
_COMMENT = re.compile(r"#[^\n]*")


def sparql_terms(text: str, prefixes: dict[str, str] | None = None) -> set[URIRef]:
    """Terms a SPARQL text names: its prefixed names expanded with its PREFIX declarations (plus
    any given), and full IRIs in the ck: namespace."""
    prefixes = dict(prefixes or {})
    prefixes.update({(m.group(1) or ""): m.group(2) for m in _PREFIX_DECL.finditer(text)})
    text = _PREFIX_DECL.sub(" ", text)
    terms = {URIRef(iri) for iri in _IRI.findall(text) if iri.startswith(str(CK))}
    body = _COMMENT.sub(" ", _STRING.sub(" ", _IRI.sub(" ", text)))
    named = [p for p in prefixes if p]
    if named:
        pattern = re.compile(r"(?<![\w?$:])(" + "|".join(map(re.escape, sorted(named, key=len, reverse=True)))
                             + r"):((?:[\w-]|\.(?=[\w-]))+)")
        for prefix, local in pattern.findall(body):
            terms.add(URIRef(prefixes[prefix] + local))
    return terms


def shape_sparql_prefixes(graph: Graph) -> dict[str, str]:
    return {str(graph.value(d, SH.prefix)): str(graph.value(d, SH.namespace))
            for d in graph.objects(None, SH.declare)}


def term_sources() -> list[Path]:
    vocabularies = [p for p in sorted(ONTOLOGY.glob("*.ttl")) if p.name != "coopkg.ttl"]
    fixtures = sorted(FIXTURES.rglob("*.ttl"))
    return sorted(SHAPES.glob("*.ttl")) + vocabularies + fixtures + sorted(QUERIES.glob("*.rq"))


def terms_used_in(path: Path) -> set[URIRef]:
    if path.suffix == ".rq":
        return {t for t in sparql_terms(path.read_text(encoding="utf-8"))
                if not str(t).startswith(INDIVIDUAL_NAMESPACES)}
    graph = parse(path)
    terms = turtle_terms(graph)
    prefixes = shape_sparql_prefixes(graph)
    for query in list(graph.objects(None, SH.select)) + list(graph.objects(None, SH.ask)):
        terms |= {t for t in sparql_terms(str(query), prefixes) if not str(t).startswith(INDIVIDUAL_NAMESPACES)}
    return terms


def undeclared(terms: set[URIRef], declared: set[URIRef]) -> list[str]:
    bad = []
    for term in sorted(terms):
        text = str(term)
        if text.startswith(str(CK)):
            if term not in declared:
                bad.append(f"{term.n3()} is not declared in coopkg.ttl")
            continue
        if not any(text.startswith(ns) and re.fullmatch(r"[^/#]+", text[len(ns):])
                   for ns in ALLOWED_NAMESPACES.values()):
            bad.append(f"{term.n3()} is neither a ck: term nor from an allowlisted vocabulary")
    return bad


@pytest.mark.parametrize("path", term_sources(), ids=lambda p: str(p.relative_to(REPO)))
def test_terms_used_are_declared_or_reused(path: Path, ontology: Graph):
    declared = {s for s in ontology.subjects(RDF.type, None) if isinstance(s, URIRef)}
    problems = undeclared(terms_used_in(path), declared)
    assert not problems, f"{path.relative_to(REPO)}:\n" + "\n".join(problems)


def test_term_check_catches_an_undeclared_ck_term(ontology: Graph):
    declared = {s for s in ontology.subjects(RDF.type, None) if isinstance(s, URIRef)}
    query = "PREFIX ck: <https://w3id.org/coopkg/def#>\n# ck:inComment is ignored\n" \
            "SELECT ?p WHERE { ?p a ck:Programme ; ck:fundedBy ?o ; <https://w3id.org/coopkg/def#madeUp> ?x " \
            "FILTER (STR(?o) != \"ck:inString\") }"
    assert sparql_terms(query) == {CK.Programme, CK.fundedBy, CK.madeUp}
    assert undeclared(sparql_terms(query), declared) == [
        "<https://w3id.org/coopkg/def#fundedBy> is not declared in coopkg.ttl",
        "<https://w3id.org/coopkg/def#madeUp> is not declared in coopkg.ttl"]
    assert undeclared({URIRef("http://example.org/ns#thing")}, declared)


# -- document fixtures against the shapes -----------------------------------------------------

def messages(report) -> list[str]:
    """Every result message of a validation report, in every language."""
    return sorted({str(m) for m in report.graph.objects(None, SH.resultMessage)}
                  | {v.message for v in report.violations})


def expected_message(path: Path) -> str:
    first = path.read_text(encoding="utf-8").splitlines()[0]
    match = re.fullmatch(r"#\s*expect:\s*(.+?)\s*", first)
    assert match, f"{path.name} does not start with a '# expect: <message>' line"
    return match.group(1)


def test_conforming_fixture_conforms(validator: Validator):
    report = validator.validate(parse(CONFORMING))
    assert report.conforms, "\n".join(v.line() for v in report.violations)


def test_there_are_enough_faulty_fixtures():
    assert len(FAULTY) >= 12


@pytest.mark.parametrize("path", FAULTY, ids=lambda p: p.stem)
def test_faulty_fixture_is_caught(path: Path, validator: Validator):
    expect = expected_message(path)
    report = validator.validate(parse(path))
    assert not report.conforms, f"{path.name} conforms, but should fail with: {expect}"
    found = messages(report)
    assert any(expect in m for m in found), f"{path.name}: no message contains {expect!r}; got {found}"


# -- the vocabularies against their own shapes ------------------------------------------------

def test_vocabularies_conform_to_their_shapes(model: Graph):
    shapes = Graph()
    for path in shape_paths("vocabularies"):
        shapes.parse(path, format="turtle")
    conforms, _, text = shacl_validate(model, shacl_graph=shapes, inference="none")
    assert conforms, text
