# The command line itself: every command answers --help with its usage line, usage mistakes
# exit 2 with a hint to --help, a missing workspace exits 3 and a file that is not a workspace
# exits 4, each with its exact message (docs/cli.md). `journeymap --help` is a golden case,
# tests/cases/cli_help: journeymap is run with the arguments in `cmd` and its output compared
# with expected.txt, which JM_UPDATE_GOLDEN=1 rewrites instead.
. "$JM_SOURCE_DIR/tests/lib.sh"

COMMANDS="init import demo-data stats check export"

# ---------------------------------------------------------------- golden: journeymap --help

CASE="$JM_SOURCE_DIR/tests/cases/cli_help"
# shellcheck disable=SC2046 # cmd holds the arguments, split on white space
jm $(cat "$CASE/cmd")
expect_eq "exit code of journeymap $(cat "$CASE/cmd")" 0 "$rc"
expect_eq "standard error of journeymap $(cat "$CASE/cmd")" "" "$(cat "$T/err")"
if [ "${JM_UPDATE_GOLDEN:-}" = 1 ]; then
    cp "$T/out" "$CASE/expected.txt"
    echo "updated $CASE/expected.txt"
fi
cmp -s "$CASE/expected.txt" "$T/out" ||
    fail "journeymap $(cat "$CASE/cmd") differs from $CASE/expected.txt (JM_UPDATE_GOLDEN=1 rewrites it):
$(diff "$CASE/expected.txt" "$T/out")"
cp "$T/out" help.txt

# The same text for -h and help; without a command, on standard error with exit 2.
for h in -h help; do
    jm $h
    expect_eq "exit code of journeymap $h" 0 "$rc"
    cmp -s help.txt "$T/out" || fail "journeymap $h differs from journeymap --help"
done
jm
expect_eq "exit code of journeymap without a command" 2 "$rc"
expect_eq "standard output of journeymap without a command" "" "$(cat "$T/out")"
cmp -s help.txt "$T/err" || fail "journeymap without a command does not print the usage"
# Every command is listed.
for c in $COMMANDS; do
    grep -q "^  $c  *[a-z]" help.txt || fail "journeymap --help does not list $c"
done

# ---------------------------------------------------------------- each command's --help

for c in $COMMANDS; do
    jm "$c" --help
    expect_eq "exit code of journeymap $c --help" 0 "$rc"
    expect_eq "standard error of journeymap $c --help" "" "$(cat "$T/err")"
    case "$(head -n 1 "$T/out")" in
    "usage: journeymap $c" | "usage: journeymap $c "*) ;;
    *) fail "first line of journeymap $c --help: '$(head -n 1 "$T/out")'" ;;
    esac
    grep -q -- "--help" "$T/out" || fail "journeymap $c --help does not list --help"
    cp "$T/out" cmdhelp.txt
    jm "$c" -h
    cmp -s cmdhelp.txt "$T/out" || fail "journeymap $c -h differs from journeymap $c --help"
    # --help after another option still only prints the help: no workspace is created.
    jm "$c" --db nowhere.db --help
    expect_eq "exit code of journeymap $c --db nowhere.db --help" 0 "$rc"
    [ ! -e nowhere.db ] || fail "journeymap $c --help created a workspace"
done

# ---------------------------------------------------------------- version

jm --version
expect_eq "exit code of journeymap --version" 0 "$rc"
version=$(sed -n 's/^project(journeymap VERSION \([0-9.]*\) .*/\1/p' "$JM_SOURCE_DIR/CMakeLists.txt")
expect_eq "journeymap --version" "journeymap $version" "$(cat "$T/out")"

# ---------------------------------------------------------------- usage errors: exit 2

{
    echo "journeymap: unknown command 'frobnicate'"
    echo
    cat help.txt
} > want.txt
jm frobnicate --help
expect_eq "exit code of an unknown command" 2 "$rc"
cmp -s want.txt "$T/err" || fail "message for an unknown command: $(diff want.txt "$T/err")"

# usage_error CMD MESSAGE ARGS...: journeymap CMD ARGS... exits 2, and its message ends in
# exactly "journeymap CMD: MESSAGE" and the hint to --help (getopt's own messages are off).
usage_error() {
    cmd=$1 msg=$2
    shift 2
    jm "$cmd" "$@"
    expect_eq "exit code of journeymap $cmd $*" 2 "$rc"
    expect_eq "message of journeymap $cmd $*" "journeymap $cmd: $msg
Try 'journeymap $cmd --help'." "$(cat "$T/err")"
    expect_eq "standard output of journeymap $cmd $*" "" "$(cat "$T/out")"
}
for c in $COMMANDS; do
    usage_error "$c" "unknown option '--frobnicate'" --frobnicate
    usage_error "$c" "unknown option '-Z'" -Z
    usage_error "$c" "option '--db' needs a value" --db
done
usage_error import "unknown option '-z'" -qz --entity contacts x.csv
usage_error import "option '-m' needs a value" -m
[ ! -e journeymap.db ] || fail "a usage error created a workspace"

usage_error import "give either --mapping FILE or --entity NAME" contacts.csv
usage_error import "give either --mapping FILE or --entity NAME" \
    -m "$MAPS/hubspot-contacts.yaml" --entity contacts contacts.csv
usage_error import "name the files to import" --entity contacts
usage_error import "--format must be csv or jsonl" --format xlsx --entity contacts x.xlsx
usage_error import "--delimiter takes one character or 'tab'" --delimiter ';;' --entity contacts x.csv
usage_error stats "--format must be text or json" --format xml
usage_error stats "unexpected argument 'accounts'" accounts
usage_error check "unexpected argument 'now'" now
usage_error init "unexpected argument 'here.db'" here.db
usage_error export "name one entity to export"
usage_error export "name one entity to export" accounts contacts
usage_error export "unknown entity 'companies'" companies
usage_error export "--format must be csv or jsonl" accounts --format xlsx
usage_error demo-data "--events takes 10000 to 50000000, not '5'" --events 5
usage_error demo-data "--events takes 10000 to 50000000, not '1G'" --events 1G
usage_error demo-data "--seed takes a whole number" --seed x
[ ! -e journeymap.db ] || fail "a usage error created a workspace"

# ---------------------------------------------------------------- no workspace: exit 3

expect_fail 3 "journeymap: no workspace at 'nowhere.db' (run 'journeymap init')" stats --db nowhere.db
expect_fail 3 "journeymap: no workspace at '$T/journeymap.db' (run 'journeymap init')" stats
(
    unset JOURNEYMAP_DB
    expect_fail 3 "journeymap: no workspace at 'journeymap.db' (run 'journeymap init')" stats
)
expect_fail 3 "journeymap: no workspace at 'nowhere.db' (run 'journeymap init')" check --db nowhere.db
expect_fail 3 "journeymap: no workspace at 'nowhere.db' (run 'journeymap init')" \
    export accounts --db nowhere.db
for f in nowhere.db journeymap.db; do
    [ ! -e "$f" ] || fail "a command on a missing workspace created $f"
done

# ---------------------------------------------------------------- not a workspace: exit 4

printf 'Record ID,Company name\r\n1,Acme\r\n' > garbage.db
cp garbage.db garbage.orig
msg="journeymap: 'garbage.db' is not a journeymap workspace (file is not a database)"
expect_fail 4 "$msg" stats --db garbage.db
expect_fail 4 "$msg" check --db garbage.db
expect_fail 4 "$msg" export accounts --db garbage.db
expect_fail 4 "$msg" init --db garbage.db
expect_fail 4 "$msg" demo-data --events 10000 -q --db garbage.db
printf '{"id":"own-1"}\n' > owners.jsonl
expect_fail 4 "$msg" import -q --entity owners --db garbage.db owners.jsonl
cmp -s garbage.orig garbage.db || fail "a command changed the file that is not a workspace"

sqlite3 other.db 'CREATE TABLE notes(body TEXT); INSERT INTO notes VALUES (1);'
expect_fail 4 "journeymap: 'other.db' is a SQLite database but not a journeymap workspace" \
    stats --db other.db
expect_fail 4 "journeymap: 'other.db' is a SQLite database but not a journeymap workspace" \
    import -q --entity owners --db other.db owners.jsonl
expect_eq "the other database's table" 1 "$(sql other.db 'SELECT body FROM notes')"
expect_eq "the other database's tables" notes "$(sql other.db "SELECT group_concat(name) FROM sqlite_master")"

: > empty.db
expect_fail 4 "journeymap: 'empty.db' is empty, not a journeymap workspace (run 'journeymap init')" \
    stats --db empty.db

# ---------------------------------------------------------------- a working command line

jm init
expect_eq "exit code of journeymap init" 0 "$rc"
schema=$(sql journeymap.db 'PRAGMA user_version')
[ "$schema" -gt 0 ] || fail "schema version of a new workspace: '$schema'"
expect_eq "journeymap init" "created workspace $T/journeymap.db (schema version $schema)" \
    "$(cat "$T/out")"
jm init
expect_eq "journeymap init again" "existing workspace $T/journeymap.db (schema version $schema)" \
    "$(cat "$T/out")"
jm check
expect_eq "check of an empty workspace" "0 $T/journeymap.db: 0 problems found" "$rc $(cat "$T/out")"
jm stats --format json
expect_eq "stats of an empty workspace" 0 "$rc"
expect_eq "entities of an empty workspace" \
    "accounts=0 contacts=0 deals=0 events=0 owners=0 revenue=0 surveys=0 tickets=0" \
    "$(python3 -c 'import json, sys
print(" ".join("%s=%d" % (r["label"], r["count"])
               for r in sorted(json.load(sys.stdin)["entities"], key=lambda r: r["label"])))' < "$T/out")"
pass
