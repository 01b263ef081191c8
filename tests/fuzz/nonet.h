/*
 * Keeps a harness off the network. uvsadm's parser resolves host and
 * service names (getaddrinfo, getservbyname), so fuzzed words would
 * become DNS queries: the harness moves itself into a new, empty network
 * namespace first (as root, or through a user namespace), where a lookup
 * fails at once. `make fuzz` runs the harnesses in `unshare -n` too; this
 * covers running one by hand. When neither works the harness stops,
 * unless UVS_FUZZ_ALLOW_NET=1 says lookups may leave the machine.
 * Including this file gives the harness its LLVMFuzzerInitialize(), so
 * it goes in one file of a harness only.
 */
#ifndef UVS_FUZZ_NONET_H
#define UVS_FUZZ_NONET_H

#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void
fuzz_nonet(void)
{
	const char *allow = getenv("UVS_FUZZ_ALLOW_NET");

	if (unshare(CLONE_NEWNET) == 0 ||
	    unshare(CLONE_NEWUSER | CLONE_NEWNET) == 0)
		return;
	if (allow && strcmp(allow, "1") == 0)
		return;
	fprintf(stderr, "fuzz: cannot leave the network (unshare: %s); run "
	    "me under `unshare -n`, or set UVS_FUZZ_ALLOW_NET=1\n",
	    strerror(errno));
	exit(1);
}

int	LLVMFuzzerInitialize(int *argc, char ***argv);

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	fuzz_nonet();
	return 0;
}

#endif
