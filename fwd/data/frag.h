/*
 * Fragment tracker: sends every fragment of a datagram to the real server
 * its first fragment (the one with the ports) was scheduled to, without
 * reassembling: the real server's kernel reassembles, as it would behind
 * any router. A datagram is known by (family, source, destination,
 * protocol, IP id: IPv6's is 32 bits) until all its bytes went by or its
 * timeout passed. Fragments that
 * come before their first one are copied aside and sent when it comes.
 *
 * Capacity is fixed at init: entries (datagrams in flight) and hold slots
 * (early fragments). When the entries are all taken, the oldest datagram
 * gives its entry up (its later fragments are then held, and expire);
 * when the slots are all taken, an early fragment is dropped. Nothing
 * allocates after init.
 */
#ifndef UVS_FRAG_H
#define UVS_FRAG_H

#include <stddef.h>
#include <stdint.h>

#include "fwd/data/parse.h"
#include "sched/sched.h"

/* Linux's net.ipv4.ipfrag_time: how long a datagram may take to arrive. */
#define UVS_FRAG_TIMEOUT	30
/* uvsd's defaults: datagrams in flight at once, and early fragments held. */
#define UVS_FRAG_MAX_DEFAULT	4096
#define UVS_FRAG_HOLD_DEFAULT	256
/* A held frame's room: a 9000-byte jumbo frame with its Ethernet header
   and one tag. A larger early fragment is not held. */
#define UVS_FRAG_SLOT_FRAME	(9000 + 14 + 4)

enum uvs_frag_state {
	UVS_FRAG_FREE,
	UVS_FRAG_WAIT,		/* only later fragments seen: held */
	UVS_FRAG_FWD,		/* first seen: dest chosen */
	UVS_FRAG_DROP,		/* first seen and dropped, for `why` */
};

struct uvs_frag {
	union uvs_inaddr saddr, daddr;	/* network order */
	uint32_t	 id;		/* IPv4's 16 bits or IPv6's 32,
					   network order */
	uint8_t		 af;
	uint8_t		 proto;
	uint8_t		 state;		/* enum uvs_frag_state */
	uint8_t		 why;		/* UVS_FRAG_DROP: enum uvs_drop */
	uint32_t	 hnext;		/* hash chain, index + 1 */
	uint32_t	 expires;	/* table clock, seconds */
	uint32_t	 have;		/* payload bytes seen */
	uint32_t	 total;		/* payload bytes, once the last came */
	uint32_t	 held;		/* held slots, index + 1 */
	struct uvs_dest	*dest;		/* UVS_FRAG_FWD */
};

struct uvs_frag_table {
	struct uvs_frag	*e;
	uint32_t	 cap;
	uint32_t	*buckets;	/* index + 1 */
	uint32_t	 nbuckets;	/* power of two */
	uint32_t	 head, tail;	/* entries are used in ring order, so
					   the oldest is at tail */
	uint32_t	 seed;
	/* hold slots: headroom bytes (zeroed) then the frame */
	uint8_t		*slot;
	uint32_t	 nslots;
	uint32_t	 slot_size;
	uint32_t	 headroom;
	uint32_t	*snext;		/* per slot: next in its list, + 1 */
	uint32_t	*slen;		/* per slot: frame bytes */
	uint16_t	*stci;		/* per slot: the VLAN tag it came with */
	uint32_t	 free_slots;	/* list heads, index + 1 */
	uint32_t	 ready, ready_tail;	/* released, to be taken */
	uint32_t	 sending;	/* taken, until uvs_frag_sent */
	uint32_t	 held_now;	/* slots holding a frame */
	/* counters */
	uint64_t	 tracked;	/* datagrams whose first was seen */
	uint64_t	 evicted;	/* entries taken over while in use */
	uint64_t	 expired_frames;	/* held frames dropped */
};

/*
 * Allocates cap entries and nhold slots, each with headroom bytes in
 * front of the frame (the caller's per-frame header). cap 0 tracks
 * nothing: every fragment but a first is then dropped. 0 or -ENOMEM /
 * -EINVAL.
 */
int	uvs_frag_init(struct uvs_frag_table *t, uint32_t cap, uint32_t nhold,
	    uint32_t headroom, uint32_t seed);
void	uvs_frag_free(struct uvs_frag_table *t);

/* The live entry of pkt's datagram, or NULL. */
struct uvs_frag	*uvs_frag_lookup(const struct uvs_frag_table *t,
		    const struct uvs_pkt *pkt);
/*
 * A new entry for pkt's datagram (state WAIT), expiring timeout seconds
 * from now; the oldest entry gives way when all are taken. NULL when the
 * table has no entries at all.
 */
struct uvs_frag	*uvs_frag_add(struct uvs_frag_table *t,
		    const struct uvs_pkt *pkt, uint32_t now, uint32_t timeout);
/*
 * Counts pkt's payload into e. Returns 1 when that completed the
 * datagram: e is then freed (and must not be used).
 */
int	uvs_frag_account(struct uvs_frag_table *t, struct uvs_frag *e,
	    const struct uvs_pkt *pkt);
/* Copies frame (len bytes, tag tci) aside for e. 0 or -ENOSPC. */
int	uvs_frag_hold(struct uvs_frag_table *t, struct uvs_frag *e,
	    const uint8_t *frame, size_t len, uint16_t tci);
/*
 * e's first fragment came: its held frames get Ethernet destination dst
 * and source src and join the ready list. Returns how many, and adds
 * their IP payload bytes to *bytes (IPVS counts a datagram's bytes once
 * it is whole: its header once, every payload).
 */
unsigned uvs_frag_release(struct uvs_frag_table *t, struct uvs_frag *e,
	    const uint8_t *dst, const uint8_t *src, uint64_t *bytes);
/* e's first fragment was dropped: so are its held frames. How many. */
uint32_t uvs_frag_drop_held(struct uvs_frag_table *t, struct uvs_frag *e);
/*
 * Next released frame: returns its buffer (headroom first) and sets len
 * (headroom included) and tci, or returns NULL. The buffer stays valid
 * until uvs_frag_sent.
 */
uint8_t	*uvs_frag_next_ready(struct uvs_frag_table *t, size_t *len,
	    uint16_t *tci);
/* What was taken (and anything released but not taken) is done with. */
void	uvs_frag_sent(struct uvs_frag_table *t);
/* Frees entries whose time is up; returns the held frames dropped. */
uint32_t uvs_frag_expire(struct uvs_frag_table *t, uint32_t now);
/* Forgets dest (all dests if NULL): later fragments are dropped. */
void	uvs_frag_flush_dest(struct uvs_frag_table *t,
	    const struct uvs_dest *dest);

#endif
