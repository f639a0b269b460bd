#!/usr/bin/env python3
"""Generate ontology/sdgs.ttl: the coopkg SKOS scheme of the 17 SDGs and their 169 targets.

Goals and targets keep the UN's own IRIs (http://metadata.un.org/sdg/5,
http://metadata.un.org/sdg/16.10) so that graphs built by coopkg link straight to the
official UN knowledge organisation system.  Everything else here -- short titles,
name variants, definitions and target topics -- is written for coopkg; none of it is
read from the UN's files and the UN's target texts are deliberately not reproduced.

Usage:
    python scripts/build_sdg_vocab.py [--output PATH]

The output is deterministic: running the script twice gives identical bytes.
"""
from __future__ import annotations

import argparse
import io
import sys
from pathlib import Path

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, RDF, RDFS, SKOS
from rdflib.plugins.serializers.turtle import TurtleSerializer

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))

from coopkg.namespaces import CK, SDG, SDGO, VOC  # noqa: E402

DEFAULT_OUTPUT = REPO / "ontology" / "sdgs.ttl"
SCHEME = VOC["sdg"]
#: The UN KOS types every notation; its sdgo:SDGCodeCompact form is the one people
#: write ("5", "1.a", "16.10").  We use the same typed literal so both graphs agree.
NOTATION_TYPE = SDGO.SDGCodeCompact

HEADER = """\
# GENERATED FILE -- DO NOT EDIT BY HAND.
# Written by scripts/build_sdg_vocab.py; change that script and run it again:
#     python scripts/build_sdg_vocab.py
# The coopkg SKOS scheme of the 17 Sustainable Development Goals and their 169
# targets.  Goal and target IRIs are the UN's own (http://metadata.un.org/sdg/...);
# titles, name variants and definitions are coopkg's.

"""

# ---------------------------------------------------------------------------
# Goals: number -> (English short title, Spanish short title,
#                   further English names, further Spanish names, definition)
# ---------------------------------------------------------------------------
GOALS: dict[int, tuple[str, str, tuple[str, ...], tuple[str, ...], str]] = {
    1: ("No poverty", "Fin de la pobreza",
        ("End poverty",),
        ("Poner fin a la pobreza",),
        "Lifting everyone out of poverty, including its extreme forms, and giving poor and "
        "vulnerable people social protection and a fair share of resources."),
    2: ("Zero hunger", "Hambre cero",
        ("End hunger",),
        ("Poner fin al hambre",),
        "Making sure everyone has enough nutritious food all year round, ending malnutrition "
        "and supporting farming that is both productive and sustainable."),
    3: ("Good health and well-being", "Salud y bienestar",
        ("Good health and wellbeing", "Health and well-being"),
        ("Buena salud y bienestar",),
        "Healthy lives for people of every age, from mothers and newborns to older people, "
        "with protection from disease and health care that everyone can use."),
    4: ("Quality education", "Educación de calidad",
        ("Education",),
        ("Educación de buena calidad",),
        "Good schooling for every child and young person on equal terms, and chances for "
        "people of any age to go on learning."),
    5: ("Gender equality", "Igualdad de género",
        ("Gender equity",),
        ("Equidad de género",),
        "Equal rights and opportunities for women and girls, an end to discrimination and "
        "violence against them, and their full say in decisions."),
    6: ("Clean water and sanitation", "Agua limpia y saneamiento",
        ("Water and sanitation",),
        ("Agua y saneamiento",),
        "Safe drinking water, decent toilets and hygiene for everyone, cleaner rivers and lakes, "
        "and careful use of water resources."),
    7: ("Affordable and clean energy", "Energía asequible y no contaminante",
        ("Clean energy",),
        ("Energía asequible y limpia", "Energía limpia"),
        "Modern energy services that everyone can afford and rely on, with a growing share of "
        "renewables and more efficient use of energy."),
    8: ("Decent work and economic growth", "Trabajo decente y crecimiento económico",
        (),
        ("Trabajo digno y crecimiento económico",),
        "Economic growth that lasts and reaches everyone, with productive jobs and decent "
        "working conditions for all."),
    9: ("Industry, innovation and infrastructure", "Industria, innovación e infraestructura",
        (),
        ("Industria, innovación e infraestructuras",),
        "Durable infrastructure, industrial development that benefits everyone without harming "
        "the environment, and research and innovation."),
    10: ("Reduced inequalities", "Reducción de las desigualdades",
         ("Reduced inequality", "Reducing inequality"),
         ("Reducción de desigualdades", "Reducir la desigualdad"),
         "Narrowing gaps in income, opportunity and voice, both inside each country and "
         "between rich and poor countries."),
    11: ("Sustainable cities and communities", "Ciudades y comunidades sostenibles",
         (),
         (),
         "Towns and cities where people can live safely and affordably, that include everyone, "
         "withstand shocks and respect the environment."),
    12: ("Responsible consumption and production", "Producción y consumo responsables",
         ("Sustainable consumption and production",),
         ("Consumo y producción responsables", "Producción y consumo sostenibles"),
         "Using natural resources efficiently and cutting waste and pollution in the way goods "
         "are made, bought and used."),
    13: ("Climate action", "Acción por el clima",
         (),
         ("Acción climática",),
         "Cutting the causes of climate change and helping people and places adapt to its "
         "effects and recover from climate-related disasters."),
    14: ("Life below water", "Vida submarina",
         ("Life under water",),
         ("Vida marina",),
         "Protecting the health of oceans, coasts and marine life and managing fisheries and "
         "other sea resources sustainably."),
    15: ("Life on land", "Vida de ecosistemas terrestres",
         (),
         ("Vida terrestre",),
         "Looking after forests, soils, mountains, wetlands and the species that live on land: "
         "conserving them, restoring what is degraded and stopping the loss of biodiversity."),
    16: ("Peace, justice and strong institutions", "Paz, justicia e instituciones sólidas",
         ("Peace and justice",),
         ("Paz, justicia e instituciones fuertes", "Paz y justicia"),
         "Societies free of violence, where everyone can obtain justice and public institutions "
         "are effective, transparent and answerable to people."),
    17: ("Partnerships for the goals", "Alianzas para lograr los objetivos",
         ("Partnership for the goals", "Partnerships to achieve the goals"),
         ("Alianzas para los objetivos", "Alianzas para el logro de los objetivos"),
         "Cooperation between countries, business and civil society on finance, technology, "
         "capacity-building, trade and data so that the other goals can be reached."),
}

#: How documents refer to goal n by number.
EN_NUMBER_FORMS = ("SDG {n}", "SDG{n}", "Goal {n}", "Sustainable Development Goal {n}", "Global Goal {n}")
ES_NUMBER_FORMS = ("ODS {n}", "ODS{n}", "Objetivo {n}", "Objetivo de Desarrollo Sostenible {n}")

#: Words left in lower case when an English title is put in Title Case.
MINOR_WORDS = {"and", "for", "the", "on", "of", "to", "in", "a"}

# ---------------------------------------------------------------------------
# Targets: goal -> codes.  Outcome targets are numbered, means-of-implementation
# targets lettered.  17 goals, 169 targets.
# ---------------------------------------------------------------------------
TARGET_CODES: dict[int, tuple[str, ...]] = {
    1: ("1.1", "1.2", "1.3", "1.4", "1.5", "1.a", "1.b"),
    2: ("2.1", "2.2", "2.3", "2.4", "2.5", "2.a", "2.b", "2.c"),
    3: ("3.1", "3.2", "3.3", "3.4", "3.5", "3.6", "3.7", "3.8", "3.9",
        "3.a", "3.b", "3.c", "3.d"),
    4: ("4.1", "4.2", "4.3", "4.4", "4.5", "4.6", "4.7", "4.a", "4.b", "4.c"),
    5: ("5.1", "5.2", "5.3", "5.4", "5.5", "5.6", "5.a", "5.b", "5.c"),
    6: ("6.1", "6.2", "6.3", "6.4", "6.5", "6.6", "6.a", "6.b"),
    7: ("7.1", "7.2", "7.3", "7.a", "7.b"),
    8: ("8.1", "8.2", "8.3", "8.4", "8.5", "8.6", "8.7", "8.8", "8.9", "8.10",
        "8.a", "8.b"),
    9: ("9.1", "9.2", "9.3", "9.4", "9.5", "9.a", "9.b", "9.c"),
    10: ("10.1", "10.2", "10.3", "10.4", "10.5", "10.6", "10.7", "10.a", "10.b", "10.c"),
    11: ("11.1", "11.2", "11.3", "11.4", "11.5", "11.6", "11.7", "11.a", "11.b", "11.c"),
    12: ("12.1", "12.2", "12.3", "12.4", "12.5", "12.6", "12.7", "12.8",
         "12.a", "12.b", "12.c"),
    13: ("13.1", "13.2", "13.3", "13.a", "13.b"),
    14: ("14.1", "14.2", "14.3", "14.4", "14.5", "14.6", "14.7", "14.a", "14.b", "14.c"),
    15: ("15.1", "15.2", "15.3", "15.4", "15.5", "15.6", "15.7", "15.8", "15.9",
         "15.a", "15.b", "15.c"),
    16: ("16.1", "16.2", "16.3", "16.4", "16.5", "16.6", "16.7", "16.8", "16.9", "16.10",
         "16.a", "16.b"),
    17: ("17.1", "17.2", "17.3", "17.4", "17.5", "17.6", "17.7", "17.8", "17.9", "17.10",
          "17.11", "17.12", "17.13", "17.14", "17.15", "17.16", "17.17", "17.18", "17.19"),
}

#: A short topic per target, in coopkg's words (not the UN's target text).
TARGET_TOPICS: dict[str, str] = {
    "1.1": "Eradication of extreme poverty",
    "1.2": "Poverty as defined nationally, in all its dimensions",
    "1.3": "Social protection systems and floors",
    "1.4": "Equal rights to economic resources, basic services, land and property",
    "1.5": "Resilience of the poor to climate extremes and other shocks",
    "1.a": "Mobilising resources for programmes that end poverty",
    "1.b": "Pro-poor and gender-sensitive policy frameworks",
    "2.1": "Year-round access to enough safe and nutritious food",
    "2.2": "Ending all forms of malnutrition",
    "2.3": "Farm productivity and incomes of smallholders and other small producers",
    "2.4": "Sustainable and resilient food production systems",
    "2.5": "Genetic diversity of seeds, crops and farm animals",
    "2.a": "Investment in rural infrastructure and agricultural research",
    "2.b": "Distortions of world farm trade, including export subsidies",
    "2.c": "Functioning of food commodity markets",
    "3.1": "Maternal mortality",
    "3.2": "Preventable deaths of newborns and young children",
    "3.3": "AIDS, tuberculosis, malaria, hepatitis and other communicable diseases",
    "3.4": "Non-communicable diseases and mental health",
    "3.5": "Drug and alcohol abuse: prevention and treatment",
    "3.6": "Road traffic deaths and injuries",
    "3.7": "Sexual and reproductive health-care services",
    "3.8": "Universal health coverage",
    "3.9": "Illness and death from hazardous chemicals and pollution",
    "3.a": "Tobacco control",
    "3.b": "Research on and access to vaccines and medicines",
    "3.c": "Health financing and the health workforce",
    "3.d": "Early warning and management of health risks",
    "4.1": "Free, equitable and good-quality primary and secondary schooling",
    "4.2": "Early childhood development and pre-primary education",
    "4.3": "Access to technical, vocational and higher education",
    "4.4": "Job-relevant skills of young people and adults",
    "4.5": "Gender gaps and equal access to education for vulnerable groups",
    "4.6": "Literacy and numeracy",
    "4.7": "Education for sustainable development and global citizenship",
    "4.a": "Safe, inclusive and effective learning facilities",
    "4.b": "Scholarships for students from developing countries",
    "4.c": "Supply of qualified teachers",
    "5.1": "Ending discrimination against women and girls",
    "5.2": "Violence against women and girls, including trafficking and sexual exploitation",
    "5.3": "Harmful practices such as child marriage and female genital mutilation",
    "5.4": "Recognition of unpaid care and domestic work",
    "5.5": "Women's participation and leadership in decision-making",
    "5.6": "Sexual and reproductive health and rights (SRHR)",
    "5.a": "Women's rights to economic resources, land and property",
    "5.b": "Enabling technologies for women's empowerment",
    "5.c": "Policies and laws for gender equality",
    "6.1": "Safe and affordable drinking water",
    "6.2": "Sanitation and hygiene, ending open defecation",
    "6.3": "Water quality, pollution and wastewater treatment",
    "6.4": "Water-use efficiency and water scarcity",
    "6.5": "Integrated water resources management",
    "6.6": "Water-related ecosystems",
    "6.a": "International cooperation and capacity-building on water and sanitation",
    "6.b": "Local participation in water and sanitation management",
    "7.1": "Universal access to modern energy services",
    "7.2": "Share of renewable energy",
    "7.3": "Energy efficiency",
    "7.a": "International cooperation on clean-energy research and investment",
    "7.b": "Energy infrastructure and technology in developing countries",
    "8.1": "Per capita economic growth",
    "8.2": "Productivity through diversification, technology and innovation",
    "8.3": "Job creation, entrepreneurship and formalisation of small enterprises",
    "8.4": "Resource efficiency and decoupling growth from environmental harm",
    "8.5": "Full employment, decent work and equal pay",
    "8.6": "Youth outside work, school and training (NEET)",
    "8.7": "Forced labour, modern slavery, human trafficking and child labour",
    "8.8": "Labour rights and safe working environments",
    "8.9": "Sustainable tourism",
    "8.10": "Capacity of domestic financial institutions",
    "8.a": "Aid for Trade",
    "8.b": "Global strategy for youth employment",
    "9.1": "Reliable, sustainable and resilient infrastructure",
    "9.2": "Inclusive and sustainable industrialisation",
    "9.3": "Small enterprises' access to financial services and markets",
    "9.4": "Upgrading infrastructure and retrofitting industries for sustainability",
    "9.5": "Scientific research and technological capabilities",
    "9.a": "Support for resilient infrastructure in developing countries",
    "9.b": "Home-grown technology, research and innovation",
    "9.c": "Access to ICT and affordable Internet",
    "10.1": "Income growth of the poorest 40 per cent",
    "10.2": "Inclusion of everyone in social, economic and political life",
    "10.3": "Equal opportunity and ending discriminatory laws and practices",
    "10.4": "Tax, wage and social-protection policy for greater equality",
    "10.5": "Oversight of global finance",
    "10.6": "Voice of developing countries in international economic and financial institutions",
    "10.7": "Safe, orderly and well-managed migration",
    "10.a": "Special and differential treatment in WTO agreements",
    "10.b": "Development assistance and financial flows to the countries most in need",
    "10.c": "Transaction costs of migrant remittances",
    "11.1": "Decent affordable housing, basic services and slum upgrading",
    "11.2": "Safe, affordable and sustainable transport systems",
    "11.3": "Inclusive urbanisation and participatory settlement planning",
    "11.4": "Protection of cultural and natural heritage",
    "11.5": "Deaths and losses caused by disasters",
    "11.6": "Environmental impact of cities: air quality and waste",
    "11.7": "Green and public spaces open to all",
    "11.a": "Urban-rural linkages and regional development planning",
    "11.b": "Urban policies for inclusion, climate resilience and disaster risk reduction",
    "11.c": "Sustainable and resilient buildings in least developed countries",
    "12.1": "The 10YFP on sustainable consumption and production",
    "12.2": "Efficient, sustainable use of natural resources",
    "12.3": "Food waste and food loss",
    "12.4": "Sound management of chemicals and wastes",
    "12.5": "Waste prevention, reduction, recycling and reuse",
    "12.6": "Sustainable practices and sustainability reporting by companies",
    "12.7": "Sustainable public procurement",
    "12.8": "Information and awareness for sustainable lifestyles",
    "12.a": "Science and technology for sustainable consumption and production",
    "12.b": "Monitoring the impacts of sustainable tourism",
    "12.c": "Inefficient fossil-fuel subsidies",
    "13.1": "Resilience and adaptation to climate hazards and natural disasters",
    "13.2": "Climate change measures in national policies and planning",
    "13.3": "Education, awareness and capacity on climate change",
    "13.a": "Climate finance commitments and the Green Climate Fund",
    "13.b": "Climate planning capacity in the poorest countries and small island states",
    "14.1": "Marine pollution",
    "14.2": "Management and protection of marine and coastal ecosystems",
    "14.3": "Ocean acidification",
    "14.4": "Overfishing and destructive fishing practices",
    "14.5": "Conservation of coastal and marine areas",
    "14.6": "Fisheries subsidies",
    "14.7": "Economic benefits of marine resources for small islands and least developed countries",
    "14.a": "Marine science, research capacity and technology transfer",
    "14.b": "Small-scale artisanal fishers' access to resources and markets",
    "14.c": "Implementing international law of the sea",
    "15.1": "Terrestrial and inland freshwater ecosystems",
    "15.2": "Sustainable forest management, deforestation and reforestation",
    "15.3": "Desertification and land degradation",
    "15.4": "Mountain ecosystems",
    "15.5": "Natural habitats, biodiversity loss and threatened species",
    "15.6": "Fair sharing of benefits from genetic resources",
    "15.7": "Wildlife poaching and trafficking",
    "15.8": "Invasive alien species",
    "15.9": "Ecosystem and biodiversity values in national planning",
    "15.a": "Financing for biodiversity and ecosystems",
    "15.b": "Financing for sustainable forest management",
    "15.c": "Global support against poaching, including local livelihoods",
    "16.1": "Reducing violence and related deaths",
    "16.2": "Abuse, exploitation, trafficking and violence against children",
    "16.3": "Rule of law and equal access to justice",
    "16.4": "Illicit financial and arms flows and organised crime",
    "16.5": "Corruption and bribery",
    "16.6": "Effective, accountable and transparent institutions",
    "16.7": "Responsive, inclusive and representative decision-making",
    "16.8": "Developing countries in global governance",
    "16.9": "Legal identity and birth registration",
    "16.10": "Public access to information and fundamental freedoms",
    "16.a": "National institutions against violence, terrorism and crime",
    "16.b": "Non-discriminatory laws and policies",
    "17.1": "Domestic resource mobilisation and tax collection",
    "17.2": "Official development assistance commitments",
    "17.3": "Extra finance from many sources for developing countries",
    "17.4": "Debt sustainability",
    "17.5": "Investment promotion for least developed countries",
    "17.6": "Cooperation and knowledge sharing on science, technology and innovation",
    "17.7": "Environmentally sound technologies for developing countries",
    "17.8": "Technology bank and enabling technologies for least developed countries",
    "17.9": "Capacity-building for national plans to implement the goals",
    "17.10": "A universal, rules-based multilateral trading system",
    "17.11": "Exports of developing countries",
    "17.12": "Duty-free, quota-free market access for least developed countries",
    "17.13": "Global macroeconomic stability",
    "17.14": "Policy coherence for sustainable development",
    "17.15": "Respect for each country's policy space",
    "17.16": "Global and multi-stakeholder partnerships for sustainable development",
    "17.17": "Public, public-private and civil-society partnerships",
    "17.18": "High-quality, timely and disaggregated data",
    "17.19": "Measuring progress beyond GDP and statistical capacity-building",
}


def title_case(text: str) -> str:
    """English Title Case as in the SDG icons: 'Life below water' -> 'Life Below Water'."""
    words = text.split(" ")
    out = []
    for i, word in enumerate(words):
        if i > 0 and word.lower() in MINOR_WORDS:
            out.append(word.lower())
        else:
            out.append(word[:1].upper() + word[1:])
    return " ".join(out)


def build_graph() -> Graph:
    g = Graph(bind_namespaces="none")
    for prefix, ns in (("sdg", SDG), ("sdgo", SDGO), ("skos", SKOS), ("dct", DCTERMS),
                       ("ck", CK), ("rdfs", RDFS)):
        g.bind(prefix, ns)

    g.add((SCHEME, RDF.type, SKOS.ConceptScheme))
    g.add((SCHEME, DCTERMS.title, Literal("Sustainable Development Goals", lang="en")))
    g.add((SCHEME, DCTERMS.title, Literal("Objetivos de Desarrollo Sostenible", lang="es")))
    g.add((SCHEME, SKOS.definition, Literal(
        "The 17 Sustainable Development Goals of the 2030 Agenda and their 169 targets, as coopkg "
        "uses them to record which goals a cooperation programme says it serves or is inferred to "
        "serve. Goals and targets keep the UN's IRIs; labels and definitions are coopkg's.",
        lang="en")))
    g.add((SCHEME, RDFS.seeAlso, URIRef("http://metadata.un.org/sdg")))
    # The coopkg properties whose values are drawn from this scheme.
    g.add((SCHEME, DCTERMS.isReferencedBy, CK.statedSdg))
    g.add((SCHEME, DCTERMS.isReferencedBy, CK.inferredSdg))

    for n, (en, es, more_en, more_es, definition) in GOALS.items():
        goal = SDG[str(n)]
        g.add((goal, RDF.type, SKOS.Concept))
        g.add((goal, RDF.type, SDGO.Goal))
        g.add((goal, SKOS.inScheme, SCHEME))
        g.add((goal, SKOS.topConceptOf, SCHEME))
        g.add((SCHEME, SKOS.hasTopConcept, goal))
        g.add((goal, SKOS.notation, Literal(str(n), datatype=NOTATION_TYPE)))
        g.add((goal, SKOS.prefLabel, Literal(en, lang="en")))
        g.add((goal, SKOS.prefLabel, Literal(es, lang="es")))
        alt_en = [form.format(n=n) for form in EN_NUMBER_FORMS] + [title_case(en), *more_en]
        alt_es = [form.format(n=n) for form in ES_NUMBER_FORMS] + list(more_es)
        for label in alt_en:
            if label != en:
                g.add((goal, SKOS.altLabel, Literal(label, lang="en")))
        for label in alt_es:
            if label != es:
                g.add((goal, SKOS.altLabel, Literal(label, lang="es")))
        g.add((goal, SKOS.definition, Literal(definition, lang="en")))

        for code in TARGET_CODES[n]:
            target = SDG[code]
            g.add((target, RDF.type, SKOS.Concept))
            g.add((target, RDF.type, SDGO.Target))
            g.add((target, SKOS.inScheme, SCHEME))
            g.add((target, SKOS.notation, Literal(code, datatype=NOTATION_TYPE)))
            g.add((target, SKOS.broader, goal))
            g.add((goal, SKOS.narrower, target))
            g.add((target, SKOS.prefLabel, Literal(f"Target {code}", lang="en")))
            g.add((target, SKOS.prefLabel, Literal(f"Meta {code}", lang="es")))
            g.add((target, SKOS.altLabel, Literal(f"SDG target {code}", lang="en")))
            g.add((target, SKOS.altLabel, Literal(f"meta {code} de los ODS", lang="es")))
            g.add((target, SKOS.definition, Literal(TARGET_TOPICS[code], lang="en")))
    return g


def check(g: Graph) -> None:
    """Fail loudly if the tables above are inconsistent."""
    codes = [c for n in GOALS for c in TARGET_CODES[n]]
    assert len(GOALS) == 17 and sorted(GOALS) == list(range(1, 18)), "expected goals 1..17"
    assert len(codes) == 169 and len(set(codes)) == 169, f"expected 169 targets, got {len(codes)}"
    for n, goal_codes in TARGET_CODES.items():
        assert all(c.split(".")[0] == str(n) for c in goal_codes), f"goal {n} has a stray target"
    assert set(TARGET_TOPICS) == set(codes), "every target needs exactly one topic"


def reading_order() -> list[URIRef]:
    """The scheme, then each goal followed by its targets, in numerical order."""
    order = [SCHEME]
    for n in GOALS:
        order.append(SDG[str(n)])
        order.extend(SDG[code] for code in TARGET_CODES[n])
    return order


class _OrderedTurtle(TurtleSerializer):
    """rdflib's Turtle writer, with subjects in a fixed reading order instead of its own."""

    def __init__(self, graph: Graph, order: list[URIRef]) -> None:
        super().__init__(graph)
        self._order = order

    def orderSubjects(self) -> list[URIRef]:  # noqa: N802 (rdflib's name)
        subjects = set(self.store.subjects())
        assert subjects == set(self._order), "reading order must list every subject once"
        return list(self._order)


def serialize(g: Graph) -> bytes:
    buf = io.BytesIO()
    _OrderedTurtle(g, reading_order()).serialize(buf, encoding="utf-8")
    return HEADER.encode("utf-8") + buf.getvalue()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT,
                        help=f"where to write the Turtle (default: {DEFAULT_OUTPUT.relative_to(REPO)})")
    args = parser.parse_args(argv)
    check(g := build_graph())
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_bytes(serialize(g))
    print(f"wrote {args.output} ({len(g)} triples)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
