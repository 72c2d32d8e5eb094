"""The package and the CLI give the same report for the same articles and settings."""

import json

import reprint
from conftest import without_run

SECTIONS = ["parameters", "pairs", "clusters", "story_clusters", "near_misses", "suppressed"]


def test_seeds_report_is_the_cli_report(cli, seeds_dir, seed_articles):
    by_cli = json.loads(cli("scan", seeds_dir, "--json", "-", "-q").stdout)
    by_package = json.loads(reprint.scan(seed_articles).to_json())
    for section in SECTIONS:
        assert by_package[section] == by_cli[section], section
    # The folder's README is skipped by the CLI; the package was given the articles only.
    assert by_cli["counts"]["documents_skipped"] == 1
    counts = {k: v for k, v in by_cli["counts"].items() if k not in ("documents_read", "documents_skipped")}
    assert {k: by_package["counts"][k] for k in counts} == counts
    # seeds/ are five write-ups of one event: ten rewrites, one story cluster.
    assert [p["verdict"] for p in by_package["pairs"]] == ["rewrite"] * 10
    assert len(by_package["story_clusters"]) == 1


def test_generated_corpus_report_is_the_cli_report(cli, corpus_path, corpus_records):
    by_cli = without_run(cli("scan", corpus_path, "--json", "-", "-q").stdout)
    report = reprint.scan(corpus_records)
    assert without_run(report.to_json()) == by_cli
    # Planted copies and passages were found: every verdict but rewrites.
    verdicts = {p["verdict"] for p in by_cli["pairs"]}
    assert {"duplicate", "near_duplicate", "partial_reuse"} <= verdicts, verdicts
    # The sections read as Python objects are the JSON report's.
    assert report.pairs == by_cli["pairs"]
    assert report.clusters == by_cli["clusters"]
    assert report.counts == by_cli["counts"]


def test_settings_by_name_are_the_cli_options(cli, corpus_path, corpus_records):
    options = ["--threshold", "0.7", "--shingle-size", "4", "--no-story", "--max-df", "20", "--keep", "longest"]
    by_cli = without_run(cli("scan", corpus_path, *options, "--json", "-", "-q").stdout)
    report = reprint.scan(corpus_records, threshold=0.7, shingle_size=4, no_story=True, max_df=20, keep="longest")
    by_package = without_run(report.to_json())
    assert by_package == by_cli
    default = without_run(reprint.scan(corpus_records).to_json())
    assert default["parameters"] != by_package["parameters"], "the settings changed something"


def test_every_scan_option_of_the_cli_is_a_setting(cli):
    help_text = cli("scan", "--help").stdout
    options = {word.strip(",").split("=")[0] for word in help_text.split() if word.startswith("--")}
    # Where the report goes and how the terminal looks are the CLI's own.
    cli_only = {"--json", "--csv", "--jsonl", "--html", "--max-pairs", "--quiet", "--help", "--version"}
    names = {option[2:].replace("-", "_") for option in options - cli_only}
    assert names, help_text
    assert names - set(reprint.SCAN_SETTINGS) == set()
    assert set(reprint.SCAN_SETTINGS) - names == set()


def test_report_formats_are_the_cli_formats(cli, tmp_path, seeds_dir, seed_articles):
    lines = tmp_path / "seeds.jsonl"
    lines.write_text("".join(json.dumps({"id": i, "text": t}) + "\n" for i, t in seed_articles), encoding="utf-8")
    report = reprint.scan([{"id": i, "text": t} for i, t in seed_articles])
    assert report.to_csv() == cli("scan", lines, "--csv", "-", "-q").stdout
    assert report.to_jsonl() == cli("scan", lines, "--jsonl", "-", "-q").stdout
    html = report.to_html()
    assert html.startswith("<!DOCTYPE html>") and len(html) > 10_000
