#!/usr/bin/env bash
# Installs what the browser test needs, if it is missing: Debian's chromium
# (/usr/bin/chromium) and playwright-core (pinned in package-lock.json) to
# drive it. Safe to run again; it only installs what is not there.
set -euo pipefail
cd "$(dirname "$0")"

if [ ! -x /usr/bin/chromium ]; then
    echo "browser test: installing Debian's chromium" >&2
    sudo=""
    if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
    export DEBIAN_FRONTEND=noninteractive
    $sudo apt-get update -qq
    $sudo apt-get install -y -qq --no-install-recommends chromium fonts-dejavu-core >/dev/null
fi

if [ ! -d node_modules/playwright-core ]; then
    echo "browser test: installing playwright-core with npm" >&2
    npm ci --no-audit --no-fund --loglevel=error
fi
