#!/usr/bin/env python3
"""The Python package's overhead, measured: `reprint.scan` over a list of
dicts (the corpus read with `json.loads` beforehand, not timed) against
`reprint scan CORPUS --json FILE` of the same build, alternated, RUNS each.
Both write the JSON report (`to_json()` in Python); the report of the two is
checked equal (but its `run` object) on the first run.

    target/python-env/bin/python benches/python/overhead.py CORPUS [--runs 3]
        [--reprint target/release/reprint]

Build both optimised first: `cargo build --release` and
`python/build.sh --release`. Issue 25's target: at 100,000 harness
documents (`benches/peers/compare.sh` leaves them in target/peer-bench/data)
the package takes at most 1.3x the CLI's time.
"""
import argparse
import json
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

import reprint

parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
parser.add_argument("corpus")
parser.add_argument("--runs", type=int, default=3)
parser.add_argument("--reprint", default="target/release/reprint")
args = parser.parse_args()

with open(args.corpus, encoding="utf-8") as lines:
    docs = [json.loads(line) for line in lines if line.strip()]
print(f"{len(docs):,} documents from {args.corpus}")


def without_run(text):
    report = json.loads(text)
    report.pop("run")
    return report


times = {"cli": [], "python": [], "python scan only": []}
with tempfile.TemporaryDirectory() as tmp:
    out = Path(tmp) / "report.json"
    for run in range(args.runs):
        started = time.perf_counter()
        subprocess.run([args.reprint, "scan", args.corpus, "--json", out, "-q"], check=True)
        times["cli"].append(time.perf_counter() - started)

        started = time.perf_counter()
        report = reprint.scan(docs)
        scanned = time.perf_counter() - started
        text = report.to_json()
        times["python"].append(time.perf_counter() - started)
        times["python scan only"].append(scanned)
        if run == 0:
            assert without_run(text) == without_run(out.read_text()), "the reports differ"
        print(f"run {run + 1}: cli {times['cli'][-1]:.2f} s, python {times['python'][-1]:.2f} s")

cli = statistics.median(times["cli"])
for name, values in times.items():
    median = statistics.median(values)
    print(f"{name:>17}: median {median:.2f} s over {len(values)} runs, {median / cli:.2f}x the CLI")
