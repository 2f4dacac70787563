# journeymap keys: a key of each role is printed once; `list` shows ids, roles and names but
# never a secret; the workspace file (and its WAL) holds no key text, only hashes; revoke marks
# a key, an unknown id exits 3, and usage mistakes exit 2 with their message (docs/cli.md).
. "$JM_SOURCE_DIR/tests/lib.sh"

jm init
expect_eq "init ($(cat "$T/err"))" 0 "$rc"

# ---------------------------------------------------------------- create, one key per role

for role in admin editor viewer ingest; do
    jm keys create --role "$role" --name "team $role"
    expect_eq "keys create --role $role ($(cat "$T/err"))" 0 "$rc"
    key=$(sed -n 's/^    \(jm[kw]_[A-Za-z0-9]*\)$/\1/p' "$T/out")
    expect_eq "length of the $role key" 50 "${#key}"
    case "$role:$key" in
    ingest:jmw_* | admin:jmk_* | editor:jmk_* | viewer:jmk_*) ;;
    *) fail "prefix of the $role key: $key" ;;
    esac
    grep -q "will not be shown again" "$T/out" || fail "keys create does not say the key is shown once"
    if [ "$role" = ingest ]; then
        grep -q "Segment write key" "$T/out" || fail "an ingest key does not say how to use it"
        grep -q "curl -u '$key:'" "$T/out" || fail "the ingest key's example does not use it"
    elif grep -q "Segment" "$T/out"; then
        fail "a $role key is offered as a Segment write key"
    fi
    echo "$key" >> keys.txt
done
# -q prints the key alone; a Vietnamese name is kept as given.
jm keys create --role viewer --name "Đội chăm sóc khách hàng" -q
expect_eq "keys create -q ($(cat "$T/err"))" 0 "$rc"
expect_eq "lines printed by keys create -q" 1 "$(wc -l < "$T/out" | tr -d ' ')"
grep -Eq '^jmk_[A-Za-z0-9]{46}$' "$T/out" || fail "keys create -q printed: $(cat "$T/out")"
cat "$T/out" >> keys.txt
expect_eq "distinct keys" 5 "$(sort -u keys.txt | wc -l | tr -d ' ')"

# ---------------------------------------------------------------- list

jm keys list --format json
expect_eq "keys list --format json ($(cat "$T/err"))" 0 "$rc"
python3 - "$T/out" keys.txt <<'PY' || fail "keys list --format json: $(cat "$T/out")"
import json, sys
rows = json.load(open(sys.argv[1], encoding="utf-8"))
keys = open(sys.argv[2]).read().split()
assert [r["role"] for r in rows] == ["admin", "editor", "viewer", "ingest", "viewer"], rows
assert [r["name"] for r in rows][:4] == ["team admin", "team editor", "team viewer", "team ingest"]
assert rows[4]["name"] == "Đội chăm sóc khách hàng", rows[4]
for r, k in zip(rows, keys):
    assert r["id"] == k[4:12], (r, k)
    assert set(r) == {"id", "role", "name", "created", "last_used", "revoked"}, r
    assert r["revoked"] is None and r["last_used"] is None and r["created"].endswith("Z"), r
text = open(sys.argv[1], encoding="utf-8").read()
for k in keys:
    assert k[12:44] not in text, "a secret is listed"
PY
jm keys list
expect_eq "keys list ($(cat "$T/err"))" 0 "$rc"
expect_eq "lines of keys list" 6 "$(wc -l < "$T/out" | tr -d ' ')"
head -n 1 "$T/out" | grep -q "^id  *role  *name  *created" || fail "keys list header: $(head -n 1 "$T/out")"
# Columns stay aligned with a Vietnamese name: 'created' starts at the same character.
python3 - "$T/out" <<'PY' || fail "keys list columns are not aligned: $(cat "$T/out")"
import re, sys
lines = open(sys.argv[1], encoding="utf-8").read().splitlines()
starts = {re.search(r"(created|\d{4}-\d\d-\d\d \d\d:\d\d)", l).start() for l in lines}
assert len(starts) == 1, starts
PY
while read -r key; do
    grep -qF "${key#????????????}" "$T/out" && fail "keys list shows a secret"
done < keys.txt

# ---------------------------------------------------------------- the file keeps no key text

"$JM_BIN" stats > /dev/null # another connection, so the WAL is not empty only by chance
while read -r key; do
    for f in journeymap.db journeymap.db-wal; do
        [ ! -e "$f" ] && continue
        if grep -qaF "$key" "$f" || grep -qaF "${key#????????????}" "$f"; then
            fail "$f contains a key or its secret"
        fi
    done
done < keys.txt
expect_eq "hashes stored" "32 32 32 32 32" \
    "$(sql journeymap.db 'SELECT group_concat(length(hash), " ") FROM api_keys')"

# ---------------------------------------------------------------- revoke

id=$(sed -n 2p keys.txt | cut -c5-12)
jm keys revoke "$id"
expect_eq "keys revoke ($(cat "$T/err"))" 0 "$rc"
expect_eq "keys revoke says" "Revoked key $id: requests with it are refused from now on." "$(cat "$T/out")"
revoked=$(sql journeymap.db "SELECT revoked FROM api_keys WHERE id = '$id'")
[ -n "$revoked" ] || fail "keys revoke did not record the time"
# Revoking again keeps the first time; a whole key is taken by its id and not printed back.
jm keys revoke "$(sed -n 2p keys.txt)"
expect_eq "keys revoke with the whole key ($(cat "$T/err"))" 0 "$rc"
expect_eq "revocation time kept" "$revoked" \
    "$(sql journeymap.db "SELECT revoked FROM api_keys WHERE id = '$id'")"
grep -qF "$(sed -n 2p keys.txt)" "$T/out" && fail "keys revoke printed the key back"
"$JM_BIN" keys list --format json | python3 -c '
import json, sys
rows = json.load(sys.stdin)
assert [r["revoked"] is not None for r in rows] == [False, True, False, False, False], rows' ||
    fail "keys list does not show the revocation"

expect_fail 3 "journeymap: no API key with id 'ZZZZZZZZ'" keys revoke ZZZZZZZZ

# ---------------------------------------------------------------- usage errors: exit 2

usage() { # usage SUB MESSAGE ARGS...
    sub=$1 msg=$2
    shift 2
    jm keys "$sub" "$@"
    expect_eq "exit code of keys $sub $*" 2 "$rc"
    expect_eq "message of keys $sub $*" "journeymap keys $sub: $msg
Try 'journeymap keys $sub --help'." "$(cat "$T/err")"
}
usage create "--role must be admin, editor, viewer or ingest, not 'root'" --role root --name x
usage create "--role is required (admin, editor, viewer, ingest)" --name x
usage create "--name is required: say what the key is for" --role admin
usage create "--name must not be empty" --role admin --name ""
usage create "unknown option '--frobnicate'" --frobnicate
usage list "--format must be text or json" --format xml
usage list "option '--role' does not apply here" --role admin
usage revoke "which key? give its id (see 'journeymap keys list')"
jm keys rotate
expect_eq "exit code of keys rotate" 2 "$rc"
jm keys
expect_eq "exit code of keys without a subcommand" 2 "$rc"
expect_eq "keys were created by usage errors" 5 "$(sql journeymap.db 'SELECT count(*) FROM api_keys')"

for sub in "" create list revoke; do
    # shellcheck disable=SC2086 # an empty $sub is no argument
    jm keys $sub --help
    expect_eq "exit code of keys $sub --help" 0 "$rc"
    head -n 1 "$T/out" | grep -q "^usage: journeymap keys ${sub:-create}" ||
        fail "first line of keys $sub --help: $(head -n 1 "$T/out")"
done

expect_fail 3 "journeymap: no workspace at 'nowhere.db' (run 'journeymap init')" \
    keys list --db nowhere.db
[ ! -e nowhere.db ] || fail "keys list created a workspace"
pass
