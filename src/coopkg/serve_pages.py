"""HTML pages of the server: the index, one page per resource (programme, document, organisation, place,
SDG, theme, anything else) with its facts, the evidence quoted for them and links to related pages.
"""
from __future__ import annotations

import html
import urllib.parse
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

import pyoxigraph as ox

from . import __version__
from .results import ResultTable, Value

W3ID = "https://w3id.org/coopkg"
LOCAL_ROOTS = (W3ID + "/id/", W3ID + "/voc/")
SDG_BASE = "http://metadata.un.org/sdg/"

RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
DCT = "http://purl.org/dc/terms/"
PROV = "http://www.w3.org/ns/prov#"
OA = "http://www.w3.org/ns/oa#"
SCHEMA = "https://schema.org/"
OWL = "http://www.w3.org/2002/07/owl#"
CK = "https://w3id.org/coopkg/def#"
SDGO = "http://metadata.un.org/sdg/ontology#"

PREFIXES = {"ck": CK, "rdf": RDF, "rdfs": RDFS, "skos": SKOS, "dct": DCT, "prov": PROV, "oa": OA,
            "schema": SCHEMA, "owl": OWL, "sdgo": SDGO, "xsd": "http://www.w3.org/2001/XMLSchema#"}
SPARQL_PREFIXES = "\n".join(f"PREFIX {k}: <{v}>" for k, v in PREFIXES.items()) + "\n"

Select = Callable[[str], ResultTable]


def e(text: object) -> str:
    """Escape for HTML text and attribute values (quotes included)."""
    return html.escape(str(text), quote=True)


def iri_term(iri: str) -> str:
    """An IRI in SPARQL syntax, validated by Oxigraph so that it can never end the term early."""
    return str(ox.NamedNode(iri))


def quote_path(path: str) -> str:
    """A path with what a URL path cannot hold percent-encoded (slugs and codes pass unchanged)."""
    return urllib.parse.quote(path, safe="/:@!$&'()*+,;=-._~")


def local_path(iri: str) -> str | None:
    """The server path of a resource minted under w3id.org/coopkg/id or /voc (fragment dropped), else None."""
    base = iri.split("#", 1)[0]
    if base.startswith(LOCAL_ROOTS) and len(base) > len(W3ID) + 5:
        return quote_path(base[len(W3ID):])
    return None


def sdg_code(iri: str) -> str | None:
    code = iri[len(SDG_BASE):] if iri.startswith(SDG_BASE) else ""
    return code if code and all(part.isalnum() for part in code.split(".")) and code.count(".") <= 1 else None


@dataclass(frozen=True)
class Site:
    """Where the server lives: links are root-relative under the path of --base-url."""

    base_url: str

    @property
    def prefix(self) -> str:
        return urllib.parse.urlsplit(self.base_url).path.rstrip("/")

    def href(self, path: str) -> str:
        return self.prefix + path

    def absolute(self, path: str) -> str:
        return self.base_url.rstrip("/") + path


@dataclass
class Term:
    """What a page needs to show a resource: its best label, its code and whether the store describes it."""

    iri: str
    labels: list[Value] = field(default_factory=list)
    codes: list[str] = field(default_factory=list)
    exists: bool = False

    @property
    def label(self) -> str:
        best = pick(self.labels)
        return best.value if best else short_iri(self.iri)


def pick(values: Iterable[Value]) -> Value | None:
    """The value to show a person: English, else Spanish, else no language, else any; ties by text."""
    order = {"en": 0, "es": 1, None: 2}
    ranked = sorted(values, key=lambda v: (order.get(v.lang, 3), v.value))
    return ranked[0] if ranked else None


def short_iri(iri: str) -> str:
    for prefix, namespace in PREFIXES.items():
        if iri.startswith(namespace) and len(iri) > len(namespace):
            return f"{prefix}:{iri[len(namespace):]}"
    return iri


class Pages:
    """Renders pages from the store through a `select` callable (each call one SPARQL SELECT)."""

    def __init__(self, select: Select, site: Site):
        self.select = select
        self.site = site

    # -- data helpers ----------------------------------------------------------------------------
    def rows(self, sparql: str) -> list[dict[str, Value]]:
        return self.select(SPARQL_PREFIXES + sparql).rows

    def terms(self, iris: Iterable[str]) -> dict[str, Term]:
        """Labels, codes and existence of many resources in one query."""
        wanted = sorted({i for i in iris if i})
        found = {i: Term(i) for i in wanted}
        if not wanted:
            return found
        values = " ".join(iri_term(i) for i in wanted)
        for row in self.rows(f"""SELECT ?s ?label ?code WHERE {{ VALUES ?s {{ {values} }}
              FILTER EXISTS {{ ?s ?anyp ?anyo }}
              OPTIONAL {{ ?s rdfs:label|skos:prefLabel|dct:title|ck:fileName ?label }}
              OPTIONAL {{ ?s skos:notation ?code }} }}"""):
            term = found[row["s"].value]
            term.exists = True
            if "label" in row and row["label"] not in term.labels:
                term.labels.append(row["label"])
            if "code" in row and row["code"].value not in term.codes:
                term.codes.append(row["code"].value)
        return found

    def statements(self, iri: str) -> dict[str, list[Value]]:
        """The resource's own triples, by predicate (distinct across graphs)."""
        by_predicate: dict[str, list[Value]] = defaultdict(list)
        for row in self.rows(f"SELECT DISTINCT ?p ?o WHERE {{ {iri_term(iri)} ?p ?o }}"):
            by_predicate[row["p"].value].append(row["o"])
        return dict(by_predicate)

    def evidence(self, subject: str) -> dict[tuple[str, Value], list[dict[str, Value]]]:
        """The quotes that state each (predicate, object) fact about a subject, with their documents."""
        found: dict[tuple[str, Value], list[dict[str, Value]]] = defaultdict(list)
        for row in self.rows(f"""SELECT DISTINCT ?p ?o ?quote ?doc ?start WHERE {{
              ?fact a ck:Fact ; rdf:subject {iri_term(subject)} ; rdf:predicate ?p ; rdf:object ?o .
              ?annotation oa:hasBody ?fact ; oa:hasTarget ?target . ?target oa:hasSource ?doc .
              OPTIONAL {{ ?target oa:hasSelector ?qs . ?qs a oa:TextQuoteSelector ; oa:exact ?quote }}
              OPTIONAL {{ ?target oa:hasSelector ?ps . ?ps a oa:TextPositionSelector ; oa:start ?start }}
            }} ORDER BY ?doc ?start"""):
            found[(row["p"].value, row["o"])].append(row)
        return dict(found)

    def exists(self, iri: str) -> bool:
        return bool(self.rows(f"SELECT ?p WHERE {{ {iri_term(iri)} ?p ?o }} LIMIT 1"))

    # -- links -----------------------------------------------------------------------------------
    def page_href(self, iri: str) -> str | None:
        """The page of a resource on this server, for resources the store describes."""
        path = local_path(iri)
        if path:
            fragment = iri.partition("#")[2]
            return self.site.href(path + ".html") + (f"#{urllib.parse.quote(fragment)}" if fragment else "")
        code = sdg_code(iri)
        return self.site.href(f"/sdg/{code}") if code else None

    def link(self, term: Term, text: str | None = None) -> str:
        label = e(text if text is not None else term.label)
        href = self.page_href(term.iri) if term.exists else None
        if href:
            return f'<a href="{e(href)}" title="{e(term.iri)}">{label}</a>'
        # coopkg's own IRIs resolve through this server or not at all; others (UN, Wikidata) are the web's
        if term.iri.startswith(("http://", "https://")) and not term.iri.startswith(W3ID + "/"):
            return f'<a class="external" rel="external" href="{e(term.iri)}">{label}</a>'
        return f'<span title="{e(term.iri)}">{label}</span>'

    def value_html(self, value: Value, terms: dict[str, Term]) -> str:
        if value.kind == "uri":
            return self.link(terms.get(value.value) or Term(value.value))
        if value.kind == "bnode":
            return f"<code>_:{e(value.value)}</code>"
        lang = f' lang="{e(value.lang)}"' if value.lang else ""
        return f"<span{lang}>{e(value.value)}</span>"

    def quotes_html(self, quotes: list[dict[str, Value]], terms: dict[str, Term]) -> str:
        """Each quote with a link to the document it comes from."""
        if not quotes:
            return ""
        items = []
        for row in quotes:
            doc = terms.get(row["doc"].value) or Term(row["doc"].value)
            text = row["quote"].value if "quote" in row else "(no quote recorded)"
            where = f", character {e(row['start'].value)}" if "start" in row else ""
            items.append(f"<li><q>{e(' '.join(text.split()))}</q> — {self.link(doc)}{where}</li>")
        return f'<ul class="evidence">{"".join(items)}</ul>'

    # -- pages -----------------------------------------------------------------------------------
    def layout(self, title: str, body: str, iri: str | None = None) -> str:
        """The page around a body: navigation, alternate RDF links for a resource, footer."""
        alternates = ""
        formats = ""
        if iri and local_path(iri):
            path = self.site.href(local_path(iri) or "")
            kinds = [("ttl", "text/turtle", "Turtle"), ("nt", "application/n-triples", "N-Triples"),
                     ("jsonld", "application/ld+json", "JSON-LD")]
            alternates = "".join(f'<link rel="alternate" type="{t}" href="{e(path)}.{x}">' for x, t, _ in kinds)
            formats = " · ".join(f'<a href="{e(path)}.{x}">{n}</a>' for x, _, n in kinds)
            formats = f'<p class="iri">IRI <code>{e(iri)}</code> · as {formats}</p>'
        nav = " · ".join(f'<a href="{e(self.site.href(p))}">{n}</a>' for p, n in [
            ("/", "Programmes"), ("/sparql", "SPARQL"), ("/api/queries", "Query API"),
            ("/api/openapi.json", "OpenAPI"), ("/.well-known/void", "VoID")])
        return (f'<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
                f'<meta name="viewport" content="width=device-width, initial-scale=1">\n'
                f"<title>{e(title)} · coopkg</title>\n{alternates}\n<style>{_CSS}</style>\n</head>\n<body>\n"
                f"<header><nav>{nav}</nav></header>\n<main>\n<h1>{e(title)}</h1>\n{formats}\n{body}\n</main>\n"
                f"<footer>coopkg {e(__version__)} · EU–Latin America cooperation programmes as linked data"
                f"</footer>\n</body>\n</html>\n")

    def resource(self, iri: str) -> str | None:
        """The page of any resource the store describes (None when it describes nothing)."""
        facts = self.statements(iri)
        if not facts:
            return None
        types = {v.value for v in facts.get(RDF + "type", [])}
        if CK + "Programme" in types:
            return self.programme(iri, facts)
        if CK + "Document" in types:
            return self.document(iri, facts)
        return self.generic(iri, facts, types)

    def generic(self, iri: str, facts: dict[str, list[Value]], types: set[str]) -> str:
        """Statements of the resource and of its `#` parts, then the programmes linked to it."""
        parts = self._hash_parts(iri, facts)
        terms = self.terms(_iris(facts) | {p for p in facts} | {i for f in parts.values() for i in _iris(f)}
                           | {p for f in parts.values() for p in f} | {iri})
        title = terms[iri].label
        body = self.summary_html(facts, terms, types)
        body += self.programmes_html(iri, types)
        body += "<h2>All statements</h2>" + self.statements_table(facts, terms)
        for part, part_facts in sorted(parts.items()):
            fragment = part.partition("#")[2]
            body += f'<h3 id="{e(fragment)}">#{e(fragment)}</h3>' + self.statements_table(part_facts, terms)
        return self.layout(title, body, iri)

    def _hash_parts(self, iri: str, facts: dict[str, list[Value]]) -> dict[str, dict[str, list[Value]]]:
        """Statements of `iri#…` resources the resource points to (an annotation's target and selectors)."""
        parts: dict[str, dict[str, list[Value]]] = {}
        pending = [v.value for vs in facts.values() for v in vs if v.kind == "uri" and v.value.startswith(iri + "#")]
        while pending and len(parts) < 20:
            part = pending.pop()
            if part in parts:
                continue
            parts[part] = self.statements(part)
            pending += [v.value for vs in parts[part].values() for v in vs
                        if v.kind == "uri" and v.value.startswith(iri + "#")]
        return parts

    def summary_html(self, facts: dict[str, list[Value]], terms: dict[str, Term], types: set[str]) -> str:
        """A short description list: kind, codes, definition, where it sits."""
        rows = []
        kinds = [self.link(terms.get(t) or Term(t)) for t in sorted(types)]
        if kinds:
            rows.append(("Kind", ", ".join(kinds)))
        for predicate, name in [(SKOS + "notation", "Code"), (CK + "acronym", "Acronym"),
                                (SKOS + "definition", "Definition"), (DCT + "description", "Description"),
                                (SKOS + "broader", "Broader"), (SCHEMA + "containedInPlace", "Part of"),
                                (CK + "organisationType", "Type"), (CK + "basedIn", "Based in"),
                                (OWL + "sameAs", "Same as")]:
            values = facts.get(predicate, [])
            if predicate == SKOS + "definition" and values:
                values = [pick(values)]
            if values:
                rows.append((name, ", ".join(self.value_html(v, terms) for v in values)))
        return _dl(rows)

    def statements_table(self, facts: dict[str, list[Value]], terms: dict[str, Term]) -> str:
        lines = []
        for predicate in sorted(facts, key=lambda p: short_iri(p)):
            values = sorted(facts[predicate], key=lambda v: (v.kind, v.lang or "", v.value))
            cell = "<br>".join(self.value_html(v, terms) for v in values)
            pterm = terms.get(predicate) or Term(predicate)
            lines.append(f'<tr><th scope="row" title="{e(predicate)}">{e(short_iri(predicate))}'
                         f'{"" if not pterm.labels else " <small>(" + e(pterm.label) + ")</small>"}</th>'
                         f"<td>{cell}</td></tr>")
        return f"<table class=\"facts\"><tbody>{''.join(lines)}</tbody></table>"

    def programmes_html(self, iri: str, types: set[str]) -> str:
        """The programmes linked to a resource, in the way its kind links them."""
        node = iri_term(iri)
        if CK + "Organisation" in types or CK + "UnlinkedOrganisation" in types:
            query = f"""SELECT DISTINCT ?programme ?how WHERE {{ ?programme a ck:Programme ; ck:hasRole ?role .
                        ?role ck:roleOf {node} ; ck:roleKind ?how }}"""
            heading = "Programmes and roles"
        elif types & {CK + "Country", CK + "Subdivision", CK + "Region", CK + "Place"}:
            query = f"""SELECT DISTINCT ?programme ?via WHERE {{ ?programme a ck:Programme ; ck:targetsPlace ?via .
                        ?via schema:containedInPlace* {node} }}"""
            heading = "Programmes working here"
        elif CK + "HumanRightsTheme" in types or SDGO + "Goal" in types or SDGO + "Target" in types:
            query = f"""SELECT DISTINCT ?programme ?how ?via WHERE {{ ?programme a ck:Programme ; ?how ?via .
                        VALUES ?how {{ ck:hrTheme ck:inferredHrTheme ck:statedSdg ck:inferredSdg }}
                        ?via skos:broader* {node} }}"""
            heading = "Programmes"
        else:
            query = f"SELECT DISTINCT ?programme ?how WHERE {{ ?programme a ck:Programme ; ?how {node} }}"
            heading = "Programmes"
        rows = self.rows(query)
        if not rows:
            return ""
        terms = self.terms({r[k].value for r in rows for k in r} | {iri})
        notes: dict[str, set[str]] = defaultdict(set)
        for r in rows:
            note = [e((terms.get(r["how"].value) or Term(r["how"].value)).label)] if "how" in r else []
            if "via" in r:
                note.append("via " + self.link(terms[r["via"].value]) if r["via"].value != iri else "directly")
            notes[r["programme"].value].add(", ".join(note))
        items = "".join(f"<li>{self.link(terms[p])}: {'; '.join(sorted(n))}</li>" if any(n) else
                        f"<li>{self.link(terms[p])}</li>"
                        for p, n in sorted(notes.items(), key=lambda kv: terms[kv[0]].label.lower()))
        return f"<h2>{e(heading)} ({len(notes)})</h2><ul>{items}</ul>"

    # -- programme -------------------------------------------------------------------------------
    def programme(self, iri: str, facts: dict[str, list[Value]]) -> str:
        """Title, dates, actors, places, SDGs, themes, activities; every fact with the quotes that state it."""
        details = self._details(iri)
        evidence = self.evidence(iri)
        docs = {r["doc"].value for quotes in evidence.values() for r in quotes}
        terms = self.terms(_iris(facts) | {p for p in facts} | docs | {iri}
                           | {v.value for f in details.values() for vs in f.values() for v in vs if v.kind == "uri"})
        proof = lambda p, v: self.quotes_html(evidence.get((p, v), []), terms)  # noqa: E731
        title = pick(facts.get(DCT + "title", [])).value if facts.get(DCT + "title") else terms[iri].label
        sections = [self._names_html(facts, proof), self._dates_html(facts, proof),
                    self._described_html(facts, proof),
                    self._organisations_html(facts, details, terms, proof)]
        for predicate, heading in [(CK + "targetsPlace", "Places"), (CK + "statedSdg", "SDGs stated"),
                                   (CK + "inferredSdg", "SDGs inferred"), (CK + "hrTheme", "Human-rights themes"),
                                   (CK + "inferredHrTheme", "Human-rights themes inferred"),
                                   (CK + "theme", "Themes")]:
            sections.append(self._linked_html(heading, predicate, facts, terms, proof))
        for predicate, heading in [(CK + "hasActivity", "Activities"), (CK + "hasTargetGroup", "Target groups"),
                                   (CK + "hasCommitment", "Commitments")]:
            sections.append(self._parts_html(heading, predicate, facts, details, terms, proof))
        sources = [self.link(terms[v.value]) for v in facts.get(PROV + "wasDerivedFrom", [])]
        sections.append(f"<h2>Sources</h2><ul>{''.join(f'<li>{s}</li>' for s in sorted(sources))}</ul>")
        api = self.site.href("/api/queries/evidence?" + urllib.parse.urlencode({"resource": iri}))
        sections.append(f'<p>All evidence as data: <a href="{e(api)}">evidence query</a>.</p>')
        return self.layout(title, "\n".join(s for s in sections if s), iri)

    def _details(self, iri: str) -> dict[str, dict[str, list[Value]]]:
        """Statements of the roles, activities, target groups and commitments a programme points to."""
        found: dict[str, dict[str, list[Value]]] = defaultdict(lambda: defaultdict(list))
        for row in self.rows(f"""SELECT DISTINCT ?s ?p ?o WHERE {{
              {iri_term(iri)} ck:hasRole|ck:hasActivity|ck:hasTargetGroup|ck:hasCommitment ?s . ?s ?p ?o }}"""):
            found[row["s"].value][row["p"].value].append(row["o"])
        return found

    def _names_html(self, facts, proof) -> str:
        rows = []
        for predicate, name in [(DCT + "title", "Title"), (CK + "acronym", "Acronym"), (SKOS + "altLabel", "Also called")]:
            for value in sorted(facts.get(predicate, []), key=lambda v: (v.lang or "", v.value)):
                lang = f" <small>({e(value.lang)})</small>" if value.lang else ""
                rows.append((name, f"{e(value.value)}{lang}{proof(predicate, value)}"))
        return _dl(rows)

    def _dates_html(self, facts, proof) -> str:
        rows = []
        for predicate, name in [(CK + "startDate", "Start"), (CK + "endDate", "End"), (CK + "duration", "Duration")]:
            for value in facts.get(predicate, []):
                rows.append((name, f"<time>{e(value.value)}</time>{proof(predicate, value)}"))
        return "<h2>Dates</h2>" + (_dl(rows) if rows else "<p>The documents give no dates.</p>")

    def _described_html(self, facts, proof) -> str:
        values = sorted(facts.get(DCT + "description", []), key=lambda v: (v.lang or "", v.value))
        paragraphs = "".join(f'<p lang="{e(v.lang or "und")}">{e(v.value)}</p>{proof(DCT + "description", v)}'
                             for v in values)
        return f"<h2>Description</h2>{paragraphs}" if paragraphs else ""

    def _organisations_html(self, facts, details, terms, proof) -> str:
        """Funders, implementers, partners …: one row per role, with the role's evidence."""
        rows = []
        for role in facts.get(CK + "hasRole", []):
            info = details.get(role.value, {})
            org = next(iter(info.get(CK + "roleOf", [])), None)
            kind = next(iter(info.get(CK + "roleKind", [])), None)
            if org is None:
                continue
            kind_term = terms.get(kind.value) if kind else None
            rows.append((kind_term.label if kind_term else "role", terms[org.value].label.lower(),
                         f"<tr><td>{self.link(kind_term) if kind_term else ''}</td><td>{self.link(terms[org.value])}"
                         f"</td><td>{proof(CK + 'hasRole', role)}</td></tr>"))
        if not rows:
            return "<h2>Organisations</h2><p>The documents name no organisations.</p>"
        body = "".join(r[2] for r in sorted(rows))
        return ('<h2>Organisations</h2><table><thead><tr><th scope="col">Role</th><th scope="col">Organisation</th>'
                f'<th scope="col">Evidence</th></tr></thead><tbody>{body}</tbody></table>')

    def _linked_html(self, heading, predicate, facts, terms, proof) -> str:
        values = facts.get(predicate, [])
        if not values:
            return ""
        items = sorted(((terms[v.value].codes or [""])[0], terms[v.value].label, v) for v in values if v.kind == "uri")
        lis = "".join(f"<li>{e(code) + ' ' if code else ''}{self.link(terms[v.value])}{proof(predicate, v)}</li>"
                      for code, _, v in items)
        return f"<h2>{e(heading)}</h2><ul>{lis}</ul>"

    def _parts_html(self, heading, predicate, facts, details, terms, proof) -> str:
        """Activities, target groups, commitments: their labels (and kinds) in document order."""
        values = facts.get(predicate, [])
        if not values:
            return ""
        items = []
        for value in values:
            info = details.get(value.value, {})
            label = pick(info.get(RDFS + "label", [])) or Value("literal", short_iri(value.value))
            position = next(iter(info.get(SCHEMA + "position", [])), None)
            kinds = [self.link(terms[k.value]) for k in info.get(CK + "activityKind", []) + info.get(
                CK + "targetGroupKind", []) if k.value in terms]
            kind = f" <small>({', '.join(kinds)})</small>" if kinds else ""
            sort_key = (int(position.value) if position and position.value.isdigit() else 0, label.value)
            items.append((sort_key, f"<li>{e(label.value)}{kind}{proof(predicate, value)}</li>"))
        return f"<h2>{e(heading)}</h2><ul>{''.join(i for _, i in sorted(items))}</ul>"

    # -- document --------------------------------------------------------------------------------
    def document(self, iri: str, facts: dict[str, list[Value]]) -> str:
        """A source document: its file, what was read from it and every quote taken from it."""
        quotes = self.rows(f"""SELECT DISTINCT ?quote ?start ?end ?subject ?p ?o ?rule WHERE {{
              ?target oa:hasSource {iri_term(iri)} . ?annotation oa:hasTarget ?target ; oa:hasBody ?fact .
              ?fact rdf:subject ?subject ; rdf:predicate ?p ; rdf:object ?o .
              OPTIONAL {{ ?target oa:hasSelector ?qs . ?qs a oa:TextQuoteSelector ; oa:exact ?quote }}
              OPTIONAL {{ ?target oa:hasSelector ?ps . ?ps a oa:TextPositionSelector ; oa:start ?start ; oa:end ?end }}
              OPTIONAL {{ ?annotation ck:extractionRule ?rule }}
            }}""")
        programmes = self.rows(f"SELECT DISTINCT ?programme WHERE {{ ?programme a ck:Programme ; "
                               f"prov:wasDerivedFrom {iri_term(iri)} }}")
        terms = self.terms({r[k].value for r in quotes + programmes for k in r if r[k].kind == "uri"} | {iri}
                           | _iris(facts) | {p for p in facts})
        name = pick(facts.get(CK + "fileName", []))
        rows = [("File", f"<code>{e(name.value if name else iri)}</code>")]
        for predicate, label in [(CK + "documentShape", "Shape"), (DCT + "language", "Language"),
                                 (CK + "characterCount", "Characters"), (CK + "sha256", "SHA-256")]:
            rows += [(label, e(v.value)) for v in facts.get(predicate, [])]
        rows += [("Programme", self.link(terms[r["programme"].value])) for r in programmes]
        body = _dl(rows) + f"<h2>Quotes ({len(quotes)})</h2>" + self._quotes_table(quotes, terms)
        return self.layout(name.value if name else terms[iri].label, body, iri)

    def _quotes_table(self, quotes: list[dict[str, Value]], terms: dict[str, Term]) -> str:
        def key(row):
            start = row.get("start")
            return (int(start.value) if start and start.value.isdigit() else -1, row["p"].value, row["o"].value)

        lines = []
        for row in sorted(quotes, key=key):
            where = f"{e(row['start'].value)}–{e(row['end'].value)}" if "start" in row and "end" in row else ""
            fact = (f"{self.link(terms.get(row['subject'].value) or Term(row['subject'].value))} "
                    f"<small>{e(short_iri(row['p'].value))}</small> {self.value_html(row['o'], terms)}")
            quote = " ".join(row["quote"].value.split()) if "quote" in row else ""
            rule = e(row["rule"].value) if "rule" in row else ""
            lines.append(f"<tr><td>{where}</td><td><q>{e(quote)}</q></td><td>{fact}</td><td>{rule}</td></tr>")
        return ('<table><thead><tr><th scope="col">Characters</th><th scope="col">Quote</th>'
                '<th scope="col">Fact</th><th scope="col">Rule</th></tr></thead>'
                f"<tbody>{''.join(lines)}</tbody></table>")

    # -- SDG pages (the UN's IRIs are not ours to dereference) -------------------------------------
    def sdg(self, code: str) -> str | None:
        iri = SDG_BASE + code
        facts = self.statements(iri)
        types = {v.value for v in facts.get(RDF + "type", [])}
        if not types & {SDGO + "Goal", SDGO + "Target"}:
            return None
        terms = self.terms(_iris(facts) | {p for p in facts} | {iri})
        kind = "goal" if SDGO + "Goal" in types else "target"
        body = (f'<p class="iri">The UN\'s IRI <a class="external" rel="external" href="{e(iri)}">'
                f"<code>{e(iri)}</code></a></p>" + self.summary_html(facts, terms, types)
                + self.programmes_html(iri, types) + self._targets_html(iri))
        # a target's label is only "Target 16.4"; its definition says what it is about
        name = pick(facts.get(SKOS + "definition", [])) if kind == "target" else None
        return self.layout(f"SDG {kind} {code}: {name.value if name else terms[iri].label}", body)

    def _targets_html(self, goal: str) -> str:
        rows = self.rows(f"""SELECT ?target ?code ?definition WHERE {{ {iri_term(goal)} skos:narrower ?target .
              ?target skos:notation ?code OPTIONAL {{ ?target skos:definition ?definition }} }}""")
        if not rows:
            return ""
        definitions: dict[tuple[str, str], list[Value]] = defaultdict(list)
        for row in rows:
            definitions[(row["target"].value, row["code"].value)] += [row["definition"]] if "definition" in row else []
        items = []
        for (target, code), texts in sorted(definitions.items(), key=lambda kv: _code_key(kv[0][1])):
            text = pick(texts)
            items.append(f"<li>{self.link(Term(target, exists=True), code)}{' ' + e(text.value) if text else ''}</li>")
        return f"<h2>Targets</h2><ul>{''.join(items)}</ul>"

    # -- index -----------------------------------------------------------------------------------
    def index(self, counts: dict[str, int], queries: list) -> str:
        """Counts, every programme, the things programmes link to, the documents and the ways into the data."""
        programmes = self.rows("""SELECT ?programme (SAMPLE(?a) AS ?acronym) (MIN(STR(?s)) AS ?start)
              (MIN(STR(?end_)) AS ?end) (COUNT(DISTINCT ?doc) AS ?sources) WHERE {
              ?programme a ck:Programme . OPTIONAL { ?programme ck:acronym ?a } OPTIONAL { ?programme ck:startDate ?s }
              OPTIONAL { ?programme ck:endDate ?end_ } OPTIONAL { ?programme prov:wasDerivedFrom ?doc } }
            GROUP BY ?programme""")
        linked = self.rows("""SELECT DISTINCT ?kind ?thing WHERE {
              { ?programme a ck:Programme ; ck:hasRole ?role . ?role ck:roleOf ?thing BIND ("organisations" AS ?kind) }
              UNION { ?programme a ck:Programme ; ck:targetsPlace ?thing BIND ("places" AS ?kind) }
              UNION { ?programme a ck:Programme ; ck:statedSdg ?thing BIND ("sdgs" AS ?kind) }
              UNION { ?programme a ck:Programme ; ck:hrTheme ?thing BIND ("themes" AS ?kind) }
              UNION { ?thing a ck:Document BIND ("documents" AS ?kind) } }""")
        terms = self.terms({r["programme"].value for r in programmes} | {r["thing"].value for r in linked})
        body = self._counts_html(counts) + self._programmes_table(programmes, terms)
        groups: dict[str, list[Term]] = defaultdict(list)
        for row in linked:
            groups[row["kind"].value].append(terms[row["thing"].value])
        for kind, heading in [("organisations", "Organisations"), ("places", "Places"), ("sdgs", "SDGs"),
                              ("themes", "Human-rights themes"), ("documents", "Documents")]:
            items = sorted(groups.get(kind, []), key=lambda t: _code_key(t.codes[0]) if kind == "sdgs" and t.codes
                           else (0, t.label.lower()))
            links = ", ".join(self.link(t, (t.codes[0] + " " if kind == "sdgs" and t.codes else "") + t.label)
                              for t in items)
            body += f"<h2>{heading} ({len(items)})</h2><p>{links or 'none'}</p>"
        body += self._data_html(queries)
        return self.layout("EU–Latin America cooperation programmes", body)

    def _counts_html(self, counts: dict[str, int]) -> str:
        names = [("triples", "triples"), ("documents", "documents"), ("programmes", "programmes"),
                 ("organisations", "organisations"), ("places", "places targeted")]
        return "<p>" + " · ".join(f"<strong>{counts.get(k, 0)}</strong> {n}" for k, n in names) + "</p>"

    def _programmes_table(self, programmes: list[dict[str, Value]], terms: dict[str, Term]) -> str:
        lines = []
        for row in sorted(programmes, key=lambda r: terms[r["programme"].value].label.lower()):
            cell = lambda k: e(row[k].value) if k in row else ""  # noqa: E731
            lines.append(f"<tr><td>{self.link(terms[row['programme'].value])}</td><td>{cell('acronym')}</td>"
                         f"<td>{cell('start')}</td><td>{cell('end')}</td><td>{cell('sources')}</td></tr>")
        return (f"<h2>Programmes ({len(lines)})</h2><table><thead><tr><th scope=\"col\">Programme</th>"
                '<th scope="col">Acronym</th><th scope="col">Start</th><th scope="col">End</th>'
                f'<th scope="col">Sources</th></tr></thead><tbody>{"".join(lines)}</tbody></table>')

    def _data_html(self, queries: list) -> str:
        """Links to the machine interfaces, and each saved query run with its example parameters."""
        h = self.site.href
        links = [(h("/sparql"), "SPARQL 1.1 endpoint"), (h("/api/queries"), "saved queries (JSON)"),
                 (h("/api/openapi.json"), "OpenAPI description"), (h("/.well-known/void"), "VoID and DCAT description"),
                 (h("/dumps/graph.nq"), "dump as N-Quads"), (h("/dumps/graph.ttl"), "dump as Turtle")]
        out = "<h2>Data</h2><ul>" + "".join(f'<li><a href="{e(u)}">{e(n)}</a></li>' for u, n in links) + "</ul>"
        items = []
        for q in queries:
            query_string = urllib.parse.urlencode({k: str(v) for k, v in q.examples.items()})
            url = h(f"/api/queries/{urllib.parse.quote(q.name)}") + (f"?{query_string}" if query_string else "")
            items.append(f'<li><a href="{e(url)}">{e(q.name)}</a> — {e(q.summary)}</li>')
        return out + f"<h2>Saved queries ({len(items)})</h2><ul>{''.join(items)}</ul>"

    # -- SPARQL form and results -------------------------------------------------------------------
    def sparql_form(self, query: str = "", result_html: str = "", message: str = "") -> str:
        example = query or ("PREFIX ck: <https://w3id.org/coopkg/def#>\nPREFIX dct: <http://purl.org/dc/terms/>\n\n"
                            "SELECT ?programme ?title WHERE {\n  ?programme a ck:Programme ; dct:title ?title .\n}\n"
                            "ORDER BY ?title")
        note = f'<p class="message">{e(message)}</p>' if message else ""
        options = "".join(f'<option value="{v}">{n}</option>' for v, n in [
            ("html", "HTML table"), ("json", "SPARQL JSON"), ("xml", "SPARQL XML"), ("csv", "CSV"), ("tsv", "TSV"),
            ("ttl", "Turtle (CONSTRUCT)"), ("nt", "N-Triples (CONSTRUCT)"), ("jsonld", "JSON-LD (CONSTRUCT)")])
        form = (f'<form method="get" action="{e(self.site.href("/sparql"))}"><p><label for="query">Query</label></p>'
                f'<textarea id="query" name="query" rows="12" cols="100">{e(example)}</textarea>'
                f'<p><label for="format">Answer as</label> <select id="format" name="format">{options}</select> '
                '<button type="submit">Run</button></p></form>')
        body = (f"{note}<p>The default graph is the union of every named graph (one per document, plus the model). "
                f"The endpoint is read-only.</p>{form}{result_html}")
        return self.layout("SPARQL endpoint", body)

    def results_html(self, table: ResultTable, terms: dict[str, Term] | None = None) -> str:
        terms = terms if terms is not None else self.terms(
            v.value for r in table.rows for v in r.values() if v.kind == "uri")
        head = "".join(f'<th scope="col">{e(v)}</th>' for v in table.variables)
        body = "".join("<tr>" + "".join(f"<td>{self.value_html(r[v], terms) if v in r else ''}</td>"
                                        for v in table.variables) + "</tr>" for r in table.rows)
        return (f"<h2>Results ({len(table.rows)})</h2><table><thead><tr>{head}</tr></thead>"
                f"<tbody>{body}</tbody></table>")

    def error_page(self, title: str, message: str) -> str:
        return self.layout(title, f'<p class="message">{e(message)}</p>')


def _iris(facts: dict[str, list[Value]]) -> set[str]:
    return {v.value for values in facts.values() for v in values if v.kind == "uri"}


def _dl(rows: list[tuple[str, str]]) -> str:
    """A description list; values are already HTML."""
    if not rows:
        return ""
    return "<dl>" + "".join(f"<dt>{e(name)}</dt><dd>{value}</dd>" for name, value in rows) + "</dl>"


def _code_key(code: str) -> tuple:
    """SDG codes in their natural order: 2 before 10, 16.2 before 16.10, 16.a after them."""
    parts = code.rsplit("/", 1)[-1].split(".")
    return tuple((0, int(p), "") if p.isdigit() else (1, 0, p) for p in parts)


_CSS = ("body{font-family:system-ui,sans-serif;max-width:70rem;margin:0 auto;padding:0 1rem;line-height:1.4}"
        "nav a{margin-right:.3rem}table{border-collapse:collapse;margin:.5rem 0}"
        "td,th{border:1px solid #ccc;padding:.25rem .5rem;vertical-align:top;text-align:left}"
        "dt{font-weight:bold}dd{margin:0 0 .5rem 1rem}.evidence{font-size:.9em;color:#333;margin:.2rem 0}"
        ".iri{font-size:.85em;color:#555}.message{color:#a00}q{font-style:italic}footer{margin:2rem 0;color:#666}"
        "textarea{width:100%;font-family:monospace}")
