#!/bin/sh
# make demo: generate the demo company into a fresh workspace, show what it holds and its journey.
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
echo
"$bin" analyze --db "$db" --template b2b-5
cat <<MSG

The demo company is in $db. Try:
  $bin analyze --db $db --template b2b-5 --lang vi --by industry
  $bin analyze --db $db --template lifecycle-7 --format csv --table funnel
  $bin template list
  $bin template init buyer-8 --lang en -o my-journey.yaml
  $bin export events --db $db --format jsonl | head
MSG
