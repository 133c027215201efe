/* cmd_top.c - placeholder while being written */
#include "cli.h"
int cmd_top(int argc, char **argv) { (void)argc; (void)argv; return 0; }
