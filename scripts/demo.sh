#!/bin/sh
# make demo: generate the demo company into a fresh workspace and show what it holds.
#   scripts/demo.sh BINARY FOLDER EVENTS
# SPDX-License-Identifier: MIT
set -eu
bin=$1 dir=$2 events=$3
mkdir -p "$dir"
db="$dir/journeymap.db"
rm -f "$db" "$db-wal" "$db-shm"
"$bin" demo-data --db "$db" --events "$events"
echo
"$bin" stats --db "$db"
echo
"$bin" check --db "$db"
cat <<MSG

The demo company is in $db. Try:
  $bin stats --db $db
  $bin export events --db $db --format jsonl | head
  $bin import --help
MSG
