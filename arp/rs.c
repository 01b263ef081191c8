/*
 * uvs-rs: the real-server half of LVS Direct Routing. `up` puts each VIP
 * on lo, so the host accepts frames the director sends it, and raises
 * arp_ignore/arp_announce so the host never answers or announces ARP for
 * the VIP (what old recipes did with `ifconfig lo:0` and arptables_jf).
 * `down` undoes exactly what `up` changed and nothing else: `up` records
 * each change in a state file, one per network namespace because
 * namespaces share /run. `check` says what is missing. Every argument is
 * checked before anything changes; an `up` that fails half way undoes its
 * own changes.
 */
#include <sys/socket.h>
#include <sys/stat.h>

#include <arpa/inet.h>
#include <net/if.h>
#include <netinet/in.h>

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "arp/addr.h"
#include "arp/sysctl.h"

#define STATE_DIR	"/run/uvs"
#define VIP_PREFIX	32
#define LINE_MAX_LEN	256

#define USAGE		"usage: uvs-rs [--state FILE] up|check|down VIP..."

enum { EXIT_PROBLEM = 1, EXIT_USAGE = 2 };

/* A sysctl up raises, and which values keep ARP for a VIP on lo quiet. */
struct rs_rule {
	const char	*key;
	int		 want;
	int		(*ok)(int);
	const char	*why;	/* what goes wrong when it is not ok */
};

struct rs_vip {
	uint32_t	addr;
	int		added;		/* up put it there, down takes it off */
	int		fresh;		/* this run added it: undone on failure */
};

struct rs_knob {
	char			 ifname[IF_NAMESIZE];
	const struct rs_rule	*rule;
	int			 old;	/* before the first up: down restores */
	int			 undo;	/* before this run: failure restores */
	int			 fresh;
};

struct rs_state {
	uint64_t	 netns;		/* SO_NETNS_COOKIE of the writer, 0 unknown */
	struct rs_vip	*vip;
	size_t		 nvip;
	struct rs_knob	*knob;
	size_t		 nknob;
};

struct rs {
	const char	*path;		/* the state file */
	const uint32_t	*vip;		/* from the command line */
	size_t		 nvip;
	int		 lo;
	int		 all[2];	/* check: the "all" values, by rule */
	int		 nbad;		/* check: problems found */
	int		 nif;		/* check: interfaces looked at */
	struct rs_state	 st;
};

/*
 * 1 and 2 answer only for addresses on the incoming interface, 8 never
 * answers. 3 still answers for a scope global VIP and 4-7 act as 0
 * (arp_ignore() in net/ipv4/arp.c), so "more" is not always "safer".
 */
static int
ignore_ok(int v)
{
	return v == 1 || v == 2 || v == 8;
}

/* Only 2 keeps the VIP out of ARP requests; arp_solicit() treats >2 as 0. */
static int
announce_ok(int v)
{
	return v == 2;
}

static const struct rs_rule rs_rules[] = {
	{ .key = "arp_ignore", .want = 1, .ok = ignore_ok,
	  .why = "this host answers ARP for the VIP, so clients that hear it "
	  "send VIP traffic here, past the director" },
	{ .key = "arp_announce", .want = 2, .ok = announce_ok,
	  .why = "this host's own ARP requests carry the VIP as sender, so "
	  "the hosts asked learn the VIP at this MAC and send VIP traffic "
	  "here, past the director" },
};
#define NRULES	(sizeof(rs_rules) / sizeof(rs_rules[0]))

static const char *
ip_str(uint32_t addr, char *buf)
{
	struct in_addr	in = { .s_addr = addr };

	return inet_ntop(AF_INET, &in, buf, INET_ADDRSTRLEN);
}

static const struct rs_rule *
rule_by_key(const char *key)
{
	size_t	i;

	for (i = 0; i < NRULES; i++)
		if (strcmp(rs_rules[i].key, key) == 0)
			return &rs_rules[i];
	return NULL;
}

/* The namespace's cookie is never reused within a boot; its inode is. */
static uint64_t
netns_cookie(void)
{
	uint64_t	cookie = 0;
#ifdef SO_NETNS_COOKIE
	socklen_t	len = sizeof(cookie);
	int		fd;

	if ((fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0)) < 0)
		return 0;
	if (getsockopt(fd, SOL_SOCKET, SO_NETNS_COOKIE, &cookie, &len) < 0)
		cookie = 0;
	close(fd);
#endif
	return cookie;
}

static struct rs_vip *
state_find_vip(struct rs_state *st, uint32_t addr)
{
	size_t	i;

	for (i = 0; i < st->nvip; i++)
		if (st->vip[i].addr == addr)
			return &st->vip[i];
	return NULL;
}

static struct rs_knob *
state_find_knob(struct rs_state *st, const char *ifname,
    const struct rs_rule *rule)
{
	size_t	i;

	for (i = 0; i < st->nknob; i++)
		if (st->knob[i].rule == rule &&
		    strcmp(st->knob[i].ifname, ifname) == 0)
			return &st->knob[i];
	return NULL;
}

static struct rs_vip *
state_add_vip(struct rs_state *st, uint32_t addr, int added)
{
	struct rs_vip	*v;

	if ((v = reallocarray(st->vip, st->nvip + 1, sizeof(*v))) == NULL)
		return NULL;
	st->vip = v;
	v = &st->vip[st->nvip++];
	*v = (struct rs_vip){ .addr = addr, .added = added };
	return v;
}

static struct rs_knob *
state_add_knob(struct rs_state *st, const char *ifname,
    const struct rs_rule *rule, int old)
{
	struct rs_knob	*k;

	if (strlen(ifname) >= IF_NAMESIZE)
		return NULL;
	if ((k = reallocarray(st->knob, st->nknob + 1, sizeof(*k))) == NULL)
		return NULL;
	st->knob = k;
	k = &st->knob[st->nknob++];
	*k = (struct rs_knob){ .rule = rule, .old = old, .undo = old };
	strcpy(k->ifname, ifname);
	return k;
}

static void
state_free(struct rs_state *st)
{
	free(st->vip);
	free(st->knob);
	*st = (struct rs_state){ 0 };
}

/* One line of the file state_save writes; -EINVAL for anything else. */
static int
state_parse(struct rs_state *st, const char *line)
{
	char			 a[LINE_MAX_LEN], b[LINE_MAX_LEN];
	const struct rs_rule	*rule;
	struct in_addr		 in;
	uint64_t		 cookie;
	int			 v, n = -1;

	if (line[0] == '#' || line[0] == '\n')
		return 0;
	if (sscanf(line, "netns %" SCNu64 " %n", &cookie, &n) == 1 &&
	    n > 0 && line[n] == '\0') {
		st->netns = cookie;
		return 0;
	}
	n = -1;
	if (sscanf(line, "vip %255s %255s %n", a, b, &n) == 2 &&
	    n > 0 && line[n] == '\0') {
		if (inet_pton(AF_INET, a, &in) != 1 || state_find_vip(st,
		    in.s_addr) != NULL)
			return -EINVAL;
		if (strcmp(b, "added") != 0 && strcmp(b, "present") != 0)
			return -EINVAL;
		if (state_add_vip(st, in.s_addr, b[0] == 'a') == NULL)
			return -ENOMEM;
		return 0;
	}
	n = -1;
	if (sscanf(line, "sysctl %255s %255s %d %n", a, b, &v, &n) == 3 &&
	    n > 0 && line[n] == '\0') {
		if ((rule = rule_by_key(b)) == NULL ||
		    strlen(a) >= IF_NAMESIZE || state_find_knob(st, a, rule))
			return -EINVAL;
		if (state_add_knob(st, a, rule, v) == NULL)
			return -ENOMEM;
		return 0;
	}
	return -EINVAL;
}

/* 0, -ENOENT when there is no file, -errno; *lineno names a bad line. */
static int
state_load(struct rs_state *st, const char *path, int *lineno)
{
	char	 line[LINE_MAX_LEN];
	FILE	*f;
	int	 rc = 0;

	*lineno = 0;
	if ((f = fopen(path, "re")) == NULL)
		return -errno;
	while (rc == 0 && fgets(line, sizeof(line), f) != NULL) {
		++*lineno;
		rc = state_parse(st, line);
	}
	if (rc == 0 && ferror(f))
		rc = -EIO;
	fclose(f);
	return rc;
}

/* Written whole to a temporary file and renamed, so never half there. */
static int
state_save(const struct rs_state *st, const char *path)
{
	char	 tmp[PATH_MAX], ip[INET_ADDRSTRLEN];
	size_t	 i;
	FILE	*f;
	int	 fd, rc = 0;

	if ((size_t)snprintf(tmp, sizeof(tmp), "%s.tmp", path) >= sizeof(tmp))
		return -ENAMETOOLONG;
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0)
		return -errno;
	if ((f = fdopen(fd, "w")) == NULL) {
		rc = -errno;
		close(fd);
		unlink(tmp);
		return rc;
	}
	fprintf(f, "# uvs-rs: what `up` changed, for `down` to undo\n");
	if (st->netns != 0)
		fprintf(f, "netns %" PRIu64 "\n", st->netns);
	for (i = 0; i < st->nvip; i++)
		fprintf(f, "vip %s %s\n", ip_str(st->vip[i].addr, ip),
		    st->vip[i].added ? "added" : "present");
	for (i = 0; i < st->nknob; i++)
		fprintf(f, "sysctl %s %s %d\n", st->knob[i].ifname,
		    st->knob[i].rule->key, st->knob[i].old);
	if (ferror(f) || fflush(f) != 0 || fsync(fd) < 0)
		rc = errno != 0 ? -errno : -EIO;
	if (fclose(f) != 0 && rc == 0)
		rc = -errno;
	if (rc == 0 && rename(tmp, path) < 0)
		rc = -errno;
	if (rc < 0)
		unlink(tmp);
	return rc;
}

/*
 * Reads what earlier runs changed. Inodes of dead namespaces are reused,
 * so a file written under another cookie is not ours to undo.
 */
static int
rs_load(struct rs *rs)
{
	uint64_t	cookie = netns_cookie();
	int		rc, lineno;

	rc = state_load(&rs->st, rs->path, &lineno);
	if (rc < 0 && rc != -ENOENT) {
		if (rc == -EINVAL)
			fprintf(stderr, "uvs-rs: %s line %d is not one uvs-rs "
			    "wrote\n", rs->path, lineno);
		else
			fprintf(stderr, "uvs-rs: %s: %s\n", rs->path,
			    strerror(-rc));
		return rc;
	}
	if (rs->st.netns != 0 && cookie != 0 && rs->st.netns != cookie) {
		fprintf(stderr, "uvs-rs: %s was written in another network "
		    "namespace; ignoring it\n", rs->path);
		state_free(&rs->st);
	}
	if (rs->st.netns == 0)
		rs->st.netns = cookie;
	return 0;
}

/* Raises every rule on ifname that the kernel would not honour yet. */
static int
up_knobs(struct rs *rs, const char *ifname)
{
	const struct rs_rule	*rule;
	struct rs_knob		*k;
	size_t			 i;
	int			 v, rc;

	for (i = 0; i < NRULES; i++) {
		rule = &rs_rules[i];
		if ((rc = uvs_sysctl_get(ifname, rule->key, &v)) == -ENOENT)
			return 0;	/* the interface went away meanwhile */
		if (rc < 0) {
			fprintf(stderr, "uvs-rs: cannot read %s on %s: %s\n",
			    rule->key, ifname, strerror(-rc));
			return rc;
		}
		if (rule->ok(v))
			continue;
		k = state_find_knob(&rs->st, ifname, rule);
		if (k == NULL &&
		    (k = state_add_knob(&rs->st, ifname, rule, v)) == NULL) {
			fprintf(stderr, "uvs-rs: out of memory\n");
			return -ENOMEM;
		}
		k->undo = v;
		k->fresh = 1;
		if ((rc = uvs_sysctl_set(ifname, rule->key, rule->want)) < 0) {
			fprintf(stderr, "uvs-rs: cannot set %s on %s: %s\n",
			    rule->key, ifname, strerror(-rc));
			return rc;
		}
	}
	return 0;
}

/* 1 stops the walk: up_knobs has said what went wrong. */
static int
up_if(const char *ifname, void *arg)
{
	if (strcmp(ifname, "lo") == 0)
		return 0;
	return up_knobs(arg, ifname) < 0 ? 1 : 0;
}

static int
up_vip(struct rs *rs, uint32_t addr)
{
	char		 ip[INET_ADDRSTRLEN];
	struct rs_vip	*v;
	int		 rc;

	rc = uvs_addr_add(rs->lo, addr, VIP_PREFIX);
	if (rc < 0 && rc != -EEXIST) {
		fprintf(stderr, "uvs-rs: cannot put %s on lo: %s\n",
		    ip_str(addr, ip), strerror(-rc));
		return rc;
	}
	/* A record from an earlier up says whether it was there before. */
	if ((v = state_find_vip(&rs->st, addr)) == NULL &&
	    (v = state_add_vip(&rs->st, addr, rc == 0)) == NULL) {
		fprintf(stderr, "uvs-rs: out of memory\n");
		return -ENOMEM;
	}
	if (rc == 0)
		v->fresh = 1;
	return 0;
}

/* Takes back what this run changed, VIPs first (see rs_up). */
static void
up_undo(struct rs *rs)
{
	char	ip[INET_ADDRSTRLEN];
	size_t	i;
	int	rc;

	for (i = 0; i < rs->st.nvip; i++) {
		if (!rs->st.vip[i].fresh)
			continue;
		rc = uvs_addr_del(rs->lo, rs->st.vip[i].addr, VIP_PREFIX);
		if (rc < 0 && rc != -EADDRNOTAVAIL)
			fprintf(stderr, "uvs-rs: cannot take %s off lo: %s\n",
			    ip_str(rs->st.vip[i].addr, ip), strerror(-rc));
	}
	for (i = 0; i < rs->st.nknob; i++) {
		if (!rs->st.knob[i].fresh)
			continue;
		rc = uvs_sysctl_set(rs->st.knob[i].ifname,
		    rs->st.knob[i].rule->key, rs->st.knob[i].undo);
		if (rc < 0 && rc != -ENOENT)
			fprintf(stderr, "uvs-rs: cannot restore %s on %s: %s\n",
			    rs->st.knob[i].rule->key, rs->st.knob[i].ifname,
			    strerror(-rc));
	}
}

static int
rs_up(struct rs *rs)
{
	size_t	i;
	int	rc;

	/*
	 * ARP first: a VIP on lo while arp_ignore is still 0 would answer
	 * the clients' ARP and pull the director's traffic to this host.
	 */
	if ((rc = up_knobs(rs, "all")) == 0 &&
	    (rc = uvs_sysctl_each_if(up_if, rs)) < 0)
		fprintf(stderr, "uvs-rs: cannot list interfaces: %s\n",
		    strerror(-rc));
	for (i = 0; rc == 0 && i < rs->nvip; i++)
		rc = up_vip(rs, rs->vip[i]);
	if (rc == 0 && (rc = state_save(&rs->st, rs->path)) < 0)
		fprintf(stderr, "uvs-rs: cannot write %s: %s\n", rs->path,
		    strerror(-rc));
	if (rc != 0) {
		up_undo(rs);
		return EXIT_PROBLEM;
	}
	return 0;
}

/* Restores the sysctls once no VIP needs them; keeps what failed. */
static int
down_knobs(struct rs *rs)
{
	struct rs_knob	*k;
	size_t		 i, kept = 0;
	int		 rc, bad = 0;

	for (i = 0; i < rs->st.nknob; i++) {
		k = &rs->st.knob[i];
		rc = uvs_sysctl_set(k->ifname, k->rule->key, k->old);
		if (rc < 0 && rc != -ENOENT) {
			fprintf(stderr, "uvs-rs: cannot restore %s on %s: %s\n",
			    k->rule->key, k->ifname, strerror(-rc));
			rs->st.knob[kept++] = *k;
			bad = 1;
		}
	}
	rs->st.nknob = kept;
	return bad;
}

static int
rs_down(struct rs *rs)
{
	char		 ip[INET_ADDRSTRLEN];
	struct rs_vip	*v;
	size_t		 i;
	int		 rc, bad = 0;

	/* VIPs first, the mirror of rs_up: never on lo with ARP answered. */
	for (i = 0; i < rs->nvip; i++) {
		if ((v = state_find_vip(&rs->st, rs->vip[i])) == NULL) {
			fprintf(stderr, "uvs-rs: %s was not put up by uvs-rs "
			    "(not in %s); left alone\n",
			    ip_str(rs->vip[i], ip), rs->path);
			bad = 1;
			continue;
		}
		rc = v->added ? uvs_addr_del(rs->lo, v->addr, VIP_PREFIX) : 0;
		if (rc < 0 && rc != -EADDRNOTAVAIL) {
			fprintf(stderr, "uvs-rs: cannot take %s off lo: %s\n",
			    ip_str(v->addr, ip), strerror(-rc));
			bad = 1;
			continue;
		}
		*v = rs->st.vip[--rs->st.nvip];
	}
	if (rs->st.nvip == 0)
		bad |= down_knobs(rs);
	if (rs->st.nvip == 0 && rs->st.nknob == 0)
		rc = unlink(rs->path) < 0 && errno != ENOENT ? -errno : 0;
	else
		rc = state_save(&rs->st, rs->path);
	if (rc < 0) {
		fprintf(stderr, "uvs-rs: cannot update %s: %s\n", rs->path,
		    strerror(-rc));
		bad = 1;
	}
	return bad ? EXIT_PROBLEM : 0;
}

static void
check_vip(struct rs *rs, uint32_t addr)
{
	char	ip[INET_ADDRSTRLEN], ifname[IF_NAMESIZE];
	uint8_t	prefixlen = 0;
	int	ifindex;

	ip_str(addr, ip);
	ifindex = uvs_addr_lookup(addr, &prefixlen);
	if (ifindex < 0)
		printf("uvs-rs: cannot list addresses: %s\n",
		    strerror(-ifindex));
	else if (ifindex == 0)
		printf("uvs-rs: %s is not on lo: this host drops what the "
		    "director sends it for %s (not one of its addresses), so "
		    "its share of connections hangs\n", ip, ip);
	else if (ifindex != rs->lo)
		printf("uvs-rs: %s is on %s, not lo\n", ip,
		    if_indextoname(ifindex, ifname) ? ifname : "?");
	else if (prefixlen != VIP_PREFIX)
		printf("uvs-rs: %s is on lo as /%u (need /%d)\n", ip,
		    prefixlen, VIP_PREFIX);
	else
		return;
	rs->nbad++;
}

/* The kernel applies max(all, interface) for both knobs (IN_DEV_MAXCONF). */
static int
check_if(const char *ifname, void *arg)
{
	struct rs	*rs = arg;
	size_t		 i;
	int		 v, rc;

	if (strcmp(ifname, "lo") == 0)
		return 0;
	rs->nif++;
	for (i = 0; i < NRULES; i++) {
		if ((rc = uvs_sysctl_get(ifname, rs_rules[i].key, &v)) < 0) {
			printf("uvs-rs: cannot read %s on %s: %s\n",
			    rs_rules[i].key, ifname, strerror(-rc));
			rs->nbad++;
			continue;
		}
		if (rs->all[i] > v)
			v = rs->all[i];
		if (!rs_rules[i].ok(v)) {
			printf("uvs-rs: %s is %d on %s (need %d): %s\n",
			    rs_rules[i].key, v, ifname, rs_rules[i].want,
			    rs_rules[i].why);
			rs->nbad++;
		}
	}
	return 0;
}

/* The value under name in a /proc/net/snmp header/values line pair. */
static long long
snmp_field(char *head, char *vals, const char *name)
{
	char	*hs, *vs, *h, *v;

	h = strtok_r(head, " \n", &hs);
	v = strtok_r(vals, " \n", &vs);
	while (h && v) {
		if (strcmp(h, name) == 0)
			return strtoll(v, NULL, 10);
		h = strtok_r(NULL, " \n", &hs);
		v = strtok_r(NULL, " \n", &vs);
	}
	return 0;
}

/*
 * TCP and UDP packets this namespace received with a bad checksum. A
 * forwarder that sends frames on without their checksum-offload state
 * (a partial checksum the sender's NIC was to finish) makes them, and no
 * sysctl here shows it. The count, or -errno.
 */
static long long
csum_errors(void)
{
	char		 head[4096], vals[4096];
	long long	 sum = 0;
	FILE		*f;

	if ((f = fopen("/proc/net/snmp", "r")) == NULL)
		return -errno;
	/* the file is pairs of lines: "Tcp: names..." then "Tcp: values..." */
	while (fgets(head, sizeof(head), f) && fgets(vals, sizeof(vals), f))
		if (strncmp(head, "Tcp:", 4) == 0 ||
		    strncmp(head, "Udp:", 4) == 0)
			sum += snmp_field(head, vals, "InCsumErrors");
	fclose(f);
	return sum;
}

static int
rs_check(struct rs *rs)
{
	char		ip[INET_ADDRSTRLEN];
	long long	bad_csum;
	size_t		i;
	int		rc;

	for (i = 0; i < rs->nvip; i++)
		check_vip(rs, rs->vip[i]);
	for (i = 0; i < NRULES; i++) {
		if ((rc = uvs_sysctl_get("all", rs_rules[i].key,
		    &rs->all[i])) < 0) {
			printf("uvs-rs: cannot read %s on all: %s\n",
			    rs_rules[i].key, strerror(-rc));
			return EXIT_PROBLEM;
		}
	}
	if ((rc = uvs_sysctl_each_if(check_if, rs)) < 0) {
		printf("uvs-rs: cannot list interfaces: %s\n", strerror(-rc));
		rs->nbad++;
	}
	if ((bad_csum = csum_errors()) > 0)
		printf("uvs-rs: note: %lld TCP/UDP packets reached this host "
		    "with bad checksums (InCsumErrors in nstat): a forwarder "
		    "on the way sends frames on without their checksum-offload "
		    "state, and the connections they carry hang; fix the "
		    "forwarder (uvsd: run it without --no-vnet)\n", bad_csum);
	if (rs->nbad > 0) {
		printf("uvs-rs: fix: uvs-rs up");
		for (i = 0; i < rs->nvip; i++)
			printf(" %s", ip_str(rs->vip[i], ip));
		printf("\n");
		return EXIT_PROBLEM;
	}
	printf("uvs-rs: ok: %zu VIP%s on lo, ARP for %s suppressed on %d "
	    "interface%s\n", rs->nvip, rs->nvip == 1 ? "" : "s",
	    rs->nvip == 1 ? "it" : "them", rs->nif, rs->nif == 1 ? "" : "s");
	return 0;
}

/* NULL when s is a VIP, or what is wrong with it. */
static const char *
vip_parse(const char *s, uint32_t *addr)
{
	struct in_addr	in;
	uint32_t	h;

	if (inet_pton(AF_INET, s, &in) != 1)
		return "is not a dotted IPv4 address";
	h = ntohl(in.s_addr);
	/* 0/8 is "this host", 127/8 loopback, 224/3 multicast and beyond. */
	if ((h >> 24) == 0 || (h >> 24) == 127 || (h >> 29) == 7)
		return "is not a unicast address";
	*addr = in.s_addr;
	return NULL;
}

static int
state_default_path(char *buf, size_t size)
{
	struct stat	sb;
	int		n;

	if (stat("/proc/self/ns/net", &sb) < 0)
		return -errno;
	n = snprintf(buf, size, STATE_DIR "/rs-%ju.state",
	    (uintmax_t)sb.st_ino);
	if (n < 0 || (size_t)n >= size)
		return -ENAMETOOLONG;
	return 0;
}

/* Everything after the arguments proved good; returns the exit code. */
static int
rs_run(struct rs *rs, const char *verb, char *path, size_t size)
{
	int	rc;

	if (rs->path == NULL) {
		if ((rc = state_default_path(path, size)) < 0) {
			fprintf(stderr, "uvs-rs: cannot name the state file: "
			    "%s\n", strerror(-rc));
			return EXIT_PROBLEM;
		}
		rs->path = path;
		if (strcmp(verb, "up") == 0 && mkdir(STATE_DIR, 0700) < 0 &&
		    errno != EEXIST) {
			fprintf(stderr, "uvs-rs: cannot make %s: %s\n",
			    STATE_DIR, strerror(errno));
			return EXIT_PROBLEM;
		}
	}
	if ((rs->lo = if_nametoindex("lo")) == 0) {
		fprintf(stderr, "uvs-rs: no lo here: %s\n", strerror(errno));
		return EXIT_PROBLEM;
	}
	if (strcmp(verb, "check") == 0)
		return rs_check(rs);
	if (rs_load(rs) < 0)
		return EXIT_PROBLEM;
	if (strcmp(verb, "down") == 0)
		return rs_down(rs);
	return rs_up(rs);
}

static void
usage(FILE *f)
{
	fprintf(f, "%s\n"
	    "  up     put each VIP/32 on lo; stop ARP answers and announcements"
	    " for it\n"
	    "  check  say what is missing; exit 1 if anything is\n"
	    "  down   undo what up changed, and only that\n"
	    "  --state FILE  where up records its changes\n"
	    "                (default " STATE_DIR "/rs-<netns inode>.state)\n",
	    USAGE);
}

int
main(int argc, char *argv[])
{
	static const struct option longopts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ "state", required_argument, NULL, 's' },
		{ NULL, 0, NULL, 0 },
	};
	char		 path[PATH_MAX];
	struct rs	 rs = { 0 };
	const char	*verb, *why;
	uint32_t	*vip;
	int		 ch, i, rc;

	opterr = 0;
	while ((ch = getopt_long(argc, argv, ":h", longopts, NULL)) != -1) {
		switch (ch) {
		case 'h':
			usage(stdout);
			return 0;
		case 's':
			rs.path = optarg;
			break;
		case ':':
			fprintf(stderr, "uvs-rs: %s needs an argument\n",
			    argv[optind - 1]);
			return EXIT_USAGE;
		default:
			fprintf(stderr, "uvs-rs: unknown option %s (%s)\n",
			    argv[optind - 1], USAGE);
			return EXIT_USAGE;
		}
	}
	if (optind >= argc) {
		fprintf(stderr, "uvs-rs: no verb given (%s)\n", USAGE);
		return EXIT_USAGE;
	}
	verb = argv[optind++];
	if (strcmp(verb, "up") != 0 && strcmp(verb, "check") != 0 &&
	    strcmp(verb, "down") != 0) {
		fprintf(stderr, "uvs-rs: unknown verb '%s' (up, check or down)\n",
		    verb);
		return EXIT_USAGE;
	}
	if (optind >= argc) {
		fprintf(stderr, "uvs-rs: %s needs at least one VIP\n", verb);
		return EXIT_USAGE;
	}
	if ((vip = calloc(argc - optind, sizeof(*vip))) == NULL) {
		fprintf(stderr, "uvs-rs: out of memory\n");
		return EXIT_PROBLEM;
	}
	for (i = optind; i < argc; i++) {
		if ((why = vip_parse(argv[i], &vip[i - optind])) != NULL) {
			fprintf(stderr, "uvs-rs: %s %s\n", argv[i], why);
			free(vip);
			return EXIT_USAGE;
		}
	}
	rs.vip = vip;
	rs.nvip = argc - optind;
	rc = rs_run(&rs, verb, path, sizeof(path));
	state_free(&rs.st);
	free(vip);
	return rc;
}
