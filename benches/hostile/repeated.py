#!/usr/bin/env python3
"""Repeated text at scale: `reprint scan` of (1) N identical documents and
(2) M documents that each end in one shared boilerplate paragraph (an agency
footer full of names and numbers), both made of the peer harness's
documents, so of harness length. For each: wall time, peak memory (the
process's maximum resident set, by GNU time), the report's size, pairs
listed, copies, pairs not listed and crowded LSH buckets.

    benches/hostile/repeated.py HARNESS_CORPUS [--identical 100000]
        [--shared 50000] [--reprint target/release/reprint]

HARNESS_CORPUS is the peer harness's corpus (`python3
../shared/bench/gen_corpus.py --n 100000 --seed 1 --out c.jsonl --truth
c.tsv`); its first document is the one repeated, and its first M documents
get the footer. Issue 22's target: each under a minute and 1 GB.
"""
import argparse
import json
import subprocess
import tempfile
import time
from pathlib import Path

FOOTER = (
    "Reporting by John Smith in Washington and Maria Garcia in Mexico City; "
    "additional reporting by Ahmed Khalil in Cairo; Editing by Peter Cooney and "
    "Jonathan Oatis. (c) Copyright Thomson Reuters 2024. Click For Restrictions - "
    "http://about.reuters.com/fulllegal.asp. Our Standards: The Thomson Reuters "
    "Trust Principles. For more news on the Federal Reserve, the European Central "
    "Bank and the Bank of Japan, visit the Reuters Markets page."
)

parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
parser.add_argument("corpus")
parser.add_argument("--identical", type=int, default=100_000)
parser.add_argument("--shared", type=int, default=50_000)
parser.add_argument("--reprint", default="target/release/reprint")
args = parser.parse_args()


def texts(n):
    with open(args.corpus) as f:
        for _, line in zip(range(n), f):
            yield json.loads(line)["text"]


def scan(corpus, report):
    # Peak memory by GNU time: a child forked from this process would count
    # this process's own peak (Linux keeps it across exec), and reading a
    # report of hundreds of MB makes that large.
    start = time.perf_counter()
    done = subprocess.run(
        ["/usr/bin/time", "-f", "%M", args.reprint, "scan", corpus, "-q", "--json", report],
        stderr=subprocess.PIPE,
        text=True,
    )
    seconds = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"reprint failed on {corpus}: {done.stderr}")
    return seconds, int(done.stderr.strip().splitlines()[-1]) / 1024


with tempfile.TemporaryDirectory() as tmp:
    corpora = {}
    path = Path(tmp) / "identical.jsonl"
    first = next(texts(1))
    with open(path, "w") as out:
        for i in range(args.identical):
            out.write(json.dumps({"id": i, "text": first}) + "\n")
    corpora[f"{args.identical:,} identical documents"] = path
    path = Path(tmp) / "shared.jsonl"
    with open(path, "w") as out:
        for i, text in enumerate(texts(args.shared)):
            out.write(json.dumps({"id": i, "text": f"{text}\n\n{FOOTER}"}) + "\n")
    corpora[f"{args.shared:,} documents sharing a footer"] = path

    print("| corpus | seconds | peak MB | report MB | pairs listed | copies | pairs not listed | crowded buckets | rewrites |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    for name, corpus in corpora.items():
        report = Path(tmp) / "report.json"
        seconds, peak = scan(str(corpus), str(report))
        size = report.stat().st_size / 2**20
        r = json.loads(report.read_text())
        c, s = r["counts"], r["suppressed"]
        print(
            f"| {name} | {seconds:.1f} | {peak:,.0f} | {size:,.0f} | {len(r['pairs']):,} | "
            f"{c['copies']:,} | {c['pairs_not_listed']:,} | {s['crowded_lsh_buckets']} | {c['rewrite_pairs']} |"
        )
