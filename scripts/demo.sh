#!/bin/sh
# make demo: generate the demo company into a fresh workspace, show what it holds and its journey,
# and write its journey map.
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
echo
map=$(cd "$dir" && pwd)/map.html
"$bin" map --db "$db" --template b2b-5 --title "Demo company" -o "$map"
"$bin" map --db "$db" --template b2b-5 --title "Công ty demo" --lang vi -o "${map%.html}.vi.html"
"$bin" map --db "$db" --template b2b-5 --title "Demo company" -o "${map%.html}.pdf"
cat <<MSG

The demo company's journey map: open file://$map in a browser
(Vietnamese: file://${map%.html}.vi.html; to print: ${map%.html}.pdf).

The demo company is in $db. Try:
  $bin analyze --db $db --template b2b-5 --lang vi --by industry
  $bin map --db $db --template b2b-5 --view sales -o sales.png
  $bin analyze --db $db --template lifecycle-7 --format csv --table funnel
  $bin template list
  $bin template init buyer-8 --lang en -o my-journey.yaml
  $bin export events --db $db --format jsonl | head
MSG
