#!/usr/bin/env bash
# Installs what the fuzz targets need, once: cargo-afl from crates.io, and
# AFL++ built by it (a C compiler and make are needed; both are on the
# project's machines).
set -euo pipefail
if ! cargo afl --version >/dev/null 2>&1; then
    cargo install cargo-afl --locked
fi
# AFL++ itself, built by cargo-afl for this toolchain (once: it says so after).
if ! built=$(cargo afl config --build 2>&1); then
    grep -q "already built" <<<"$built" || { echo "$built" >&2; exit 1; }
fi
