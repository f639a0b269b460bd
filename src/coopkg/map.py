"""Map: turn one document's facts into RDF triples in the coopkg model, with an evidence annotation per fact.

IRIs are derived from names and content only, so the same input always gives the same triples.
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, PROV, RDF, RDFS, SKOS, XSD

from . import __version__
from .facts import Evidence, InferredFact, OrganisationFact, ProgrammeFacts
from .namespaces import CK, DEFAULT_BASE, OA, PREFIXES, ROLE, SCHEMA
from .read import Document
from .text import Span, short_hash, slug

#: Which shortcut property a role kind materialises.
SHORTCUTS = {"funding": CK.funder, "implementing": CK.implementer, "coordinating": CK.implementer,
             "extending": CK.implementer, "accountable": CK.implementer,
             "partner": CK.partner, "beneficiary": CK.partner}
_QUOTE_CONTEXT = 32


@dataclass(frozen=True)
class Minter:
    """Mints the IRIs of resources read from documents, under one base."""

    base: str = DEFAULT_BASE

    def __call__(self, kind: str, *parts: str) -> URIRef:
        return URIRef(f"{self.base}{kind}/" + "--".join(parts))

    def document(self, name: str) -> URIRef:
        return self("document", slug(name, 120))

    def graph(self, name: str) -> URIRef:
        return self("graph", slug(name, 120))

    def programme_slug(self, facts: ProgrammeFacts) -> str:
        """The programme's IRI segment: its acronym, else its short name, else its title."""
        for fact in (facts.acronym, *facts.aliases, facts.title):
            if fact is not None and slug(fact.value) != "x":
                return slug(fact.value)
        return "x"

    def programme(self, facts: ProgrammeFacts) -> URIRef:
        return self("programme", self.programme_slug(facts))

    def organisation(self, name: str) -> URIRef:
        return self("org", slug(name))


def programme_keys(facts: ProgrammeFacts) -> set[str]:
    return facts.identity_keys()


class _Writer:
    """Collects the triples of one document's graph, each extracted statement with its evidence.

    The triples are kept as a list without repeats (a set of them, as a graph would hold), in the order they
    were written; `map_document` puts them in an rdflib Graph, the build stores them without one."""

    def __init__(self, doc: Document, mint: Minter):
        self.triples: list[tuple] = []
        self._seen: set[tuple] = set()
        self.doc = doc
        self.mint = mint
        self.doc_iri = mint.document(doc.name)
        self.doc_slug = slug(doc.name, 120)

    def add(self, s, p, o) -> None:
        t = (s, p, o)
        if t not in self._seen:
            self._seen.add(t)
            self.triples.append(t)

    def fact(self, s: URIRef, p: URIRef, o, evidence: Evidence) -> None:
        """Assert (s, p, o) and annotate it with the sentence it came from."""
        add = self.add
        add(s, p, o)
        key = short_hash(s, p, o.n3() if hasattr(o, "n3") else str(o))
        fact = self.mint("fact", key)
        add(fact, _TYPE, _FACT)
        add(fact, _SUBJECT, s)
        add(fact, _PREDICATE, p)
        add(fact, _OBJECT, o)
        self._annotate(fact, key, evidence.span, evidence.rule, _DESCRIBING)

    def inference(self, s: URIRef, p: URIRef, o: URIRef, inferred: InferredFact) -> None:
        """Assert (s, p, o) as the tagger's inference from this document: a ck:Inference with its confidence,
        and one annotation per cue phrase.

        Unlike a stated fact, whose node is shared by every document that states it, an inference belongs to
        one document (its IRI names the document): each document's tagger run gives its own confidence."""
        add = self.add
        add(s, p, o)
        key = short_hash(s, p, o.n3())
        node = self.mint("inference", self.doc_slug, key)
        add(node, _TYPE, _FACT)  # typed ck:Fact as well: the store does no RDFS reasoning
        add(node, _TYPE, _INFERENCE)
        add(node, _SUBJECT, s)
        add(node, _PREDICATE, p)
        add(node, _OBJECT, o)
        add(node, _CONFIDENCE, decimal_literal(inferred.confidence))
        add(node, _DERIVED_FROM, self.doc_iri)
        for cue in inferred.cues:
            ann = self._annotate(node, key, cue.span, TAGGER_RULE, _CLASSIFYING)
            add(ann, _CUE_WEIGHT, decimal_literal(cue.weight))

    def _annotate(self, body: URIRef, key: str, span: Span, rule: str, motivation: URIRef) -> URIRef:
        """An evidence annotation of `body` quoting `span` of the document, with its selectors."""
        add = self.add
        ann = self.mint("annotation", self.doc_slug, short_hash(key, str(span.start), str(span.end), rule))
        target, quote, position = URIRef(ann + "#target"), URIRef(ann + "#quote"), URIRef(ann + "#position")
        text = self.doc.text
        add(ann, _TYPE, _ANNOTATION)
        add(ann, _MOTIVATED_BY, motivation)
        add(ann, _HAS_BODY, body)
        add(ann, _HAS_TARGET, target)
        add(ann, _EXTRACTION_RULE, Literal(rule))
        add(target, _TYPE, _SPECIFIC_RESOURCE)
        add(target, _HAS_SOURCE, self.doc_iri)
        add(target, _HAS_SELECTOR, quote)
        add(target, _HAS_SELECTOR, position)
        add(quote, _TYPE, _QUOTE_SELECTOR)
        add(quote, _EXACT, Literal(span.text))
        add(quote, _PREFIX, Literal(text[max(0, span.start - _QUOTE_CONTEXT):span.start]))
        add(quote, _SUFFIX, Literal(text[span.end:span.end + _QUOTE_CONTEXT]))
        add(position, _TYPE, _POSITION_SELECTOR)
        # xsd:integer, not the Web Annotation model's nonNegativeInteger: Oxigraph stores derived
        # integer types as xsd:integer, and a graph must validate the same before and after storing
        add(position, _START, Literal(span.start))
        add(position, _END, Literal(span.end))
        return ann


# The terms `fact` writes for every statement, made once (a namespace attribute is a new URIRef each time).
_TYPE, _SUBJECT, _PREDICATE, _OBJECT = RDF.type, RDF.subject, RDF.predicate, RDF.object
_FACT, _EXTRACTION_RULE = CK.Fact, CK.extractionRule
_ANNOTATION, _MOTIVATED_BY, _DESCRIBING, _HAS_BODY, _HAS_TARGET = (
    OA.Annotation, OA.motivatedBy, OA.describing, OA.hasBody, OA.hasTarget)
_SPECIFIC_RESOURCE, _HAS_SOURCE, _HAS_SELECTOR = OA.SpecificResource, OA.hasSource, OA.hasSelector
_QUOTE_SELECTOR, _EXACT, _PREFIX, _SUFFIX = OA.TextQuoteSelector, OA.exact, OA.prefix, OA.suffix
_POSITION_SELECTOR, _START, _END = OA.TextPositionSelector, OA.start, OA.end
_INFERENCE, _CONFIDENCE, _CUE_WEIGHT, _CLASSIFYING = CK.Inference, CK.confidence, CK.cueWeight, OA.classifying
_DERIVED_FROM = PROV.wasDerivedFrom
#: The extraction rule of an inference's evidence: a cue phrase of the tagging vocabularies.
TAGGER_RULE = "tagger:cue"


def decimal_literal(value: float) -> Literal:
    """An xsd:decimal in canonical form ("0.5", "1"), the form Oxigraph stores, rounded to 3 places."""
    return Literal(format(Decimal(str(round(value, 3))).normalize(), "f"), datatype=XSD.decimal)


def date_literal(value: str) -> Literal:
    """A date literal typed by its precision: xsd:date, xsd:gYearMonth or xsd:gYear."""
    datatype = {10: XSD.date, 7: XSD.gYearMonth, 4: XSD.gYear}[len(value)]
    return Literal(value, datatype=datatype)


def map_document(doc: Document, facts: ProgrammeFacts, programme: URIRef, mint: Minter) -> Graph:
    """The named-graph contents for one document: its programme's facts, evidence and provenance."""
    return triples_graph(map_document_triples(doc, facts, programme, mint))


def triples_graph(triples) -> Graph:
    """An rdflib Graph holding the triples, with coopkg's prefixes bound (what `map_document` returns)."""
    graph = Graph()
    for prefix, ns in PREFIXES.items():
        graph.bind(prefix, ns)
    add = graph.add
    for t in triples:
        add(t)
    return graph


def map_document_triples(doc: Document, facts: ProgrammeFacts, programme: URIRef, mint: Minter) -> list[tuple]:
    """The triples of `map_document`'s graph, as a list without repeats (the build's fast path, no Graph)."""
    w = _Writer(doc, mint)
    lang = facts.language
    _document_node(w, doc)
    w.add(programme, RDF.type, CK.Programme)
    w.add(programme, PROV.wasDerivedFrom, w.doc_iri)
    w.fact(programme, DCTERMS.title, Literal(facts.title.value, lang=lang), facts.title.evidence)
    if facts.acronym:
        w.fact(programme, CK.acronym, Literal(facts.acronym.value), facts.acronym.evidence)
    for alias in facts.aliases:
        w.fact(programme, SKOS.altLabel, Literal(alias.value, lang=lang), alias.evidence)
    if facts.summary:
        w.fact(programme, DCTERMS.description, Literal(facts.summary.value, lang=lang), facts.summary.evidence)
    if facts.start:
        w.fact(programme, CK.startDate, date_literal(facts.start.value), facts.start.evidence)
    if facts.end:
        w.fact(programme, CK.endDate, date_literal(facts.end.value), facts.end.evidence)
    if facts.duration:
        w.fact(programme, CK.duration, Literal(facts.duration.value, datatype=XSD.duration), facts.duration.evidence)
    prog_slug = str(programme).rsplit("/", 1)[-1]
    for org in facts.organisations:
        _role(w, programme, prog_slug, org, lang)
    for place in facts.places:
        w.fact(programme, CK.targetsPlace, URIRef(place.iri), place.evidence)
    for sdg in facts.sdgs:
        w.fact(programme, CK.statedSdg, URIRef(sdg.iri), sdg.evidence)
    for theme in facts.hr_themes:
        w.fact(programme, CK.hrTheme, URIRef(theme.iri), theme.evidence)
    # inferred links have their own properties, never ck:statedSdg / ck:hrTheme
    for inferred in facts.inferred_sdgs:
        w.inference(programme, CK.inferredSdg, URIRef(inferred.iri), inferred)
    for inferred in facts.inferred_hr_themes:
        w.inference(programme, CK.inferredHrTheme, URIRef(inferred.iri), inferred)
    _general_themes(w, programme, facts, lang)
    _activities(w, programme, prog_slug, facts, lang)
    return w.triples


def _document_node(w: _Writer, doc: Document) -> None:
    d = w.doc_iri
    w.add(d, RDF.type, CK.Document)
    w.add(d, CK.fileName, Literal(doc.name))
    w.add(d, CK.sha256, Literal(doc.sha256))
    w.add(d, CK.documentShape, Literal(doc.shape))
    w.add(d, DCTERMS.language, Literal(doc.language))
    w.add(d, CK.characterCount, Literal(len(doc.text)))
    graph = w.mint.graph(doc.name)
    w.add(graph, RDF.type, PROV.Entity)
    w.add(graph, PROV.wasDerivedFrom, d)
    w.add(graph, CK.softwareVersion, Literal(__version__))


def _role(w: _Writer, programme: URIRef, prog_slug: str, org: OrganisationFact, lang: str) -> None:
    if org.iri:
        agent = URIRef(org.iri)
    else:
        agent = w.mint.organisation(org.name)
        w.add(agent, RDF.type, CK.Organisation)
        w.add(agent, RDF.type, CK.UnlinkedOrganisation)
        w.add(agent, SKOS.prefLabel, Literal(org.name, lang=lang))
        if org.acronym:
            w.add(agent, CK.acronym, Literal(org.acronym))
    role = w.mint("role", prog_slug, org.role, str(agent).rsplit("/", 1)[-1])
    w.add(role, RDF.type, CK.OrganisationRole)
    w.add(role, CK.roleKind, ROLE[org.role])
    w.add(role, CK.roleOf, agent)
    w.fact(programme, CK.hasRole, role, org.evidence)
    w.add(programme, SHORTCUTS[org.role], agent)


def _general_themes(w: _Writer, programme: URIRef, facts: ProgrammeFacts, lang: str) -> None:
    scheme = URIRef(w.mint.base + "theme")
    if facts.themes:
        w.add(scheme, RDF.type, SKOS.ConceptScheme)
        w.add(scheme, SKOS.prefLabel, Literal("Themes read from documents", lang="en"))
        w.add(scheme, SKOS.prefLabel, Literal("Temas leídos de los documentos", lang="es"))
    for theme in facts.themes:
        broad = w.mint("theme", slug(theme.category))
        _concept(w, broad, theme.category, lang, scheme)
        w.add(scheme, SKOS.hasTopConcept, broad)
        w.add(broad, SKOS.topConceptOf, scheme)
        concept = broad
        if theme.subcategory:
            concept = w.mint("theme", slug(theme.category), slug(theme.subcategory))
            _concept(w, concept, theme.subcategory, lang, scheme)
            w.add(concept, SKOS.broader, broad)
            w.add(broad, SKOS.narrower, concept)
        w.fact(programme, CK.theme, concept, theme.evidence)


def _concept(w: _Writer, iri: URIRef, label: str, lang: str, scheme: URIRef) -> None:
    w.add(iri, RDF.type, CK.Theme)
    w.add(iri, RDF.type, SKOS.Concept)
    w.add(iri, SKOS.prefLabel, Literal(label, lang=lang))
    w.add(iri, SKOS.inScheme, scheme)


def _activities(w: _Writer, programme: URIRef, prog_slug: str, facts: ProgrammeFacts, lang: str) -> None:
    for a in facts.activities:
        if len(a.label) < 2:
            continue
        node = w.mint("activity", prog_slug, w.doc_slug, str(a.position))
        w.add(node, RDF.type, CK.Activity)
        w.add(node, RDFS.label, Literal(a.label, lang=lang))
        w.add(node, SCHEMA.position, Literal(a.position))
        if a.kind:
            w.add(node, CK.activityKind, URIRef(a.kind))
        w.fact(programme, CK.hasActivity, node, a.evidence)
    for group in facts.target_groups:
        if len(group.label) < 2:
            continue
        node = w.mint("target-group", prog_slug, slug(group.label))
        w.add(node, RDF.type, CK.TargetGroup)
        w.add(node, RDFS.label, Literal(group.label, lang=lang))
        if group.kind:
            w.add(node, CK.targetGroupKind, URIRef(group.kind))
        w.fact(programme, CK.hasTargetGroup, node, group.evidence)
    for c in facts.commitments:
        node = w.mint("commitment", prog_slug, short_hash(w.doc_slug, str(c.quantity), c.unit or "", c.committed_to))
        w.add(node, RDF.type, CK.Commitment)
        w.add(node, RDFS.label, Literal(" ".join(c.evidence.span.text.split()), lang=lang))
        w.add(node, CK.quantity, Literal(c.quantity, datatype=XSD.decimal))
        if c.unit:
            w.add(node, CK.unit, Literal(c.unit))
        w.add(node, CK.committedTo, Literal(c.committed_to, lang=lang))
        w.fact(programme, CK.hasCommitment, node, c.evidence)


