#!/usr/bin/env python3
"""One truth, measured on a corpus at scale: indexes the first part of
CORPUS with `reprint index add`, checks the rest with one `reprint index
check`, scans the whole corpus with `reprint scan`, and compares the pairs
the check lists with the scan's pairs that have a checked article (the JSON
of each pair: ids, verdict, scores, passages, story evidence).

    benches/index/equivalence.py CORPUS [--indexed 0.85]
        [--reprint target/release/reprint]

Opt-in (the data sets are not in the repository): for example
../shared/data/reuters21578/docs.jsonl, ../shared/data/realdup_dev/docs.jsonl
or the peer harness's corpus. Prints the times of add, check and scan, and
exits 1 when the pairs differ, naming the first that do.
"""
import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
parser.add_argument("corpus")
parser.add_argument("--indexed", type=float, default=0.85)
parser.add_argument("--reprint", default="target/release/reprint")
args = parser.parse_args()
reprint = str(Path(args.reprint).resolve())

# Lines by "\n" only: a text may hold other line separators (U+2028).
lines = [l for l in Path(args.corpus).read_text().split("\n") if l.strip()]
k = int(len(lines) * args.indexed)
with tempfile.TemporaryDirectory() as tmp:
    tmp = Path(tmp)
    (tmp / "indexed.jsonl").write_text("\n".join(lines[:k]) + "\n")
    (tmp / "new.jsonl").write_text("\n".join(lines[k:]) + "\n")
    new_ids = {str(json.loads(l)["id"]) for l in lines[k:]}

    def timed(*command):
        started = time.time()
        subprocess.run([reprint, *command, "-q"], check=True, stdout=subprocess.DEVNULL)
        return time.time() - started

    timed("index", "create", str(tmp / "index"))
    add = timed("index", "add", str(tmp / "index"), str(tmp / "indexed.jsonl"))
    check = timed("index", "check", str(tmp / "index"), str(tmp / "new.jsonl"),
                  "--json", str(tmp / "check.json"))
    scan = timed("scan", args.corpus, "--json", str(tmp / "scan.json"))
    listed = json.loads((tmp / "check.json").read_text())["pairs"]
    scanned = [p for p in json.loads((tmp / "scan.json").read_text())["pairs"]
               if p["a"] in new_ids or p["b"] in new_ids]

print(f"{args.corpus}: {k:,} indexed, {len(lines) - k:,} checked in one check")
print(f"add {add:.1f} s, check {check:.1f} s, scan of all {scan:.1f} s")
print(f"pairs with a checked article: scan {len(scanned):,}, check {len(listed):,}")
if listed == scanned:
    print("the same pairs, verdicts, scores and passages")
    sys.exit(0)
by_pair = {(p["a"], p["b"]): p for p in listed}
for p in scanned:
    if by_pair.get((p["a"], p["b"])) != p:
        print(f"differs first at {p['a']} ~ {p['b']}")
        break
else:
    print("the check lists pairs the scan does not")
sys.exit(1)
