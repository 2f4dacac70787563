# Journey templates on the command line (docs/cli.md, "Journey templates"): `template list`
# names the five built-in templates, `show` summarises one (or any definition file) in English
# or Vietnamese, `init` writes one that reads back to the same journey, never overwrites a file
# without --force and never leaves a half-written one, and every mistake exits with its code
# and one-line message. `template --help` and `template list --lang vi` are golden cases
# (tests/cases/template_help, tests/cases/template_list_vi): journeymap is run with the
# arguments in `cmd` and its output compared with expected.txt, which JM_UPDATE_GOLDEN=1
# rewrites instead.
. "$JM_SOURCE_DIR/tests/lib.sh"

NAMES="b2b-5 buyer-8 lifecycle-7 loyalty-loop-5 martin-giant-5"
KNOWN="templates: b2b-5, buyer-8, lifecycle-7, loyalty-loop-5, martin-giant-5"

# expect_ok WHAT ARGS...: journeymap ARGS exits 0 and prints nothing on standard error.
expect_ok() {
    what=$1
    shift
    jm "$@"
    expect_eq "exit code of journeymap $* ($what)" 0 "$rc"
    expect_eq "standard error of journeymap $* ($what)" "" "$(cat "$T/err")"
}

# expect_has WHAT TEXT FILE: FILE holds the line part TEXT.
expect_has() {
    grep -qF -- "$2" "$3" || fail "$1: no '$2' in:
$(cat "$3")"
}

# usage_error CMD MESSAGE ARGS...: journeymap ARGS exits 2 with "journeymap CMD: MESSAGE" and
# the hint to CMD's --help, and prints nothing on standard output.
usage_error() {
    cmd=$1 msg=$2
    shift 2
    jm "$@"
    expect_eq "exit code of journeymap $*" 2 "$rc"
    expect_eq "message of journeymap $*" "journeymap $cmd: $msg
Try 'journeymap $cmd --help'." "$(cat "$T/err")"
    expect_eq "standard output of journeymap $*" "" "$(cat "$T/out")"
}

# ---------------------------------------------------------------- golden cases

for case in template_help template_list_vi; do
    CASE="$JM_SOURCE_DIR/tests/cases/$case"
    # shellcheck disable=SC2046 # cmd holds the arguments, split on white space
    expect_ok golden $(cat "$CASE/cmd")
    if [ "${JM_UPDATE_GOLDEN:-}" = 1 ]; then
        cp "$T/out" "$CASE/expected.txt"
        echo "updated $CASE/expected.txt"
    fi
    cmp -s "$CASE/expected.txt" "$T/out" ||
        fail "journeymap $(cat "$CASE/cmd") differs from $CASE/expected.txt (JM_UPDATE_GOLDEN=1 rewrites it):
$(diff "$CASE/expected.txt" "$T/out")"
done

# ---------------------------------------------------------------- --help

jm --help
grep -q "^  template  *[a-z]" "$T/out" || fail "journeymap --help does not list template"
expect_ok help template -h
cmp -s "$JM_SOURCE_DIR/tests/cases/template_help/expected.txt" "$T/out" ||
    fail "journeymap template -h differs from template --help"
for sub in list show init; do
    expect_ok help template "$sub" --help
    case "$(head -n 1 "$T/out")" in
    "usage: journeymap template $sub "*) ;;
    *) fail "first line of journeymap template $sub --help: '$(head -n 1 "$T/out")'" ;;
    esac
    expect_has "template $sub --help" "--help" "$T/out"
    cp "$T/out" subhelp.txt
    expect_ok help template "$sub" -h
    cmp -s subhelp.txt "$T/out" || fail "journeymap template $sub -h differs from --help"
done
# --help after other options still only prints the help.
expect_ok help template init b2b-5 --lang vi -o never.yaml --help
[ ! -e never.yaml ] || fail "template init --help wrote a file"

# ---------------------------------------------------------------- list

expect_ok list template list
expect_eq "lines of template list" 6 "$(wc -l < "$T/out")"
expect_eq "template list" "b2b-5 5 account
buyer-8 8 account
lifecycle-7 8 contact
loyalty-loop-5 5 account
martin-giant-5 5 account" "$(awk 'NR > 1 { print $1, $2, $3 }' "$T/out")"
expect_ok list template list --lang en
expect_eq "template list --lang en" 6 "$(wc -l < "$T/out")"

# ---------------------------------------------------------------- show

for n in $NAMES; do
    for lang in en vi; do
        expect_ok show template show "$n" --lang "$lang"
        expect_eq "first line of template show $n --lang $lang" "$n:" "$(head -n 1 "$T/out" | cut -d' ' -f1)"
        cp "$T/out" "show.$n.$lang.txt"
    done
done
expect_has "show b2b-5" "  1. Awareness [awareness] · owner: marketing · emotion +0.2" show.b2b-5.en.txt
expect_has "show b2b-5" "         - deal created" show.b2b-5.en.txt
expect_has "show b2b-5" "  ad_click" show.b2b-5.en.txt
expect_has "show b2b-5 vi" "  1. Nhận biết [awareness] · phụ trách: marketing · cảm xúc +0.2" \
    show.b2b-5.vi.txt
expect_has "show b2b-5 vi" "         - thương vụ được tạo" show.b2b-5.vi.txt
expect_has "show b2b-5 vi" "Điểm chạm (30)" show.b2b-5.vi.txt
expect_has "show lifecycle-7" "       - lead score reaches mql (50)" show.lifecycle-7.en.txt
expect_has "show lifecycle-7" "threshold mql: 50 points" show.lifecycle-7.en.txt
expect_has "show buyer-8 vi" "Chân dung khách hàng (5)" show.buyer-8.vi.txt
expect_has "show martin-giant-5" "Proposer [champion]" show.martin-giant-5.en.txt
expect_has "show loyalty-loop-5" "KPI: Net revenue retention ≥ 110%" show.loyalty-loop-5.en.txt
# The default language is English.
expect_ok show template show b2b-5
cmp -s show.b2b-5.en.txt "$T/out" || fail "template show b2b-5 is not in English by default"

# ---------------------------------------------------------------- init

# To standard output: a commented definition in the chosen language.
expect_ok init template init b2b-5 --lang vi
cp "$T/out" stdout.vi.yaml
expect_eq "first line of template init --lang vi" \
    "# Định nghĩa hành trình khách hàng tạo từ mẫu 'b2b-5' của journeymap" "$(head -n 1 stdout.vi.yaml)"
expect_has "template init --lang vi" "lang: vi" stdout.vi.yaml
expect_has "template init --lang vi" "Nhận biết" stdout.vi.yaml
grep -q "Awareness" stdout.vi.yaml && fail "template init --lang vi wrote English stage names"

# To a file, in each language: it reads back to the same journey, so its summary is the
# template's, and the file is what standard output got.
for n in $NAMES; do
    for lang in en vi; do
        expect_ok init template init "$n" --lang "$lang" -o "$n.$lang.yaml"
        expect_eq "template init $n -o" "wrote $n.$lang.yaml from template $n ($lang)" "$(cat "$T/out")"
        expect_ok "show the written file" template show --journey "$n.$lang.yaml" --lang "$lang"
        cmp -s "show.$n.$lang.txt" "$T/out" ||
            fail "the $lang file of $n does not read back to the template:
$(diff "show.$n.$lang.txt" "$T/out")"
    done
    expect_ok init template init "$n" --lang both -o "$n.both.yaml"
    expect_eq "template init $n --lang both" "wrote $n.both.yaml from template $n (en and vi)" \
        "$(cat "$T/out")"
    for lang in en vi; do
        expect_ok "show the bilingual file" template show --journey "$n.both.yaml" --lang "$lang"
        cmp -s "show.$n.$lang.txt" "$T/out" ||
            fail "the bilingual file of $n does not read back in $lang"
    done
done
cmp -s stdout.vi.yaml b2b-5.vi.yaml || fail "template init -o and standard output differ"
perms=$(stat -c %a b2b-5.vi.yaml)
[ "$perms" != 600 ] || fail "template init wrote a private file ($perms)"

# Never overwrite without --force, and never leave a temporary file behind.
printf 'my own journey\n' > mine.yaml
usage_error "template init" "'mine.yaml' already exists (add --force to overwrite it)" \
    template init b2b-5 --lang en -o mine.yaml
expect_eq "mine.yaml after a refused init" "my own journey" "$(cat mine.yaml)"
expect_ok force template init lifecycle-7 --lang en -o mine.yaml --force
expect_has "template init --force" 'journey: "lifecycle-7"' mine.yaml
ln -s nowhere.yaml dangling.yaml
usage_error "template init" "'dangling.yaml' already exists (add --force to overwrite it)" \
    template init b2b-5 --lang en -o dangling.yaml
[ ! -e nowhere.yaml ] || fail "template init wrote through a dangling symbolic link"
expect_fail 3 "journeymap: cannot write 'no/such/dir.yaml': No such file or directory" \
    template init b2b-5 --lang en -o no/such/dir.yaml
leftovers=$(find . -name '*.tmp.*')
expect_eq "temporary files left behind" "" "$leftovers"

# ---------------------------------------------------------------- mistakes

usage_error template "name a subcommand: list, show or init" template
usage_error template "unknown subcommand 'frob' (expected list, show or init)" template frob
usage_error template "unknown option '--frobnicate'" template --frobnicate
usage_error "template list" "unknown option '--frobnicate'" template list --frobnicate
usage_error "template list" "--lang must be en or vi" template list --lang fr
usage_error "template list" "unexpected argument 'b2b-5'" template list b2b-5
usage_error "template show" "unknown template 'b2b-6' ($KNOWN)" template show b2b-6
usage_error "template show" "name a template, or give --journey FILE" template show
usage_error "template show" "give either a template name or --journey FILE" \
    template show b2b-5 --journey b2b-5.en.yaml
usage_error "template show" "unexpected argument 'buyer-8'" template show b2b-5 buyer-8
usage_error "template show" "option '--journey' needs a value" template show --journey
usage_error "template show" "--lang must be en or vi" template show b2b-5 --lang both
usage_error "template init" "unknown template 'b2b' ($KNOWN)" template init b2b --lang vi
usage_error "template init" "name the template to start from" template init --lang vi
usage_error "template init" "choose the language: --lang en, vi or both" template init b2b-5
usage_error "template init" "--lang must be en, vi or both" template init b2b-5 --lang de
usage_error "template init" "unexpected argument 'x.yaml'" template init b2b-5 x.yaml --lang vi
usage_error "template init" "option '-o' needs a value" template init b2b-5 --lang vi -o

# A definition file that is not there exits 3; one with a mistake exits 1 and says where.
expect_fail 3 "journeymap: cannot open 'missing.yaml': No such file or directory" \
    template show --journey missing.yaml
printf 'journey: broken\nstages:\n  - key: a\n    entry: {deal: maybe}\n' > broken.yaml
jm template show --journey broken.yaml
expect_eq "exit code of template show --journey broken.yaml" 1 "$rc"
case "$(cat "$T/err")" in
"journeymap: broken.yaml:4:"*) ;;
*) fail "message for broken.yaml: '$(cat "$T/err")'" ;;
esac
expect_eq "lines of the message for broken.yaml" 1 "$(wc -l < "$T/err")"

[ ! -e journeymap.db ] || fail "a template command created a workspace"
pass
