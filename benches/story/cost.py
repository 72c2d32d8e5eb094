#!/usr/bin/env python3
"""The story stage's cost, side by side: `reprint scan` of one corpus with the
stage on and off (`--no-story`), rounds alternating, wall time of the whole
process; medians and their ratio, for the default scan and with
`--no-overlap` (as the peer harness runs reprint).

    benches/story/cost.py CORPUS [--rounds 3] [--reprint target/release/reprint]

CORPUS is any input `reprint scan` reads, e.g. the peer harness's corpus
(`python3 ../shared/bench/gen_corpus.py --n 100000 --seed 1 --out c.jsonl
--truth c.tsv`). Only ratios measured in one run compare: these machines vary
by up to 2x between sittings.
"""
import argparse
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
parser.add_argument("corpus")
parser.add_argument("--rounds", type=int, default=3)
parser.add_argument("--reprint", default="target/release/reprint")
args = parser.parse_args()

CONFIGS = {
    "default": [],
    "--no-overlap": ["--no-overlap"],
}
seconds = {(config, story): [] for config in CONFIGS for story in (True, False)}
with tempfile.TemporaryDirectory() as tmp:
    report = str(Path(tmp) / "report.json")
    for _ in range(args.rounds):
        for config, options in CONFIGS.items():
            for story in (True, False):
                command = [args.reprint, "scan", args.corpus, "-q", "--json", report, *options]
                if not story:
                    command.append("--no-story")
                start = time.perf_counter()
                subprocess.run(command, check=True)
                seconds[(config, story)].append(time.perf_counter() - start)

print(f"{'scan':14} {'story on':>10} {'story off':>10} {'ratio':>7}   ({args.rounds} rounds, medians)")
for config in CONFIGS:
    on = statistics.median(seconds[(config, True)])
    off = statistics.median(seconds[(config, False)])
    print(f"{config:14} {on:9.2f}s {off:9.2f}s {on / off:6.2f}x")
