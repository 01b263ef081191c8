/*
 * The packet loop's body, the same for every capture backend and for
 * every worker: take a burst, decide each frame (forward.c), queue the
 * forwarded ones where they lie, send them in one call, give the burst
 * back. ARP answers go out at once, since the next ARP frame would
 * overwrite the reply template. A frame whose 802.1Q tag the kernel
 * took off leaves with it put back; early fragments a first fragment
 * released leave right behind it.
 */
#ifndef UVS_PKTLOOP_H
#define UVS_PKTLOOP_H

#include <stdint.h>

#include "fwd/data/capture.h"
#include "fwd/data/forward.h"
#include "fwd/data/tunq.h"

struct uvs_pktloop {
	struct uvs_capture	*cap;
	struct uvs_fwd		*fw;
	/* this link's MAC when it is not fw->mac (uvsd's second and further
	   -i): ARP answers given here name it; NULL: fw->mac */
	const uint8_t		*mac;
	/* after an ARP answer was sent (uvsd -v logs it); may be NULL */
	void			(*on_arp_reply)(void *arg,
				    const struct uvs_fwd *fw);
	void			*arg;
	struct uvs_tunq		 tunq;	/* tunnel mode's packets (-i) */
};

/*
 * Handles one burst with the table clock at now. Returns the number of
 * frames taken (0: none waited), or -errno from the backend.
 */
int	uvs_pktloop_burst(struct uvs_pktloop *l, uint32_t now);

#endif
