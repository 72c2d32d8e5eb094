"""Fixtures of the Python package's tests.

The Rust integration test `python` (tests/integration/python.rs) runs this
suite after python/build.sh, with the CLI binary of the same build in
REPRINT_BIN, seeds/ in REPRINT_SEEDS and a generated JSON Lines corpus with
planted copies and reuse in REPRINT_TEST_CORPUS.
"""

import json
import os
import pathlib
import subprocess

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def cli():
    """Runs the CLI; returns its completed process (stdout and stderr as text)."""
    binary = os.environ.get("REPRINT_BIN") or str(ROOT / "target" / "debug" / "reprint")

    def run(*args, check=True):
        done = subprocess.run([binary, *map(str, args)], capture_output=True, text=True)
        if check and done.returncode != 0:
            raise AssertionError(f"reprint {' '.join(map(str, args))} failed:\n{done.stderr}")
        return done

    return run


@pytest.fixture(scope="session")
def seeds_dir():
    return pathlib.Path(os.environ.get("REPRINT_SEEDS") or ROOT / "seeds")


@pytest.fixture(scope="session")
def seed_articles(seeds_dir):
    """The seed articles as (id, text) tuples, ids as a scan of the folder gives them."""
    paths = sorted(p for p in seeds_dir.iterdir() if p.suffix in (".txt", ".md") and not p.name.lower().startswith("readme."))
    return [(p.name, p.read_text(encoding="utf-8")) for p in paths]


@pytest.fixture(scope="session")
def corpus_path():
    path = os.environ.get("REPRINT_TEST_CORPUS")
    if not path:
        pytest.skip("REPRINT_TEST_CORPUS is not set (the Rust test `python` sets it)")
    return pathlib.Path(path)


@pytest.fixture(scope="session")
def corpus_records(corpus_path):
    with open(corpus_path, encoding="utf-8") as lines:
        return [json.loads(line) for line in lines if line.strip()]


def without_run(report_json):
    """A JSON report as a dict without its `run` object (threads, timings)."""
    report = json.loads(report_json)
    report.pop("run")
    return report
