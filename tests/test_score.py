"""The extraction quality bar: the project's scorer on the development corpus, through the real CLI."""
from __future__ import annotations

import re
import subprocess
import sys

import pytest

from conftest import DEV_CORPUS, REPO, SHARED, coopkg_command, need_shared

# The shared development corpus, and corpora written for coopkg by other hands (tests/fixtures/heldout*),
# all scored by the project's scorer.
CORPORA = [DEV_CORPUS, *sorted(p for p in (REPO / "tests" / "fixtures").glob("heldout*") if (p / "gold.json").exists())]


@pytest.mark.parametrize("corpus", CORPORA, ids=[c.name for c in CORPORA])
def test_corpus_scores_above_the_bar(corpus):
    scorer = need_shared(SHARED / "eval" / "score.py")
    run = subprocess.run([sys.executable, str(scorer), "--docs", str(need_shared(corpus)),
                          "--gold", str(corpus / "gold.json"), "--cmd", " ".join(coopkg_command())],
                         capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, run.stderr
    overall = float(re.search(r"^F1 ([0-9.]+)$", run.stdout, re.M).group(1))
    columns = {m.group(1): float(m.group(2)) for m in re.finditer(r"^(\w+)\s+[0-9.]+\s+[0-9.]+\s+([0-9.]+)\s", run.stdout, re.M)}
    assert overall >= 0.95, run.stdout
    assert columns and all(f1 >= 0.90 for f1 in columns.values()), run.stdout
