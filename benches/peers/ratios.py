#!/usr/bin/env python3
"""Prints reprint's documents/s and peak memory as ratios to each peer's,
from the harness evaluator's metrics.json (one run, side by side)."""
import json
import sys


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


if __name__ == "__main__":
    main()
