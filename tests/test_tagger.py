"""The SDG and human-rights tagger: its rules, and its accuracy on a labelled set written before it existed."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import DEV_CORPUS, need_shared

from coopkg.tag import Tagger

LABELLED = Path(__file__).resolve().parent / "fixtures" / "sdg-tagging" / "labelled.jsonl"
#: written blind to the tagger's phrases after it was tuned, and never used for tuning (FRESH.md)
FRESH = LABELLED.with_name("fresh.jsonl")


@pytest.fixture(scope="module")
def tagger(vocab):
    return Tagger(vocab)


def per_goal_metrics(tagger: Tagger, labelled: Path = LABELLED) -> tuple[dict, dict]:
    """Precision, recall, F1 and accuracy per goal, and micro-averaged over all goals, on a labelled set."""
    rows = [json.loads(line) for line in labelled.read_text(encoding="utf-8").splitlines() if line.strip()]
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


def print_metrics(name: str, per_goal: dict, overall: dict) -> None:
    print(f"\n{name}\ngoal  precision  recall     F1  accuracy   tp  fp  fn")
    for goal, m in per_goal.items():
        print(f"{goal:>4}  {m['precision']:9.3f}  {m['recall']:6.3f}  {m['f1']:5.3f}  {m['accuracy']:8.3f}  "
              f"{m['tp']:3d} {m['fp']:3d} {m['fn']:3d}")
    print(f" all  {overall['precision']:9.3f}  {overall['recall']:6.3f}  {overall['f1']:5.3f}")


def test_labelled_set_reaches_the_bar(tagger, capsys):
    per_goal, overall = per_goal_metrics(tagger)
    with capsys.disabled():
        print_metrics(LABELLED.name, per_goal, overall)
    assert overall["f1"] >= 0.85


def test_blind_set_stays_near_what_it_measured(tagger, capsys):
    """How the tagger does on texts it was never tuned on: micro-F1 0.803 when the set was written. A floor
    against regressions, not a target: tuning phrases to these texts would make the number meaningless."""
    per_goal, overall = per_goal_metrics(tagger, FRESH)
    with capsys.disabled():
        print_metrics(FRESH.name, per_goal, overall)
    assert overall["f1"] >= 0.75


def test_evidence_points_at_the_phrases(tagger):
    text = "The programme prevents femicide and improves access to drinking water in rural Guatemala."
    tags = tagger.tag(text)
    for inference in [*tags.goals, *tags.targets, *tags.hr_themes]:
        for hit in inference.hits:
            assert text[hit.start:hit.end].lower() == hit.phrase.lower()
    assert "gbv" in [t.code for t in tags.hr_themes]


# ---------------------------------------------------------------------------
# Whole documents: the loader tags a document's whole text
# ---------------------------------------------------------------------------

#: the English and the Spanish page of the "Social Cohesion Laboratory II" programme in the development corpus
SOCIAL_COHESION_LAB_II = ["000_05ac38870da8c2a8.txt", "d05_lcs2_es.txt"]


@pytest.mark.parametrize("name", SOCIAL_COHESION_LAB_II)
def test_social_cohesion_laboratory_ii_serves_health_gender_and_institutions(tagger, name):
    text = need_shared(DEV_CORPUS / name).read_text(encoding="utf-8")
    assert "Cohesi" in text  # the right document
    assert {"3", "5", "16"} <= set(tagger.tag(text).to_json()["sdgs"])


def test_weak_cues_scattered_over_a_long_text_are_not_evidence(tagger):
    filler = " The steering committee met twice and approved the annual report and the budget." * 8
    close = "Students attend a new school with a revised curriculum."
    assert "4" in tagger.tag(close).to_json()["sdgs"]  # three weak cues in one passage
    spread = "Students arrived." + filler + " A new school opened." + filler + " The curriculum was revised."
    assert "4" not in tagger.tag(spread).to_json()["sdgs"]


# ---------------------------------------------------------------------------
# General rules, as a user sees them
# ---------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "target", "phrase"), [
    # English: the plural of a cue written in the singular ("labour inspectorate")
    ("Labour inspectorates receive case-management tools.", "8.8", "Labour inspectorates"),
    # Spanish: number and gender agree across the head of the phrase ("pequeños productores")
    ("El fondo apoya a la pequeña productora de cacao.", "2.3", "pequeña productora"),
])
def test_inflected_cues_match_with_exact_evidence(tagger, text, target, phrase):
    tags = tagger.tag(text)
    found = {t.code: t for t in tags.targets}
    assert target in found
    hit = next(h for h in found[target].hits if h.phrase == phrase)
    assert text[hit.start:hit.end] == phrase


def test_exclusions_and_acronyms_keep_lookalikes_out(tagger):
    # "property rights" is tenure (1.4); "intellectual property rights" is not
    assert "1" in tagger.tag("Rural families obtain property rights over their plots.").to_json()["sdgs"]
    assert "1" not in tagger.tag("SMEs register trademarks to protect their intellectual property rights.").to_json()["sdgs"]
    # the CITES convention counts for life on land; the verb "cites" does not
    assert "15" in tagger.tag("Customs officers learn to check CITES permits.").to_json()["sdgs"]
    assert "15" not in tagger.tag("The evaluation report cites three earlier studies.").to_json()["sdgs"]


def test_a_venue_alone_is_not_a_goal(tagger):
    # hospitals connected to a fibre network are infrastructure, not health care (the set's hard negative rule)
    assert tagger.tag("The network connects forty regional hospitals.").to_json()["sdgs"] == []
    assert "3" in tagger.tag("Forty regional hospitals improve maternal health care.").to_json()["sdgs"]
