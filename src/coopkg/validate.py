"""Validate: check a document's graph against the SHACL shapes before it may enter the store.

Each graph is validated with just the vocabulary triples it needs (types and schemes of what it links to).

pyshacl decides. Because running it costs ~100 ms a document, each graph first goes through a fast
conformance check (`ConformanceCheck`): the same shapes, compiled once by pyshacl itself, evaluated with
pyshacl's own rules over plain dictionaries. It only ever answers "conforms" when every constraint holds;
whenever a constraint fails, or the shapes use a feature it does not know, pyshacl runs as before and its
report is the answer. So the verdicts and messages are pyshacl's, and a conforming graph's report is what
pyshacl writes for one: a report with `sh:conforms true` and no results.
"""
from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from pyshacl import validate as shacl_validate
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS, SH, SKOS

from .resources import shape_paths
from .vocabulary import Vocabulary


@dataclass(frozen=True)
class Violation:
    """One SHACL result, in words a person can act on."""

    focus: str
    path: str
    message: str
    severity: str

    def line(self) -> str:
        where = f" ({self.path})" if self.path else ""
        return f"{self.focus}{where}: {self.message}"


@dataclass(frozen=True)
class Report:
    conforms: bool
    violations: tuple[Violation, ...]
    raw: Graph | Callable[[], Graph] = field(repr=False, compare=False)  # the report, or what makes it

    @property
    def graph(self) -> Graph:
        """The raw SHACL validation report (made on first use for graphs the fast check passed)."""
        if callable(self.raw) and not isinstance(self.raw, Graph):
            object.__setattr__(self, "raw", self.raw())
        return self.raw


def load_shapes(paths: list[Path] | None = None) -> Graph:
    shapes = Graph()
    for path in paths or shape_paths():
        shapes.parse(path, format="turtle")
    return shapes


#: What a graph's context is read from in the vocabulary: the types and schemes of what it points to.
CONTEXT_PREDICATES = (RDF.type, SKOS.inScheme)


class Validator:
    """Validates graphs against the shapes, adding the vocabulary context each one needs."""

    def __init__(self, vocab: Vocabulary, shapes: Graph | None = None):
        self.vocab = vocab
        self.shapes = shapes if shapes is not None else load_shapes()
        self.shape_files: tuple[Path, ...] = tuple(shape_paths()) if shapes is None else ()  # () : the caller's own
        # class and property hierarchy, so that sh:class sees ck:Country as a ck:Place
        self._schema = Graph()
        for triple in vocab.graph.triples((None, RDFS.subClassOf, None)):
            self._schema.add(triple)
        self._check: ConformanceCheck | None | bool = None  # compiled on first use; False: not available
        self._context_index: dict | None = None
        self.fast_hits = 0  # graphs the fast check proved conforming (pyshacl not run)
        self.pyshacl_runs = 0

    def context_for(self, data: Graph) -> Graph:
        """The vocabulary triples that the shapes look at for the resources `data` points to."""
        context = Graph()
        vg = self.vocab.graph
        nodes = {o for o in data.objects() if isinstance(o, URIRef)}
        for node in nodes:
            for p in CONTEXT_PREDICATES:
                for o in vg.objects(node, p):
                    context.add((node, p, o))
        return context

    def combined(self, data: Graph) -> Graph:
        """The graph pyshacl validates: the data, its vocabulary context and the class hierarchy."""
        combined = Graph()
        for g in (data, self.context_for(data), self._schema):
            for triple in g:
                combined.add(triple)
        return combined

    def validate(self, data: Graph) -> Report:
        check = self.conformance_check()
        if check is not None and check.conforms(data, self.context_index(), self._schema):
            self.fast_hits += 1
            return Report(True, (), check.conforming_report)
        return self.validate_with_pyshacl(data)

    def validate_triples(self, triples: list[tuple]) -> Report:
        """`validate` for a graph given as its triples (what map_document_triples returns): the graph is only
        built when pyshacl has to run."""
        check = self.conformance_check()
        if check is not None and check.conforms(triples, self.context_index(), self._schema):
            self.fast_hits += 1
            return Report(True, (), check.conforming_report)
        from .map import triples_graph

        return self.validate_with_pyshacl(triples_graph(triples))

    def validate_with_pyshacl(self, data: Graph) -> Report:
        """pyshacl's verdict, always (what `validate` falls back to)."""
        self.pyshacl_runs += 1
        conforms, report, _ = shacl_validate(
            self.combined(data), shacl_graph=self.shapes, inference="none", advanced=True, allow_warnings=True)
        return Report(bool(conforms), tuple(violations_in(report)), report)

    def conformance_check(self) -> "ConformanceCheck | None":
        if self._check is None:
            try:
                self._check = ConformanceCheck(self.shapes)
            except Unsupported as why:
                logging.getLogger(__name__).debug("fast conformance check off: %s", why)
                self._check = False
        return self._check or None

    def context_index(self) -> dict:
        """node -> its (predicate, object) pairs that `context_for` would copy, for every vocabulary node."""
        if self._context_index is None:
            index: dict = {}
            vg = self.vocab.graph
            for p in CONTEXT_PREDICATES:
                for s, o in vg.subject_objects(p):
                    if isinstance(s, URIRef):
                        index.setdefault(s, []).append((p, o))
            self._context_index = index
        return self._context_index


def violations_in(report: Graph) -> list[Violation]:
    out = []
    for result in report.subjects(RDF.type, SH.ValidationResult):
        focus = report.value(result, SH.focusNode)
        path = report.value(result, SH.resultPath)
        # English first; pyshacl drops the tags of messages it fills in, so untagged ones come next
        messages = sorted(report.objects(result, SH.resultMessage),
                          key=lambda m: ({"en": 0, None: 1}.get(getattr(m, "language", None), 2), str(m)))
        severity = report.value(result, SH.resultSeverity)
        out.append(Violation(
            focus=str(focus), path=_short(path) if path is not None else "",
            message=str(messages[0]) if messages else "does not conform",
            severity=str(severity).rsplit("#", 1)[-1] if severity else "Violation"))
    return sorted(out, key=lambda v: (v.focus, v.path, v.message))


def _short(term) -> str:
    text = str(term)
    for sep in ("#", "/"):
        if sep in text:
            return text.rsplit(sep, 1)[-1]
    return text


def validate_store(store, validator: Validator, workers: int = 1) -> dict[str, Report]:
    """Validate every document graph in a store; returns the report of each, by file name.

    With `workers` > 1 (where the platform forks), worker processes open the store read-only and give each
    graph's verdict; a graph they find non-conforming is validated again here for its full report, so the
    reports are those of validating each graph in this process."""
    from .store import map_in_readers, readers_pay, triples_of

    documents = sorted(store.documents().items())
    check = validator.conformance_check()
    verdicts: dict[str, bool] = {}
    if check is not None and readers_pay(len(documents), workers):
        verdicts = dict(map_in_readers(store, _verdict, validator, [(n, d.graph) for n, d in documents], workers,
                                       ordered=False))
    # validate_triples(triples_of(...)) is validate(graph_of(...)) without building each rdflib Graph
    return {name: Report(True, (), check.conforming_report) if verdicts.get(name)
            else validator.validate_triples(triples_of(store, doc.graph)) for name, doc in documents}


def _verdict(store, validator: Validator, item: tuple[str, str]) -> tuple[str, bool]:
    """In a reader process: whether one document graph conforms."""
    from .store import triples_of

    name, graph = item
    return name, validator.validate_triples(triples_of(store, graph)).conforms


# ------------------------------------------------------------------------------------------------
# The fast conformance check
# ------------------------------------------------------------------------------------------------

class Unsupported(Exception):
    """The shapes use something the fast check does not evaluate; pyshacl alone decides."""


class _Fail(Exception):
    """A constraint does not hold, or cannot be decided here: pyshacl must run."""


_RDF_TYPE, _SUBCLASS_OF = RDF.type, RDFS.subClassOf


class _Data:
    """A graph as dictionaries, for the fast check: subject -> predicate -> set of objects, and instances by type.

    Holds exactly the triples pyshacl would see: the data, its vocabulary context and the class hierarchy."""

    __slots__ = ("out", "by_type", "_sub", "_super", "has_own_hierarchy", "data_by_predicate")

    def __init__(self, data, context: dict, schema: "_Schema", wanted: frozenset = frozenset()):
        out: dict = {}
        by_type: dict = {}
        own_hierarchy = False
        objects = set()
        by_predicate: dict = {p: [] for p in wanted}  # the data's own triples with these predicates
        special = {_RDF_TYPE: 1, _SUBCLASS_OF: 2}
        special_get = special.get
        uriref = URIRef
        for triple in data:
            s, p, o = triple
            po = out.get(s)
            if po is None:
                po = out[s] = {}
            vals = po.get(p)
            if vals is None:
                po[p] = {o}
            else:
                vals.add(o)
            if type(o) is uriref:
                objects.add(o)
            kind = special_get(p)
            if kind is not None:
                if kind == 1:
                    instances = by_type.get(o)
                    if instances is None:
                        by_type[o] = {s}
                    else:
                        instances.add(s)
                else:
                    own_hierarchy = True
            if by_predicate and p in by_predicate:
                by_predicate[p].append(triple)
        context_get = context.get
        for node in objects:  # Validator.context_for: the types and schemes of every IRI the data points to
            pairs = context_get(node)
            if not pairs:
                continue
            po = out.get(node)
            if po is None:
                po = out[node] = {}
            for p, o in pairs:
                vals = po.get(p)
                if vals is None:
                    po[p] = {o}
                else:
                    vals.add(o)
                if p is _RDF_TYPE or p == _RDF_TYPE:
                    instances = by_type.get(o)
                    if instances is None:
                        by_type[o] = {node}
                    else:
                        instances.add(node)
        for s, o in schema.triples:
            po = out.get(s)
            if po is None:
                po = out[s] = {}
            vals = po.get(_SUBCLASS_OF)
            if vals is None:
                po[_SUBCLASS_OF] = {o}
            else:
                vals.add(o)
        self.out = out
        self.by_type = by_type
        self.has_own_hierarchy = own_hierarchy
        self.data_by_predicate = by_predicate
        self._sub = schema.subclasses if not own_hierarchy else {}
        self._super = schema.superclasses if not own_hierarchy else {}

    def objects(self, s, p) -> set:
        po = self.out.get(s)
        if po is None:
            return set()
        return po.get(p) or set()

    def subclasses(self, c) -> set:
        """c and every class below it (rdfs:subClassOf*, as pyshacl's transitive_subjects)."""
        found = self._sub.get(c)
        if found is None:
            found = _closure(c, lambda x: (s for s, po in self.out.items() if x in po.get(_SUBCLASS_OF, ())))
            self._sub[c] = found
        return found

    def superclasses(self, c) -> set:
        found = self._super.get(c)
        if found is None:
            found = _closure(c, lambda x: self.objects(x, _SUBCLASS_OF))
            self._super[c] = found
        return found


def _closure(start, step) -> set:
    seen = {start}
    todo = [start]
    while todo:
        for nxt in step(todo.pop()):
            if nxt not in seen:
                seen.add(nxt)
                todo.append(nxt)
    return seen


class _Schema:
    """The class hierarchy triples, with the closures the fast check needs, shared by every document."""

    def __init__(self, schema: Graph):
        self.triples = [(s, o) for s, o in schema.subject_objects(RDFS.subClassOf)]
        sub: dict = {}
        sup: dict = {}
        for s, o in self.triples:
            sub.setdefault(o, set()).add(s)
            sup.setdefault(s, set()).add(o)
        self.subclasses = {c: _closure(c, lambda x: sub.get(x, ())) for c in set(sub) | set(sup)}
        self.superclasses = {c: _closure(c, lambda x: sup.get(x, ())) for c in set(sub) | set(sup)}


class ConformanceCheck:
    """The shapes, compiled by pyshacl's own shape and constraint classes, evaluated without pyshacl's overhead.

    `conforms` is True only when every constraint of every shape holds for every focus node, with the rules
    of pyshacl's core constraint components (value nodes, datatypes and ill-typed literals, language tags,
    string forms, literal comparison, class membership through rdfs:subClassOf*, SHACL-SPARQL constraints run
    by rdflib on the same query pyshacl prepares). Anything else raises Unsupported when compiling."""

    def __init__(self, shapes: Graph):
        from pyshacl.constraints import CONSTRAINT_PARAMETERS_MAP
        from pyshacl.monkey import apply_patches
        from pyshacl.shapes_graph import ShapesGraph

        apply_patches()  # what pyshacl's entry point does before validating
        self._namespaces = list(shapes.namespace_manager.namespaces())
        copy = Graph()  # ShapesGraph adds triples to the graph it gets; leave the caller's alone
        for triple in shapes:
            copy.add(triple)
        _refuse_advanced_features(copy)
        try:
            sg = ShapesGraph(copy, False, logging.getLogger("coopkg.validate.shapes"))
            pyshapes = list(sg.shapes)
            if sg.custom_constraints:
                raise Unsupported("custom constraint components")
        except Unsupported:
            raise
        except Exception as err:  # a shapes graph pyshacl itself would refuse: let pyshacl say so
            raise Unsupported(f"shapes graph not compiled: {err}") from None
        self._by_node: dict = {}
        for s in pyshapes:
            self._by_node[s.node] = _CompiledShape(s, CONSTRAINT_PARAMETERS_MAP)
        for compiled in self._by_node.values():
            compiled.link(self._by_node)
        self.top = [c for c in self._by_node.values() if c.has_targets and not c.deactivated]
        _refuse_recursion(self._by_node)
        self.wanted = frozenset(p for c in self._by_node.values() for check in c.checks
                                if isinstance(check, _SparqlCheck) and check.predicates for p in check.predicates)
        self._report_namespaces = list(copy.namespace_manager.namespaces())

    def conforms(self, data, context: dict, schema: Graph) -> bool:
        """Whether the graph (an rdflib Graph or its triples) provably conforms; False means "ask pyshacl"."""
        schema_index = getattr(self, "_schema_cache", None)
        if schema_index is None or schema_index[0] is not schema:
            schema_index = (schema, _Schema(schema))
            self._schema_cache = schema_index
        index = _Data(data, context, schema_index[1], self.wanted)
        try:
            for shape in self.top:
                for focus in shape.focus_nodes(index):
                    shape.check(index, focus, data)
        except _Fail:
            return False
        return True

    def conforming_report(self) -> Graph:
        """The report pyshacl writes for a graph that conforms (Validator.create_validation_report)."""
        from rdflib import Literal as _Literal

        vg = Graph(bind_namespaces="core")
        for p, n in self._report_namespaces:
            vg.namespace_manager.bind(p, n)
        vr = BNode()
        vg.add((vr, RDF.type, SH.ValidationReport))
        vg.add((vr, SH.conforms, _Literal(True)))
        return vg


_ADVANCED = (SH.rule, SH.target, SH.expression, SH.js, SH.jsFunctionName, SH.parameter, SH.validator,
             SH.nodeValidator, SH.propertyValidator, SH.closed, SH.ignoredProperties, SH.entailment)
_ADVANCED_TYPES = (SH.ConstraintComponent, SH.SPARQLFunction, SH.SPARQLRule, SH.TripleRule, SH.SPARQLTarget,
                   SH.SPARQLTargetType, SH.JSConstraint, SH.JSFunction, SH.JSRule, SH.JSTarget, SH.Function,
                   SH.TargetType, SH.SPARQLAskValidator, SH.SPARQLSelectValidator)


def _refuse_advanced_features(g: Graph) -> None:
    for p in _ADVANCED:
        if (None, p, None) in g:
            raise Unsupported(f"shapes use {p}")
    for t in _ADVANCED_TYPES:
        if (None, RDF.type, t) in g:
            raise Unsupported(f"shapes declare a {t}")


def _refuse_recursion(by_node: dict) -> None:
    def visit(shape, stack):
        if shape.node in stack:
            raise Unsupported("recursive shapes")
        for other in shape.referenced():
            visit(other, stack | {shape.node})
    for shape in by_node.values():
        visit(shape, frozenset())


class _CompiledShape:
    """One pyshacl Shape: its targets, path and constraints, with parameters as pyshacl's components read them."""

    def __init__(self, shape, parameter_map: dict):
        from pyshacl.constraints.core.cardinality_constraints import (
            MaxCountConstraintComponent, MinCountConstraintComponent)
        from pyshacl.constraints.core.logical_constraints import OrConstraintComponent
        from pyshacl.constraints.core.other_constraints import InConstraintComponent
        from pyshacl.constraints.core.property_pair_constraints import LessThanOrEqualsConstraintComponent
        from pyshacl.constraints.core.shape_based_constraints import (
            NodeConstraintComponent, PropertyConstraintComponent, QualifiedValueShapeConstraintComponent)
        from pyshacl.constraints.core.string_based_constraints import (
            LanguageInConstraintComponent, MaxLengthConstraintComponent, MinLengthConstraintComponent,
            PatternConstraintComponent, UniqueLangConstraintComponent)
        from pyshacl.constraints.core.value_constraints import (
            ClassConstraintComponent, DatatypeConstraintComponent, NodeKindConstraintComponent)
        from pyshacl.constraints.core.value_range_constraints import (
            MaxInclusiveConstraintComponent, MinInclusiveConstraintComponent)
        from pyshacl.constraints.sparql.sparql_based_constraints import SPARQLBasedConstraint

        self.node = shape.node
        self.sg = shape.sg
        self.deactivated = bool(shape.deactivated)
        self.path = shape.path() if shape.is_property_shape else None
        if self.path is not None and not isinstance(self.path, URIRef):
            raise Unsupported(f"{shape.node}: a complex property path")
        target_nodes, target_classes, implicit, objects_of, subjects_of = shape.target()
        self.target_nodes = list(target_nodes)
        self.target_classes = list(target_classes) + list(implicit)
        self.target_objects_of = list(objects_of)
        self.target_subjects_of = list(subjects_of)
        self.has_targets = bool(self.target_nodes or self.target_classes or self.target_objects_of
                                or self.target_subjects_of)
        self.checks: list = []
        self._refs: dict = {}  # kind -> shape nodes it refers to
        components = []
        for p, _ in self.sg.predicate_objects(shape.node):
            component = parameter_map.get(p)
            if component is not None and component not in components:
                components.append(component)
        handlers = {
            ClassConstraintComponent: self._class, DatatypeConstraintComponent: self._datatype,
            NodeKindConstraintComponent: self._node_kind, MinCountConstraintComponent: self._min_count,
            MaxCountConstraintComponent: self._max_count, MinLengthConstraintComponent: self._min_length,
            MaxLengthConstraintComponent: self._max_length, PatternConstraintComponent: self._pattern,
            LanguageInConstraintComponent: self._language_in, UniqueLangConstraintComponent: self._unique_lang,
            InConstraintComponent: self._in, MinInclusiveConstraintComponent: self._min_inclusive,
            MaxInclusiveConstraintComponent: self._max_inclusive,
            LessThanOrEqualsConstraintComponent: self._less_than_or_equals, NodeConstraintComponent: self._node,
            PropertyConstraintComponent: self._property, OrConstraintComponent: self._or,
            QualifiedValueShapeConstraintComponent: self._qualified, SPARQLBasedConstraint: self._sparql,
        }
        for component in components:
            handler = handlers.get(component)
            if handler is None:
                raise Unsupported(f"{shape.node}: {component.__name__}")
            try:
                instance = component(shape)
            except Exception as err:  # pyshacl would refuse the shape when validating: let it
                raise Unsupported(f"{shape.node}: {component.__name__}: {err}") from None
            handler(instance)

    # -- compiling: each handler appends a function (index, focus, values, data) that raises _Fail ----
    def _class(self, c) -> None:
        rules = list(c.class_rules)

        def check(index, focus, values, data):
            for v in values:
                if isinstance(v, Literal):
                    raise _Fail
                types = index.objects(v, _RDF_TYPE)
                for rule in rules:
                    if not any(t == rule or rule in index.superclasses(t) for t in types):
                        raise _Fail
        self.checks.append(check)

    def _datatype(self, c) -> None:
        from pyshacl.constraints.core.value_constraints import DatatypeConstraintComponent as D

        rule = c.datatype_rule
        actual = D._assert_actual_datatype
        rule_is_literal = rule == RDFS.Literal
        rule_is_datatype = rule == RDFS.Datatype
        rule_is_string = rule == URIRef("http://www.w3.org/2001/XMLSchema#string")
        rule_is_lang_string = rule == RDF.langString

        def check(index, focus, values, data):
            for v in values:
                if not isinstance(v, Literal):
                    raise _Fail
                datatype, lang = v.datatype, v.language
                if datatype == rule:
                    ok = getattr(v, "ill_typed", None) is not True and actual(c, v, rule)
                elif rule_is_literal:
                    ok = True
                elif rule_is_datatype and datatype:
                    ok = True
                elif datatype is None and lang is None and rule_is_string:
                    ok = actual(c, v, rule)
                elif rule_is_lang_string and lang:
                    ok = actual(c, v, rule)
                else:
                    ok = False
                if not ok:
                    raise _Fail
        self.checks.append(check)

    def _node_kind(self, c) -> None:
        kinds = {
            SH.BlankNode: (BNode,), SH.IRI: (URIRef,), SH.Literal: (Literal,),
            SH.BlankNodeOrIRI: (BNode, URIRef), SH.BlankNodeOrLiteral: (BNode, Literal),
            SH.IRIOrLiteral: (URIRef, Literal),
        }
        if c.nodekind_rule not in kinds:
            raise Unsupported(f"{self.node}: sh:nodeKind {c.nodekind_rule}")
        allowed = kinds[c.nodekind_rule]

        def check(index, focus, values, data):
            for v in values:
                if not isinstance(v, allowed):
                    raise _Fail
        self.checks.append(check)

    def _min_count(self, c) -> None:
        n = int(c.min_count.value)

        def check(index, focus, values, data):
            if len(values) < n:
                raise _Fail
        if n > 0:
            self.checks.append(check)

    def _max_count(self, c) -> None:
        n = int(c.max_count.value)

        def check(index, focus, values, data):
            if len(values) > n:
                raise _Fail
        self.checks.append(check)

    def _min_length(self, c) -> None:
        bounds = [r.value for r in c.string_rules]
        to_string = c.value_node_to_string

        def check(index, focus, values, data):
            for low in bounds:
                if low == 0:
                    continue
                for v in values:
                    if isinstance(v, BNode) or not len(to_string(v)) >= low:
                        raise _Fail
        self.checks.append(check)

    def _max_length(self, c) -> None:
        bounds = [r.value for r in c.string_rules]
        to_string = c.value_node_to_string

        def check(index, focus, values, data):
            for high in bounds:
                for v in values:
                    if isinstance(v, BNode) or not len(to_string(v)) <= high:
                        raise _Fail
        self.checks.append(check)

    def _pattern(self, c) -> None:
        matchers = [c.compiled_cache[r] for r in c.string_rules]
        to_string = c.value_node_to_string

        def check(index, focus, values, data):
            for m in matchers:
                for v in values:
                    if isinstance(v, BNode):
                        raise _Fail
                    s = to_string(v)
                    if not (m.match(s) or m.search(s)):
                        raise _Fail
        self.checks.append(check)

    def _language_in(self, c) -> None:
        needs = []
        for r in c.string_rules:
            languages = set()
            for lang_in in self.sg.graph.items(r):
                if not isinstance(lang_in, Literal) or not isinstance(lang_in.value, str):
                    raise Unsupported(f"{self.node}: sh:languageIn")
                languages.add(str(lang_in.value).lower())
            needs.append(languages)

        def check(index, focus, values, data):
            for languages in needs:
                for v in values:
                    lang = v.language if isinstance(v, Literal) else None
                    if not lang:
                        raise _Fail
                    if "*" in languages or str(lang).lower() in languages:
                        continue
                    if str(lang).split("-")[0].lower() not in languages:
                        raise _Fail
        self.checks.append(check)

    def _unique_lang(self, c) -> None:
        if True not in c.string_rules:
            return

        def check(index, focus, values, data):
            seen = set()
            for v in values:
                if isinstance(v, Literal) and v.language:
                    low = str(v.language).lower()
                    if low in seen:
                        raise _Fail
                    seen.add(low)
        self.checks.append(check)

    def _in(self, c) -> None:
        allowed = c.in_vals

        def check(index, focus, values, data):
            for v in values:
                if v not in allowed:
                    raise _Fail
        self.checks.append(check)

    def _min_inclusive(self, c) -> None:
        self._inclusive_bound(list(c.min_vals), "sh:minInclusive", lambda cmp: cmp >= 0)

    def _max_inclusive(self, c) -> None:
        self._inclusive_bound(list(c.max_vals), "sh:maxInclusive", lambda cmp: cmp <= 0)

    def _inclusive_bound(self, bounds: list, name: str, holds: Callable[[int], bool]) -> None:
        """sh:minInclusive / sh:maxInclusive as pyshacl's components compare: every value a literal of the
        bound's kind (string or not) that compare_literal puts on the right side of every bound."""
        from pyshacl.rdfutil.compare import compare_literal

        for b in bounds:
            if not isinstance(b, Literal):
                raise Unsupported(f"{self.node}: {name}")

        def check(index, focus, values, data):
            for bound in bounds:
                bound_is_string = isinstance(bound.value, str)
                for v in values:
                    if not isinstance(v, Literal):
                        raise _Fail
                    if bound_is_string != isinstance(v.value, str):
                        raise _Fail
                    try:
                        ok = holds(compare_literal(v, bound))
                    except (TypeError, NotImplementedError):
                        ok = False
                    if not ok:
                        raise _Fail
        self.checks.append(check)

    def _less_than_or_equals(self, c) -> None:
        others = list(c.property_compare_set)
        for o in others:
            if not isinstance(o, URIRef):
                raise Unsupported(f"{self.node}: sh:lessThanOrEquals")

        def plain(node):
            if isinstance(node, BNode):
                raise _Fail  # pyshacl raises an error here; let it
            if isinstance(node, URIRef):
                return str(node), True
            if isinstance(node, Literal) and isinstance(node.value, str):
                return node.value, True
            return node, False

        def check(index, focus, values, data):
            for other in others:
                compare_values = index.objects(focus, other)
                for value_node in values:
                    value, value_is_string = plain(value_node)
                    for compare_node in compare_values:
                        compare, compare_is_string = plain(compare_node)
                        if value_is_string != compare_is_string or not value <= compare:
                            raise _Fail
        self.checks.append(check)

    def _node(self, c) -> None:
        self._refs.setdefault("node", []).extend(c.node_shapes)

    def _property(self, c) -> None:
        self._refs.setdefault("property", []).extend(c.property_shapes)

    def _or(self, c) -> None:
        for or_c in c.or_list:
            members = list(self.sg.graph.items(or_c))
            if not members:
                raise Unsupported(f"{self.node}: empty sh:or list")
            self._refs.setdefault("or", []).append(members)

    def _qualified(self, c) -> None:
        if c.is_disjoint or c.max_count is not None:
            raise Unsupported(f"{self.node}: qualified value shape with siblings or a maximum")
        self._refs.setdefault("qualified", []).append((list(c.value_shapes), c.min_count))

    def _sparql(self, c) -> None:
        helpers = [h for h in c.sparql_constraints if not h.deactivated]
        for helper in helpers:
            self.checks.append(_SparqlCheck(helper, self.node))

    def link(self, by_node: dict) -> None:
        """Resolve the shapes this one refers to (sh:node, sh:property, sh:or, sh:qualifiedValueShape)."""
        def shape(node):
            if node not in by_node:
                raise Unsupported(f"{self.node}: refers to {node}, which is not a shape")
            return by_node[node]

        self.node_shapes = [shape(n) for n in self._refs.get("node", [])]
        self.property_shapes = [shape(n) for n in self._refs.get("property", [])]
        self.or_lists = [[shape(n) for n in members] for members in self._refs.get("or", [])]
        self.qualified = [([shape(n) for n in nodes], n) for nodes, n in self._refs.get("qualified", [])]
        if self.node_shapes or self.property_shapes or self.or_lists or self.qualified:
            self.checks.append(self._nested)

    def referenced(self) -> list:
        out = list(self.node_shapes) + list(self.property_shapes)
        for members in self.or_lists:
            out.extend(members)
        for shapes, _ in self.qualified:
            out.extend(shapes)
        return out

    def _nested(self, index, focus, values, data) -> None:
        for p in self.property_shapes:
            for v in values:
                p.check(index, v, data)
        for n in self.node_shapes:
            if n.path is not None:
                raise _Fail  # pyshacl refuses a property shape as sh:node
            for v in values:
                n.check(index, v, data)
        for members in self.or_lists:
            for v in values:
                if not any(m.holds(index, v, data) for m in members):
                    raise _Fail
        for shapes, min_count in self.qualified:
            if min_count is None:
                continue
            for q in shapes:
                if sum(1 for v in values if q.holds(index, v, data)) < min_count:
                    raise _Fail

    # -- evaluating --------------------------------------------------------------------------
    def focus_nodes(self, index: _Data) -> set:
        found = set(self.target_nodes)
        for tc in self.target_classes:
            for c in index.subclasses(tc):
                found |= index.by_type.get(c, set())
        for p in self.target_subjects_of:
            found |= {s for s, po in index.out.items() if p in po}
        for p in self.target_objects_of:
            for po in index.out.values():
                found |= po.get(p, set())
        return found

    def check(self, index: _Data, focus, data: Graph) -> None:
        """Raise _Fail unless the focus node conforms to this shape."""
        if self.deactivated:
            return
        values = index.objects(focus, self.path) if self.path is not None else {focus}
        for check in self.checks:
            check(index, focus, values, data)

    def holds(self, index: _Data, focus, data: Graph) -> bool:
        try:
            self.check(index, focus, data)
            return True
        except _Fail:
            return False


class _SparqlCheck:
    """A SHACL-SPARQL constraint: the query pyshacl would run, prepared once and run by rdflib.

    When every triple pattern of the query has a fixed predicate that the vocabulary context and the class
    hierarchy never add, the query can only match the data's own triples with those predicates, so it runs on
    a graph of just those (the same solutions as on pyshacl's combined graph); otherwise on the whole index."""

    _CONTEXT_ONLY = {RDF.type, SKOS.inScheme, RDFS.subClassOf}

    def __init__(self, helper, shape_node):
        from rdflib.plugins.sparql.processor import prepareQuery

        probe = URIRef("urn:coopkg:probe")
        try:
            bindings, text = helper.pre_bind_variables(probe)
            text = helper.apply_prefixes(text)
            # what rdflib's Graph.query would translate it with: the namespaces of a new graph
            self.query = prepareQuery(text, initNs=dict(Graph().namespaces()))
        except Exception as err:
            raise Unsupported(f"{shape_node}: SPARQL constraint not prepared: {err}") from None
        self.bind_this = "this" in bindings
        self.extra = {k: v for k, v in bindings.items() if k != "this"}
        self.predicates = _fixed_predicates(self.query.algebra, self._CONTEXT_ONLY)  # None: not that simple

    def __call__(self, index, focus, values, data) -> None:
        bindings = dict(self.extra)
        if self.bind_this:
            bindings["this"] = focus
        if self.predicates is not None:
            graph = Graph(bind_namespaces="none")  # the prepared query needs no prefixes
            for p in self.predicates:
                for triple in index.data_by_predicate[p]:
                    graph.add(triple)
        else:
            graph = _as_graph(index)
        results = graph.query(self.query, initBindings=bindings)
        if results or len(results.bindings) > 0:
            raise _Fail


def _fixed_predicates(algebra, excluded: set) -> frozenset | None:
    """The predicates of the query's triple patterns, when every one is a fixed IRI outside `excluded` and no
    named graph, service or dataset clause could read other triples (patterns inside FILTER EXISTS and
    sub-queries count too); None otherwise."""
    from rdflib.plugins.sparql.parserutils import CompValue

    found: set = set()
    ok = True

    def walk(node):
        nonlocal ok
        if not ok:
            return
        if isinstance(node, CompValue):
            if node.name in ("Graph", "ServiceGraphPattern") or dict.get(node, "datasetClause"):
                ok = False
                return
            if node.name == "BGP":
                for _, p, _ in dict.get(node, "triples") or []:
                    if not isinstance(p, URIRef) or p in excluded:
                        ok = False
                        return
                    found.add(p)
            for value in node.values():
                walk(value)
        elif isinstance(node, (list, tuple)):
            for item in node:
                walk(item)

    walk(algebra)
    return frozenset(found) if ok else None


def _as_graph(index: _Data) -> Graph:
    g = Graph()
    for s, po in index.out.items():
        for p, objects in po.items():
            for o in objects:
                g.add((s, p, o))
    return g
