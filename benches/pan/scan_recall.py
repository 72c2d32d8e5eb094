#!/usr/bin/env python3
"""PAN 2013 summary pairs found end to end by `reprint scan`.

`reprint eval pan` grades the pairs PAN lists; this checks what a plain scan
of every document finds on its own: which category 05 (summary obfuscation)
pairs the report lists as rewrite or stronger.

    reprint scan ../shared/data/pan13_ta_train/docs.jsonl --json pan.json
    benches/pan/scan_recall.py pan.json [../shared/data/pan13_ta_train]
"""
import csv
import json
import sys
from pathlib import Path

report = json.loads(Path(sys.argv[1]).read_text())
data = Path(sys.argv[2] if len(sys.argv) > 2 else "../shared/data/pan13_ta_train")
listed = {frozenset((p["a"], p["b"])) for p in report["pairs"] if p["verdict"] != "unrelated"}
found = {True: 0, False: 0}
total = {True: 0, False: 0}
with open(data / "pairs.csv", newline="") as f:
    for row in csv.DictReader(f):
        if row["category"] != "05-summary-obfuscation":
            continue
        positive = int(row["n_cases"]) > 0
        total[positive] += 1
        found[positive] += frozenset((row["susp_id"], row["src_id"])) in listed
for positive, name in ((True, "positives"), (False, "negatives")):
    share = 100 * found[positive] / max(total[positive], 1)
    print(f"{name}: {found[positive]} of {total[positive]} listed ({share:.1f}%)")
counts = report["counts"]
print(f"story candidates {counts['story_candidates']}, rewrites {counts['rewrite_pairs']}, "
      f"scan {report['run']['seconds']['total']:.1f} s")
