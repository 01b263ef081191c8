/*
 * ipvsadm 1.31's command line as a library: argv in, one parsed command
 * out, or the exit status and message ipvsadm would have given. uvsadm
 * runs it on its own argv; -R and uvsd --rules run it on each line of a
 * rules file, so a line fails with exactly the words the command would.
 */
#ifndef UVS_IPVSARGS_H
#define UVS_IPVSARGS_H

#include <stddef.h>
#include <stdint.h>

#include "fwd/health/checkconf.h"
#include "sched/inaddr.h"

/* Output formats: ipvsadm.c's FMT_* with the same meaning; the parser
   sets them, uvsadm's printers read them. */
#define UVSADM_FMT_NUMERIC		0x0001	/* -n */
#define UVSADM_FMT_RULE			0x0002	/* -S */
#define UVSADM_FMT_STATS		0x0004	/* --stats */
#define UVSADM_FMT_RATE			0x0008	/* --rate */
#define UVSADM_FMT_THRESHOLDS		0x0010	/* --thresholds */
#define UVSADM_FMT_PERSISTENTCONN	0x0020	/* --persistent-conn */
#define UVSADM_FMT_NOSORT		0x0040	/* --nosort */
#define UVSADM_FMT_EXACT		0x0080	/* --exact */
#define UVSADM_FMT_TUN_INFO		0x0100	/* --tun-info */
#define UVSADM_FMT_JSON			0x0200	/* --json (uvs extension) */
#define UVSADM_FMT_CHECKS		0x0400	/* --checks (uvs extension) */

/* Service flags, as IPVS has them (include/uapi/linux/ip_vs.h). */
#define UVSADM_SVC_F_PERSISTENT		0x0001
#define UVSADM_SVC_F_ONEPACKET		0x0004
#define UVSADM_SVC_F_SCHED1		0x0008
#define UVSADM_SVC_F_SCHED2		0x0010
#define UVSADM_SVC_F_SCHED3		0x0020
#define UVSADM_SVC_F_SCHED_ALL		0x0038

/*
 * Exit statuses, as ipvsadm 1.31's: fail() exits 2; popt errors and
 * refused changes give -1, which the shell sees as 255; a listing that
 * fails exits 1.
 */
#define EXIT_USAGE		2
#define EXIT_REFUSED		255
#define EXIT_LIST		1

#define DEF_SCHED		"wlc"		/* ipvsadm.c DEF_SCHED */
#define SCHEDNAME_MAX		16		/* IP_VS_SCHEDNAME_MAXLEN */
#define PERSISTENT_TIMEOUT	(6 * 60)	/* IPVS_SVC_PERSISTENT_TIMEOUT */
#define MAX_TIMEOUT		(86400 * 31)	/* ipvsadm.c: 31 days */

/* Commands, in ipvsadm's order (CMD_*), plus uvs's own. */
enum {
	CMD_NONE, CMD_ADD, CMD_EDIT, CMD_DEL, CMD_FLUSH, CMD_LIST,
	CMD_ADDDEST, CMD_DELDEST, CMD_EDITDEST, CMD_TIMEOUT, CMD_STARTDAEMON,
	CMD_STOPDAEMON, CMD_RESTORE, CMD_SAVE, CMD_ZERO,
	CMD_COUNTERS,		/* uvs extension */
	NCMD,
	CMD_HELP, CMD_VERSION	/* -h, -v: nothing else is parsed */
};

/* Options, in ipvsadm's order (OPTC_*): the order of its checks. */
enum {
	O_NUMERIC, O_CONNECTION, O_SERVICE, O_SCHEDULER, O_PERSISTENT,
	O_NETMASK, O_SERVER, O_FORWARD, O_WEIGHT, O_UTHRESHOLD, O_LTHRESHOLD,
	O_MCAST, O_TIMEOUT, O_DAEMON, O_STATS, O_RATE, O_THRESHOLDS,
	O_PERSISTENTCONN, O_NOSORT, O_SYNCID, O_EXACT, O_ONEPACKET,
	O_PERSISTENCE_ENGINE, O_SCHED_FLAGS, O_MCAST_GROUP, O_MCAST_PORT,
	O_MCAST_TTL, O_SYNC_MAXLEN, O_TUN_INFO, O_TUN_TYPE, O_TUN_PORT,
	O_TUN_NOCSUM, O_TUN_CSUM, O_TUN_REMCSUM,
	O_JSON,		/* uvs extension */
	/* uvs extension: health checks (checkconf.h) */
	O_CHECK, O_CHECK_PORT, O_CHECK_PATH, O_CHECK_STATUS, O_CHECK_EXPECT,
	O_CHECK_DIGEST, O_CHECK_CMD, O_CHECK_INTERVAL, O_CHECK_TIMEOUT,
	O_CHECK_RETRY, O_RISE, O_FALL, O_ON_FAIL, O_SORRY, O_QUORUM,
	O_HYSTERESIS, O_CHECKS, O_CHECK_HELO, O_CHECK_PAYLOAD, O_CHECK_REPLY,
	O_CHECK_HOST, O_CHECK_URL, O_CHECK_ALPHA, O_QUORUM_UP, O_QUORUM_DOWN,
	O_OMEGA,
	NOPT
};

struct svc_arg {
	uint8_t		proto;
	int		af;		/* AF_INET, AF_INET6 */
	union uvs_inaddr addr;		/* network order */
	uint16_t	port;		/* host order */
	char		sched[SCHEDNAME_MAX];
	/* netmask: v4, network order; v6, a prefix length (1..128) */
	uint32_t	flags, timeout, netmask;
};

struct dest_arg {
	int		af;		/* AF_INET, AF_INET6 */
	union uvs_inaddr addr;		/* network order */
	uint16_t	port;		/* host order */
	int		weight, uthr, lthr;
	int		tunnel;		/* -i */
	int		tun_type;	/* UVS_TUN_* (sched.h) */
	uint16_t	tun_port;	/* host order; 0: none */
	int		tun_flags;	/* UVS_TUN_F_* */
};

/* --start-daemon / --stop-daemon and their options (ipvsadm's
   ipvs_daemon_t); a field left 0 takes IPVS's default in uvsd. */
#define DAEMON_MASTER		1	/* IP_VS_STATE_MASTER */
#define DAEMON_BACKUP		2	/* IP_VS_STATE_BACKUP */
#define DAEMON_IFNAME_MAX	16	/* IP_VS_IFNAME_MAXLEN */
struct daemon_arg {
	int		state;
	char		mcast_ifn[DAEMON_IFNAME_MAX];
	int		syncid;
	int		sync_maxlen;
	char		mcast_group[48];	/* as given */
	int		mcast_port;
	int		mcast_ttl;
};

/* ipvsadm's struct ipvs_command_entry plus its option and format bits. */
struct ipvs_cmd {
	int		cmd;
	uint64_t	options;
	unsigned int	fmt;
	struct svc_arg	svc;
	struct dest_arg	dest;
	int		timeouts[3];	/* --set tcp tcpfin udp */
	char		sched_flags[128];
	struct uvs_check_conf check;	/* -a/-e --check ... */
	struct uvs_vs_health vsh;	/* -A/-E --sorry-server ... */
	uint16_t	sorry_port;	/* as given, host order; 0: none */
	struct daemon_arg daemon;	/* --start-daemon, --stop-daemon */
};

/*
 * Parses argv (argv[0] is the program name) into *ce. Returns 0, or the
 * exit status ipvsadm would give with its message in err (no newline).
 */
int	uvs_ipvsargs_parse(struct ipvs_cmd *ce, int argc, char **argv,
	    char *err, size_t errlen);

/* True for the commands that change uvsd's table (-A -E -D -C -a -e -d -Z --set). */
int	uvs_ipvsargs_is_change(int cmd);

/* The control-socket request line for a change command, or for
   --start-daemon / --stop-daemon. */
void	uvs_ipvsargs_request(const struct ipvs_cmd *ce, char *req,
	    size_t size);

#endif
