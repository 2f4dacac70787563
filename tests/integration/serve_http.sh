#!/bin/sh
# journeymap serve over real loopback HTTP: security headers, keys and roles, sessions with
# CSRF, the one-time sign-in link, ingest limits at limit-1/limit/limit+1, bad JSON kept as a
# failed event, messageId deduplication, the access log, and a graceful SIGTERM.
# SPDX-License-Identifier: MIT
. "$JM_SOURCE_DIR/tests/lib.sh"

"$JM_BIN" init >/dev/null
serve_start --signin-link --access-log "$T/access.log"
grep -q "^journeymap serving .* on $U/\$" "$T/serve.out" || fail "banner: $(cat "$T/serve.out")"

# req METHOD PATH CURL-ARGS...: the status into $status, body $T/body, headers $T/hdr.
req() {
    m=$1 p=$2
    shift 2
    echo "$m $p" >>"$T/requests"
    status=$(curl -s -o "$T/body" -D "$T/hdr" -w '%{http_code}' -X "$m" "$@" "$U$p") ||
        fail "curl $m $p failed"
}
# expect STATUS METHOD PATH CURL-ARGS...
expect() {
    want=$1
    shift
    req "$@"
    [ "$status" = "$want" ] || fail "$1 $2: expected $want, got $status: $(cat "$T/body")"
}
# field NAME: a top-level field of the JSON body.
field() {
    python3 -c 'import json,sys; v=json.load(open(sys.argv[1]))[sys.argv[2]]; print(v)' \
        "$T/body" "$1"
}
body_has() {
    grep -qF -- "$1" "$T/body" || fail "expected '$1' in: $(head -c 400 "$T/body")"
}
header_is() {
    got=$(grep -i "^$1:" "$T/hdr" | head -1 | sed 's/^[^:]*: //' | tr -d '\r')
    expect_eq "header $1" "$2" "$got"
}

expect 200 GET /healthz
body_has '"ok": true'

# ---------------------------------------------------------------- sign-in link and session
link=$(sed -n 's/^Open this link in your browser: //p' "$T/serve.out")
case $link in "$U/signin?token="*) ;; *) fail "no sign-in link in: $(cat "$T/serve.out")" ;; esac
expect 303 GET "${link#"$U"}" -c "$T/jar"
header_is Location /
grep -q 'jm_session' "$T/jar" || fail "no session cookie set"
grep -i '^Set-Cookie:' "$T/hdr" | grep -q 'HttpOnly; SameSite=Strict; Path=/' ||
    fail "cookie flags: $(grep -i '^Set-Cookie:' "$T/hdr")"
expect 403 GET "${link#"$U"}"
body_has "used or expired"

expect 200 GET /api/v1/session -b "$T/jar"
csrf=$(field csrf)
expect_eq "session role" admin "$(field role)"
keyreq='{"role": "admin", "name": "test admin"}'
expect 403 POST /api/v1/keys -b "$T/jar" -d "$keyreq"
body_has "X-CSRF-Token header is missing"
expect 403 POST /api/v1/keys -b "$T/jar" -H "X-CSRF-Token: wrong$csrf" -d "$keyreq"
expect 403 POST /api/v1/keys -b "$T/jar" -H "X-CSRF-Token: $csrf" -H "Origin: http://evil.example" \
    -d "$keyreq"
body_has "another origin"
expect 201 POST /api/v1/keys -b "$T/jar" -H "X-CSRF-Token: $csrf" -H "Origin: $U" -d "$keyreq"
ADMIN=$(field key)

# mkkey ROLE: a new key made by the admin key.
mkkey() {
    expect 201 POST /api/v1/keys -H "Authorization: Bearer $ADMIN" \
        -d "{\"role\": \"$1\", \"name\": \"test $1\"}"
    field key
}
EDITOR=$(mkkey editor)
VIEWER=$(mkkey viewer)
WRITE=$(mkkey ingest)
OLD=$(mkkey viewer)

# signing in by key gives a session too; an ingest key cannot sign in
expect 200 POST /api/v1/session -c "$T/jar2" -d "{\"key\": \"$VIEWER\"}"
expect_eq "viewer session role" viewer "$(field role)"
expect 403 POST /api/v1/session -d "{\"key\": \"$WRITE\"}"
expect 401 POST /api/v1/session -d '{"key": "jmk_notakey"}'

# ---------------------------------------------------------------- security headers
CSP="default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; frame-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
check_headers() {
    header_is Content-Security-Policy "$CSP"
    header_is X-Content-Type-Options nosniff
    header_is Referrer-Policy no-referrer
    header_is X-Frame-Options DENY
    header_is Cross-Origin-Opener-Policy same-origin
    header_is Cross-Origin-Resource-Policy same-origin
    grep -qi '^Permissions-Policy: ' "$T/hdr" || fail "no Permissions-Policy on $1"
    grep -qi '^X-Request-Id: ' "$T/hdr" || fail "no X-Request-Id on $1"
}
expect 200 GET /api/v1/keys -H "Authorization: Bearer $ADMIN"
check_headers "an API answer"
header_is Cache-Control no-store
for k in "$ADMIN" "$EDITOR" "$VIEWER" "$WRITE"; do
    grep -qF "$k" "$T/body" && fail "the key list shows a key"
done
expect 200 GET /
check_headers "an asset"
header_is Cache-Control no-cache
etag=$(grep -i '^ETag:' "$T/hdr" | sed 's/^[^:]*: //' | tr -d '\r')
[ -n "$etag" ] || fail "no ETag on an asset"
expect 304 GET / -H "If-None-Match: $etag"
expect 404 GET /api/v1/no-such-thing
check_headers "an error"
body_has '"code": "not_found"'
expect 405 DELETE /healthz
header_is Allow GET

# ---------------------------------------------------------------- 401 and 403
expect 401 GET /api/v1/keys
grep -qi '^WWW-Authenticate: Bearer' "$T/hdr" || fail "401 without WWW-Authenticate"
expect 401 GET /api/v1/keys -H "Authorization: Bearer jmk_malformed"
expect 401 GET /api/v1/keys -H "Authorization: Basic $(printf '%s:' "$ADMIN" | base64 -w0)"
body_has "accepted on /v1/ only"
expect 200 GET /api/v1/session -H "Authorization: Bearer $OLD"
old_id=$(printf '%s' "$OLD" | cut -c5-12)
expect 200 DELETE "/api/v1/keys/$old_id" -H "Authorization: Bearer $ADMIN"
expect 401 GET /api/v1/session -H "Authorization: Bearer $OLD"
body_has "unknown or revoked"

expect 403 PUT /api/v1/journeys/b2b-5 -H "Authorization: Bearer $VIEWER" -d 'key: x'
body_has "the viewer role does not have the 'edit' permission"
expect 403 POST /v1/track -H "Authorization: Bearer $VIEWER" -d '{}'
expect 403 GET /api/v1/accounts -H "Authorization: Bearer $WRITE"
body_has "the ingest role does not have the 'read' permission"
expect 403 GET /api/v1/keys -H "Authorization: Bearer $EDITOR"
expect 403 POST /api/v1/keys -H "Authorization: Bearer $EDITOR" -d "$keyreq"
body_has "'admin' permission"
expect 403 DELETE /api/v1/session -b "$T/jar2"
expect 200 DELETE /api/v1/session -b "$T/jar2" -H "X-CSRF-Token: $(
    curl -s -b "$T/jar2" "$U/api/v1/session" | python3 -c 'import json,sys; print(json.load(sys.stdin)["csrf"])'
)"
expect 401 GET /api/v1/session -b "$T/jar2"

# ---------------------------------------------------------------- ingest
# body FILE SIZE KIND TAG: a JSON body of exactly SIZE bytes, one track call (KIND track) or a
# batch of calls of at most 30000 bytes each (KIND batch); messageIds start with TAG.
body() {
    python3 - "$@" <<'PY'
import json, sys
path, size, kind, tag = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
def call(i, pad):
    return {"type": "track", "userId": "u%d" % i, "event": "Signed Up",
            "messageId": "%s-%d" % (tag, i), "timestamp": "2025-03-01T10:00:00Z",
            "properties": {"pad": "x" * pad}}
def text(calls):
    return json.dumps({"batch": calls} if kind == "batch" else calls[0], separators=(",", ":"))
n = 1 if kind == "track" else size // 30000 + 1
calls = [call(i, 0) for i in range(n)]
room = size - len(text(calls))
assert room >= 0, "size too small"
for c in calls:
    c["properties"]["pad"] = "x" * (room if kind == "track" else min(room, 29000))
    room -= len(c["properties"]["pad"])
assert room == 0, "size too large"
data = text(calls).encode()
assert len(data) == size
open(path, "wb").write(data)
PY
}
W="-u $WRITE:"
for n in 32767 32768; do
    body "$T/b" $n track "single$n"
    expect 200 POST /v1/track $W -H 'Content-Type: application/json' --data-binary "@$T/b"
    body_has '"success": true'
    body_has '"stored": 1'
done
body "$T/b" 32769 track single32769
expect 413 POST /v1/track $W -H 'Content-Type: application/json' --data-binary "@$T/b"
body_has "the request body is 32769 bytes; the limit for /v1/track is 32768 bytes"
for n in 511999 512000; do
    body "$T/b" $n batch "batch$n"
    expect 200 POST /v1/batch $W -H 'Content-Type: application/json' --data-binary "@$T/b"
    body_has '"duplicates": 0'
done
body "$T/b" 512001 batch batch512001
expect 413 POST /v1/batch $W -H 'Content-Type: application/json' --data-binary "@$T/b"
body_has "the request body is 512001 bytes; the limit for /v1/batch is 512000 bytes"
# a chunked body has no length up front: it is counted as it arrives
expect 413 POST /v1/batch $W -H 'Transfer-Encoding: chunked' --data-binary "@$T/b"
body_has "the limit for /v1/batch is 512000 bytes"

# the write key also works as a Bearer key; a bad JSON body is kept with its reason
before=$(sql "$JOURNEYMAP_DB" 'select count(*) from failed_events')
expect 400 POST /v1/track -H "Authorization: Bearer $WRITE" -d '{"type": "track",
  "event": oops}'
body_has "line 2"
body_has "column"
after=$(sql "$JOURNEYMAP_DB" 'select count(*) from failed_events')
expect_eq "failed events after a bad body" $((before + 1)) "$after"
expect 200 GET /api/v1/failed-events -H "Authorization: Bearer $ADMIN"
body_has '"call": "track"'

# the same messageId twice is stored once
events=$(stat_count entities events)
one='{"userId": "dup-user", "event": "Demo Requested", "messageId": "same-message-1"}'
expect 200 POST /v1/track $W -d "$one"
body_has '"stored": 1'
expect 200 POST /v1/track $W -d "$one"
body_has '"stored": 0, "duplicates": 1'
expect_eq "events after a duplicate" $((events + 1)) "$(stat_count entities events)"

# ---------------------------------------------------------------- graceful stop
# A slow upload is in flight when SIGTERM comes: it is still answered, then serve exits 0.
body "$T/slow" 200000 batch slow
curl -s -o "$T/slow.out" -w '%{http_code}' --limit-rate 100k -u "$WRITE:" \
    --data-binary "@$T/slow" "$U/v1/batch" >"$T/slow.status" &
CURL=$!
sleep 0.7
kill -TERM "$SERVE_PID"
wait "$CURL" || true
expect_eq "in-flight request at SIGTERM" 200 "$(cat "$T/slow.status")"
rc=0
wait "$SERVE_PID" || rc=$?
SERVE_PID=
expect_eq "exit code after SIGTERM" 0 "$rc"

# ---------------------------------------------------------------- the access log
python3 - "$T/access.log" <<'PY' || fail "the access log is not one JSON object per line"
import json, sys
for line in open(sys.argv[1]):
    o = json.loads(line)
    for k in ("time", "method", "path", "status", "bytes", "duration_ms", "key", "remote",
              "request_id"):
        assert k in o, (k, line)
    assert "?" not in o["path"], line
PY
for k in "$ADMIN" "$EDITOR" "$VIEWER" "$WRITE" "$OLD" "$csrf" "${link#*token=}"; do
    grep -qF "$k" "$T/access.log" && fail "the access log contains a secret"
done
# one line per request: those made by req() and two more curl calls (the CSRF token, the upload)
expect_eq "access log lines" $(($(wc -l <"$T/requests") + 2)) "$(wc -l <"$T/access.log")"
grep -q "\"key\": \"$(printf '%s' "$WRITE" | cut -c5-12)\"" "$T/access.log" ||
    fail "the access log does not name the write key's id"
pass
