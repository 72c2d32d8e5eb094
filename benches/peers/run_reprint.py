#!/usr/bin/env python3
"""reprint runner for the peer harness (../shared/bench): the same settings as
the peers (lowercase, words = runs of \\w, word 5-grams, 128 permutations,
threshold 0.5), run as one `reprint scan` process on the corpus file.

The time is the wall time of the whole process: read, normalize, shingle,
sketch, LSH, exact verification, clusters, passages of verified pairs, and the
JSON report written. Its peak memory is the process's own (RUSAGE_CHILDREN).
reprint verifies every candidate by exact Jaccard, so the pairs it reports
are exactly those at or above the threshold; they are written with their
exact Jaccard as the estimate. The overlap stage (partial reuse, which no peer
does) is off unless REPRINT_OVERLAP=1, so the job is the peers' job.
"""
import json
import os
import resource
import subprocess
import sys
import tempfile
import time

from common import NGRAM, NUM_PERM, THRESHOLD, parse_args, parse_br, report, write_pairs


def main():
    a = parse_args("reprint")
    binary = os.environ.get("REPRINT", "reprint")
    overlap = os.environ.get("REPRINT_OVERLAP") == "1"
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "report.json")
        cmd = [binary, "scan", a.corpus, "--quiet", "--json", out,
               "--threads", str(a.threads), "--shingle-size", str(NGRAM),
               "--num-perm", str(NUM_PERM), "--threshold", str(THRESHOLD)]
        br = parse_br(a.params)
        if br is not None:
            cmd += ["--bands", str(br[0]), "--rows", str(br[1])]
        if not overlap:
            cmd.append("--no-overlap")
        start = time.perf_counter()
        done = subprocess.run(cmd, stderr=subprocess.PIPE, text=True)
        wall = time.perf_counter() - start
        if done.returncode != 0:
            sys.exit(f"reprint failed ({done.returncode}): {done.stderr}")
        with open(out) as f:
            rep = json.load(f)
    peak = round(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024.0, 1)
    seconds = rep["run"]["seconds"]
    pairs = []
    for p in rep["pairs"]:
        i, j = int(p["a"]), int(p["b"])
        if p["jaccard"] >= THRESHOLD:
            pairs.append((min(i, j), max(i, j), p["jaccard"]))
    lsh = rep["parameters"]["lsh"]
    npairs = write_pairs(a.pairs, pairs)
    load, sketch = seconds["read"], seconds["sketch"]
    report("reprint" + ("+overlap" if overlap else ""), rep["counts"]["documents_scanned"],
           load, sketch, wall - load - sketch, npairs,
           peak_rss_mb=peak, rss_self_mb=peak, rss_children_mb=0,
           bands=lsh["bands"], rows=lsh["rows"],
           params_source="library" if lsh["chosen"] == "auto" else "explicit",
           threads=rep["run"]["threads"], verified_pairs=npairs,
           candidate_pairs=rep["counts"]["candidate_pairs"],
           note="one process; seconds_total = its wall time (JSON written); "
                "seconds_lsh = everything after sketching; pairs = exactly verified")


if __name__ == "__main__":
    main()
