#include "testutil.h"
#include "journeymap/base.h"
static void smoke(void **state)
{
    (void)state;
    assert_int_equal(JM_OK, 0);
}
int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(smoke)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
