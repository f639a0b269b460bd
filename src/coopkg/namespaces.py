"""The IRIs coopkg writes: its own ontology, its vocabularies and the ones it reuses.

Import names from here rather than spelling IRIs out, so that one place decides them.
"""
from __future__ import annotations

from rdflib import Namespace
from rdflib.namespace import DCTERMS, OWL, PROV, RDF, RDFS, SKOS, XSD

#: The ontology: classes and properties.
CK = Namespace("https://w3id.org/coopkg/def#")
#: Concept schemes shipped with coopkg (role kinds, activity kinds, themes ...).
VOC = Namespace("https://w3id.org/coopkg/voc/")
ROLE = Namespace("https://w3id.org/coopkg/voc/role/")
ACTIVITY = Namespace("https://w3id.org/coopkg/voc/activity/")
TARGET_GROUP = Namespace("https://w3id.org/coopkg/voc/target-group/")
ORG_TYPE = Namespace("https://w3id.org/coopkg/voc/organisation-type/")
HR = Namespace("https://w3id.org/coopkg/voc/hr-theme/")
#: Registry resources shipped with coopkg: places and known organisations.
PLACE = Namespace("https://w3id.org/coopkg/id/place/")
ORG = Namespace("https://w3id.org/coopkg/id/org/")
#: Default base for IRIs minted from documents (programmes, roles, evidence ...).
DEFAULT_BASE = "https://w3id.org/coopkg/id/"

#: Reused vocabularies.
SDG = Namespace("http://metadata.un.org/sdg/")
SDGO = Namespace("http://metadata.un.org/sdg/ontology#")
EURIO = Namespace("http://data.europa.eu/s66#")
W3ORG = Namespace("http://www.w3.org/ns/org#")
SCHEMA = Namespace("https://schema.org/")
OA = Namespace("http://www.w3.org/ns/oa#")
WD = Namespace("http://www.wikidata.org/entity/")
VOID = Namespace("http://rdfs.org/ns/void#")
DCAT = Namespace("http://www.w3.org/ns/dcat#")

PREFIXES: dict[str, Namespace] = {
    "ck": CK,
    "role": ROLE,
    "activity": ACTIVITY,
    "tg": TARGET_GROUP,
    "orgtype": ORG_TYPE,
    "hr": HR,
    "place": PLACE,
    "agent": ORG,
    "sdg": SDG,
    "sdgo": SDGO,
    "eurio": EURIO,
    "org": W3ORG,
    "schema": SCHEMA,
    "oa": OA,
    "prov": PROV,
    "dct": DCTERMS,
    "skos": SKOS,
    "owl": OWL,
    "rdf": RDF,
    "rdfs": RDFS,
    "xsd": XSD,
    "wd": WD,
}
