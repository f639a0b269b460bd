"""The benchmark harness at smoke size: every step runs on 20 generated documents and the report has every row.

No timing is asserted here (CI machines vary); `make bench` measures. See docs/performance.md."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "benchmarks"))


def test_generator_is_deterministic_and_varied(tmp_path):
    from generate import generate

    generate(30, tmp_path / "a", seed=5)
    generate(30, tmp_path / "b", seed=5)
    files = sorted(p.relative_to(tmp_path / "a") for p in (tmp_path / "a").rglob("*") if p.is_file())
    assert files == sorted(p.relative_to(tmp_path / "b") for p in (tmp_path / "b").rglob("*") if p.is_file())
    assert all((tmp_path / "a" / f).read_bytes() == (tmp_path / "b" / f).read_bytes() for f in files)
    names = [f.name for f in files]
    assert {n.rsplit(".", 1)[1] for n in names} == {"md", "txt"}
    assert {n.rsplit(".", 1)[0].rsplit("_", 1)[1] for n in names} == {"en", "es"}


def test_smoke_harness_reports_every_row(tmp_path):
    from run import ROWS

    out = tmp_path / "results"
    run = subprocess.run([sys.executable, str(REPO / "benchmarks" / "run.py"), "--smoke", "--work", str(tmp_path),
                          "--out", str(out)], capture_output=True, text=True, timeout=900)
    assert run.returncode == 0, run.stderr[-3000:]
    [report] = out.glob("*.md")
    text = report.read_text(encoding="utf-8")
    for row in ROWS:
        assert f"| {row} |" in text, row
    data = json.loads(next(out.glob("*.json")).read_text(encoding="utf-8"))
    [result] = data["results"]
    assert result["n"] == 20 and result["build"]["loaded"] + result["build"]["rejected"] == 20
    assert result["incremental"]["returncode"] == 0
    queries = result["queries"]
    assert queries and all("median_ms" in q for q in queries.values()), queries
    for step in ("turtle", "nq", "json-ld"):
        assert result[f"export-{step}"]["bytes"] > 0
    assert result["rdflib"]["queries"] and result["pyshacl"]["conforms"]
