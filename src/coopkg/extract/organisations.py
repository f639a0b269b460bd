"""Extract organisations and their roles from role sentences ("funded by", "ejecutado por" ...) and the Actors table.

Registry names are found first and protected, so lists split correctly around names that hold commas or "and".
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from ..facts import Evidence, OrganisationFact
from ..read import Document
from ..text import Sentences, Span, fold, normal_key, trimmed
from ..vocabulary import Vocabulary

FUNDING, IMPLEMENTING, COORDINATING, PARTNER, BENEFICIARY = (
    "funding", "implementing", "coordinating", "partner", "beneficiary")

# Trigger phrases, English and Spanish, and the role each introduces.
_TRIGGERS: list[tuple[str, str]] = [
    (r"(?:co-?)?(?:funded|financed|sponsored|bankrolled)\s+(?:jointly\s+|mainly\s+|primarily\s+|entirely\s+)?by", FUNDING),
    (r"with\s+(?:the\s+)?(?:financing|funding|financial\s+support|co-?financing|contributions?)\s+(?:from|of)", FUNDING),
    (r"(?:co-?)?financiad[oa]s?\s+(?:conjuntamente\s+|principalmente\s+)?por", FUNDING),
    (r"con\s+(?:el\s+|la\s+)?(?:financiamiento|financiación|cofinanciación|cofinanciamiento|fondos|aportes?|apoyo\s+financiero)\s+(?:de(?:l)?|por\s+parte\s+de(?:l)?)", FUNDING),
    (r"(?:is|was)\s+(?:a|an)\s+(?:flagship\s+|regional\s+|bilateral\s+)?(?:programme|program|initiative|project)\s+(?:of|by|from)", FUNDING),
    (r"es\s+(?:un|una)\s+(?:programa|iniciativa|proyecto)\s+(?:regional\s+|bilateral\s+)?de(?:l)?", FUNDING),
    (r"(?:implemented|executed|carried\s+out|delivered|operated)\s+(?:jointly\s+|mainly\s+)?(?:by|with)", IMPLEMENTING),
    (r"implementing\s+(?:partners?|agenc(?:y|ies)|organi[sz]ations?)\s+(?:is|are|include|includes)", IMPLEMENTING),
    (r"(?:implementad[oa]s?|ejecutad[oa]s?|llevad[oa]s?\s+a\s+cabo|operad[oa]s?)\s+(?:conjuntamente\s+)?(?:por|con)", IMPLEMENTING),
    (r"(?:led|coordinated|managed|directed|steered)\s+by", COORDINATING),
    (r"(?:liderad[oa]s?|coordinad[oa]s?|dirigid[oa]s?|gestionad[oa]s?|encabezad[oa]s?)\s+por", COORDINATING),
    (r"in\s+(?:partnership|cooperation|collaboration|association|alliance)\s+with", PARTNER),
    (r"en\s+(?:asociación|cooperación|colaboración|alianza|coordinación)\s+con", PARTNER),
    (r"(?:partners|socios)\s+(?:include|incluyen|are|son)", PARTNER),
]
TRIGGER = re.compile("|".join(f"(?P<t{i}>\\b{p}\\b)" for i, (p, _) in enumerate(_TRIGGERS)), re.I)
# Continuations inside a role clause keep its role ("implemented by A together with B").
_CONTINUE = re.compile(r"\b(?:together\s+with|jointly\s+with|along\s+with|as\s+well\s+as|junto\s+(?:con|a)|así\s+como)\b", re.I)

_ARTICLE = r"(?:the|a|an|la|el|los|las|l'|its|their|su|sus)"
# Where a clause stops: end of sentence, a semicolon, or a comma/"and" followed by something that is not a name.
_CLAUSE_END = re.compile(
    r"[.;:!?](?=\s|$)|\n|—|\s\((?=(?-i:[a-z]))"
    r"|,?\s+(?:and|y|e)\s+(?!(?:" + _ARTICLE + r"\s+)?[A-ZÁÉÍÓÚÑ0-9])"
    r"|,\s+(?!(?:and\s+|y\s+|e\s+)?(?:" + _ARTICLE + r"\s+)?[A-ZÁÉÍÓÚÑ0-9])"
    r"|\s+(?:as|como|to|in\s+order|under|bajo|since|desde|from|in|en|which|who|that|que|whose|cuy[oa]s?|through|a\s+través)\s"
    r"|\s+(?:for|para)\s+(?![A-ZÁÉÍÓÚÑ])",
    re.I,
)
_SEPARATOR = re.compile(r"\s*(?:,\s*(?:and|y|e)\s+|,\s*|\s+(?:and|y|e|&)\s+|;\s*|\s+(?:with|con)\s+|\s*/\s*)", re.I)
_LEADING_WORDS = re.compile(
    r"^(?:(?:the|a|an|la|el|los|las|l'|its|their|su|sus|del|de|by|por|several|various|diversos|diversas)\s+)+", re.I)
_GENERIC_HEAD = re.compile(
    r"^(?:consortium|consorcio|team|equipo|group|grupo|number|set|range|other|otros?|otras?|several|various|"
    r"diversos|diversas|many|muchos|muchas)\b", re.I)
_ACRONYM_PARENS = re.compile(r"^(?P<name>.*?)\s*\((?P<acr>[^()]{1,25})\)\s*$")
_LOWER_WORDS = {"of", "for", "and", "the", "de", "del", "la", "las", "los", "el", "y", "e", "para", "in", "en", "on",
                "to", "a", "fur", "für", "und", "der", "des", "et", "du", "di", "da", "do", "dos", "das", "i", "p"}

_TABLE_ROLES = [
    (re.compile(r"implement|ejecut|executing|operador", re.I), IMPLEMENTING),
    (re.compile(r"fund|donor|financ|donant|cofinanc", re.I), FUNDING),
    (re.compile(r"coordinat|coordina|lead|lider", re.I), COORDINATING),
    (re.compile(r"beneficiar", re.I), BENEFICIARY),
]


@dataclass(frozen=True)
class _Clause:
    role: str
    rule: str
    start: int
    end: int


def extract_organisations(doc: Document, vocab: Vocabulary, sentences: Sentences) -> list[OrganisationFact]:
    """Organisations in roles, from sentences first, then the Actors table for those not yet placed."""
    found: list[OrganisationFact] = []
    for block in doc.blocks:
        if block.kind in ("title", "paragraph", "bullet", "item"):
            for clause in role_clauses(doc.text, block.span, vocab):
                found.extend(organisations_in_clause(doc.text, clause, vocab, sentences))
    found.extend(organisations_in_actors_table(doc, vocab))
    return merge_organisations(found)


def role_clauses(text: str, span: Span, vocab: Vocabulary) -> list[_Clause]:
    """The stretches of a block that follow a role trigger, each with its role."""
    triggers = list(TRIGGER.finditer(text, span.start, span.end))
    clauses = []
    for i, m in enumerate(triggers):
        index = int(next(k for k, v in m.groupdict().items() if v)[1:])
        role = _TRIGGERS[index][1]
        limit = triggers[i + 1].start() if i + 1 < len(triggers) else span.end
        end = _clause_end(text, m.end(), limit, vocab)
        clauses.append(_Clause(role, f"sentence:{role}", m.end(), end))
        # "together with" inside the clause continues it with the same role; nothing to do,
        # the separator split treats it like "and".
    return clauses


def _clause_end(text: str, start: int, limit: int, vocab: Vocabulary) -> int:
    """Where a role clause stops; a stop word inside a known name ("... Foundation for ...") does not count."""
    protected = vocab.organisation_index.find(text, start, limit) + vocab.place_index.find(text, start, limit)
    for m in _CLAUSE_END.finditer(text, start, limit):
        if any(p.start <= m.start() < p.end for p in protected) or _is_abbreviation_dot(text, m.start()):
            continue
        return m.start()
    return limit


def _is_abbreviation_dot(text: str, pos: int) -> bool:
    """The dot of "I.P." or "S.A." ends a name, not a sentence."""
    return text[pos] == "." and bool(re.search(r"(?:^|[\s.])[A-Z]$", text[max(0, pos - 2):pos]))


def organisations_in_clause(text: str, clause: _Clause, vocab: Vocabulary, sentences: Sentences) -> list[OrganisationFact]:
    evidence = Evidence(sentences.around(clause.start), clause.rule)
    return [OrganisationFact(name=name, role=clause.role, evidence=evidence, iri=iri, acronym=acronym)
            for name, iri, acronym in names_in(text, clause.start, clause.end, vocab)]


def names_in(text: str, start: int, end: int, vocab: Vocabulary) -> list[tuple[str, str | None, str | None]]:
    """(name, registry IRI or None, acronym) for each organisation named in text[start:end]."""
    protected = vocab.organisation_index.find(text, start, end) + vocab.place_index.find(text, start, end)
    cuts = [m for m in _SEPARATOR.finditer(text, start, end)
            if not any(p.start < m.end() and m.start() < p.end for p in protected)
            and not _CONTINUE.match(text, m.start())]
    cuts += list(_CONTINUE.finditer(text, start, end))
    cuts.sort(key=lambda m: m.start())
    out = []
    pos = start
    for cut in [*cuts, None]:
        seg_end = cut.start() if cut else end
        if seg_end > pos:
            named = _segment_organisation(text, pos, seg_end, vocab)
            if named:
                out.append(named)
        if cut:
            pos = max(pos, cut.end())
    return out


def _segment_organisation(text: str, start: int, end: int, vocab: Vocabulary):
    segment = trimmed(text, start, end).text.strip(" ,.;:\"'“”")
    if segment.count("(") < segment.count(")"):
        segment = segment.rstrip(")")
    if segment.count("(") > segment.count(")"):
        segment = segment.lstrip("(")
    segment = _LEADING_WORDS.sub("", segment).strip()
    if not segment:
        return None
    name, acronym = segment, None
    m = _ACRONYM_PARENS.match(segment)
    if m:
        name, acronym = m.group("name").strip(), m.group("acr").strip()
        name = _LEADING_WORDS.sub("", name).strip()
    iri = resolve_organisation(name, acronym, vocab)
    if iri:
        return name, iri, acronym
    if not looks_like_name(name):
        return None
    return name, None, acronym if acronym and looks_like_acronym(acronym) else None


def resolve_organisation(name: str, acronym: str | None, vocab: Vocabulary) -> str | None:
    """The registry IRI for a name (or its acronym); a bare country name stands for its government."""
    index = vocab.organisation_index
    for candidate in (name, acronym):
        if candidate:
            iris = index.lookup(candidate)
            if len(iris) == 1:
                return next(iter(iris))
    places = vocab.place_index.lookup(name)
    countries = [p for p in places if vocab.places[p].kind == "country"]
    if len(countries) == 1:
        return vocab.government_of(countries[0])
    return None


def looks_like_name(name: str) -> bool:
    """A proper name: starts with a capital, its content words are mostly capitalised, not a generic phrase."""
    words = re.findall(r"[\w'’+-]+", name)
    if not words or len(words) > 14 or not name[0].isupper() or _GENERIC_HEAD.match(name):
        return False
    content = [w for w in words if fold(w) not in _LOWER_WORDS]
    if not content:
        return False
    capitalised = sum(w[0].isupper() or w[0].isdigit() for w in content)
    return capitalised / len(content) >= 0.6


def looks_like_acronym(text: str) -> bool:
    return bool(re.fullmatch(r"[A-Z][A-Za-z0-9+&.\- ]{0,20}", text)) and sum(c.isupper() for c in text) >= 2


def organisations_in_actors_table(doc: Document, vocab: Vocabulary) -> list[OrganisationFact]:
    """Organisations listed in the Actors table, each in the role its row category names (partner by default)."""
    out = []
    for row in doc.blocks:
        if row.kind != "row" or row.section != "actors" or len(row.cells) < 2:
            continue
        category, cell = row.cells[0], row.cells[1]
        role = next((r for pattern, r in _TABLE_ROLES if pattern.search(category.text)), PARTNER)
        evidence = Evidence(row.span, "actors-table")
        pos = cell.start
        for part in re.split(r"(;)", cell.text):
            if part != ";" and part.strip():
                start = pos + (len(part) - len(part.lstrip()))
                named = _segment_organisation(doc.text, start, start + len(part.strip()), vocab)
                if named:
                    name, iri, acronym = named
                    out.append(OrganisationFact(name, role, evidence, iri, acronym))
            pos += len(part)
    return out


def merge_organisations(found: list[OrganisationFact]) -> list[OrganisationFact]:
    """One fact per organisation and role; unknown names merged with their acronym; table-only partners kept
    only where no sentence gives the organisation a role."""
    by_acronym = {normal_key(f.acronym): f for f in found if f.iri is None and f.acronym}
    names = sorted({(f.name, f.iri) for f in found}, key=lambda n: (-len(n[0]), n))
    resolved = []
    for f in found:
        if f.iri is None and normal_key(f.name) in by_acronym and not f.acronym:
            full = by_acronym[normal_key(f.name)]
            f = OrganisationFact(full.name, f.role, f.evidence, None, full.acronym)
        elif f.iri is None:
            # "el Poder Judicial y el Ministerio Público de Honduras": a name cut short by a shared ending
            longer = next((n for n in names if len(n[0]) > len(f.name) and
                           normal_key(n[0]).startswith(normal_key(f.name) + " ")), None)
            if longer:
                f = OrganisationFact(longer[0], f.role, f.evidence, longer[1], f.acronym)
        resolved.append(f)
    key = lambda f: f.iri or "name:" + normal_key(f.name)  # noqa: E731
    sentence_roles: dict[str, set[str]] = {}
    for f in resolved:
        if f.evidence.rule != "actors-table":
            sentence_roles.setdefault(key(f), set()).add(f.role)
    out: dict[tuple[str, str], OrganisationFact] = {}
    for f in resolved:
        if f.evidence.rule == "actors-table" and f.role in (PARTNER, BENEFICIARY) and sentence_roles.get(key(f)):
            continue
        out.setdefault((key(f), f.role), f)
    return list(out.values())
