/*
 * What the director knows of each real server's MAC, one entry per
 * address (IPv4 or IPv6) however many services use it
 * (fwd/control/rsmac.c): resolved or still waiting for an ARP or
 * Neighbor Discovery answer, since when, how often the kernel was asked,
 * and when to ask again. It makes an unanswered real server
 * visible (log, -L --checks, --json) instead of silently never used.
 */
#ifndef UVS_RSMAC_H
#define UVS_RSMAC_H

#include <stddef.h>
#include <stdint.h>

#include "sched/inaddr.h"

/* The kernel's ARP gives up after mcast_solicit (3) probes 1 s apart. */
#define UVS_RSMAC_UNANSWERED_S	3
#define UVS_RSMAC_REFRESH_S	15	/* re-confirm a known MAC this often */
#define UVS_RSMAC_BACKOFF_MAX_S	16	/* longest wait between two asks */

struct uvs_rsmac_entry {
	union uvs_inaddr addr;		/* network order, of family af */
	uint8_t		 af;		/* AF_INET, AF_INET6; 0: a free slot */
	uint32_t	 refs;		/* dests at this address */
	uint8_t		 mac[6];
	uint8_t		 resolved;	/* mac is the kernel's answer */
	uint8_t		 logged;	/* "no answer" said for this wait */
	uint32_t	 since;		/* the wait (or the answer) began, s */
	uint32_t	 next_ask;	/* when to ask the kernel again, s */
	uint32_t	 wait;		/* seconds to the next ask after that */
	uint64_t	 requests;	/* resolutions asked of the kernel */
};

struct uvs_rsmac {
	struct uvs_rsmac_entry	*slots;	/* open addressing, 1 << bits */
	unsigned		 bits;
	unsigned		 count;
};

/* What uvs_rsmac_due reports about one address. */
enum uvs_rsmac_event {
	UVS_RSMAC_ASK,		/* ask the kernel to resolve it now */
	UVS_RSMAC_NO_ANSWER,	/* waited UNANSWERED_S in vain (once) */
};

typedef void	(*uvs_rsmac_fn)(void *arg, const struct uvs_rsmac_entry *e,
		    enum uvs_rsmac_event ev);

void	uvs_rsmac_init(struct uvs_rsmac *t);
void	uvs_rsmac_free(struct uvs_rsmac *t);
/*
 * Each call takes the address's family beside it; the ones without _af
 * are their IPv4 forms (addr in network order, 0 never an address).
 */
/* The entry of addr, or NULL. */
struct uvs_rsmac_entry *uvs_rsmac_find_af(const struct uvs_rsmac *t, int af,
	    const union uvs_inaddr *addr);
struct uvs_rsmac_entry *uvs_rsmac_find(const struct uvs_rsmac *t,
	    uint32_t addr);
/*
 * One more dest at addr: its entry, made if it is the first (*created
 * says so; the caller then asks the kernel at once, counted as the first
 * request). NULL when out of memory, or for an all-zero address or a
 * family other than AF_INET and AF_INET6.
 */
struct uvs_rsmac_entry *uvs_rsmac_ref_af(struct uvs_rsmac *t, int af,
	    const union uvs_inaddr *addr, uint32_t now, int *created);
struct uvs_rsmac_entry *uvs_rsmac_ref(struct uvs_rsmac *t, uint32_t addr,
	    uint32_t now, int *created);
/* One dest fewer at addr; the entry goes with the last. */
void	uvs_rsmac_unref_af(struct uvs_rsmac *t, int af,
	    const union uvs_inaddr *addr);
void	uvs_rsmac_unref(struct uvs_rsmac *t, uint32_t addr);
/*
 * The kernel's news: mac non-NULL, addr answered; NULL, it failed to.
 * Returns 1 when addr had been logged as unanswered and now answered.
 */
int	uvs_rsmac_news_af(struct uvs_rsmac *t, int af,
	    const union uvs_inaddr *addr, const uint8_t *mac, uint32_t now);
int	uvs_rsmac_news(struct uvs_rsmac *t, uint32_t addr, const uint8_t *mac,
	    uint32_t now);
/*
 * Calls fn for each address due to be asked (counting the request and
 * backing off: 1, 2, 4 ... UVS_RSMAC_BACKOFF_MAX_S s while unanswered,
 * UVS_RSMAC_REFRESH_S once known) and, once per wait, for each that has
 * gone UVS_RSMAC_UNANSWERED_S without an answer.
 */
void	uvs_rsmac_due(struct uvs_rsmac *t, uint32_t now, uvs_rsmac_fn fn,
	    void *arg);

#endif
