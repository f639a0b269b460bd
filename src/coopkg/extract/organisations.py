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
CHANNEL = "channel"  # not a role: takes the role of the clause it continues

# Trigger phrases, English and Spanish, and the role each introduces.
_TRIGGERS: list[tuple[str, str]] = [
    (r"(?:co-?)?(?:funded|financed|sponsored|bankrolled)\s+(?:jointly\s+|mainly\s+|primarily\s+|entirely\s+)?by", FUNDING),
    (r"with\s+(?:the\s+)?(?:financing|funding|financial\s+support|co-?financing|contributions?)\s+(?:from|of)", FUNDING),
    (r"(?:co-?)?financiad[oa]s?\s+(?:conjuntamente\s+|principalmente\s+)?por", FUNDING),
    (r"con\s+(?:el\s+|la\s+)?(?:financiamiento|financiación|cofinanciación|cofinanciamiento|fondos|aportes?|apoyo\s+financiero)\s+(?:de(?:l)?|por\s+parte\s+de(?:l)?)", FUNDING),
    (r"(?:is|was)\s+(?:a|an)\s+(?:flagship\s+|regional\s+|bilateral\s+)?(?:programme|program|initiative|project)\s+(?:of|by|from)", FUNDING),
    (r"(?:a\s+|concessional\s+|soft\s+)?(?:grants?|loans?|donations?|subsid(?:y|ies))\s+(?:from|of|by)", FUNDING),
    (r"(?:con\s+)?(?:recursos|aportes?|contribuci(?:ón|ones)|donaci(?:ón|ones)|préstamos?|subvenci(?:ón|ones))\s+(?:financieros?\s+)?(?:de(?:l)?|por\s+parte\s+de(?:l)?)", FUNDING),
    (r"es\s+(?:un|una)\s+(?:programa|iniciativa|proyecto)\s+(?:regional\s+|bilateral\s+)?de(?:l)?", FUNDING),
    (r"(?:implemented|executed|carried\s+out|delivered|operated)\s+(?:jointly\s+|mainly\s+)?(?:by|with)", IMPLEMENTING),
    (r"implementing\s+(?:partners?|agenc(?:y|ies)|organi[sz]ations?)\s+(?:is|are|include|includes)", IMPLEMENTING),
    (r"(?:implementad[oa]s?|ejecutad[oa]s?|llevad[oa]s?\s+a\s+cabo|operad[oa]s?)\s+(?:conjuntamente\s+)?(?:por|con)", IMPLEMENTING),
    (r"(?:led|coordinated|managed|directed|steered)\s+by", COORDINATING),
    (r"(?:liderad[oa]s?|coordinad[oa]s?|dirigid[oa]s?|gestionad[oa]s?|encabezad[oa]s?)\s+por", COORDINATING),
    (r"(?:with|through)\s+(?:the\s+)?technical\s+(?:support|assistance)\s+(?:of|from)", IMPLEMENTING),
    (r"con\s+(?:el\s+|la\s+)?(?:apoyo|asistencia|acompañamiento)\s+técnic[oa]\s+de(?:l)?", IMPLEMENTING),
    (r"(?:in\s+(?:a\s+)?consortium\s+with|en\s+consorcio\s+con)", IMPLEMENTING),
    (r"(?:is|are|was|were)\s+(?:channell?ed|delivered|implemented)\s+(?:through|via|by)", IMPLEMENTING),
    (r"se\s+(?:canaliza|canalizan|ejecuta|ejecutan|implementa|implementan)\s+(?:a\s+través\s+de(?:l)?|por\s+medio\s+de(?:l)?|por|con)", IMPLEMENTING),
    (r"bajo\s+la\s+(?:coordinación|dirección|responsabilidad)\s+de(?:l)?", COORDINATING),
    (r"under\s+the\s+(?:coordination|leadership|responsibility)\s+of", COORDINATING),
    # verb first, subject after: "Lo ejecutan la UNODC y ...", "La financian ..."
    (r"(?:lo|la|los|las)\s+(?:ejecutan?|implementan?|gestionan?|administran?)", IMPLEMENTING),
    (r"(?:lo|la|los|las)\s+(?:co)?financian?", FUNDING),
    (r"(?:lo|la|los|las)\s+coordinan?", COORDINATING),
    (r"in\s+(?:partnership|cooperation|collaboration|association|alliance)\s+with", PARTNER),
    (r"en\s+(?:asociación|cooperación|colaboración|alianza|coordinación)\s+con", PARTNER),
    (r"(?:partners|socios)\s+(?:include|incluyen|are|son)", PARTNER),
    (r"(?:with\s+the\s+support\s+of|con\s+el\s+apoyo\s+de(?:l)?)", PARTNER),
    # the channel money or work goes through keeps the role of the clause before it
    (r"(?:through|via|a\s+través\s+de(?:l)?|por\s+medio\s+de(?:l)?)", CHANNEL),
]
TRIGGER = re.compile("|".join(f"(?P<t{i}>\\b(?:{p})\\b)" for i, (p, _) in enumerate(_TRIGGERS)), re.I)
# "<Organisation> funds ...", "X y Y cofinancian ...", "el BCIE la administra": subjects before an active verb.
_ACTIVE_VERBS: list[tuple[str, str]] = [
    (r"(?-i:(?:co-?)?(?:fund|funds|funded|finance|finances|financed)|supports?\s+financially|provides?\s+(?:the\s+)?funding"
     r"|provided\s+(?:the\s+)?funding|allocated\s+funds|contributes?\s+funds)(?!\s+by\b)", FUNDING),
    (r"(?:is|are|was)\s+(?:its|the)\s+(?:main\s+|principal\s+|sole\s+|lead\s+|largest\s+)?(?:funders?|donors?|financiers?)", FUNDING),
    (r"(?:co)?financi(?:a|ó|an|aron|ará|arán)(?!\s+por\b)|destin(?:a|ó|an|aron)\s+(?:fondos|recursos)|aport(?:a|ó|an|aron)\s+(?:fondos|recursos)", FUNDING),
    (r"es\s+(?:el|su)\s+(?:principal\s+)?(?:financiador|donante)", FUNDING),
    (r"(?-i:implements|implemented|manages|managed|runs|ran|executes|executed|administers|administered)(?!\s+by\b)", IMPLEMENTING),
    (r"(?:(?:la|lo|los|las)\s+)?(?:implementa|implementan|ejecuta|ejecutan|gestiona|gestionan|administra|administran)(?!\s+por\b)", IMPLEMENTING),
    (r"(?-i:coordinates|coordinated|leads|led)(?!\s+by\b)|(?:la\s+|lo\s+)?(?:coordina|coordinan|lidera|lideran)(?!\s+por\b)", COORDINATING),
]
ACTIVE_VERB = re.compile("|".join(f"(?P<v{i}>\\b(?:{p})\\b)" for i, (p, _) in enumerate(_ACTIVE_VERBS)), re.I)
_CO_SUBJECT = re.compile(r"\b(?:junto\s+con|together\s+with|jointly\s+with|along\s+with)\b", re.I)

# Words that head an organisation's name: after "and", a piece without one continues the name before it.
_HEAD_WORDS = re.compile(
    r"^(?:ministry|ministerio|minist[eè]re|secretariat|secretar[ií]a|agency|agencia|agence|institute|instituto|"
    r"institut|foundation|fundaci[oó]n|funda[cç][aã]o|association|asociaci[oó]n|associa[cç][aã]o|organi[sz]ation|"
    r"organizaci[oó]n|fund|fondo|bank|banco|council|consejo|commission|comisi[oó]n|cent(?:re|er)|centro|"
    r"university|universidad|network|red|alliance|alianza|office|oficina|programme|program|programa|union|"
    r"uni[oó]n|federation|federaci[oó]n|confederation|confederaci[oó]n|cooperative|cooperativa|corporation|"
    r"corporaci[oó]n|committee|comit[eé]|court|corte|tribunal|government|gobierno|municipality|municipalidad|"
    r"alcald[ií]a|authority|autoridad|observatory|observatorio|movement|movimiento|coalition|coalici[oó]n|"
    r"platform|plataforma|group|grupo|society|sociedad|chamber|c[aá]mara|collective|colectivo|forum|foro|"
    r"poder|fiscal[ií]a|defensor[ií]a|procuradur[ií]a|service|servicio|delegation|delegaci[oó]n|embassy|"
    r"embajada|consortium|consorcio|mission|misi[oó]n|company|compañ[ií]a|empresa|entity|entidad|world|mundial|"
    r"international|internacional|national|nacional|european|europea?|inter-american|interamericana?|"
    r"united|unidas?|pan-american|panamericana?)\b", re.I)

# Continuations inside a role clause keep its role ("implemented by A together with B").
_CONTINUE = re.compile(r"\b(?:together\s+with|jointly\s+with|along\s+with|as\s+well\s+as|junto\s+(?:con|a)|así\s+como)\b", re.I)

_ARTICLE = r"(?:the|a|an|la|el|los|las|l'|its|their|su|sus)"
# Where a clause stops: end of sentence, a semicolon, or a comma/"and" followed by something that is not a name.
_CLAUSE_END = re.compile(
    r"[.;:!?](?=\s|$)|\n|—|\s\((?=(?-i:[a-z]))"
    r"|,?\s+(?:and|y|e)\s+(?!(?:" + _ARTICLE + r"\s+)?[A-ZÁÉÍÓÚÑ0-9])"
    r"|,\s+(?!(?:and\s+|y\s+|e\s+)?(?:" + _ARTICLE + r"\s+)?[A-ZÁÉÍÓÚÑ0-9])"
    r"|\s+(?:as|como|to|in\s+order|under|bajo|since|desde|from|in|en|which|who|that|que|whose|cuy[oa]s?)\s"
    r"|\s+(?:for|para)\s+(?![A-ZÁÉÍÓÚÑ])",
    re.I,
)
_SEPARATOR = re.compile(r"\s*(?:,\s*(?:and|y|e)\s+|,\s*|\s+(?:and|y|e|&)\s+|;\s*|\s+(?:with|con)\s+|\s*/\s*)", re.I)
_LEADING_WORDS = re.compile(
    r"^(?:(?:the|a|an|la|el|los|las|l'|its|their|su|sus|del|de|by|por|several|various|diversos|diversas)\s+)+", re.I)
_GENERIC_HEAD = re.compile(
    r"^(?:consortium|consorcio|team|equipo|group|grupo|number|set|range|other|otros?|otras?|several|various|"
    r"diversos|diversas|many|muchos|muchas)\b", re.I)
_LOWER_WORDS = {"of", "for", "and", "the", "de", "del", "la", "las", "los", "el", "y", "e", "para", "in", "en", "on",
                "to", "a", "fur", "für", "und", "der", "des", "et", "du", "di", "da", "do", "dos", "das", "i", "p"}

_TABLE_ROLES = [
    (re.compile(r"implement|ejecut|executing|operador", re.I), IMPLEMENTING),
    (re.compile(r"fund|donor|financ|donant|cofinanc", re.I), FUNDING),
    (re.compile(r"coordinat|coordina|lead|lider", re.I), COORDINATING),
    (re.compile(r"beneficiar", re.I), BENEFICIARY),
]


@dataclass(frozen=True)
class RoleClause:
    role: str
    rule: str
    start: int
    end: int


def extract_organisations(doc: Document, vocab: Vocabulary, sentences: Sentences
                           ) -> tuple[list[OrganisationFact], list[RoleClause]]:
    """Organisations in roles, from sentences first, then the Actors table for those not yet placed;
    and the role clauses themselves (places named inside them are actors' homes, not places of work)."""
    found: list[OrganisationFact] = []
    clauses: list[RoleClause] = []
    for block in doc.blocks:
        if block.kind in ("title", "paragraph", "bullet", "item"):
            for clause in role_clauses(doc.text, block.span, vocab, sentences):
                clauses.append(clause)
                found.extend(organisations_in_clause(doc.text, clause, vocab, sentences))
            found.extend(active_funders(doc.text, block.span, vocab, sentences))
    found.extend(organisations_in_actors_table(doc, vocab))
    return merge_organisations(found), clauses


def role_clauses(text: str, span: Span, vocab: Vocabulary, sentences: Sentences | None = None) -> list[RoleClause]:
    """The stretches of a block that follow a role trigger, each with its role.

    In one sentence, a partner phrase after an implementing one ("implemented by A in partnership with B")
    names implementers too, and a channel ("through B", "a través de B") continues the clause before it."""
    sentences = sentences or Sentences(text)
    triggers = list(TRIGGER.finditer(text, span.start, span.end))
    clauses: list[RoleClause] = []
    for i, m in enumerate(triggers):
        index = int(next(k for k, v in m.groupdict().items() if v)[1:])
        role = _TRIGGERS[index][1]
        before = clauses[-1] if clauses and _same_sentence(sentences, clauses[-1].start, m.start()) else None
        if role == CHANNEL:
            # only right after a role clause: "funded by Spain through AECID", not "... supports X through Y"
            if before is None or text[before.end:m.start()].strip(" ,") != "":
                continue
            role = before.role
        elif role == PARTNER and before is not None and before.role in (IMPLEMENTING, COORDINATING):
            role = IMPLEMENTING
        limit = triggers[i + 1].start() if i + 1 < len(triggers) else span.end
        end = _clause_end(text, m.end(), limit, vocab)
        clauses.append(RoleClause(role, f"sentence:{role}", m.end(), end))
    return clauses


def _same_sentence(sentences: Sentences, a: int, b: int) -> bool:
    return sentences.around(a).start == sentences.around(b).start


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


def organisations_in_clause(text: str, clause: RoleClause, vocab: Vocabulary, sentences: Sentences) -> list[OrganisationFact]:
    evidence = Evidence(sentences.around(clause.start), clause.rule)
    return [OrganisationFact(name=n.name, role=clause.role, evidence=evidence, iri=n.iri, acronym=n.acronym, span=n.span)
            for n in names_in(text, clause.start, clause.end, vocab)]


def active_funders(text: str, span: Span, vocab: Vocabulary, sentences: Sentences) -> list[OrganisationFact]:
    """Organisations that are the subject of an active verb of funding, implementing or coordinating
    ("The European Union funds ...", "X, Y y Z cofinancian ...", "el BCIE la administra"), and the co-subjects
    the sentence adds after the verb ("... financia el proyecto junto con la AICS")."""
    out = []
    for verb in ACTIVE_VERB.finditer(text, span.start, span.end):
        role = _ACTIVE_VERBS[int(next(k for k, v in verb.groupdict().items() if v)[1:])][1]
        sentence = sentences.around(verb.start())
        left = max(sentence.start, span.start)
        subjects = _trailing_names(text, left, verb.start(), vocab)
        if not subjects:
            continue
        evidence = Evidence(sentence, f"sentence:active-{role}")
        for n in subjects:
            out.append(OrganisationFact(n.name, role, evidence, n.iri, n.acronym, n.span))
        stop = _clause_end(text, verb.end(), min(sentence.end, span.end), vocab)
        co = _CO_SUBJECT.search(text, verb.end(), stop)
        if co:
            for n in names_in(text, co.end(), _clause_end(text, co.end(), stop, vocab), vocab):
                out.append(OrganisationFact(n.name, role, evidence, n.iri, n.acronym, n.span))
    return out


def _trailing_names(text: str, start: int, end: int, vocab: Vocabulary) -> list[Named]:
    """The organisations named in an unbroken list that ends right before `end` (the subject of a verb)."""
    names = names_in(text, start, end, vocab)
    if not names or text[names[-1].span.end:end].strip(" ),").lower() not in ("", "also", "también", "jointly", "conjuntamente"):
        return []
    run = [names[-1]]
    for n in reversed(names[:-1]):
        gap = text[n.span.end:run[0].span.start]
        if not re.fullmatch(r"[\s,;)]*(?:(?:and|y|e|&|as well as|así como)\s+)?(?:(?:the|la|el|los|las)\s+)?"
                            r"(?:[a-záéíóúñü][\w-]*\s+){0,5}[\s(]*", gap):
            break
        run.insert(0, n)
    return run


@dataclass(frozen=True)
class Named:
    """An organisation named in a stretch of text."""

    name: str
    iri: str | None
    acronym: str | None
    span: Span


def names_in(text: str, start: int, end: int, vocab: Vocabulary) -> list[Named]:
    """Each organisation named in text[start:end], splitting lists without breaking names apart."""
    protected = vocab.organisation_index.find(text, start, end) + vocab.place_index.find(text, start, end)
    cuts = [m for m in _SEPARATOR.finditer(text, start, end)
            if not any(p.start < m.end() and m.start() < p.end for p in protected)
            and not _CONTINUE.match(text, m.start())]
    cuts += list(_CONTINUE.finditer(text, start, end))
    cuts.sort(key=lambda m: m.start())
    pieces: list[tuple[int, int, str]] = []  # start, end, the separator before it
    pos, separator = start, ""
    for cut in [*cuts, None]:
        seg_end = cut.start() if cut else end
        if seg_end > pos:
            pieces.append((pos, seg_end, separator))
        if cut:
            pos, separator = max(pos, cut.end()), cut.group().strip().lower()
    pieces = _join_continuations(text, pieces, vocab)
    out = []
    for s, e, _ in pieces:
        out.extend(_piece_organisations(text, s, e, vocab))
    return out


def _join_continuations(text: str, pieces: list[tuple[int, int, str]], vocab: Vocabulary) -> list[tuple[int, int, str]]:
    """Rejoin "Ministry of Environment" + "Water (MMAyA)": after "and", a piece that is no known name, no
    country and has no head word ("Ministry", "Fundación" ...) goes on with the name before it."""
    out: list[tuple[int, int, str]] = []
    for s, e, sep in pieces:
        if out and sep in ("and", "y", "e", "&") and _continues(text[s:e], text[out[-1][0]:out[-1][1]], vocab):
            out[-1] = (out[-1][0], e, out[-1][2])
        else:
            out.append((s, e, sep))
    return out


def _continues(piece: str, previous: str, vocab: Vocabulary) -> bool:
    core, previous_core = _core(piece), _core(previous)
    if not core or not core[0].isupper() or not previous_core[:1].isupper() or previous_core.endswith(")"):
        return False
    name, acronym, _ = _split_name(core)
    if vocab.organisation_index.lookup(name):
        return False
    if acronym and vocab.organisation_index.lookup(acronym) and _looks_complete(core):
        return False
    if vocab.organisation_index.lookup(previous_core) or _is_country(previous_core, vocab) or _is_country(name, vocab):
        return False
    if _is_place(previous_core, vocab):
        return False
    first_words = name.split()[:3]
    if any(_HEAD_WORDS.match(fold(w)) for w in first_words) or (len(first_words[0]) > 1 and first_words[0].isupper()):
        return False
    return True


def _core(piece: str) -> str:
    """A list piece without its article or a lower-case descriptor ("la asociación civil ...")."""
    core = _LEADING_WORDS.sub("", piece.strip(" ,.;:")).strip()
    return re.sub(r"^(?:[a-záéíóúñü][\w-]*\s+){1,4}(?=[A-ZÁÉÍÓÚÑ])", "", core)


def _looks_complete(name: str) -> bool:
    """A name that stands on its own: it starts with a head word ("Oficina ...", "Fundación ...")."""
    return any(_HEAD_WORDS.match(fold(w)) for w in name.split()[:3])


_PARENS = re.compile(r"\((?P<acr>[^()]{1,25})\)")
_TAIL = re.compile(r"^,?\s*(?:of|de|del|from)\s+(?:the\s+|la\s+|el\s+)?(?P<rest>.+)$", re.I)


def _split_name(segment: str) -> tuple[str, str | None, str]:
    """(name, acronym, tail) of "Name (ACR) tail"; tail is what follows the bracketed acronym."""
    m = None
    for m in _PARENS.finditer(segment):
        pass
    if m is None:
        return segment.strip(), None, ""
    return segment[:m.start()].strip(), m.group("acr").strip(), segment[m.end():].strip()


def _is_country(name: str, vocab: Vocabulary) -> bool:
    return any(vocab.places[p].kind == "country" for p in vocab.place_index.lookup(name))


def _piece_organisations(text: str, start: int, end: int, vocab: Vocabulary) -> list[Named]:
    """The organisation(s) one list piece names; a piece that is only a place or a complement ("de España",
    "of the United Nations" after a generic phrase) names none."""
    span = trimmed(text, start, end)
    raw = span.text.strip(" ,.;:\"'“”")
    if raw.count("(") < raw.count(")"):
        raw = raw.rstrip(")")
    if raw.count("(") > raw.count(")"):
        raw = raw.lstrip("(")
    if re.match(r"^(?:of|de|del|from)\s", raw, re.I):
        return []
    segment = _core(raw)
    # "the Haitian organisation Fondation Konbit pou Lavi", "the German BMZ"
    segment = _DESCRIPTOR.sub("", segment)
    if segment and not resolve_organisation(_split_name(segment)[0], _split_name(segment)[1], vocab):
        words = segment.split()
        for cut in (1, 2):
            rest = " ".join(words[cut:])
            if len(words) > cut and _DEMONYM.match(words[0]) and resolve_organisation(*_split_name(rest)[:2], vocab):
                segment = rest
                break
    if not segment:
        return []
    offset = text.find(segment, span.start, span.end + 1)
    here = Span(offset, offset + len(segment), segment) if offset >= 0 else span
    name, acronym, tail = _split_name(segment)
    name = _LEADING_WORDS.sub("", name).strip()
    tail_match = _TAIL.match(tail) if tail else None
    parent = tail_match and vocab.organisation_index.lookup(tail_match.group("rest").strip(" .,"))
    out = []
    iri = resolve_organisation(name, acronym, vocab)
    if not iri and not acronym:
        # "Agencia ... de Italia": a home-country tail on a name without brackets
        m = re.match(r"^(?P<name>.+?)\s+(?:of|de|del|from)\s+(?:the\s+|la\s+|el\s+)?(?P<rest>[^,()]+)$", name, re.I)
        if m and _is_country(m.group("rest"), vocab) and resolve_organisation(m.group("name"), None, vocab):
            name, iri = m.group("name"), resolve_organisation(m.group("name"), None, vocab)
    if iri:
        out.append(Named(name, iri, acronym, here))
    elif _is_place(name, vocab) and not _is_country(name, vocab):
        return []
    elif looks_like_name(name):
        out.append(Named(name, None, acronym if acronym and looks_like_acronym(acronym) else None, here))
    if parent and len(parent) == 1:
        out.append(Named(tail_match.group("rest").strip(" .,"), next(iter(parent)), None, here))
    return out


_DESCRIPTOR = re.compile(
    r"^(?:[A-ZÁÉÍÓÚ][a-záéíóúñ]+\s+)?(?:local\s+|national\s+|international\s+)?(?:organi[sz]ation|NGO|non-governmental\s+"
    r"organi[sz]ation|civil[- ]society\s+organi[sz]ation|partner|foundation|association|network|agency|bank|"
    r"organización|ONG|red|asociación|fundación|agencia|banco)\s+(?=[A-ZÁÉÍÓÚ])")
_DEMONYM = re.compile(r"^(?:German|Germany's|Spanish|Spain's|French|France's|Italian|Italy's|Portuguese|Belgian|"
                      r"Swedish|Dutch|Austrian|Finnish|Danish|Irish|Luxembourgish|Polish|Czech|Mexican|European|"
                      r"alemán|alemana|español|española|francés|francesa|italiano|italiana|belga|sueco|sueca|"
                      r"mexicano|mexicana|europeo|europea)$", re.I)


def _is_place(name: str, vocab: Vocabulary) -> bool:
    return bool(vocab.place_index.lookup(name))


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


_PRONOUNS = {"it", "this", "that", "they", "these", "those", "we", "he", "she", "ella", "el", "ellos", "ellas",
             "este", "esta", "estos", "estas", "ese", "esa", "eso", "which", "who", "quien", "quienes", "cual", "programme",
             "program", "programa", "project", "proyecto", "initiative", "iniciativa", "lo", "la", "los", "las", "le", "les"}


def looks_like_name(name: str) -> bool:
    """A proper name: starts with a capital, its content words are mostly capitalised, not a generic phrase."""
    words = re.findall(r"[\w'’+-]+", name)
    if not words or len(words) > 14 or not name[0].isupper() or _GENERIC_HEAD.match(name):
        return False
    if len(words) == 1 and fold(words[0]) in _PRONOUNS:
        return False
    if not any(w[0].isupper() and any(c.isalpha() for c in w) for w in words):
        return False
    content = [w for w in words if fold(w) not in _LOWER_WORDS]
    if not content:
        return False
    capitalised = sum(w[0].isupper() or w[0].isdigit() for w in content)
    last = content[-1]
    return capitalised / len(content) >= 0.6 and (last[0].isupper() or last[0].isdigit())


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
                for n in _piece_organisations(doc.text, start, start + len(part.strip()), vocab):
                    out.append(OrganisationFact(n.name, role, evidence, n.iri, n.acronym, n.span))
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
