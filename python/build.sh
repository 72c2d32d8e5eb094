#!/usr/bin/env bash
# Builds the Python package and installs it into the project's own virtual
# environment, target/python-env (made here on first use, with maturin and
# pytest from PyPI, pinned in python/requirements.txt). Prints the
# environment's python. Needs python3 (3.11 or later) with venv, and cargo.
#
#   python/build.sh            # a debug build (fast to build; tests)
#   python/build.sh --release  # an optimised build (benchmarks, real use)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
env="$root/target/python-env"
python="${REPRINT_PYTHON:-python3}"
if [ ! -x "$env/bin/python" ]; then
    "$python" -m venv "$env" >&2
fi
# pip says nothing when every pinned version is there already.
"$env/bin/pip" install --quiet --disable-pip-version-check -r "$root/python/requirements.txt" >&2
# The interpreter pyo3 builds for; cargo rebuilds when it changes.
export PYO3_PYTHON="$env/bin/python"
wheels="$root/target/python-wheels"
rm -rf "$wheels"
"$env/bin/maturin" build --quiet -m "$root/python/Cargo.toml" -i "$env/bin/python" -o "$wheels" "$@" >&2
"$env/bin/pip" install --quiet --disable-pip-version-check --force-reinstall --no-deps "$wheels"/reprint-*.whl >&2
echo "$env/bin/python"
