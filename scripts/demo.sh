#!/bin/sh
# make demo: generate the demo company into a fresh workspace, show what it holds and its journey,
# write its journey map, then serve it: the web app opens from a one-time sign-in link.
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

The demo company is in $db. Try, in another terminal:
  $bin analyze --db $db --template b2b-5 --lang vi --by industry
  $bin map --db $db --template b2b-5 --view sales -o sales.png
  $bin template list
  $bin export events --db $db --format jsonl | head
MSG

# An admin key for the API, unless the workspace has one (the browser needs none: the sign-in
# link below signs it in).
if ! "$bin" keys list --db "$db" --format json | grep -q '"role":"admin"[^}]*"revoked":null'; then
    echo
    "$bin" keys create --db "$db" --role admin --name "make demo"
fi

# The first free port from 8080 up: curl exits 7 only when nothing listens there.
port=8080
while [ $port -lt 8100 ]; do
    rc=0
    curl -s -o /dev/null --max-time 2 "http://127.0.0.1:$port/" || rc=$?
    [ $rc -eq 7 ] && break
    port=$((port + 1))
done
echo
echo "Serving the demo company; Ctrl-C stops it."
exec "$bin" serve --db "$db" --template b2b-5 --listen "127.0.0.1:$port" --signin-link \
    --access-log "$dir/access.log"
