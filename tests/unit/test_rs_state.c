/*
 * Unit tests for uvs-rs's pure parts (arp/rs/state.c, arp/rs/args.c):
 * the state file written and read back as it was, the lines a file
 * written by an older uvs-rs still has, every kind of bad line refused
 * with its number, and the VIPs (IPv4 and IPv6) the command line
 * accepts. Files live in
 * a fresh directory under /tmp; nothing touches the network.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <cmocka.h>

#include "arp/rs/rs.h"

static uint32_t
ip(const char *s)
{
	struct in_addr a;

	assert_int_equal(inet_pton(AF_INET, s, &a), 1);
	return a.s_addr;
}

struct dir {
	char	 path[64];
	char	 file[96];
};

static void
dir_make(struct dir *d)
{
	strcpy(d->path, "/tmp/uvs-test-rs-XXXXXX");
	assert_non_null(mkdtemp(d->path));
	snprintf(d->file, sizeof(d->file), "%s/rs.state", d->path);
}

static void
dir_remove(struct dir *d)
{
	(void)unlink(d->file);
	assert_int_equal(rmdir(d->path), 0);	/* no .tmp left behind */
}

static void
write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	fputs(text, f);
	assert_int_equal(fclose(f), 0);
}

static void
test_state_round_trip(void **state)
{
	struct rs_state st = { 0 }, back = { 0 };
	struct dir d;
	int lineno;

	(void)state;
	dir_make(&d);
	st.netns = 4026531993ULL;
	st.netns_ino = 4026532001ULL;
	assert_non_null(state_add_vip(&st, ip("198.18.0.10"), 1, "lo"));
	assert_non_null(state_add_vip(&st, ip("198.18.0.11"), 0, "eth0"));
	assert_int_equal(state_set_nft(&st, ip("198.18.0.11"),
	    ip("198.18.1.2")), 0);
	assert_non_null(state_add_knob(&st, "all", &rs_rules[0], 0));
	assert_non_null(state_add_knob(&st, "eth0", &rs_rules[1], 1));
	assert_int_equal(state_save(&st, d.file), 0);
	assert_int_equal(state_load(&back, d.file, &lineno), 0);
	assert_int_equal(back.netns, st.netns);
	assert_int_equal(back.netns_ino, st.netns_ino);
	assert_int_equal(back.nvip, 2);
	assert_int_equal(back.vip[0].addr, ip("198.18.0.10"));
	assert_int_equal(back.vip[0].added, 1);
	assert_string_equal(back.vip[0].dev, "lo");
	assert_int_equal(back.vip[1].added, 0);
	assert_string_equal(back.vip[1].dev, "eth0");
	assert_int_equal(back.nnft, 1);
	assert_int_equal(back.nft[0].rip, ip("198.18.1.2"));
	assert_int_equal(back.nknob, 2);
	assert_ptr_equal(state_find_knob(&back, "all", &rs_rules[0])->rule,
	    &rs_rules[0]);
	assert_int_equal(state_find_knob(&back, "eth0", &rs_rules[1])->old,
	    1);
	assert_null(state_find_knob(&back, "eth0", &rs_rules[0]));
	state_free(&st);
	state_free(&back);
	dir_remove(&d);
}

/*
 * Comments, blank lines, a vip line without a device (lo), and netns
 * lines with and without the inode.
 */
static void
test_state_reads_older_lines(void **state)
{
	struct rs_state st = { 0 };

	(void)state;
	assert_int_equal(state_parse(&st, "# a comment\n"), 0);
	assert_int_equal(state_parse(&st, "\n"), 0);
	assert_int_equal(state_parse(&st, "vip 198.18.0.10 added\n"), 0);
	assert_int_equal(st.nvip, 1);
	assert_string_equal(st.vip[0].dev, "lo");
	assert_int_equal(st.netns, 0);
	/* a netns line before the inode was recorded: the cookie alone */
	assert_int_equal(state_parse(&st, "netns 12\n"), 0);
	assert_int_equal(st.netns, 12);
	assert_int_equal(st.netns_ino, 0);
	assert_int_equal(state_parse(&st, "netns 12 13\n"), 0);
	assert_int_equal(st.netns_ino, 13);
	state_free(&st);
}

static void
test_state_refuses_bad_lines(void **state)
{
	static const char *const bad[] = {
		"vip 198.18.0.10 kept\n",		/* neither added nor present */
		"vip 198.18.0.300 added\n",
		"vip 198.18.0.10 added lo extra\n",
		"vip 198.18.0.10 added averyveryverylongname\n",
		"vip 198.18.0.20 added\n",		/* twice: see below */
		"nft 198.18.0.10\n",
		"nft 198.18.0.10 198.18.1.2 x\n",
		"sysctl lo arp_filter 1\n",		/* not one of ours */
		"sysctl lo arp_ignore one\n",
		"netns 12 13 14\n",
		"netns 12 x\n",
		"vips 198.18.0.10 added\n",
		"",
	};
	struct rs_state st = { 0 };
	size_t i;

	(void)state;
	assert_int_equal(state_parse(&st, "vip 198.18.0.20 added\n"), 0);
	assert_int_equal(state_parse(&st, "nft 198.18.0.20 198.18.1.2\n"), 0);
	assert_int_equal(state_parse(&st, "sysctl lo arp_ignore 0\n"), 0);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(state_parse(&st, bad[i]), -EINVAL);
	assert_int_equal(state_parse(&st, "nft 198.18.0.20 198.18.1.3\n"),
	    -EINVAL);
	assert_int_equal(state_parse(&st, "sysctl lo arp_ignore 1\n"),
	    -EINVAL);
	/* none of the refused lines changed anything */
	assert_int_equal(st.nvip, 1);
	assert_int_equal(st.nnft, 1);
	assert_int_equal(st.nknob, 1);
	state_free(&st);
}

/* A bad line stops the load and is named by its number. */
static void
test_state_load_names_the_bad_line(void **state)
{
	struct rs_state st = { 0 };
	struct dir d;
	int lineno = 0;

	(void)state;
	dir_make(&d);
	assert_int_equal(state_load(&st, d.file, &lineno), -ENOENT);
	write_file(d.file, "# uvs-rs\nnetns 7\nvip 198.18.0.10 added\n"
	    "sysctl lo arp_announce 0\nsomething else\nvip 198.18.0.11 "
	    "added\n");
	assert_int_equal(state_load(&st, d.file, &lineno), -EINVAL);
	assert_int_equal(lineno, 5);
	state_free(&st);
	dir_remove(&d);
}

static void
test_vip_parse(void **state)
{
	static const char *const bad[] = {
		"198.18.0", "198.18.0.256", "vip", "", "0.1.2.3", "127.0.0.1",
		"224.0.0.1", "255.255.255.255", "198.18.0.10/32",
	};
	uint32_t a = 0;
	size_t i;

	(void)state;
	assert_null(vip_parse("198.18.0.10", &a));
	assert_int_equal(a, ip("198.18.0.10"));
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		a = 7;
		assert_non_null(vip_parse(bad[i], &a));
		assert_int_equal(a, 7);	/* untouched */
	}
}

/* vip6 lines: written, read back, and the ones that are wrong refused. */
static void
test_state_vip6(void **state)
{
	static const char *const bad[] = {
		"vip6 198.18.0.10 added\n", "vip6 2001:db8::10 maybe\n",
		"vip6 2001:db8::10\n", "vip6 2001:db8::10 added lo\n",
		"vip6 2001:db8::11 added\n",	/* twice: see below */
	};
	struct rs_state st = { 0 }, back = { 0 };
	struct rs_vip6 *v;
	struct in6_addr a, b;
	struct dir d;
	size_t i;
	int lineno;

	(void)state;
	dir_make(&d);
	assert_int_equal(inet_pton(AF_INET6, "2001:db8::10", &a), 1);
	assert_int_equal(inet_pton(AF_INET6, "2001:db8::11", &b), 1);
	assert_non_null(state_add_vip(&st, ip("198.18.0.10"), 1, "lo"));
	assert_non_null(state_add_vip6(&st, &a, 1));
	assert_non_null(v = state_add_vip6(&st, &b, 0));
	v->nft = 1;
	assert_int_equal(state_save(&st, d.file), 0);
	assert_int_equal(state_load(&back, d.file, &lineno), 0);
	assert_int_equal(back.nvip, 1);
	assert_int_equal(back.nvip6, 2);
	assert_int_equal(state_find_vip6(&back, &a)->added, 1);
	assert_int_equal(state_find_vip6(&back, &b)->added, 0);
	assert_int_equal(state_find_vip6(&back, &a)->nft, 0);
	assert_int_equal(state_find_vip6(&back, &b)->nft, 1);
	/* what down restores on a failed up: as the file said */
	assert_int_equal(state_find_vip6(&back, &b)->nft_undo, 1);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(state_parse(&back, bad[i]), -EINVAL);
	assert_int_equal(back.nvip6, 2);
	state_free(&st);
	state_free(&back);
	dir_remove(&d);
}

/* A v6 VIP is a bare global unicast address; the rest is refused. */
static void
test_vip6_parse(void **state)
{
	static const char *const bad[] = {
		"2001:db8::10/128", "2001:db8::10/64", "fe80::10", "ff02::1",
		"ff05::10", "::", "::1", "::ffff:198.18.0.10", "2001:db8::g",
		"2001:db8:::10", "", "198.18.0.10",
	};
	struct in6_addr a, want, untouched;
	size_t i;

	(void)state;
	assert_int_equal(inet_pton(AF_INET6, "2001:db8::10", &want), 1);
	assert_null(vip6_parse("2001:db8::10", &a));
	assert_memory_equal(&a, &want, sizeof(a));
	assert_null(vip6_parse("fd00:1::10", &a));	/* ULA is fine */
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		memset(&a, 7, sizeof(a));
		untouched = a;
		assert_non_null(vip6_parse(bad[i], &a));
		assert_memory_equal(&a, &untouched, sizeof(a));
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_state_round_trip),
		cmocka_unit_test(test_state_reads_older_lines),
		cmocka_unit_test(test_state_refuses_bad_lines),
		cmocka_unit_test(test_state_load_names_the_bad_line),
		cmocka_unit_test(test_vip_parse),
		cmocka_unit_test(test_state_vip6),
		cmocka_unit_test(test_vip6_parse),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
