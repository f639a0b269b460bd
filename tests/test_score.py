"""The extraction quality bar: the project's scorer on the development corpus, through the real CLI."""
from __future__ import annotations

import re
import subprocess
import sys

from conftest import DEV_CORPUS, SHARED, coopkg_command, need_shared


def test_development_corpus_scores_above_the_bar():
    scorer = need_shared(SHARED / "eval" / "score.py")
    run = subprocess.run([sys.executable, str(scorer), "--docs", str(need_shared(DEV_CORPUS)),
                          "--gold", str(DEV_CORPUS / "gold.json"), "--cmd", " ".join(coopkg_command())],
                         capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, run.stderr
    overall = float(re.search(r"^F1 ([0-9.]+)$", run.stdout, re.M).group(1))
    columns = {m.group(1): float(m.group(2)) for m in re.finditer(r"^(\w+)\s+[0-9.]+\s+[0-9.]+\s+([0-9.]+)\s", run.stdout, re.M)}
    assert overall >= 0.95, run.stdout
    assert columns and all(f1 >= 0.90 for f1 in columns.values()), run.stdout
