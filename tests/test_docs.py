"""The ontology's HTML documentation: pyLODE 3.3.4 (the `docs` extra, which `make test` and
`make docs` install) renders ontology/coopkg.ttl, as `make docs` does into docs/ontology/."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
ONTOLOGY = REPO / "ontology" / "coopkg.ttl"


def pylode_executable() -> Path | None:
    """pyLODE next to this interpreter (the project venv), else in a separate .venv-docs."""
    for candidate in (Path(sys.executable).with_name("pylode"), REPO / ".venv-docs" / "bin" / "pylode"):
        if candidate.exists():
            return candidate
    return None


def test_pylode_renders_the_ontology(tmp_path: Path):
    pylode = pylode_executable()
    if pylode is None:
        pytest.skip("pyLODE is not installed: `make docs` (or `pip install -e '.[docs]'`) installs it")
    out = tmp_path / "index.html"
    run = subprocess.run([str(pylode), str(ONTOLOGY), "-o", str(out)],
                         capture_output=True, text=True, timeout=300, cwd=tmp_path)
    assert run.returncode == 0, f"pylode failed ({run.returncode}):\n{run.stdout}\n{run.stderr}"
    assert out.exists(), f"pylode wrote no {out.name}:\n{run.stdout}\n{run.stderr}"
    html = out.read_text(encoding="utf-8")
    assert "Programme" in html
    assert "Organisation role" in html
