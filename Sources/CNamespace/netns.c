#define _GNU_SOURCE
#include <sched.h>
#include "CNamespace.h"

int rulewatch_enter_netns(int fd) {
    return setns(fd, CLONE_NEWNET);
}
