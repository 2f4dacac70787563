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

EDITOR=$(make_key editor browser-editor) || exit 1
VIEWER=$(make_key viewer browser-viewer) || exit 1
serve_start --quiet --access-log "$T/access.log"

stages=$("$JM_BIN" map --template b2b-5 --format json | python3 -c '
import json, sys
print(",".join(s["key"] for s in json.load(sys.stdin)["stages"]))') ||
    fail "map --format json failed"

timeout 400 python3 "$CHECK" "$U" --key "$EDITOR" --viewer-key "$VIEWER" \
    --expect-stages "$stages" --artifacts "$ART" --ready-bound "${JM_APP_READY_BOUND_MS:-3000}" \
    >"$T/check" 2>&1 || fail "check_app.py against $U:
$(cat "$T/check")
--- serve stderr:
$(tail -20 "$T/serve.err")"
cat "$T/check"

serve_stop
pass
