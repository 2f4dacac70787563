# Every class of bad input gets its exact message with file:line:column, exit code 1, and
# nothing imported: each bad file has a good row before the bad one, and the workspace must not
# have it afterwards. --skip-bad-rows imports the good rows and lists the bad ones with reasons.
. "$JM_SOURCE_DIR/tests/lib.sh"

cat > map.yaml <<'YAML'
name: bad input fixtures
sources:
  - file: "accounts*.csv"
    records:
      - entity: accounts
        fields: {id: id, name: name, employees: employees, created: created}
  - file: "deals*.csv"
    records:
      - entity: deals
        fields: {id: id, account: account, status: status, amount: amount, closed: closed}
YAML
H='id,name,employees,created'
GOOD='A2,Beta,5,2024-01-02'
printf '%s\nA1,Acme,10,2024-01-02\n' "$H" > accounts.csv
jm import -q -m map.yaml accounts.csv
expect_eq "baseline import" 0 "$rc"

bad() { # bad NAME CONTENT MESSAGE
    printf '%b' "$2" > "$1"
    expect_fail 1 "journeymap: $3" import -q -m map.yaml "$1"
    expect_eq "accounts after the failed import of $1" 1 "$(stat_count entities accounts)"
    expect_eq "deals after the failed import of $1" 0 "$(stat_count entities deals)"
}

bad accounts_short.csv "$H\n$GOOD\nA3,Gamma,5\n" \
    "accounts_short.csv:3:11: expected 4 fields, found 3"
bad accounts_utf8.csv "$(printf '%s\n%s\nA3,G\377mma,5,2024-01-02\n' "$H" "$GOOD")" \
    "accounts_utf8.csv:3:5: invalid UTF-8 byte 0xff"
bad accounts_quote.csv "$H\n$GOOD\nA3,\"Gamma,5,2024-01-02\n" \
    "accounts_quote.csv:3:4: unterminated quoted field"
bad accounts_date.csv "$H\n$GOOD\nA3,Gamma,5,02/01/2024\n" \
    "accounts_date.csv:3:12: column 'created': created: expected an ISO-8601 date such as 2024-03-05 or 2024-03-05T14:30:00Z, got '02/01/2024' (set a date format for others)"
bad accounts_number.csv "$H\n$GOOD\nA3,Gamma,many,2024-01-02\n" \
    "accounts_number.csv:3:10: column 'employees': expected a whole number for employees, got 'many'"
bad accounts_dup.csv "$H\n$GOOD\nA2,Beta Corp,5,2024-01-02\n" \
    "accounts_dup.csv:3:1: duplicate account id 'A2' with different content (first at line 2)"
long=$(printf '%2000s' '' | tr ' ' x)
bad accounts_long.csv "$H\n$GOOD\nA3,$long,5,2024-01-02\n" \
    "accounts_long.csv:3:4: column 'name': name is 2000 bytes, longer than the limit of 1024"
bad deals_enum.csv "id,account,status,amount,closed\nD1,A1,won,100,2024-02-01\nD2,A1,pending,100,2024-02-01\n" \
    "deals_enum.csv:3:7: column 'status': unknown status 'pending' (expected one of: open, won, lost)"
bad deals_ref.csv "id,account,status,amount,closed\nD1,A1,won,100,2024-02-01\nD2,ZZZ,won,100,2024-02-01\n" \
    "deals_ref.csv:3:4: column 'account': account 'ZZZ' does not exist (import accounts first, or set create_missing: [accounts])"

# A column the mapping names and the file lacks is reported at the mapping's position.
sed 's/name: name/name: nme/' map.yaml > typo.yaml
expect_fail 1 "journeymap: typo.yaml:6:32: column 'nme' is not in accounts.csv (its columns: id, name, employees, created)" \
    import -q -m typo.yaml accounts.csv
# A mistake in the mapping itself, too.
sed 's/fields: {id: id, name/fields: {id: id, nom/' map.yaml > field.yaml
expect_fail 1 "journeymap: field.yaml:6:26: accounts have no field 'nom' (fields: id, name, domain, industry, size_band, employees, region, country, segment, owner, created; put other data under properties)" \
    import -q -m field.yaml accounts.csv
# Identical duplicate rows are not an error: the second one is simply the same record.
printf '%s\n%s\n%s\n' "$H" "$GOOD" "$GOOD" > accounts_same.csv
jm import -q -m map.yaml accounts_same.csv
expect_eq "identical duplicate rows" "0/2" "$rc/$(stat_count entities accounts)"

# --skip-bad-rows: the good rows go in, each bad one is in the rejects file with its reason.
printf '%s\nA3,Gamma,5,2024-01-02\nA4,Delta,lots,2024-01-02\nA5,Eps,7\nA6,Zeta,8,2024-13-01\nA7,Eta,9,2024-01-03\n' \
    "$H" > accounts_mixed.csv
jm import -q -m map.yaml --skip-bad-rows --rejects rej.csv accounts_mixed.csv
expect_eq "skip-bad-rows exit" 0 "$rc"
expect_eq "accounts after skipping" 4 "$(stat_count entities accounts)"
expect_eq "skip-bad-rows message" "journeymap: 3 bad rows left out; reasons in rej.csv" "$(cat "$T/err")"
expect_eq "rejects file" "file,line,reason,row
accounts_mixed.csv,3,\"accounts_mixed.csv:3:10: column 'employees': expected a whole number for employees, got 'lots'\",\"A4,Delta,lots,2024-01-02\"
accounts_mixed.csv,4,\"accounts_mixed.csv:4:9: expected 4 fields, found 3\",\"A5,Eps,7\"
accounts_mixed.csv,5,accounts_mixed.csv:5:11: column 'created': created: invalid date or time '2024-13-01': there is no month 13,\"A6,Zeta,8,2024-13-01\"" \
    "$(cat rej.csv)"
pass
