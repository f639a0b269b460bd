"""The model at run time: ontology and vocabularies loaded once, with lookup tables for the extractors.

Organisations, places and theme phrases come from the Turtle files in ontology/, never from code.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, SKOS

from .gazetteer import PhraseIndex
from .namespaces import CK, HR, ORG_TYPE, SCHEMA, SDGO
from .resources import model_paths


@dataclass(frozen=True)
class KnownOrganisation:
    iri: str
    labels: dict[str, str]  # language -> preferred label
    acronyms: tuple[str, ...]
    based_in: str | None  # place IRI of its home country
    kind: str | None  # organisation-type concept IRI


@dataclass(frozen=True)
class KnownPlace:
    iri: str
    kind: str  # country | subdivision | region
    code: str
    labels: dict[str, str]
    within: tuple[str, ...]  # places it is directly contained in

    @property
    def label(self) -> str:
        return self.labels.get("en") or self.labels.get("es") or self.code


class _MemoPhraseIndex(PhraseIndex):
    """A PhraseIndex that remembers what `lookup` answered: extraction asks about the same names over and over
    (every candidate organisation name of every document). Answers are copies; adding a phrase forgets them."""

    MAX_REMEMBERED = 200_000

    def __init__(self) -> None:
        super().__init__()
        self._looked_up: dict[str, frozenset[str]] = {}

    def add(self, phrase: str, iri: str, case_sensitive: bool = False) -> None:
        self._looked_up.clear()
        super().add(phrase, iri, case_sensitive)

    def lookup(self, phrase: str) -> set[str]:
        found = self._looked_up.get(phrase)
        if found is None:
            found = frozenset(super().lookup(phrase))
            if len(self._looked_up) >= self.MAX_REMEMBERED:
                self._looked_up.clear()
            self._looked_up[phrase] = found
        return set(found)


def read_turtle(path: Path, graph: Graph) -> Graph:
    """Add a Turtle file's triples to an rdflib graph, parsed by Oxigraph: the same triples as rdflib's own
    parser gives, in less than half the time (every command that reads documents loads the whole model)."""
    import pyoxigraph as ox

    from .store import RdflibTerms

    to_rdflib = RdflibTerms()  # one per file: blank-node labels are the file's own
    try:
        graph.addN((to_rdflib(t.subject), to_rdflib(t.predicate), to_rdflib(t.object), graph)
                   for t in ox.parse(path=str(path), format=ox.RdfFormat.TURTLE))
    except SyntaxError as err:
        raise ValueError(f"{path}: not valid Turtle: {err}") from None
    return graph


def _labels(graph: Graph, node: URIRef, prop=SKOS.prefLabel) -> dict[str, str]:
    out: dict[str, str] = {}
    for lit in sorted(graph.objects(node, prop)):
        if isinstance(lit, Literal):
            out.setdefault(lit.language or "", str(lit))
    return out


@dataclass
class Vocabulary:
    """The ontology and vocabularies as one rdflib graph, with the indexes built from it."""

    graph: Graph
    files: tuple[Path, ...] = field(default=())

    @classmethod
    def load(cls, paths: list[Path] | None = None) -> "Vocabulary":
        paths = list(paths or model_paths())
        graph = Graph()
        for path in paths:
            read_turtle(path, graph)
        return cls(graph, tuple(paths))

    # -- organisations ----------------------------------------------------------------------
    @cached_property
    def organisations(self) -> dict[str, KnownOrganisation]:
        g = self.graph
        out = {}
        for node in sorted(g.subjects(RDF.type, CK.Organisation)):
            based = g.value(node, CK.basedIn)
            kind = g.value(node, CK.organisationType)
            out[str(node)] = KnownOrganisation(
                iri=str(node), labels=_labels(g, node),
                acronyms=tuple(sorted({str(a) for a in g.objects(node, CK.acronym)})),
                based_in=str(based) if based else None, kind=str(kind) if kind else None)
        return out

    def government_of(self, country_iri: str) -> str | None:
        """The registry's national government of a country, if it has one."""
        governments = [o for o in self.organisations.values()
                       if o.based_in == country_iri and o.kind == str(ORG_TYPE["national-government"])]
        # the government as a whole, not one of its ministries
        whole = [o for o in governments if re.match(r"(?i)^(government|gobierno)\b", o.labels.get("en", "") + o.labels.get("es", ""))]
        return whole[0].iri if whole else None

    @cached_property
    def organisation_index(self) -> PhraseIndex:
        g, index = self.graph, _MemoPhraseIndex()
        for iri in self.organisations:
            node = URIRef(iri)
            for prop in (SKOS.prefLabel, SKOS.altLabel):
                for label in g.objects(node, prop):
                    index.add(str(label), iri)
            for acronym in g.objects(node, CK.acronym):
                index.add(str(acronym), iri, case_sensitive=True)
        return index

    # -- places -----------------------------------------------------------------------------
    @cached_property
    def places(self) -> dict[str, KnownPlace]:
        g = self.graph
        out = {}
        for cls, kind in ((CK.Country, "country"), (CK.Subdivision, "subdivision"), (CK.Region, "region")):
            for node in sorted(g.subjects(RDF.type, cls)):
                out[str(node)] = KnownPlace(
                    iri=str(node), kind=kind, code=str(g.value(node, SKOS.notation) or ""),
                    labels=_labels(g, node),
                    within=tuple(sorted(str(p) for p in g.objects(node, SCHEMA.containedInPlace))))
        return out

    @cached_property
    def place_index(self) -> PhraseIndex:
        g, index = self.graph, _MemoPhraseIndex()
        for iri, place in self.places.items():
            node = URIRef(iri)
            for prop in (SKOS.prefLabel, SKOS.altLabel):
                for label in g.objects(node, prop):
                    index.add(str(label), iri)
        return index

    def country_of(self, place_iri: str) -> str | None:
        """The country a subdivision lies in (or the country itself)."""
        place = self.places.get(place_iri)
        if place is None:
            return None
        if place.kind == "country":
            return place_iri
        return next((p for p in place.within if self.places.get(p, None) and self.places[p].kind == "country"), None)

    def regions_of(self, place_iri: str) -> set[str]:
        """Every region a place lies in, transitively."""
        seen: set[str] = set()
        todo = [place_iri]
        while todo:
            for parent in self.places.get(todo.pop(), KnownPlace("", "", "", {}, ())).within:
                if parent not in seen:
                    seen.add(parent)
                    todo.append(parent)
        return {p for p in seen if self.places.get(p) and self.places[p].kind == "region"}

    # -- concept schemes ----------------------------------------------------------------------
    def concept_index(self, scheme: str, props=(SKOS.prefLabel, SKOS.altLabel, SKOS.hiddenLabel)) -> PhraseIndex:
        """Index of the labels of a concept scheme's concepts (by default prefLabel, altLabel, hiddenLabel)."""
        g, index = self.graph, _MemoPhraseIndex()
        for concept in sorted(g.subjects(SKOS.inScheme, URIRef(scheme))):
            for prop in props:
                for label in g.objects(concept, prop):
                    index.add(str(label), str(concept))
        return index

    @cached_property
    def hr_index(self) -> PhraseIndex:
        """The phrases that state a human-rights theme: its preferred and alternative labels. Not its
        hiddenLabels: those are the tagger's cues (hr-tagging.ttl), which infer a theme, never state it."""
        return self.concept_index("https://w3id.org/coopkg/voc/hr-theme", (SKOS.prefLabel, SKOS.altLabel))

    @cached_property
    def activity_index(self) -> PhraseIndex:
        return self.concept_index("https://w3id.org/coopkg/voc/activity")

    @cached_property
    def target_group_index(self) -> PhraseIndex:
        return self.concept_index("https://w3id.org/coopkg/voc/target-group")

    @cached_property
    def hr_notations(self) -> dict[str, str]:
        """HR theme IRI -> notation."""
        g = self.graph
        return {str(c): str(g.value(c, SKOS.notation)) for c in g.subjects(RDF.type, CK.HumanRightsTheme)}

    @cached_property
    def sdg_codes(self) -> set[str]:
        """Notations of every SDG goal and target ("5", "16.10")."""
        g = self.graph
        codes = set()
        for cls in (SDGO.Goal, SDGO.Target):
            for node in g.subjects(RDF.type, cls):
                codes.add(str(node).rsplit("/", 1)[-1])
        return codes

    @cached_property
    def tagger(self):
        """The SDG and human-rights tagger over this vocabulary's cue phrases (coopkg.tag.Tagger, default
        threshold), built on first use: once per process, like the indexes above, and inherited by the
        build's forked workers."""
        from .tag import Tagger  # tag imports this module

        return Tagger(self)

    def concept_label(self, iri: str, language: str = "en") -> str:
        labels = _labels(self.graph, URIRef(iri))
        return labels.get(language) or labels.get("en") or next(iter(labels.values()), iri)


HR_SCHEME = str(HR)[:-1]
