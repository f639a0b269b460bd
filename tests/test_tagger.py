"""The SDG and human-rights tagger: its rules, and its accuracy on a labelled set written before it existed."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from coopkg.tag import Tagger

LABELLED = Path(__file__).resolve().parent / "fixtures" / "sdg-tagging" / "labelled.jsonl"


@pytest.fixture(scope="module")
def tagger(vocab):
    return Tagger(vocab)


def per_goal_metrics(tagger: Tagger) -> tuple[dict, dict]:
    """Precision, recall, F1 and accuracy per goal, and micro-averaged over all goals."""
    rows = [json.loads(line) for line in LABELLED.read_text(encoding="utf-8").splitlines() if line.strip()]
    counts = {str(g): {"tp": 0, "fp": 0, "fn": 0, "tn": 0} for g in range(1, 18)}
    for row in rows:
        predicted = set(tagger.tag(row["text"]).to_json()["sdgs"])
        gold = set(row["sdgs"])
        for goal, c in counts.items():
            key = ("tp" if goal in gold else "fp") if goal in predicted else ("fn" if goal in gold else "tn")
            c[key] += 1

    def metrics(c: dict) -> dict:
        p = c["tp"] / (c["tp"] + c["fp"]) if c["tp"] + c["fp"] else 1.0
        r = c["tp"] / (c["tp"] + c["fn"]) if c["tp"] + c["fn"] else 1.0
        f1 = 2 * p * r / (p + r) if p + r else 0.0
        return {**c, "precision": p, "recall": r, "f1": f1, "accuracy": (c["tp"] + c["tn"]) / len(rows)}

    total = {k: sum(c[k] for c in counts.values()) for k in ("tp", "fp", "fn", "tn")}
    return {g: metrics(c) for g, c in counts.items()}, metrics(total) | {"accuracy": None}


@pytest.mark.xfail(strict=True, reason="issue 7 is open: first contact with the labelled set gives micro F1 0.711 "
                                        "(P 0.755, R 0.671); the bar is 0.85")
def test_labelled_set_reaches_the_bar(tagger, capsys):
    per_goal, overall = per_goal_metrics(tagger)
    with capsys.disabled():
        print("\ngoal  precision  recall     F1  accuracy   tp  fp  fn")
        for goal, m in per_goal.items():
            print(f"{goal:>4}  {m['precision']:9.3f}  {m['recall']:6.3f}  {m['f1']:5.3f}  {m['accuracy']:8.3f}  "
                  f"{m['tp']:3d} {m['fp']:3d} {m['fn']:3d}")
        print(f" all  {overall['precision']:9.3f}  {overall['recall']:6.3f}  {overall['f1']:5.3f}")
    assert overall["f1"] >= 0.85


def test_evidence_points_at_the_phrases(tagger):
    text = "The programme prevents femicide and improves access to drinking water in rural Guatemala."
    tags = tagger.tag(text)
    for inference in [*tags.goals, *tags.targets, *tags.hr_themes]:
        for hit in inference.hits:
            assert text[hit.start:hit.end].lower() == hit.phrase.lower()
    assert "gbv" in [t.code for t in tags.hr_themes]
