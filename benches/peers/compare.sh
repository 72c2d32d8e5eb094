#!/usr/bin/env bash
# reprint against the MinHash/LSH peers of ../shared/bench, one run, one table.
#
#   benches/peers/compare.sh [N]      N documents (default 100000)
#
# Copies the harness into target/peer-bench (the harness folder is read-only),
# adds reprint's two runners, builds reprint, and runs the harness's run_all.sh
# with LIMIT=1: it makes the seeded corpus if missing, installs the peers into a
# local venv on first use, runs every tool on the same corpus, scores all of
# them with the harness evaluator against exact Jaccard, runs the harness's
# `limit` pipeline (the physical limit of tokenize + shingle + MinHash + band
# keys on this machine) and prints its table. A last table gives each reprint
# row's speed and memory as ratios to each peer's and as a share of `limit`.
#
# reprint runs twice: `reprint` is `reprint scan` with its defaults (overlap and
# story stages on: what users run), `reprint_nearonly` is
# `reprint scan --no-overlap --no-story` (the peers' job, plus exact
# verification and passages).
#
# Environment (passed on to run_all.sh): TOOLS (default: both reprint runs and
# every peer), THREADS (default: nproc), REPEAT, EXTRA, SEED, LIMIT (default 1);
# BENCH (the harness, default ../shared/bench beside the project); WORK (default
# target/peer-bench).
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
bench=${BENCH:-$root/../shared/bench}
work=${WORK:-$root/target/peer-bench}
n=${1:-100000}

[ -f "$bench/run_all.sh" ] || { echo "no peer harness at $bench (set BENCH)" >&2; exit 2; }
cargo build --release --quiet --manifest-path "$root/Cargo.toml"
mkdir -p "$work"
cp -r --no-preserve=mode "$bench/." "$work/"
chmod +x "$work"/*.sh "$work"/*.py
cp "$root/benches/peers/run_reprint.py" "$work/run_reprint.py"
cp "$root/benches/peers/run_reprint.py" "$work/run_reprint_nearonly.py"
export REPRINT="$root/target/release/reprint"
LIMIT=${LIMIT:-1} TOOLS=${TOOLS:-"reprint reprint_nearonly gaoya rensa datasketch textdedup"} \
    "$work/run_all.sh" "$n"
python3 "$root/benches/peers/ratios.py" "$work/out/$n/metrics.json" "$work/out/$n/limit.jsonl"
