/* Placeholder while the command is written in this session; replaced before commit. */
#include "cli.h"
int cmd_check(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    return JM_EXIT_INTERNAL;
}
