// setns(2) for the egress probe: glibc declares it only under _GNU_SOURCE, which Swift's
// Glibc module does not define.
#ifndef RULEWATCH_CNAMESPACE_H
#define RULEWATCH_CNAMESPACE_H

/// Moves the calling thread into the network namespace `fd` refers to; 0 or -1 with errno.
int rulewatch_enter_netns(int fd);

#endif
