/*
 * Column mappings: every shipped example loads, and every kind of mistake is reported at the
 * mapping's line and column with a message that says what to do.
 *
 * SPDX-License-Identifier: MIT
 */
#include <string.h>

#include "import/mapping.h"
#include "testutil.h"

static struct jm_mapping *parse_ok(const char *yaml)
{
    struct jm_mapping *m = NULL;
    struct jm_error err;
    jm_error_clear(&err);
    jm_status rc = jm_mapping_parse(yaml, strlen(yaml), "m.yaml", &m, &err);
    if (rc)
        fail_msg("unexpected error: %s", err.msg);
    return m;
}

static void expect_error(const char *yaml, const char *msg)
{
    struct jm_mapping *m = NULL;
    struct jm_error err;
    jm_error_clear(&err);
    jm_status rc = jm_mapping_parse(yaml, strlen(yaml), "m.yaml", &m, &err);
    assert_int_equal(rc, JM_EPARSE);
    assert_null(m);
    assert_string_equal(err.msg, msg);
}

static void mapping_loads_every_shipped_example(void **state)
{
    (void)state;
    static const char *const files[] = {
        "olist-marketing-funnel.yaml", "maven-crm.yaml",     "hubspot-companies.yaml",
        "hubspot-contacts.yaml",       "hubspot-deals.yaml", "salesforce-opportunities.yaml"};
    char dir[4096];
    snprintf(dir, sizeof(dir), "%s/examples/mappings", jm_test_source_dir());
    for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
        struct jm_mapping *m = NULL;
        struct jm_error err;
        jm_error_clear(&err);
        if (jm_mapping_load(jm_test_path(dir, files[i]), &m, &err))
            fail_msg("%s: %s", files[i], err.msg);
        assert_non_null(m->sources);
        jm_mapping_free(m);
    }
}

static void mapping_reads_field_specs_and_transforms(void **state)
{
    (void)state;
    struct jm_mapping *m =
        parse_ok("name: t\n"
                 "date_format: '%d/%m/%Y'\n"
                 "sources:\n"
                 "  - file: '*.csv'\n"
                 "    records:\n"
                 "      - entity: contacts\n"
                 "        create_missing: [accounts]\n"
                 "        fields:\n"
                 "          id: Record ID\n"
                 "          name: {template: '{First} {{x}} {Last}'}\n"
                 "          email: {column: Mail, trim: true, case: lower, split: ';', part: -1}\n"
                 "          account: {column: Mail, extract: email_domain}\n"
                 "          dmu_role: {column: Role, map: {Boss: decider}, otherwise: unknown}\n"
                 "        properties: [Phone]\n");
    assert_string_equal(m->name, "t");
    assert_string_equal(m->date_format, "%d/%m/%Y");
    const struct jm_record_spec *r = &m->sources[0].records[0];
    assert_int_equal(r->def->kind, JM_ENT_CONTACT);
    assert_int_equal(r->create_missing, 1u << JM_ENT_ACCOUNT);
    assert_string_equal(r->fields[0].column, "Record ID");
    const struct jm_value_spec *name = &r->fields[jm_entity_field(r->def, "name")];
    assert_int_equal(name->kind, JM_SPEC_TEMPLATE);
    assert_int_equal(name->nparts, 5); /* {First}, " ", "{", "x}} " -> literal runs, {Last} */
    const struct jm_value_spec *email = &r->fields[jm_entity_field(r->def, "email")];
    assert_int_equal(email->xforms, JM_XF_TRIM | JM_XF_LOWER);
    assert_string_equal(email->split, ";");
    assert_int_equal(email->part, -1);
    const struct jm_value_spec *role = &r->fields[jm_entity_field(r->def, "dmu_role")];
    assert_int_equal(role->nmap, 1);
    assert_string_equal(role->otherwise, "unknown");
    assert_int_equal(r->nprops, 1);
    assert_string_equal(r->props[0].key, "Phone");
    assert_non_null(jm__mapping_source_for(m, "/data/x.csv"));
    assert_null(jm__mapping_source_for(m, "/data/x.jsonl"));
    jm_mapping_free(m);
}

static void mapping_reports_unknown_keys_with_position(void **state)
{
    (void)state;
    expect_error("sources:\n  - records:\n      - entity: deals\n        fields:\n"
                 "          id: {colum: x}\n",
                 "m.yaml:5:16: unknown key 'colum' in a field (expected one of: column, "
                 "constant, template, split, part, trim, case, extract, map, otherwise, default, "
                 "lookup, date_format, optional)");
    expect_error("source: []\n", "m.yaml:1:1: unknown key 'source' in the mapping (expected one "
                                 "of: name, description, format, delimiter, date_format, "
                                 "lookups, sources)");
}

static void mapping_reports_unknown_entities_and_fields(void **state)
{
    (void)state;
    expect_error("sources:\n  - records:\n      - entity: leads\n        fields: {}\n",
                 "m.yaml:3:17: unknown entity 'leads' (expected accounts, contacts, events, "
                 "deals, tickets, surveys, revenue or owners)");
    expect_error("sources:\n  - records:\n      - entity: owners\n        fields: {phone: p}\n",
                 "m.yaml:4:18: owners have no field 'phone' (fields: id, name, email, team, "
                 "manager, office; put other data under properties)");
}

static void mapping_reports_duplicates_and_wrong_types(void **state)
{
    (void)state;
    expect_error("sources:\n  - records:\n      - entity: owners\n        fields:\n"
                 "          id: a\n          id: b\n",
                 "m.yaml:6:11: duplicate field 'id'");
    expect_error("name: a\nname: b\nsources: []\n",
                 "m.yaml:2:1: duplicate key 'name' in the mapping");
    expect_error("sources: {a: b}\n", "m.yaml:1:10: sources must be a list, not a mapping");
    expect_error("sources:\n  - records:\n      - entity: owners\n        fields:\n"
                 "          id: [a, b]\n",
                 "m.yaml:5:15: a field must be a mapping, not a list");
    expect_error("sources:\n  - records:\n      - entity: owners\n        fields:\n"
                 "          id: {column: a, constant: b}\n",
                 "m.yaml:5:15: a field needs exactly one of column, constant or template");
    expect_error("sources:\n  - records:\n      - entity: owners\n        fields:\n"
                 "          name: {column: a, date_format: '%Y'}\n",
                 "m.yaml:5:17: date_format applies to time fields, and name is not one");
}

static void mapping_reports_bad_transforms(void **state)
{
    (void)state;
    expect_error("sources:\n  - records:\n      - entity: owners\n        fields:\n"
                 "          id: {column: a, lookup: nope}\n",
                 "m.yaml:5:35: no lookup named 'nope' (define it under 'lookups')");
    expect_error("sources:\n  - records:\n      - entity: owners\n        fields:\n"
                 "          id: {column: a, case: title}\n",
                 "m.yaml:5:33: case must be lower or upper, not 'title'");
    expect_error("sources:\n  - records:\n      - entity: owners\n        fields:\n"
                 "          id: {template: 'x {a'}\n",
                 "m.yaml:5:26: template 'x {a' has an unclosed or empty {column}");
    expect_error("delimiter: ab\nsources: []\n",
                 "m.yaml:1:12: delimiter must be one character (or 'tab'), not 'ab'");
    expect_error("sources:\n  - records:\n      - entity: deals\n        create_missing: "
                 "[deals]\n        fields: {}\n",
                 "m.yaml:4:26: create_missing takes owners, accounts or contacts, not 'deals'");
}

static void mapping_reports_malformed_yaml(void **state)
{
    (void)state;
    expect_error("sources: [\n", "m.yaml:2:1: did not find expected node content while "
                                 "parsing a flow node");
    expect_error("", "m.yaml: the mapping is empty");
}

static void mapping_identity_maps_every_field_optionally(void **state)
{
    (void)state;
    struct jm_mapping *m = NULL;
    assert_int_equal(jm_mapping_identity(jm_entity_get(JM_ENT_DEAL), &m, NULL), JM_OK);
    const struct jm_record_spec *r = &m->sources[0].records[0];
    assert_true(r->other_columns_as_props);
    for (size_t i = 0; i < r->def->nfields; i++) {
        assert_string_equal(r->fields[i].column, r->def->fields[i].name);
        assert_true(r->fields[i].optional);
    }
    jm_mapping_free(m);
}

static void mapping_survives_every_allocation_failure(void **state)
{
    (void)state;
    const char *yaml = "lookups:\n  l: {file: a.csv, key: k, value: v}\n"
                       "sources:\n  - file: a.csv\n    records:\n      - entity: contacts\n"
                       "        fields: {id: {column: x, lookup: l, map: {a: b}}, name: "
                       "{template: '{a} {b}'}}\n        properties: [p, q]\n";
    for (unsigned long n = 1;; n++) {
        struct jm_mapping *m = NULL;
        jm_alloc_fail_at(n);
        jm_status rc = jm_mapping_parse(yaml, strlen(yaml), "m.yaml", &m, NULL);
        unsigned long used = jm_alloc_count();
        jm_alloc_fail_reset();
        jm_mapping_free(m);
        if (rc == JM_OK && used < n)
            break; /* every allocation has been failed once */
        assert_true(rc == JM_ENOMEM || rc == JM_OK);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(mapping_loads_every_shipped_example),
        cmocka_unit_test(mapping_reads_field_specs_and_transforms),
        cmocka_unit_test(mapping_reports_unknown_keys_with_position),
        cmocka_unit_test(mapping_reports_unknown_entities_and_fields),
        cmocka_unit_test(mapping_reports_duplicates_and_wrong_types),
        cmocka_unit_test(mapping_reports_bad_transforms),
        cmocka_unit_test(mapping_reports_malformed_yaml),
        cmocka_unit_test(mapping_identity_maps_every_field_optionally),
        cmocka_unit_test(mapping_survives_every_allocation_failure),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
