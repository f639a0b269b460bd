"""Shared fixtures: the loaded vocabulary, the project's shared test material, and small document files."""
from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
DEV_CORPUS = SHARED / "corpus" / "dev"
SEEDS = SHARED / "seeds"


def quads_without_build_log(store) -> list[str]:
    """A store's quads as sorted strings, the build log (whose times differ between builds) left out."""
    return sorted(str(q) for q in store.store if not q.graph_name.value.endswith("/graph/builds"))


def coopkg_command() -> list[str]:
    """The installed console script next to this interpreter (the one `make test` installed)."""
    script = Path(sys.executable).with_name("coopkg")
    return [str(script)] if script.exists() else [sys.executable, "-m", "coopkg"]


@pytest.fixture(scope="session")
def vocab():
    from coopkg.vocabulary import Vocabulary

    return Vocabulary.load()


@pytest.fixture(scope="session")
def validator(vocab):
    from coopkg.validate import Validator

    return Validator(vocab)


def need_shared(path: Path) -> Path:
    if not path.exists():
        pytest.skip(f"{path} is not here (the shared test material sits beside the repository)")
    return path


@pytest.fixture
def write_doc(tmp_path):
    """Write a document file with the given text (or bytes) and return its path."""

    def write(name: str, content: str | bytes) -> Path:
        path = tmp_path / "docs" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
        return path

    return write


os.environ.setdefault("COOPKG_TEST", "1")
