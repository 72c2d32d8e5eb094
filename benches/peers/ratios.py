#!/usr/bin/env python3
"""Prints each reprint run's documents/s and peak memory as ratios to each
peer's, from the harness evaluator's metrics.json (one run, side by side), and
as a share of the harness's `limit` pipeline (its limit.jsonl, when given and
present: tokenize + shingle + MinHash + band keys at the run's thread count).

    ratios.py METRICS_JSON [LIMIT_JSONL]
"""
import json
import os
import sys


def limit_docs_per_s(path, threads):
    """The `limit` pipeline's documents/s at `threads` threads, or None."""
    if not path or not os.path.exists(path):
        return None
    rows = [json.loads(line) for line in open(path) if line.strip()]
    for row in rows:
        if row.get("stage") == "pipeline_u32" and row.get("threads") == threads:
            return row["docs_per_s"]
    return None


def main():
    metrics = json.load(open(sys.argv[1]))["metrics"]
    ours = [m for m in metrics if m["tool"].startswith("reprint")]
    peers = [m for m in metrics if not m["tool"].startswith("reprint")]
    if not ours:
        sys.exit("no reprint run in " + sys.argv[1])
    print()
    print("| reprint run | peer | docs/s (reprint / peer) | speed ratio | peak RSS MB (reprint / peer) "
          "| memory ratio | recall est>=0.5 (reprint / peer) |")
    print("|---|---|---:|---:|---:|---:|---:|")
    for r in ours:
        for p in peers:
            print(f"| {r['tool']} | {p['tool']} {p['bands']}x{p['rows']} "
                  f"| {r['docs_per_s']:,.0f} / {p['docs_per_s']:,.0f} "
                  f"| {r['docs_per_s'] / p['docs_per_s']:.1f}x "
                  f"| {r['peak_rss_mb']:.0f} / {p['peak_rss_mb']:.0f} "
                  f"| {r['peak_rss_mb'] / p['peak_rss_mb']:.2f} "
                  f"| {r['recall_verified']:.3f} / {p['recall_verified']:.3f} |")
    # The runners ran with THREADS threads (run_all.sh's default: every core).
    threads = int(os.environ.get("THREADS") or os.cpu_count())
    limit = limit_docs_per_s(sys.argv[2] if len(sys.argv) > 2 else None, threads)
    if limit:
        print()
        for r in ours:
            print(f"{r['tool']}: {r['docs_per_s']:,.0f} docs/s = {r['docs_per_s'] / limit:.0%} "
                  f"of the limit pipeline's {limit:,.0f} docs/s ({threads} threads)")


if __name__ == "__main__":
    main()
