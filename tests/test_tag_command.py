"""`coopkg tag`: one text from a file or stdin as a table or JSON, and JSON lines streamed one answer per line."""
from __future__ import annotations

import json
import subprocess
from pathlib import Path

from conftest import coopkg_command

DOCUMENT = Path(__file__).resolve().parents[1] / "data" / "documents" / "spotlight_mexico_en.txt"
TEXT = "The programme prevents femicide and improves access to drinking water in rural Guatemala."


def tag(*args: str, stdin: str | bytes | None = None) -> subprocess.CompletedProcess:
    data = stdin.encode("utf-8") if isinstance(stdin, str) else stdin
    done = subprocess.run([*coopkg_command(), "tag", *args], input=data, capture_output=True)
    done.stdout, done.stderr = done.stdout.decode("utf-8"), done.stderr.decode("utf-8")
    return done


def test_a_document_as_a_table():
    done = tag(str(DOCUMENT))
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0].split() == ["kind", "code", "label", "score", "confidence", "phrase", "start", "end", "weight"]
    kinds = {line.split()[0] for line in lines[2:] if line[:1] != " "}
    assert kinds == {"goal", "target", "hr"}  # "hr theme"
    assert any(line.startswith("hr theme  gbv") for line in lines)


def test_a_document_as_json_has_document_offsets():
    done = tag(str(DOCUMENT), "--format", "json")
    assert done.returncode == 0, done.stderr
    answer = json.loads(done.stdout)
    text = DOCUMENT.read_text(encoding="utf-8")
    assert "5" in answer["sdgs"] and "gbv" in answer["hr_themes"] and answer["threshold"] == 1.0
    assert answer["labels"]["5"] == "Gender equality"
    for cue in answer["evidence"] + [c for cues in answer["cues"].values() for c in cues]:
        assert text[cue["start"]:cue["end"]] == cue["phrase"]
    for inferred in answer["sdgs"] + answer["targets"] + answer["hr_themes"]:
        assert 0 < answer["scores"][inferred]["confidence"] < 1 and answer["cues"][inferred]


def test_stdin_with_a_dash_or_no_argument():
    for args in (("-",), ()):
        done = tag(*args, "--format", "json", stdin=TEXT)
        assert done.returncode == 0, done.stderr
        answer = json.loads(done.stdout)
        assert {"5", "6"} <= set(answer["sdgs"]) and {"5.2", "6.1"} <= set(answer["targets"])
        assert {"gbv", "water-sanitation"} <= set(answer["hr_themes"])
        for cue in answer["evidence"]:
            assert TEXT[cue["start"]:cue["end"]] == cue["phrase"]


def test_threshold_decides_what_is_inferred():
    low = json.loads(tag(str(DOCUMENT), "--format", "json", "--threshold", "0.4").stdout)
    default = json.loads(tag(str(DOCUMENT), "--format", "json").stdout)
    high = json.loads(tag(str(DOCUMENT), "--format", "json", "--threshold", "3").stdout)
    assert set(high["sdgs"]) < set(default["sdgs"]) <= set(low["sdgs"])
    assert all(default["scores"][g]["score"] >= 3 for g in high["sdgs"])
    assert "reaches the threshold (100)" in tag("--threshold", "100", stdin=TEXT).stdout
    assert tag("--threshold", "0", stdin=TEXT).returncode == 2


def test_json_lines_one_answer_per_line_even_for_bad_lines():
    lines = [json.dumps({"id": "a", "text": TEXT}), "{not json", json.dumps({"id": 7, "lang": "en"}), "",
             json.dumps({"id": "d", "text": "Nothing to see here."}), json.dumps(["a list"])]
    done = tag("--jsonl", stdin="\n".join(lines) + "\n")
    assert done.returncode == 1
    out = [json.loads(line) for line in done.stdout.splitlines()]
    assert len(out) == len(lines)  # outputs zip with inputs
    assert [o["id"] for o in out] == ["a", None, 7, None, "d", None]
    assert "5" in out[0]["sdgs"] and "5.2" in out[0]["targets"] and "gbv" in out[0]["hr_themes"] and out[0]["evidence"]
    assert out[4]["sdgs"] == [] and "error" not in out[4]
    errors = {o["line"]: o["error"] for o in out if "error" in o}
    assert set(errors) == {2, 3, 4, 6} and "not valid JSON" in errors[2] and '"text"' in errors[3]
    stderr = done.stderr.splitlines()
    assert stderr[:4] == [f"<stdin>: line {n}: {errors[n]}" for n in (2, 3, 4, 6)]
    assert stderr[-1] == "<stdin>: 4 of 6 lines could not be tagged"


def test_json_lines_from_a_file_and_invalid_utf8(tmp_path):
    good = tmp_path / "texts.jsonl"
    good.write_text("".join(json.dumps({"id": i, "text": TEXT}) + "\n" for i in range(50)), encoding="utf-8")
    done = tag("--jsonl", str(good))
    assert done.returncode == 0 and done.stderr == ""
    assert [json.loads(line)["id"] for line in done.stdout.splitlines()] == list(range(50))
    done = tag("--jsonl", stdin=b'{"id": 1, "text": "caf\xe9"}\n' + json.dumps({"id": 2, "text": TEXT}).encode() + b"\n")
    assert done.returncode == 1 and "line 1: not valid UTF-8" in done.stderr
    assert [json.loads(line).get("error") is None for line in done.stdout.splitlines()] == [False, True]


def test_bad_input_is_one_line_naming_the_file(tmp_path):
    done = tag(str(tmp_path / "missing.txt"))
    assert done.returncode == 1 and done.stderr.strip() == f"{tmp_path / 'missing.txt'}: no such file"
    binary = tmp_path / "image.txt"
    binary.write_bytes(b"GIF89a\x00\x01")
    done = tag(str(binary))
    assert done.returncode == 1 and done.stderr.strip().startswith(f"{binary}: binary data")
    done = tag("--jsonl", str(tmp_path / "missing.jsonl"))
    assert done.returncode == 1 and done.stderr.startswith(f"{tmp_path / 'missing.jsonl'}: ")
    assert tag("--jsonl", "--format", "json", stdin="").returncode == 2
