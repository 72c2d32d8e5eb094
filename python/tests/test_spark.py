"""The Spark job on a loopback cluster (spark/cluster.sh: a master and two
workers) gives exactly the CLI's report: pairs, clusters, story clusters,
near misses and counts.

Needs Java 17 or later; REPRINT_SKIP_SPARK_TEST=1 skips these tests.
"""

import glob
import json
import os
import pathlib
import shutil
import subprocess
import sys

import pytest

from conftest import ROOT

pytestmark = pytest.mark.skipif(
    bool(os.environ.get("REPRINT_SKIP_SPARK_TEST")), reason="REPRINT_SKIP_SPARK_TEST is set"
)


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    if shutil.which("java") is None:
        pytest.fail("the Spark tests need Java 17 or later on PATH (or set REPRINT_SKIP_SPARK_TEST=1)")
    folder = tmp_path_factory.mktemp("spark-cluster")
    script = ROOT / "spark" / "cluster.sh"
    started = subprocess.run([script, "start", folder], capture_output=True, text=True)
    assert started.returncode == 0, started.stderr
    yield started.stdout.strip()
    subprocess.run([script, "stop", folder], check=True)


def submit(cluster, corpus, out, *options):
    python = sys.executable
    env = os.environ | {"PYSPARK_PYTHON": python, "PYSPARK_DRIVER_PYTHON": python, "SPARK_LOCAL_IP": "127.0.0.1"}
    command = [
        str(pathlib.Path(python).with_name("spark-submit")),
        "--master", cluster,
        "--conf", "spark.ui.enabled=false",
        "--conf", "spark.executor.memory=1g",
        "--conf", "spark.sql.shuffle.partitions=4",
        "--conf", "spark.sql.files.maxPartitionBytes=1m",
        str(ROOT / "spark" / "reprint_spark.py"), str(corpus), str(out), *options,
    ]  # fmt: skip
    return subprocess.run(command, capture_output=True, text=True, env=env)


def lines_of(folder):
    return "".join(open(part, encoding="utf-8").read() for part in sorted(glob.glob(str(folder / "part-*"))))


def check_same_as_cli(cli, cluster, corpus, out, *options):
    done = submit(cluster, corpus, out, *options)
    assert done.returncode == 0, (done.stdout + done.stderr)[-5000:]
    by_cli = json.loads(cli("scan", corpus, "--json", "-", "-q", *options).stdout)
    by_cli_lines = cli("scan", corpus, "--jsonl", "-", "-q", *options).stdout
    assert lines_of(out / "pairs") == by_cli_lines
    clusters = [json.loads(line) for line in lines_of(out / "clusters").splitlines()]
    assert clusters == by_cli["clusters"]
    summary = json.loads((out / "summary.json").read_text())
    assert summary["pairs"] == len(by_cli["pairs"])
    assert summary["documents_scanned"] == by_cli["counts"]["documents_scanned"]
    check_report_of_the_job(cli, corpus, out, by_cli)
    return by_cli, summary


def check_report_of_the_job(cli, corpus, out, by_cli):
    """`reprint report` reads the job's folder as the CLI's report, all of it
    but the run's threads and timings."""
    by_job = json.loads(cli("report", out, corpus, "--json", "-", "-q").stdout)
    assert by_job.keys() == by_cli.keys()
    for key in by_cli.keys() - {"run"}:
        assert by_job[key] == by_cli[key], key
    assert set(by_job["run"]["seconds"]) >= {"sketch", "verify", "total"}
    page = out.parent / "report.html"
    cli("report", out, corpus, "--html", page, "-q")
    assert "reprint-data" in page.read_text(encoding="utf-8")


def test_seeds_on_spark_are_the_cli_report(cli, cluster, tmp_path, seed_articles):
    corpus = tmp_path / "seeds.jsonl"
    corpus.write_text("".join(json.dumps({"id": i, "text": t}) + "\n" for i, t in seed_articles), encoding="utf-8")
    by_cli, _ = check_same_as_cli(cli, cluster, corpus, tmp_path / "out")
    assert [p["verdict"] for p in by_cli["pairs"]] == ["rewrite"] * 10


def test_generated_corpus_on_spark_is_the_cli_report(cli, cluster, tmp_path, corpus_path):
    by_cli, summary = check_same_as_cli(cli, cluster, corpus_path, tmp_path / "out")
    assert summary["documents_scanned"] > 100, "the distributed stages ran, not the whole-corpus scan"
    assert {"duplicate", "near_duplicate", "partial_reuse"} <= summary["verdicts"].keys()
    assert by_cli["clusters"], "the corpus plants copies"
    assert by_cli["story_clusters"] and by_cli["near_misses"], "the job's story clusters and near misses are checked"
    assert set(summary["seconds"]) >= {"read and sketch", "copies and band join", "verify", "components"}
    assert (tmp_path / "out" / "pairs.parquet").is_dir()


def test_copies_and_ignored_phrases_on_spark_are_the_cli_report(cli, cluster, tmp_path, corpus_records):
    # More copies of one text than a report lists pair by pair: the pairs
    # they imply are counted, not listed (`pairs_not_listed`). And a phrase
    # to ignore, found in those copies.
    records = corpus_records[:150] + [{"id": f"again-{i}", "text": corpus_records[0]["text"]} for i in range(20)]
    corpus = tmp_path / "copies.jsonl"
    corpus.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    phrases = tmp_path / "phrases.txt"
    phrases.write_text(" ".join(corpus_records[0]["text"].split()[5:9]) + "\n", encoding="utf-8")
    by_cli, _ = check_same_as_cli(cli, cluster, corpus, tmp_path / "out", "--ignore-phrases", str(phrases))
    assert by_cli["counts"]["pairs_not_listed"] > 0
    assert by_cli["suppressed"]["ignored_phrase_occurrences"] > 0


def test_a_duplicate_id_stops_the_job_as_it_stops_the_cli(cli, cluster, tmp_path):
    corpus = tmp_path / "twice.jsonl"
    text = "The council approved the budget for the new bridge on Monday after a long debate."
    corpus.write_text("".join(json.dumps({"id": i, "text": f"{text} {n}"}) + "\n" for n, i in enumerate("abca")))
    done = submit(cluster, corpus, tmp_path / "out")
    assert done.returncode != 0
    message = f'{corpus}, line 4: duplicate document id "a" (first seen at {corpus}, line 1)'
    # spark-submit passes the driver's standard error on to its standard output.
    assert message in done.stdout + done.stderr
    assert message in cli("scan", corpus, check=False).stderr


def test_parquet_input_gives_the_pairs_of_its_json_lines(cli, cluster, tmp_path, corpus_path):
    from pyspark.sql import SparkSession

    spark = SparkSession.builder.master("local[1]").config("spark.ui.enabled", "false").getOrCreate()
    try:
        parquet = tmp_path / "corpus.parquet"
        spark.read.json(str(corpus_path)).select("id", "text").coalesce(1).write.parquet(str(parquet))
    finally:
        spark.stop()
    done = submit(cluster, parquet, tmp_path / "out")
    assert done.returncode == 0, (done.stdout + done.stderr)[-5000:]
    assert lines_of(tmp_path / "out" / "pairs") == cli("scan", corpus_path, "--jsonl", "-", "-q").stdout
