/*
 * uvsd's connection sync daemons (fwd/control/syncd.c), ipvsadm's
 * --start-daemon master|backup: the master multicasts the connections it
 * forwards, in IPVS's sync message format (syncmsg.h); the backup takes
 * them into its table, so that after a VRRP failover they carry on.
 * Either or both may run, as in IPVS.
 */
#ifndef UVS_SYNCD_H
#define UVS_SYNCD_H

#include <net/if.h>
#include <stdint.h>
#include <stdio.h>

#include "fwd/data/syncmsg.h"
#include "fwd/lang/ctlmsg.h"

enum uvs_sync_role { UVS_SYNC_MASTER, UVS_SYNC_BACKUP, UVS_SYNC_ROLES };

/* One daemon's settings, as ipvsadm's --start-daemon options give them. */
struct uvs_sync_cfg {
	char		 ifname[IF_NAMESIZE];	/* --mcast-interface */
	uint8_t		 syncid;		/* --syncid */
	uint16_t	 maxlen;		/* --sync-maxlen */
	uint32_t	 group;			/* --mcast-group, network order */
	uint16_t	 port;			/* --mcast-port, host order */
	uint8_t		 ttl;			/* --mcast-ttl */
};

struct uvs_sync_daemon {
	int			 fd;		/* -1: not running */
	struct uvs_sync_cfg	 cfg;
};

struct uvs_sync_stats {
	uint64_t	 tx_msgs, tx_conns, tx_errors;
	uint64_t	 rx_msgs, rx_conns;
	uint64_t	 rx_no_dest;	/* named no service or dest here */
	uint64_t	 rx_queued;	/* handed to the workers' log */
	uint64_t	 rx_bad[UVS_SYNC_E_MAX];	/* messages refused */
};

struct uvs_syncd {
	struct uvs_sync_daemon	 d[UVS_SYNC_ROLES];
	struct uvs_sync_stats	 st;
	uint8_t			*buf;	/* one message, UVS_SYNC_MAXLEN_MAX */
};

struct uvs_director;
struct uvs_fwd_stats;

void	uvs_syncd_init(struct uvs_syncd *s);
void	uvs_syncd_free(struct uvs_syncd *s);
/*
 * "start-daemon state=master|backup ifn=IF syncid=N maxlen=N group=A
 * port=N ttl=N" (every key but state optional: IPVS's defaults) and
 * "stop-daemon state=master|backup". 0, or -errno with err set.
 */
int	uvs_syncd_request(struct uvs_director *d, const struct uvs_ctl_msg *m,
	    char *err, size_t errlen);
/* "daemon state=... ifn=... syncid=... maxlen=... group=... port=...
   ttl=..." for each daemon running. */
void	uvs_syncd_list(const struct uvs_syncd *s, FILE *out);
/*
 * Counter lines ("counter sync_...=N"); fs: the workers' summed stats
 * (uvs_dir_sync), for what their tables made of the entries.
 */
void	uvs_syncd_counters(const struct uvs_syncd *s,
	    const struct uvs_fwd_stats *fs, FILE *out);
/* The backup's socket (-1 when none runs), for poll. */
int	uvs_syncd_backup_fd(const struct uvs_syncd *s);
/*
 * Master: sends the connections that saw packets since the last call
 * (or changed state), as full messages. Call once a second.
 */
void	uvs_syncd_master_tick(struct uvs_director *d, uint32_t now);
/* Backup: reads the waiting messages (64 at most) and hands what they
   hold to the workers' log. */
void	uvs_syncd_backup_input(struct uvs_director *d, uint32_t now);

#endif
