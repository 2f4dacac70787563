# The journey map of the demo company as PDF and PNG, read back with poppler's tools. A3 (the
# default) has at least one page and every page is A3 landscape (1190.55 x 841.89 pt); `--paper
# a4` has at least two A4 landscape pages (841.89 x 595.28 pt). Every page rasterises
# (pdftoppm) to a page that is not blank, the PDF's title is the map's, and its text is real
# text: pdftotext finds every stage name, the Vietnamese ones with `--lang vi`, and all of
# them on page 1 (the map section is never split or pushed off the first page). The PNG has
# the PNG signature and a sensible size. Files are kept in $JM_BUILD_DIR/artifacts/.
. "$JM_SOURCE_DIR/tests/lib.sh"

ART="$JM_BUILD_DIR/artifacts"
mkdir -p "$ART"
for tool in pdfinfo pdftoppm pdftotext; do
    command -v "$tool" >/dev/null || fail "$tool is missing: install poppler-utils (scripts/install-deps.sh)"
done

jm demo-data --events 20000 --seed 7 -q
expect_eq "demo-data exit ($(cat "$T/err"))" 0 "$rc"

# render FILE ARGS...: journeymap map --template b2b-5 ARGS -o FILE succeeds without a warning
# (librsvg and GLib print theirs on standard error).
render() {
    file=$1
    shift
    jm map --template b2b-5 "$@" -o "$file"
    expect_eq "map $* -o $file exit ($(cat "$T/err"))" 0 "$rc"
    ! grep -Eiq "warning|critical|sanitizer|error" "$T/err" ||
        fail "map $* -o $file complained: $(cat "$T/err")"
    [ -s "$file" ] || fail "map $* -o $file wrote nothing"
    cp "$file" "$ART/$file"
    echo "artifact: $ART/$file"
}

# pages PDF: the page count; and every page's size must be W x H points (2 decimals).
pages() {
    n=$(pdfinfo "$1" | sed -n 's/^Pages: *//p')
    [ -n "$n" ] || fail "pdfinfo cannot read $1: $(pdfinfo "$1" 2>&1 | head -3)"
    pdfinfo -f 1 -l "$n" "$1" | awk -v want="$2 x $3" -v f="$1" '
        /^Page +[0-9]+ size:/ {
            got = sprintf("%.2f x %.2f", $4, $6)
            if (got != want) { print "FAIL: " f " page " $2 " is " got " pt, not " want; bad = 1 }
            seen++
        }
        END { exit bad || seen == 0 }' >&2 || fail "$1: pages of the wrong size"
    echo "$n"
}

# not_blank PDF N: pdftoppm makes N PNG pages (each above a size floor), and each page has
# ink: in a grey rendering, at least 0.5% of its pixels are darker than near-white.
not_blank() {
    rm -rf "$T/png" "$T/pgm"
    mkdir "$T/png" "$T/pgm"
    pdftoppm -r 50 -png "$1" "$T/png/page" || fail "pdftoppm -png $1 failed"
    count=$(find "$T/png" -name 'page*.png' | wc -l)
    expect_eq "PNG pages of $1" "$2" "$count"
    for p in "$T"/png/page*.png; do
        size=$(wc -c <"$p")
        [ "$size" -gt 4000 ] || fail "$1: $(basename "$p") is only $size bytes: a blank page?"
    done
    pdftoppm -r 50 -gray "$1" "$T/pgm/page" || fail "pdftoppm -gray $1 failed"
    python3 - "$1" "$T"/pgm/page*.pgm <<'PY' || fail "$1 has a blank page (above)"
import sys
bad = False
for path in sys.argv[2:]:
    data = open(path, "rb").read()
    # binary PGM: "P5" width height maxval, each followed by one white space, then the pixels
    fields, pos = [], 0
    while len(fields) < 4:
        while data[pos:pos + 1].isspace():
            pos += 1
        if data[pos:pos + 1] == b"#":
            pos = data.index(b"\n", pos)
            continue
        end = pos
        while not data[end:end + 1].isspace():
            end += 1
        fields.append(data[pos:end])
        pos = end
    w, h = int(fields[1]), int(fields[2])
    pixels = data[pos + 1:pos + 1 + w * h]
    ink = sum(1 for b in pixels if b < 235) / float(w * h)
    if ink < 0.005:
        print("FAIL: %s: %s is blank (%.3f%% ink)" % (sys.argv[1], path.rsplit("/", 1)[1], ink * 100))
        bad = True
sys.exit(1 if bad else 0)
PY
}

# names LANG: the map's stage names, one a line, and its title on the first line.
names() {
    "$JM_BIN" map --template b2b-5 --lang "$1" --format json -o "$T/map-$1.json" ||
        fail "map --lang $1 --format json failed"
    python3 -c '
import json, sys
m = json.load(open(sys.argv[1]))
print(m["title"])
for s in m["stages"]:
    print(s["name"])' "$T/map-$1.json"
}

# has_text PDF PAGE: every stage name of $names (after the title line) is in PDF's text on
# page PAGE (0: anywhere), and the title is the PDF's Title.
has_text() {
    if [ "$2" = 0 ]; then
        pdftotext -enc UTF-8 "$1" "$T/text" || fail "pdftotext $1 failed"
    else
        pdftotext -enc UTF-8 -f "$2" -l "$2" "$1" "$T/text" || fail "pdftotext $1 failed"
    fi
    title=$(echo "$names" | head -n 1)
    echo "$names" | sed 1d >"$T/stages"
    while IFS= read -r stage; do
        # pdftotext may break a long heading across lines: compare without white space
        python3 -c '
import sys
text = "".join(open(sys.argv[1], encoding="utf-8").read().split())
sys.exit(0 if "".join(sys.argv[2].split()) in text else 1)' "$T/text" "$stage" ||
            fail "$1 (page $2): no stage name '$stage' in its text: $(head -c 600 "$T/text")"
    done <"$T/stages"
    got=$(pdfinfo "$1" | sed -n 's/^Title: *//p')
    expect_eq "title of $1" "$title" "$got"
}

# ---------------------------------------------------------------- A3, English

render map-a3.pdf --format pdf
head -c 5 map-a3.pdf | grep -q '^%PDF-' || fail "map-a3.pdf does not start with %PDF-"
n=$(pages map-a3.pdf 1190.55 841.89)
[ "$n" -ge 1 ] || fail "map-a3.pdf has $n pages"
not_blank map-a3.pdf "$n"
names=$(names en)
has_text map-a3.pdf 1
echo "ok: map-a3.pdf: $n A3 page(s), none blank, every stage name on page 1"

# ---------------------------------------------------------------- A4, English

render map-a4.pdf --format pdf --paper a4
n4=$(pages map-a4.pdf 841.89 595.28)
[ "$n4" -ge 2 ] || fail "map-a4.pdf has $n4 pages; the map needs at least 2 on A4"
not_blank map-a4.pdf "$n4"
has_text map-a4.pdf 1
echo "ok: map-a4.pdf: $n4 A4 pages, none blank, every stage name on page 1"

# ---------------------------------------------------------------- Vietnamese

render map-vi.pdf --lang vi --paper a4
n=$(pages map-vi.pdf 841.89 595.28)
not_blank map-vi.pdf "$n"
names=$(names vi)
echo "$names" | grep -qx "Nhận biết" || fail "the Vietnamese map has no stage 'Nhận biết': $names"
has_text map-vi.pdf 0
has_text map-vi.pdf 1
echo "ok: map-vi.pdf: $n A4 pages, Vietnamese stage names are text"

# The format comes from -o's extension.
render map-a3-ext.pdf
head -c 5 map-a3-ext.pdf | grep -q '^%PDF-' || fail "-o map-a3-ext.pdf is not a PDF"
expect_eq "pages of -o map-a3-ext.pdf" "$(pages map-a3.pdf 1190.55 841.89)" \
    "$(pages map-a3-ext.pdf 1190.55 841.89)"

# ---------------------------------------------------------------- PNG

render map.png
python3 - map.png <<'PY' || fail "map.png is not a sensible PNG"
import struct, sys
d = open(sys.argv[1], "rb").read()
assert d[:8] == b"\x89PNG\r\n\x1a\n", "no PNG signature"
assert d[12:16] == b"IHDR", "no IHDR"
w, h = struct.unpack(">II", d[16:24])
assert 1000 <= w <= 32767 and 500 <= h <= 32767 and w * h <= 121e6, (w, h)
print("ok: map.png: %d x %d px, %d bytes" % (w, h, len(d)))
PY
pass
