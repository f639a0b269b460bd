"""Synthetic corpus generator for the coopkg benchmarks.

Writes N programme documents in the two shapes coopkg reads (markdown summaries `.md` and scraped web pages
`.txt`), in English and Spanish, built from templates and random choices: registry organisations from
`ontology/organisations.ttl` (by label or acronym) and organisations the registry does not know, countries,
subdivisions and regions from `ontology/places.ttl`, several date styles, SDG goals and targets, human-rights
themes (wording from `ontology/hr-themes.ttl`), general themes, activities, target groups and commitments.
About one document in twelve describes a programme an earlier document already described (in the other
language or shape), so that programmes are merged across documents, and a small share is deliberately broken
(an end date before the start date, an empty file) so that rejections are exercised too.

Deterministic: document i depends only on (seed, i), so the same seed always writes the same bytes, a corpus
can be extended without changing the documents already written, and nothing is kept in memory but the
registry lists (documents are streamed to disk one at a time).

    python benchmarks/generate.py --count 1000 --out /tmp/corpus-1k --seed 1
"""
from __future__ import annotations

import argparse
import random
import sys
from dataclasses import dataclass, field
from pathlib import Path

#: Documents per sub-folder, so that no folder holds 100,000 files.
SHARD = 1000
#: Share of documents that re-describe an earlier programme (merged by the ProgrammeResolver).
DUPLICATE_RATE = 0.08
#: Share of deliberately broken documents (rejected by the build).
BAD_RATE = 0.003

# --------------------------------------------------------------------------------------------------
# The registry: what the model files know, read once.
# --------------------------------------------------------------------------------------------------

ORG_ROLES = {
    # organisation type -> roles a document may give it
    "eu-institution": ("funder",), "eu-instrument": ("funder",), "development-bank": ("funder", "implementer"),
    "national-development-agency": ("funder", "implementer"), "un-entity": ("implementer", "partner"),
    "regional-organisation": ("implementer", "partner"), "international-organisation": ("implementer", "partner"),
    "civil-society-organisation": ("implementer", "partner"), "foundation": ("implementer", "partner"),
    "network": ("partner", "implementer"), "academic-institution": ("partner",),
    "national-government": ("partner", "funder"), "public-institution": ("partner",), "private-sector": ("partner",),
}
MAINLAND = ("AR", "BO", "BR", "CL", "CO", "CR", "CU", "DO", "EC", "GT", "HN", "HT", "JM", "MX", "NI", "PA", "PE",
            "PY", "SV", "UY", "VE", "BZ", "GY", "SR", "TT")
REGIONS = ("419", "005", "013", "029")


@dataclass(frozen=True)
class Org:
    en: str
    es: str
    acronyms: tuple[str, ...]
    roles: tuple[str, ...]


@dataclass
class Registry:
    orgs: list[Org] = field(default_factory=list)
    eu: Org | None = None
    countries: list[tuple[str, str, str]] = field(default_factory=list)  # code, en, es
    subdivisions: dict[str, list[tuple[str, str]]] = field(default_factory=dict)  # country code -> (en, es)
    regions: list[tuple[str, str]] = field(default_factory=list)  # en, es
    hr: dict[str, list[list[str]]] = field(default_factory=dict)  # language -> per theme, its phrases
    activities: dict[str, list[str]] = field(default_factory=dict)
    groups: dict[str, list[str]] = field(default_factory=dict)

    @classmethod
    def load(cls, ontology: Path | None = None) -> "Registry":
        from rdflib import Graph, URIRef
        from rdflib.namespace import RDF, SKOS

        folder = ontology or Path(__file__).resolve().parents[1] / "ontology"
        g = Graph()
        for name in ("organisations.ttl", "places.ttl", "hr-themes.ttl", "activity-kinds.ttl", "target-groups.ttl"):
            g.parse(folder / name, format="turtle")
        ck = "https://w3id.org/coopkg/def#"
        reg = cls()

        def labels(node, prop=SKOS.prefLabel) -> dict[str, str]:
            out: dict[str, str] = {}
            for lit in sorted(g.objects(node, prop)):
                out.setdefault(getattr(lit, "language", None) or "", str(lit))
            return out

        for node in sorted(g.subjects(RDF.type, URIRef(ck + "Organisation"))):
            kind = g.value(node, URIRef(ck + "organisationType"))
            lab = labels(node)
            if not kind or "en" not in lab or "es" not in lab:
                continue
            roles = ORG_ROLES.get(str(kind).rsplit("/", 1)[-1])
            if not roles:
                continue
            acronyms = tuple(sorted(str(a) for a in g.objects(node, URIRef(ck + "acronym"))))
            org = Org(lab["en"], lab["es"], acronyms, roles)
            if str(node).endswith("/org/european-union"):
                reg.eu = org
            else:
                reg.orgs.append(org)
        place = "https://w3id.org/coopkg/id/place/"
        for code in MAINLAND:
            lab = labels(URIRef(place + code))
            reg.countries.append((code, lab["en"], lab["es"]))
            subs = []
            for sub in sorted(g.subjects(URIRef("https://schema.org/containedInPlace"), URIRef(place + code))):
                if (sub, RDF.type, URIRef(ck + "Subdivision")) in g:
                    sl = labels(sub)
                    if "en" in sl and "es" in sl and len(sl["en"]) > 3:
                        subs.append((sl["en"], sl["es"]))
            reg.subdivisions[code] = subs
        for code in REGIONS:
            lab = labels(URIRef(place + "m49-" + code))
            reg.regions.append((lab["en"], lab["es"]))
        for scheme, target in (("hr-theme", reg.hr), ("activity", reg.activities), ("target-group", reg.groups)):
            for lang in ("en", "es"):
                target[lang] = []
            for concept in sorted(g.subjects(SKOS.inScheme, URIRef("https://w3id.org/coopkg/voc/" + scheme))):
                per_lang: dict[str, list[str]] = {"en": [], "es": []}
                for prop in (SKOS.prefLabel, SKOS.altLabel):
                    for lit in sorted(g.objects(concept, prop)):
                        lang = getattr(lit, "language", None)
                        if lang in per_lang and 3 <= len(str(lit)) <= 70 and ";" not in str(lit):
                            per_lang[lang].append(str(lit))
                for lang, phrases in per_lang.items():
                    if phrases:
                        if scheme == "hr-theme":
                            target[lang].append(phrases)
                        else:
                            target[lang].extend(phrases)
        return reg


# --------------------------------------------------------------------------------------------------
# Word lists and templates
# --------------------------------------------------------------------------------------------------

FIELDS = [  # (English, Spanish) subjects of a programme title and of its themes table
    ("Water Security", "Seguridad Hídrica"), ("Climate Resilience", "Resiliencia Climática"),
    ("Rural Development", "Desarrollo Rural"), ("Social Protection", "Protección Social"),
    ("Access to Justice", "Acceso a la Justicia"), ("Citizen Security", "Seguridad Ciudadana"),
    ("Digital Transformation", "Transformación Digital"), ("Renewable Energy", "Energías Renovables"),
    ("Sustainable Forests", "Bosques Sostenibles"), ("Inclusive Education", "Educación Inclusiva"),
    ("Public Health", "Salud Pública"), ("Gender Equality", "Igualdad de Género"),
    ("Migration Governance", "Gobernanza Migratoria"), ("Urban Mobility", "Movilidad Urbana"),
    ("Fair Trade", "Comercio Justo"), ("Decent Work", "Trabajo Decente"),
    ("Disaster Risk Reduction", "Reducción del Riesgo de Desastres"), ("Ocean Governance", "Gobernanza Oceánica"),
    ("Anti-Corruption", "Lucha contra la Corrupción"), ("Food Security", "Seguridad Alimentaria"),
    ("Circular Economy", "Economía Circular"), ("Indigenous Territories", "Territorios Indígenas"),
    ("Youth Employment", "Empleo Juvenil"), ("Research Networks", "Redes de Investigación"),
]
SUBFIELDS = {
    "en": ["Policy dialogue", "Capacity building", "Local governance", "Data and statistics", "Private sector",
           "Civil society", "Regional integration", "Innovation", "Watershed management", "Early warning",
           "Social dialogue", "Vocational training", "Community participation", "Public finance"],
    "es": ["Diálogo de políticas", "Fortalecimiento de capacidades", "Gobernanza local", "Datos y estadísticas",
           "Sector privado", "Sociedad civil", "Integración regional", "Innovación", "Gestión de cuencas",
           "Alerta temprana", "Diálogo social", "Formación profesional", "Participación comunitaria",
           "Finanzas públicas"],
}
KINDS = {"en": ["Programme", "Facility", "Initiative", "Partnership", "Project"],
         "es": ["Programa", "Facilidad", "Iniciativa", "Alianza", "Proyecto"]}
SCOPES = {  # how a title says where: {0} is a country or region name
    "en": ["in {0}", "for {0}", "with {0}"], "es": ["en {0}", "para {0}", "con {0}"]}
#: Programmes the saved queries' examples name (`#+ example:` headers), written first so that every example
#: resolves on a generated corpus: (acronym, English field, Spanish field).
ANCHORS = [("EUROsociAL+", ("Social Cohesion", "Cohesión Social")),
           ("EUROJUSTICIA", ("Access to Justice", "Acceso a la Justicia"))]
CONSONANTS = "BCDFGLMNPRSTVZ"
VOWELS = "AEIOU"
UNKNOWN_HEADS = {
    "en": ["{0} Foundation", "{0} Network", "Association for {1}", "{0} Institute", "Centre for {1}",
           "{0} Cooperative Federation", "Council of {0} Municipalities"],
    "es": ["Fundación {0}", "Red {0}", "Asociación para {1}", "Instituto {0}", "Centro de Estudios de {1}",
           "Federación de Cooperativas {0}", "Consejo de Municipios {0}"],
}
UNKNOWN_NAMES = ["Tierra Viva", "Horizonte Andino", "Manglar Azul", "Nuevo Amanecer", "Puente Sur", "Semilla",
                 "Agua Clara", "Raíces", "Selva Viva", "Caminos", "Sol de Mayo", "Cordillera", "Río Abierto",
                 "Pacífico Norte", "Altiplano", "Mesoamérica Unida", "Bosque Seco", "Costa Verde"]
UNKNOWN_TOPICS = {"en": ["Territorial Studies", "Rural Women", "Coastal Livelihoods", "Water Rights",
                         "Youth Leadership", "Urban Futures", "Local Democracy"],
                  "es": ["Estudios Territoriales", "Mujeres Rurales", "Medios de Vida Costeros",
                         "Derechos del Agua", "Liderazgo Juvenil", "Futuros Urbanos", "Democracia Local"]}
MONTHS = {"en": ["January", "February", "March", "April", "May", "June", "July", "August", "September",
                 "October", "November", "December"],
          "es": ["enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto", "septiembre",
                 "octubre", "noviembre", "diciembre"]}
ACTIVITIES = {
    "en": ["technical assistance to national institutions", "training of public officials",
           "exchanges of experience between peers", "pilot projects in selected municipalities",
           "grants to civil society organisations", "regional policy dialogues", "studies and diagnostics",
           "awareness campaigns", "support to monitoring systems", "small infrastructure works"],
    "es": ["asistencia técnica a instituciones nacionales", "formación de funcionarios públicos",
           "intercambios de experiencias entre pares", "proyectos piloto en municipios seleccionados",
           "subvenciones a organizaciones de la sociedad civil", "diálogos regionales de políticas",
           "estudios y diagnósticos", "campañas de sensibilización", "apoyo a sistemas de seguimiento",
           "pequeñas obras de infraestructura"],
}
GROUPS = {
    "en": ["small farmers", "women's organisations", "indigenous communities", "young people",
           "local governments", "public officials", "migrants and host communities", "teachers",
           "fishing cooperatives", "small and medium enterprises"],
    "es": ["pequeños productores", "organizaciones de mujeres", "comunidades indígenas", "jóvenes",
           "gobiernos locales", "funcionarios públicos", "personas migrantes y comunidades de acogida",
           "docentes", "cooperativas de pesca", "pequeñas y medianas empresas"],
}
COMMITMENTS = {
    "en": ["Train {n} public officials.", "Restore {n} hectares of degraded land.",
           "Reach {n} families with social protection services.", "Support {n} municipalities.",
           "Mobilise EUR {m} million in investment.", "Reduce emissions by {p}% in the pilot areas."],
    "es": ["Capacitar a {n} funcionarios públicos.", "Restaurar {n} hectáreas de tierras degradadas.",
           "Llegar a {n} familias con servicios de protección social.", "Apoyar a {n} municipios.",
           "Movilizar {m} millones de euros en inversiones.", "Reducir las emisiones en un {p}% en las zonas piloto."],
}
CATEGORIES = {"en": ("International Cooperation", ["Regional programmes with Latin America",
                                                    "Central America and the EU", "Mexico and the EU cooperation",
                                                    "South America and the EU", "Caribbean cooperation"]),
              "es": ("Cooperación Internacional", ["Programas regionales con América Latina",
                                                   "Centroamérica y la UE", "Cooperación UE-México",
                                                   "América del Sur y la UE", "Cooperación con el Caribe"])}


# --------------------------------------------------------------------------------------------------
# One programme (what is true of it) and one document (how a text tells it)
# --------------------------------------------------------------------------------------------------

@dataclass
class Programme:
    index: int
    acronym: str
    field: tuple[str, str]
    kind: int
    scope: tuple[str, str]  # where, for the title (en, es)
    funders: list[Org]
    implementers: list[Org]
    partners: list[Org]
    countries: list[tuple[str, str, str]]
    subdivisions: list[tuple[str, str]]
    region: tuple[str, str] | None
    sdgs: list[int]
    targets: list[str]
    hr: list[int]  # indexes into the registry's hr themes
    start: tuple[int, int, int] | None
    end: tuple[int, int, int] | None
    activities: list[int]
    groups: list[int]
    commitments: list[tuple[int, int]]
    subfields: list[int]
    language: str  # of its first description
    shape: str


def acronym_for(index: int, seed: int) -> str:
    """A pronounceable acronym unique to the programme index (a bijection on 0 .. 70^3 - 1)."""
    space = (len(CONSONANTS) * len(VOWELS)) ** 3
    n = (index * 7919 + seed * 104729 + 17) % space  # 7919 is prime and does not divide the space
    out = []
    for _ in range(3):
        n, r = divmod(n, len(CONSONANTS) * len(VOWELS))
        out.append(CONSONANTS[r // len(VOWELS)] + VOWELS[r % len(VOWELS)])
    return "".join(out)


def unknown_org(rng: random.Random) -> Org:
    name = rng.choice(UNKNOWN_NAMES)
    k = rng.randrange(len(UNKNOWN_HEADS["en"]))
    t = rng.randrange(len(UNKNOWN_TOPICS["en"]))
    en = UNKNOWN_HEADS["en"][k].format(name, UNKNOWN_TOPICS["en"][t])
    es = UNKNOWN_HEADS["es"][k].format(name, UNKNOWN_TOPICS["es"][t])
    return Org(en, es, (), ("implementer", "partner"))


def make_programme(reg: Registry, seed: int, index: int, rng: random.Random) -> Programme:
    def orgs_for(role: str, k: int) -> list[Org]:
        pool = [o for o in reg.orgs if role in o.roles]
        return rng.sample(pool, k)

    funders = [reg.eu] if rng.random() < 0.9 else []
    funders += orgs_for("funder", rng.choice((0, 0, 1, 1, 2)))
    if not funders:
        funders = orgs_for("funder", 1)
    implementers = orgs_for("implementer", rng.choice((1, 1, 2, 3)))
    if rng.random() < 0.35:
        implementers.append(unknown_org(rng))
    partners = orgs_for("partner", rng.choice((0, 1, 2)))
    if rng.random() < 0.3:
        partners.append(unknown_org(rng))
    countries = rng.sample(reg.countries, rng.choice((1, 1, 1, 2, 3, 5)))
    subdivisions: list[tuple[str, str]] = []
    if len(countries) == 1 and rng.random() < 0.6 and reg.subdivisions.get(countries[0][0]):
        subs = reg.subdivisions[countries[0][0]]
        subdivisions = rng.sample(subs, min(len(subs), rng.choice((1, 2, 3))))
    region = rng.choice(reg.regions) if len(countries) > 1 and rng.random() < 0.7 else None
    scope = (region if region else (countries[0][1], countries[0][2]))
    sdgs = sorted(rng.sample(range(1, 18), rng.choice((0, 1, 1, 2, 3))))
    targets = [f"{g}.{rng.randint(1, 5)}" for g in sdgs if rng.random() < 0.3]
    hr = rng.sample(range(len(reg.hr["en"])), rng.choice((0, 1, 2, 3)))
    start = end = None
    if rng.random() < 0.85:
        y = rng.randint(2012, 2024)
        start = (y, rng.randint(1, 12), rng.randint(1, 28))
        if rng.random() < 0.8:
            months = rng.choice((24, 36, 48, 60, 72))
            ey, em = divmod(start[1] - 1 + months, 12)
            end = (y + ey, em + 1, rng.randint(1, 28))
    acronym, field = acronym_for(index, seed), rng.choice(FIELDS)
    if index < len(ANCHORS):
        acronym, field = ANCHORS[index]
    return Programme(
        index=index, acronym=acronym, field=field, kind=rng.randrange(5),
        scope=scope, funders=funders, implementers=implementers, partners=partners, countries=countries,
        subdivisions=subdivisions, region=region, sdgs=sdgs, targets=targets, hr=hr, start=start, end=end,
        activities=rng.sample(range(len(ACTIVITIES["en"])), rng.choice((2, 3, 4, 5))),
        groups=rng.sample(range(len(GROUPS["en"])), rng.choice((1, 2, 3))),
        commitments=[(rng.randrange(len(COMMITMENTS["en"])), rng.choice((5, 12, 40, 150, 1200, 2500)))
                     for _ in range(rng.choice((0, 0, 1, 2)))],
        subfields=rng.sample(range(len(SUBFIELDS["en"])), rng.choice((1, 2))),
        language=rng.choice(("en", "es")), shape=rng.choice(("md", "txt")))


def programme_of(reg: Registry, seed: int, index: int) -> Programme:
    return make_programme(reg, seed, index, random.Random(f"coopkg-bench:{seed}:programme:{index}"))


# --------------------------------------------------------------------------------------------------
# Writing a document
# --------------------------------------------------------------------------------------------------

def name_of(org: Org, lang: str, rng: random.Random, allow_acronym: bool = True) -> str:
    if allow_acronym and org.acronyms and rng.random() < 0.35:
        return rng.choice(org.acronyms)
    return org.en if lang == "en" else org.es


def join(items: list[str], lang: str) -> str:
    items = [i for i in items if i]
    if len(items) <= 1:
        return "".join(items)
    conj = " and " if lang == "en" else " y "
    return ", ".join(items[:-1]) + conj + items[-1]


def with_article(name: str, lang: str) -> str:
    """ "the European Union" / "la Unión Europea": an article before a long name, none before an acronym."""
    if name.isupper() or len(name.split()) == 1:
        return name
    if lang == "en":
        return "the " + name
    first = name.split()[0].lower()
    feminine = first.endswith(("a", "ión", "dad")) or first in ("red", "unión", "comisión")
    return ("la " if feminine else "el ") + name


def date_text(d: tuple[int, int, int], lang: str, precision: str) -> str:
    y, m, day = d
    month = MONTHS[lang][m - 1]
    if precision == "year":
        return str(y)
    if precision == "month":
        return f"{month} {y}" if lang == "en" else f"{month} de {y}"
    return f"{month} {day}, {y}" if lang == "en" else f"{day} de {month} de {y}"


def title_of(p: Programme, lang: str) -> str:
    field_name = p.field[0] if lang == "en" else p.field[1]
    kind = KINDS[lang][p.kind]
    where = SCOPES[lang][p.index % 3].format(p.scope[0] if lang == "en" else p.scope[1])
    if lang == "en":
        return f"{p.acronym}: {field_name} {kind} {where}"
    return f"{p.acronym}: {kind} de {field_name} {where}"


def sdg_sentence(p: Programme, lang: str, rng: random.Random) -> str:
    if not p.sdgs:
        return ""
    word = "SDG" if lang == "en" else "ODS"
    if len(p.sdgs) > 1 and rng.random() < 0.4:
        nums = join([str(s) for s in p.sdgs], lang)
        text = (f"It contributes to SDGs {nums}" if lang == "en" else f"Contribuye a los ODS {nums}")
    else:
        parts = join([f"{word} {s}" for s in p.sdgs], lang)
        text = (f"It contributes to {parts}" if lang == "en" else f"Contribuye al {parts}")
    if p.targets:
        t = join(p.targets, lang)
        text += (f", in particular to target {t}" if lang == "en" else f", en particular a la meta {t}")
    return text + "."


def hr_sentence(reg: Registry, p: Programme, lang: str, rng: random.Random) -> str:
    if not p.hr:
        return ""
    phrases = [(reg.hr[lang][i][0] if rng.random() < 0.5 else rng.choice(reg.hr[lang][i]))
               if i < len(reg.hr[lang]) else "" for i in p.hr]
    phrases = [ph[0].lower() + ph[1:] if not ph[:2].isupper() else ph for ph in phrases if ph]
    if not phrases:
        return ""
    if lang == "en":
        return rng.choice(["It promotes {0}.", "Its work is guided by {0}.", "It puts {0} at the centre."]).format(join(phrases, lang))
    return rng.choice(["Promueve {0}.", "Su trabajo se guía por {0}.", "Pone en el centro {0}."]).format(join(phrases, lang))


def funding_sentence(p: Programme, lang: str, rng: random.Random, subject: str) -> str:
    funders = [with_article(name_of(o, lang, rng), lang) for o in p.funders]
    impls = [with_article(name_of(o, lang, rng), lang) for o in p.implementers]
    if lang == "en":
        style = rng.randrange(3)
        if style == 0:
            s = f"{subject} is funded by {join(funders, lang)} and implemented by {join(impls, lang)}"
        elif style == 1:
            s = f"Financed by {join(funders, lang)}, {subject[0].lower() + subject[1:] if subject.startswith('The') else subject} is carried out by {join(impls, lang)}"
        else:
            s = f"{subject} is a programme of {join(funders, lang)}; it is executed by {join(impls, lang)}"
    else:
        style = rng.randrange(3)
        if style == 0:
            s = f"{subject} está financiado por {join(funders, lang)} y ejecutado por {join(impls, lang)}"
        elif style == 1:
            s = f"Con financiamiento de {join(funders, lang)}, {subject} es implementado por {join(impls, lang)}"
        else:
            s = f"{subject} es un programa de {join(funders, lang)} y lo ejecutan {join(impls, lang)}"
    if p.partners:
        partners = [with_article(name_of(o, lang, rng), lang) for o in p.partners]
        s += (f", in partnership with {join(partners, lang)}" if lang == "en" else f", en alianza con {join(partners, lang)}")
    return s + "."


def places_sentence(p: Programme, lang: str, rng: random.Random) -> str:
    names = [c[1] if lang == "en" else c[2] for c in p.countries]
    if lang == "en":
        s = rng.choice(["It works in {0}", "Its activities take place in {0}", "The programme covers {0}"]).format(join(names, lang))
    else:
        s = rng.choice(["Trabaja en {0}", "Sus actividades se desarrollan en {0}", "El programa abarca {0}"]).format(join(names, lang))
    if p.subdivisions:
        subs = join([sd[0] if lang == "en" else sd[1] for sd in p.subdivisions], lang)
        s += (f", especially in {subs}" if lang == "en" else f", en especial en {subs}")
    if p.region:
        r = p.region[0] if lang == "en" else p.region[1]
        s += (f", as part of its work across {r}" if lang == "en" else f", como parte de su trabajo en {r}")
    return s + "."


def dates_sentence(p: Programme, lang: str, rng: random.Random, style: int) -> str:
    if not p.start:
        return ""
    if style == 0 and p.end:
        a, b = date_text(p.start, lang, "month"), date_text(p.end, lang, "month")
        return f"It runs from {a} to {b}." if lang == "en" else f"Se desarrolla de {a} a {b}."
    if style == 1 and p.end:
        a, b = date_text(p.start, lang, "day"), date_text(p.end, lang, "day")
        return f"The programme runs from {a} to {b}." if lang == "en" else f"El programa va del {a} al {b}."
    if style == 2:
        a = date_text(p.start, lang, "year")
        s = f"It started in {a}" if lang == "en" else f"Comenzó en {a}"
        if p.end:
            s += (f" and runs until {p.end[0]}" if lang == "en" else f" y se extiende hasta {p.end[0]}")
        return s + "."
    a = date_text(p.start, lang, "year")
    return f"It has been active since {a}." if lang == "en" else f"Está activo desde {a}."


def months_between(p: Programme) -> int | None:
    if not (p.start and p.end):
        return None
    return (p.end[0] - p.start[0]) * 12 + p.end[1] - p.start[1]


def summary_doc(reg: Registry, p: Programme, lang: str, rng: random.Random, bad: bool) -> str:
    en = lang == "en"
    title = title_of(p, lang)
    if p.start and p.end and rng.random() < 0.3:
        title += f" ({p.start[0]}-{p.end[0]})"
    lines = [f"# {title}", ""]
    if p.start and rng.random() < 0.4:
        lines += [f"**{'Date' if en else 'Fecha'}**: {p.start[0]:04d}-{p.start[1]:02d}-{p.start[2]:02d}", ""]
    where = "; ".join([c[1] if en else c[2] for c in p.countries] + [s[0] if en else s[1] for s in p.subdivisions])
    lines += [f"**{'Location' if en else 'Ubicación'}**: {where}", ""]
    lines += ["## Executive Summary" if en else "## Resumen ejecutivo", ""]
    field_name = (p.field[0] if en else p.field[1]).lower()
    subject = p.acronym
    intro = (f"{p.acronym} supports {field_name} in Latin America and its partner countries."
             if en else f"{p.acronym} apoya la agenda de {field_name} en América Latina y sus países socios.")
    body = [intro, funding_sentence(p, lang, rng, subject), places_sentence(p, lang, rng),
            dates_sentence(p, lang, rng, rng.randrange(4)), sdg_sentence(p, lang, rng), hr_sentence(reg, p, lang, rng)]
    lines += [" ".join(s for s in body if s), ""]
    lines += ["## Characteristics" if en else "## Características", ""]
    months = months_between(p)
    if bad:
        lines.append(f"- **{'Project Duration' if en else 'Duración del proyecto'}**: "
                     + (f"From March 1, 2024 to February 28, 2021." if en else "Del 1 de marzo de 2024 al 28 de febrero de 2021."))
    elif p.start and p.end and rng.random() < 0.7:
        a, b = date_text(p.start, lang, "day"), date_text(p.end, lang, "day")
        lines.append(f"- **Project Duration**: {a} to {b} ({months} months)." if en
                     else f"- **Duración del proyecto**: del {a} al {b} ({months} meses).")
    funders = join([with_article(name_of(o, lang, rng), lang) for o in p.funders], lang)
    impls = join([with_article(name_of(o, lang, rng), lang) for o in p.implementers], lang)
    lines.append(f"- **Funding and Implementation**: Funded by {funders}; implemented by {impls}." if en
                 else f"- **Financiamiento e implementación**: financiado por {funders}; ejecutado por {impls}.")
    groups = join([GROUPS[lang][i] for i in p.groups], lang)
    lines.append(f"- **Target Groups**: {groups[0].upper() + groups[1:]}." if en
                 else f"- **Grupos destinatarios**: {groups[0].upper() + groups[1:]}.")
    acts = join([ACTIVITIES[lang][i] for i in p.activities[:3]], lang)
    lines.append(f"- **Activities**: {acts[0].upper() + acts[1:]}." if en
                 else f"- **Actividades**: {acts[0].upper() + acts[1:]}.")
    lines += ["", "## Actors" if en else "## Actores", "",
              "| Category | Actor |" if en else "| Categoría | Actor |", "| --- | --- |"]
    lines.append(("| Political Actors | " if en else "| Actores políticos | ")
                 + "; ".join(name_of(o, lang, rng, False) for o in p.funders) + " |")
    lines.append(("| Implementing Agencies | " if en else "| Agencias de implementación | ")
                 + "; ".join(name_of(o, lang, rng, False) for o in p.implementers) + " |")
    if p.partners:
        lines.append(("| Partners | " if en else "| Socios | ")
                     + "; ".join(name_of(o, lang, rng, False) for o in p.partners) + " |")
    lines += ["", "## Main Themes" if en else "## Temas principales", "",
              "| Category | Subcategory |" if en else "| Categoría | Subcategoría |", "| --- | --- |"]
    for i in p.subfields:
        lines.append(f"| {p.field[0] if en else p.field[1]} | {SUBFIELDS[lang][i]} |")
    lines += ["", "## Practical Applications" if en else "## Aplicaciones prácticas", ""]
    for i in p.activities[3:] or p.activities[:1]:
        a = ACTIVITIES[lang][i]
        lines.append(f"- {a[0].upper() + a[1:]} in {p.countries[0][1]}." if en else f"- {a[0].upper() + a[1:]} en {p.countries[0][2]}.")
    lines += ["", "## Commitments" if en else "## Compromisos", ""]
    if p.commitments:
        for k, n in p.commitments:
            lines.append("- " + COMMITMENTS[lang][k].format(n=n, m=n // 10 or 1, p=n % 40 + 5))
    else:
        lines.append("No quantified targets are stated here." if en else "No se indican metas cuantificadas.")
    return "\n".join(lines) + "\n"


def webpage_doc(reg: Registry, p: Programme, lang: str, rng: random.Random) -> str:
    en = lang == "en"
    parent, cats = CATEGORIES[lang]
    out = [f"{'Parent Category' if en else 'Categoría principal'}: {parent}",
           f"{'Category' if en else 'Categoría'}: {rng.choice(cats)}", "", "", f" {title_of(p, lang)}", "", ""]
    field_name = (p.field[0] if en else p.field[1]).lower()
    first = [f"{p.acronym} works on {field_name} together with public institutions and civil society."
             if en else f"{p.acronym} trabaja en {field_name} junto a instituciones públicas y sociedad civil.",
             funding_sentence(p, lang, rng, p.acronym), dates_sentence(p, lang, rng, rng.randrange(4))]
    out += [" ".join(s for s in first if s), ""]
    out += [places_sentence(p, lang, rng), "", ""]
    spacing = ["       ", "         ", "    ", "  ", " "]
    for n, i in enumerate(p.activities, 1):
        a = ACTIVITIES[lang][i]
        dot = "." if rng.random() < 0.5 else ""
        out += [f"{n}{dot}{rng.choice(spacing)}{a[0].upper() + a[1:]}.", "", "" if rng.random() < 0.5 else None]
    out = [line for line in out if line is not None]
    out += [" In a nutshell:" if en else " En resumen:", ""]
    last = [sdg_sentence(p, lang, rng), hr_sentence(reg, p, lang, rng)]
    groups = join([GROUPS[lang][i] for i in p.groups], lang)
    last.append(f"It reaches {groups}." if en else f"Llega a {groups}.")
    out.append(" ".join(s for s in last if s))
    return "\n".join(out) + "\n"


def document(reg: Registry, seed: int, i: int) -> tuple[str, str]:
    """(file name, text) of document i."""
    rng = random.Random(f"coopkg-bench:{seed}:document:{i}")
    if i > 20 and rng.random() < DUPLICATE_RATE:
        p = programme_of(reg, seed, rng.randrange(max(0, i - 5000), i))
        lang = "es" if p.language == "en" else "en"
        shape = "txt" if p.shape == "md" else "md"
    else:
        p = programme_of(reg, seed, i)
        lang, shape = p.language, p.shape
    bad = rng.random() < BAD_RATE and i >= len(ANCHORS)
    name = f"{i:06d}_{slug_of(p.acronym)}_{lang}.{shape}"
    if bad and rng.random() < 0.3:
        return name, ""  # an empty file
    text = summary_doc(reg, p, lang, rng, bad) if shape == "md" or bad else webpage_doc(reg, p, lang, rng)
    if bad:
        name = name[:-4] + ".md"
    return name, text


def slug_of(acronym: str) -> str:
    return "".join(c for c in acronym.lower().replace("+", "-plus") if c.isalnum() or c == "-")


def path_of(out: Path, i: int, name: str) -> Path:
    return out / f"part-{i // SHARD:04d}" / name


def generate(count: int, out: Path, seed: int = 1, start: int = 0, registry: Registry | None = None,
             progress=None) -> int:
    """Write documents start .. count-1 under `out` (streaming, one file at a time); returns how many."""
    reg = registry or Registry.load()
    written = 0
    for i in range(start, count):
        name, text = document(reg, seed, i)
        path = path_of(out, i, name)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(text.encode("utf-8"))
        written += 1
        if progress and written % 1000 == 0:
            progress(written)
    return written


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--count", "-n", type=int, required=True, help="number of documents")
    ap.add_argument("--out", "-o", type=Path, required=True, help="folder to write into (created)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--start", type=int, default=0, help="first document index (extend an existing corpus)")
    args = ap.parse_args(argv)
    n = generate(args.count, args.out, args.seed, args.start,
                 progress=lambda k: print(f"{k} written", file=sys.stderr) if k % 10000 == 0 else None)
    print(f"{n} documents written to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
