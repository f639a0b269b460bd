"""Where the model files (ontology, vocabularies, shapes) and saved queries are found at run time.

A wheel carries them inside the package; a source checkout or editable install reads the repository's top-level folders.
"""
from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def resource_dir(name: str) -> Path:
    """The folder `ontology`, `shapes` or `queries`, wherever this installation keeps it."""
    packaged = _PACKAGE / "_resources" / name
    if packaged.is_dir():
        return packaged
    checkout = _PACKAGE.parents[1] / name
    if checkout.is_dir():
        return checkout
    raise FileNotFoundError(f"coopkg cannot find its {name}/ folder (looked in {packaged} and {checkout})")


#: The vocabulary files that make up the model, in load order; the ontology first.
MODEL_FILES = (
    "coopkg.ttl",
    "roles.ttl",
    "organisation-types.ttl",
    "activity-kinds.ttl",
    "target-groups.ttl",
    "hr-themes.ttl",
    "sdgs.ttl",
    "sdg-tagging.ttl",
    "hr-tagging.ttl",
    "places.ttl",
    "organisations.ttl",
)


def model_paths() -> list[Path]:
    folder = resource_dir("ontology")
    return [folder / name for name in MODEL_FILES]


def shape_paths(kind: str = "documents") -> list[Path]:
    """Shapes for document graphs ("documents") or for the shipped vocabularies ("vocabularies")."""
    return [resource_dir("shapes") / f"{kind}.ttl"]
