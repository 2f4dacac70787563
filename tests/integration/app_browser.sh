# The web app in a real browser, against a real `journeymap serve` on loopback: a small demo
# workspace, an editor key and a viewer key, the server on a free port, then
# tests/browser/check_app.py drives the app in headless Chromium (sign in with the key form;
# the map frame with every stage; Vietnamese and the sales view, kept in the URL; a stalled
# account's timeline; a pain point edited and saved, seen in the map, the history and the
# diff; the time until the map page is ready; a viewer offered no editing) and fails on any
# console error, CSP violation, exception, dialog or request to another origin. Screenshots are
# kept in $JM_BUILD_DIR/artifacts/.
. "$JM_SOURCE_DIR/tests/lib.sh"

CHECK="$JM_SOURCE_DIR/tests/browser/check_app.py"
ART="$JM_BUILD_DIR/artifacts"
mkdir -p "$ART"

jm init
expect_eq "init exit ($(cat "$T/err"))" 0 "$rc"
jm demo-data --events 20000 --seed 7 -q
expect_eq "demo-data exit ($(cat "$T/err"))" 0 "$rc"

# key ROLE: creates a key and prints it (the only jmk_ word of the output).
key() {
    "$JM_BIN" keys create --role "$1" --name "browser-$1" >"$T/key" 2>"$T/err" ||
        fail "keys create --role $1 exited $?: $(cat "$T/err")"
    k=$(grep -o 'jmk_[A-Za-z0-9]*' "$T/key" | head -1)
    [ -n "$k" ] || fail "keys create --role $1 printed no key: $(cat "$T/key")"
    echo "$k"
}
EDITOR=$(key editor) || exit 1
VIEWER=$(key viewer) || exit 1

"$JM_BIN" serve --listen 127.0.0.1:0 --port-file "$T/port" --quiet --access-log "$T/access.log" \
    >"$T/serve.out" 2>"$T/serve.err" &
SERVER=$!
trap 'kill "$SERVER" 2>/dev/null; wait "$SERVER" 2>/dev/null; rm -rf "$T"' EXIT
i=0
while [ ! -s "$T/port" ]; do
    i=$((i + 1))
    [ $i -le 300 ] || fail "serve wrote no port file in 30 s: $(cat "$T/serve.err")"
    kill -0 "$SERVER" 2>/dev/null || fail "serve exited: $(cat "$T/serve.err")"
    sleep 0.1
done
BASE="http://127.0.0.1:$(cat "$T/port")"

stages=$("$JM_BIN" map --template b2b-5 --format json | python3 -c '
import json, sys
print(",".join(s["key"] for s in json.load(sys.stdin)["stages"]))') ||
    fail "map --format json failed"

timeout 400 python3 "$CHECK" "$BASE" --key "$EDITOR" --viewer-key "$VIEWER" \
    --expect-stages "$stages" --artifacts "$ART" --ready-bound "${JM_APP_READY_BOUND_MS:-3000}" \
    >"$T/check" 2>&1 || fail "check_app.py against $BASE:
$(cat "$T/check")
--- serve stderr:
$(tail -20 "$T/serve.err")"
cat "$T/check"

kill -TERM "$SERVER"
wait "$SERVER" || fail "serve exited $? after SIGTERM: $(tail -5 "$T/serve.err")"
trap 'rm -rf "$T"' EXIT
pass
