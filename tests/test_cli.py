"""The command line as a user drives it: every command, its formats and its exit codes."""
from __future__ import annotations

import json
import subprocess

import pytest
from rdflib import Dataset, Graph

from coopkg.store import GraphStore

from conftest import SEEDS, coopkg_command, need_shared


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([*coopkg_command(), *args], capture_output=True, text=True)


@pytest.fixture(scope="module")
def store_dir(tmp_path_factory):
    path = tmp_path_factory.mktemp("cli") / "store"
    assert run("build", str(need_shared(SEEDS)), "--store", str(path), "--quiet").returncode == 0
    return path


@pytest.mark.parametrize("command", ["build", "query", "queries", "validate", "export", "stats", "tag"])
def test_every_command_has_help_with_an_example(command):
    result = run(command, "--help")
    assert result.returncode == 0 and "Example" in result.stdout


def test_query_formats(store_dir):
    raw = subprocess.run([*coopkg_command(), "query", "programmes", "--store", str(store_dir), "--format", "csv"],
                         capture_output=True).stdout
    assert raw.startswith(b"programme,title,start_date") and raw.count(b"\r\n") == 3  # RFC 4180 line ends
    data = json.loads(run("query", "programmes", "--store", str(store_dir), "--format", "json").stdout)
    assert len(data["results"]["bindings"]) == 2 and "title" in data["head"]["vars"]
    tsv = run("query", "programmes", "--store", str(store_dir), "--format", "tsv").stdout
    assert tsv.startswith("?programme\t?title") and "<https://w3id.org/coopkg/id/programme/lcs-ii>" in tsv
    table = run("query", "programmes", "--store", str(store_dir)).stdout
    assert "Social Cohesion II Laboratory" in table


def test_queries_lists_names_and_parameters():
    listing = json.loads(run("queries", "--format", "json").stdout)
    assert any(q["name"] == "programmes" and q["summary"] for q in listing)


def test_usage_errors_exit_2(store_dir, tmp_path):
    assert run("query", "programmes", "--store", str(tmp_path / "none")).returncode == 2
    assert run("query", "programmes", "--store", str(store_dir), "--param", "novalue").returncode == 2
    assert run("export", "--format", "rdfxml", "--store", str(store_dir)).returncode == 2


@pytest.mark.parametrize("fmt, parse_as, quads", [("turtle", "turtle", False), ("nt", "nt", False),
                                                   ("trig", "trig", True), ("nq", "nquads", True),
                                                   ("json-ld", "json-ld", True)])
def test_export_writes_parseable_files(store_dir, tmp_path, fmt, parse_as, quads):
    out = tmp_path / f"graph.{fmt}"
    assert run("export", "--format", fmt, "--output", str(out), "--store", str(store_dir)).returncode == 0
    graph = Dataset() if quads else Graph()
    graph.parse(out, format=parse_as)
    assert len(graph) > 300


def test_validate_reports_a_broken_graph_and_exits_1(tmp_path):
    path = tmp_path / "store"
    run("build", str(need_shared(SEEDS)), "--store", str(path), "--quiet")
    store = GraphStore(path)
    graph = store.documents()["004_a8232bc22d1522f4.txt"].graph
    store.store.update(f"""INSERT DATA {{ GRAPH <{graph}> {{
        <https://w3id.org/coopkg/id/programme/eu-policy-outreach-partnership-technical-assistance-programme-in-mexico-central>
        <https://w3id.org/coopkg/def#startDate> "someday" }} }}""")
    del store
    result = run("validate", "--store", str(path))
    assert result.returncode == 1
    assert "004_a8232bc22d1522f4.txt:" in result.stderr and "start date" in result.stderr
    report = run("validate", "--store", str(path), "--format", "turtle")
    assert report.returncode == 1 and "sh:ValidationReport" in report.stdout
    assert len(Graph().parse(data=report.stdout, format="turtle")) > 5


def test_stats(store_dir):
    result = run("stats", "--store", str(store_dir))
    assert result.returncode == 0 and "documents: 2" in result.stdout and "ck:Programme" in result.stdout
