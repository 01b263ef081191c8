/*
 * Ring readers. V3: blocks are handed over by a status word: the
 * kernel sets TP_STATUS_USER when a block is full (or its timer retired
 * it), we read its frames in place, and writing TP_STATUS_KERNEL gives
 * it back. Frames are taken from one block at a time; a block read to
 * its end is only given back at release time, because its frames may
 * still be queued for sending. The vnet header sits right before each
 * frame's MAC header, so the caller sees the same layout as from a
 * plain read. V2: the same, one status word per slot, taken and given
 * back in order.
 */
#include <errno.h>
#include <linux/if_packet.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>

#include "fwd/data/capture.h"
#include "fwd/data/ring.h"

static struct tpacket_block_desc *
block(const struct uvs_ring *r, unsigned i)
{
	return (struct tpacket_block_desc *)(r->map + (size_t)i *
	    r->block_size);
}

size_t
uvs_ring_v2_slot(uint32_t mtu, size_t max)
{
	/* the kernel's layout: its header and address, then the vnet
	   header, the MAC header and a tag it may keep (ring.c take_frame) */
	size_t need = TPACKET_ALIGN(TPACKET2_HDRLEN) + 16 + UVS_VNET_HLEN +
	    14 + 4 + mtu, slot = UVS_RING_V2_FRAME;

	while (slot < need && slot < max)
		slot <<= 1;
	return slot;
}

int
uvs_ring_open(struct uvs_ring *r, int fd, int version, size_t block_size,
    unsigned nblocks, size_t frame_size, int vnet)
{
	struct tpacket_req3 req = { 0 };
	int v = version, one = 1;

	memset(r, 0, sizeof(*r));
	/* the frame layout callers expect needs the kernel's vnet header */
	if (!vnet || (version != TPACKET_V2 && version != TPACKET_V3))
		return -EINVAL;
	r->version = version;
	r->block_size = block_size;
	r->nblocks = nblocks;
	r->vnet = vnet;
	if (version == TPACKET_V2) {
		if (frame_size < UVS_RING_V2_FRAME || frame_size > block_size ||
		    block_size % frame_size)
			return -EINVAL;
		r->frame_size = frame_size;
		r->nframes = (unsigned)(block_size / frame_size) * nblocks;
		req.tp_block_size = (unsigned)block_size;
		req.tp_block_nr = nblocks;
		req.tp_frame_size = (unsigned)frame_size;
		req.tp_frame_nr = r->nframes;
		/* a frame too big for a slot goes to the socket's queue */
		if (setsockopt(fd, SOL_PACKET, PACKET_VERSION, &v,
		    sizeof(v)) < 0 || setsockopt(fd, SOL_PACKET,
		    PACKET_COPY_THRESH, &one, sizeof(one)) < 0 ||
		    setsockopt(fd, SOL_PACKET, PACKET_RX_RING, &req,
		    sizeof(struct tpacket_req)) < 0)
			return -errno;
		goto map;
	}
	req.tp_block_size = (unsigned)block_size;
	req.tp_block_nr = nblocks;
	req.tp_frame_size = 2048;	/* V3 packs frames; must divide blocks */
	req.tp_frame_nr = (unsigned)(block_size / 2048) * nblocks;
	req.tp_retire_blk_tov = 1;	/* ms: a trickle still gets through */
	if (setsockopt(fd, SOL_PACKET, PACKET_VERSION, &v, sizeof(v)) < 0 ||
	    setsockopt(fd, SOL_PACKET, PACKET_RX_RING, &req, sizeof(req)) < 0)
		return -errno;
map:
	r->map = mmap(NULL, block_size * nblocks, PROT_READ | PROT_WRITE,
	    MAP_SHARED, fd, 0);
	if (r->map == MAP_FAILED) {
		r->map = NULL;
		return -errno;
	}
	return 0;
}

void
uvs_ring_close(struct uvs_ring *r)
{
	if (r->map)
		munmap(r->map, r->block_size * r->nblocks);
	r->map = NULL;
}

/* Opens the next block if the kernel has handed it over. */
static int
ring_advance(struct uvs_ring *r)
{
	struct tpacket_block_desc *bd = block(r, r->cur);

	if (!(__atomic_load_n(&bd->hdr.bh1.block_status, __ATOMIC_ACQUIRE) &
	    TP_STATUS_USER))
		return 0;
	r->left = bd->hdr.bh1.num_pkts;
	r->next = (uint8_t *)bd + bd->hdr.bh1.offset_to_first_pkt;
	return 1;
}

/* The current block is read through: park it until release. */
static void
ring_finish_block(struct uvs_ring *r)
{
	if (r->ndone == 0)
		r->done_from = r->cur;
	r->ndone++;
	r->cur = (r->cur + 1) % r->nblocks;
	r->next = NULL;
}

/*
 * The tag the kernel took off, if any. An outer tag other than 802.1Q's
 * (802.1ad) gets VID 4095, which 802.1Q reserves and uvsd never serves.
 */
static void
frame_vlan(struct uvs_frame *f, uint32_t status, uint16_t tci, uint16_t tpid)
{
	f->vlan_valid = !!(status & TP_STATUS_VLAN_VALID);
	f->vlan_tci = f->vlan_valid ? tci : 0;
	if (f->vlan_valid && (status & TP_STATUS_VLAN_TPID_VALID) &&
	    tpid != 0x8100)
		f->vlan_tci |= 0x0fff;
}

static void
take_frame(struct uvs_ring *r, struct uvs_frame *f)
{
	struct tpacket3_hdr *h = (struct tpacket3_hdr *)r->next;
	const struct sockaddr_ll *sll = (const struct sockaddr_ll *)
	    ((uint8_t *)h + TPACKET_ALIGN(sizeof(*h)));
	uint8_t *mac = (uint8_t *)h + h->tp_mac;

	f->buf = mac - UVS_VNET_HLEN;
	f->len = h->tp_snaplen + UVS_VNET_HLEN;
	f->pkttype = sll->sll_pkttype;
	f->truncated = h->tp_snaplen < h->tp_len;
	f->copied = 0;
	frame_vlan(f, h->tp_status, h->hv1.tp_vlan_tci, h->hv1.tp_vlan_tpid);
	r->next = h->tp_next_offset ? (uint8_t *)h + h->tp_next_offset : NULL;
	r->left--;
}

/* V2: the next slot, if the kernel has handed it over. */
static struct tpacket2_hdr *
slot(const struct uvs_ring *r)
{
	struct tpacket2_hdr *h = (struct tpacket2_hdr *)(r->map +
	    (size_t)r->cur * r->frame_size);

	if (r->taken == r->nframes ||
	    !(__atomic_load_n(&h->tp_status, __ATOMIC_ACQUIRE) &
	    TP_STATUS_USER))
		return NULL;
	return h;
}

static int
burst_v2(struct uvs_ring *r, struct uvs_frame *f, int max, int max_copied)
{
	struct tpacket2_hdr *h;
	int n = 0, copied = 0;

	while (n < max && (h = slot(r))) {
		const struct sockaddr_ll *sll = (const struct sockaddr_ll *)
		    ((uint8_t *)h + TPACKET_ALIGN(sizeof(*h)));
		int copy = !!(h->tp_status & TP_STATUS_COPY);

		if (copy && copied == max_copied)
			break;
		copied += copy;
		f[n].buf = (uint8_t *)h + h->tp_mac - UVS_VNET_HLEN;
		f[n].len = h->tp_snaplen + UVS_VNET_HLEN;
		f[n].pkttype = sll->sll_pkttype;
		f[n].copied = (uint8_t)copy;
		f[n].truncated = !copy && h->tp_snaplen < h->tp_len;
		frame_vlan(&f[n], h->tp_status, h->tp_vlan_tci,
		    h->tp_vlan_tpid);
		n++;
		r->taken++;
		r->cur = (r->cur + 1) % r->nframes;
	}
	return n;
}

int
uvs_ring_burst(struct uvs_ring *r, struct uvs_frame *f, int max,
    int max_copied)
{
	int n = 0;

	if (r->version == TPACKET_V2)
		return burst_v2(r, f, max, max_copied);
	/* a block whose end the last burst reached waits for release */
	if (r->ndone == r->nblocks)
		return 0;
	if (!r->next && !ring_advance(r))
		return 0;
	while (n < max && r->left > 0)
		take_frame(r, &f[n++]);
	if (r->left == 0)
		ring_finish_block(r);
	return n;
}

void
uvs_ring_release(struct uvs_ring *r)
{
	unsigned i;

	if (r->version == TPACKET_V2) {
		/* the taken slots are the ones right behind cur */
		for (i = 1; i <= r->taken; i++) {
			struct tpacket2_hdr *h = (struct tpacket2_hdr *)
			    (r->map + (size_t)((r->cur + r->nframes - i) %
			    r->nframes) * r->frame_size);

			__atomic_store_n(&h->tp_status, TP_STATUS_KERNEL,
			    __ATOMIC_RELEASE);
		}
		r->taken = 0;
		return;
	}

	for (i = 0; i < r->ndone; i++) {
		struct tpacket_block_desc *bd = block(r,
		    (r->done_from + i) % r->nblocks);

		__atomic_store_n(&bd->hdr.bh1.block_status, TP_STATUS_KERNEL,
		    __ATOMIC_RELEASE);
	}
	r->ndone = 0;
}
