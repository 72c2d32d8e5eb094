#!/usr/bin/env bash
# Runs one fuzz target: ./run.sh TARGET [EXECUTIONS] (default 10,000,000)
#   TARGET: jsonl (the JSON Lines reader), normalize (the normalizer and its
#   offset map) or align (the aligner, through compare).
# Sets AFL up first (setup.sh). Findings go to out/TARGET/ (not committed);
# afl's summary, with the executions done, is printed at the end. A crash's
# input goes into regressions/TARGET/, where the integration test
# fuzz_regressions checks it on every `cargo test`.
set -euo pipefail
cd "$(dirname "$0")"
target=${1:?usage: ./run.sh jsonl|normalize|align [EXECUTIONS]}
executions=${2:-10000000}
./setup.sh
cargo afl build --release --bin "$target"
mkdir -p out
AFL_NO_UI=1 AFL_SKIP_CPUFREQ=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1 \
    cargo afl fuzz -E "$executions" -i "inputs/$target" -o "out/$target" \
    "target/release/$target" >"out/$target.log" 2>&1 || true
stats="out/$target/default/fuzzer_stats"
grep -E '^(execs_done|execs_per_sec|run_time|saved_crashes|saved_hangs|corpus_count|bitmap_cvg)' "$stats"
crashes=$(find "out/$target/default/crashes" -type f -name 'id:*' | wc -l)
if [ "$crashes" -gt 0 ]; then
    cp "out/$target/default/crashes/"id:* "regressions/$target/"
    echo "$crashes crashes copied to regressions/$target/: make each pass, then commit it"
    exit 1
fi
