#!/bin/sh
# Installs the Debian packages journeymap needs to build, test, fuzz and benchmark.
#
# It runs before every `make` target, so it must be fast when nothing is missing: it asks dpkg
# which packages are absent and calls apt-get only for those. As root (a fresh Debian 12 machine,
# CI) it installs them; as anyone else it prints the exact apt-get line and fails.
#
# SPDX-License-Identifier: MIT
set -eu

# One package a line, grouped by what needs it. Keep this list and docs/dependencies.md in step.
PACKAGES="
build-essential cmake ninja-build pkg-config git
libsqlite3-dev sqlite3 python3
libyaml-dev libjansson-dev
libcmocka-dev
clang libclang-rt-14-dev
libsodium-dev libmicrohttpd-dev curl
librsvg2-dev libcairo2-dev fonts-noto-core
poppler-utils chromium
"

missing=""
for p in $PACKAGES; do
    status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
    case "$status" in
    *"install ok installed"*) ;;
    *) missing="$missing $p" ;;
    esac
done

[ -z "$missing" ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
    echo "journeymap needs these Debian packages; run as root:" >&2
    echo "  apt-get update && apt-get install -y --no-install-recommends$missing" >&2
    exit 1
fi

echo "installing:$missing" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends $missing >/dev/null
