#!/usr/bin/env python3
"""realdup_dev scored end to end: scan it with reprint, score the report with
the corpus's own scorer (score.py), and list what each verdict got wrong.

    benches/realdup/evaluate.py [--corpus ../shared/data/realdup_dev]
                                [--reprint target/release/reprint]
                                [--report realdup.json] [--sample N] [-- scan options]

Runs `reprint scan CORPUS/docs.jsonl --json REPORT` (unless --report names an
existing report and --reuse is given), writes the listed pairs with their kind
(duplicate -> exact, near_duplicate -> syndicated, partial_reuse -> partial,
rewrite -> rewrite) and their passages, and runs CORPUS/score.py on them.
Then, per verdict, the listed pairs that are not true pairs (hard negatives
marked), and with --sample N a random sample of N of them (seed 1) with the
evidence the report gives, to read by hand.
"""
import argparse
import json
import random
import subprocess
import sys
import tempfile
from pathlib import Path

KIND = {
    "duplicate": "exact",
    "near_duplicate": "syndicated",
    "partial_reuse": "partial",
    "rewrite": "rewrite",
}

parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
parser.add_argument("--corpus", default="../shared/data/realdup_dev")
parser.add_argument("--reprint", default="target/release/reprint")
parser.add_argument("--report", help="the JSON report (default: a temporary file)")
parser.add_argument("--reuse", action="store_true", help="score --report as it is")
parser.add_argument("--sample", type=int, default=0, help="false pairs to show per verdict")
parser.add_argument("scan_options", nargs="*", help="more options for reprint scan")
args = parser.parse_args()
corpus = Path(args.corpus)
work = Path(tempfile.mkdtemp(prefix="realdup-"))
report_path = Path(args.report) if args.report else work / "report.json"
if not (args.reuse and report_path.exists()):
    command = [args.reprint, "scan", str(corpus / "docs.jsonl"), "--json", str(report_path), "-q"]
    subprocess.run(command + args.scan_options, check=True)
report = json.loads(report_path.read_text())

pairs_path, passages_path = work / "pairs.jsonl", work / "passages.jsonl"
with pairs_path.open("w") as pairs, passages_path.open("w") as passages:
    for p in report["pairs"]:
        a, b = p["a"], p["b"]
        kind = KIND[p["verdict"]]
        pairs.write(json.dumps({"a": a, "b": b, "kind": kind}) + "\n")
        for passage in p["passages"]:
            if passage["boilerplate"]:
                continue
            passages.write(json.dumps({
                "a": a, "b": b,
                "a_start": passage["a"]["start_char"], "a_end": passage["a"]["end_char"],
                "b_start": passage["b"]["start_char"], "b_end": passage["b"]["end_char"],
            }) + "\n")
subprocess.run([sys.executable, str(corpus / "score.py"), str(pairs_path),
                "--passages", str(passages_path), "--corpus", str(corpus)], check=True)

truth = {}
for line in (corpus / "truth_pairs.jsonl").open():
    t = json.loads(line)
    truth[frozenset((t["a"], t["b"]))] = t["kind"]
hard = {frozenset((json.loads(l)["a"], json.loads(l)["b"])) for l in (corpus / "hard_negatives.jsonl").open()}
print("\nListed pairs by verdict: right (true pair of any kind) / listed; hard negatives among the wrong")
wrong = {}
for p in report["pairs"]:
    key = frozenset((p["a"], p["b"]))
    if key not in truth:
        wrong.setdefault(p["verdict"], []).append(p)
for verdict in KIND:
    listed = [p for p in report["pairs"] if p["verdict"] == verdict]
    bad = wrong.get(verdict, [])
    right_kind = sum(1 for p in listed
                     if truth.get(frozenset((p["a"], p["b"]))) == KIND[verdict])
    n_hard = sum(1 for p in bad if frozenset((p["a"], p["b"])) in hard)
    print(f"  {verdict:15} {len(listed) - len(bad):6} / {len(listed):6} right"
          f" ({right_kind} of the same kind), {len(bad)} wrong, {n_hard} hard negatives")
if args.sample:
    rng = random.Random(1)
    for verdict, bad in sorted(wrong.items()):
        print(f"\n== {verdict}: {min(args.sample, len(bad))} of {len(bad)} wrong pairs")
        for p in rng.sample(bad, min(args.sample, len(bad))):
            s = p
            story = p.get("story") or {}
            shared = story.get("shared") or {}
            print(f"- {s['a']} ~ {s['b']}: jaccard {s['jaccard']:.3f}, story {story.get('similarity')}")
            for key in ("names", "numbers", "quotes", "terms"):
                if shared.get(key):
                    print(f"    {key}: {shared[key][:8]}")
            for passage in p["passages"][:3]:
                print(f"    passage: {passage['a']['text'][:160]!r}")
