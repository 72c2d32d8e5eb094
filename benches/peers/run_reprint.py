#!/usr/bin/env python3
"""reprint runner for the peer harness (../shared/bench): `reprint scan` on the
corpus file with the harness's settings (lowercase, words = runs of \\w, word
5-grams, 128 permutations, threshold 0.5), as one process.

Two jobs, chosen by the runner's name (compare.sh installs both):
  run_reprint.py          reprint with its defaults: near-duplicates, partial
                          reuse (overlap stage) and rewrites (story stage), with
                          passages: what users run;
  run_reprint_nearonly.py `--no-overlap --no-story`: the peers' job (candidates
                          and verification), plus exact Jaccard and passages.

The time is the wall time of the whole process: read, normalize, shingle,
sketch, candidates, exact verification, clusters, passages, and the JSON report
written. Its peak memory is the process's own (RUSAGE_CHILDREN). reprint
verifies every candidate by exact Jaccard, so the pairs given to the evaluator
are exactly those at or above the threshold, with their exact Jaccard as the
estimate.
"""
import json
import os
import resource
import subprocess
import sys
import tempfile
import time

from common import NGRAM, NUM_PERM, THRESHOLD, parse_args, parse_br, report, write_pairs

JOBS = {
    "reprint": [],
    "reprint_nearonly": ["--no-overlap", "--no-story"],
}


def main():
    job = os.path.basename(sys.argv[0])[len("run_"):-len(".py")]
    a = parse_args(job)
    binary = os.environ.get("REPRINT", "reprint")
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "report.json")
        cmd = [binary, "scan", a.corpus, "--quiet", "--json", out,
               "--threads", str(a.threads), "--shingle-size", str(NGRAM),
               "--num-perm", str(NUM_PERM), "--threshold", str(THRESHOLD)] + JOBS[job]
        br = parse_br(a.params)
        if br is not None:
            cmd += ["--bands", str(br[0]), "--rows", str(br[1])]
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
    report(job, rep["counts"]["documents_scanned"],
           load, sketch, wall - load - sketch, npairs,
           peak_rss_mb=peak, rss_self_mb=peak, rss_children_mb=0,
           bands=lsh["bands"], rows=lsh["rows"],
           params_source="library" if lsh["chosen"] == "auto" else "explicit",
           threads=rep["run"]["threads"], verified_pairs=npairs,
           candidate_pairs=rep["counts"]["candidate_pairs"],
           note="one process; seconds_total = its wall time (JSON written); "
                "seconds_lsh = everything after sketching; pairs = exactly verified"
                + (" " + " ".join(JOBS[job]) if JOBS[job] else ""))


if __name__ == "__main__":
    main()
