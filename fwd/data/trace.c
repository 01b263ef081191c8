/*
 * Frame trace through libpcap's dump API: a "dead" handle of type
 * DLT_EN10MB gives the file header, pcap_dump writes each record. The
 * packet socket hands us frames, not a pcap handle, so we stamp them
 * ourselves. Each record is flushed at once: the trace is a teaching
 * and debugging aid, read with tcpdump -r while uvsd still runs, and it
 * costs nothing when --trace is not given (the capture layer holds a
 * NULL pointer then). Every worker thread writes to the one file, so
 * each record is written under a lock: a frame's records stay whole, and
 * a flow's frames, all on one worker, stay in order.
 */
#include <errno.h>
#include <pcap/pcap.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>

#include "fwd/data/trace.h"

#define TRACE_SNAPLEN	65535	/* a whole IP packet; GSO frames are cut */

struct uvs_trace {
	pcap_t		*pcap;
	pcap_dumper_t	*dump;
	pthread_mutex_t	 lock;		/* one writer at a time */
};

struct uvs_trace *
uvs_trace_open(const char *path, char *err, size_t errlen)
{
	struct uvs_trace *t = calloc(1, sizeof(*t));

	if (!t) {
		snprintf(err, errlen, "--trace %s: %s", path, strerror(ENOMEM));
		return NULL;
	}
	if (!(t->pcap = pcap_open_dead(DLT_EN10MB, TRACE_SNAPLEN))) {
		snprintf(err, errlen, "--trace %s: pcap_open_dead failed", path);
		free(t);
		return NULL;
	}
	if (!(t->dump = pcap_dump_open(t->pcap, path))) {
		snprintf(err, errlen, "--trace %s", pcap_geterr(t->pcap));
		pcap_close(t->pcap);
		free(t);
		return NULL;
	}
	/* the header now, so a reader started before any frame sees a pcap */
	(void)pcap_dump_flush(t->dump);
	pthread_mutex_init(&t->lock, NULL);
	return t;
}

void
uvs_trace_frame(struct uvs_trace *t, const uint8_t *frame, size_t len)
{
	struct pcap_pkthdr h;

	h.len = (bpf_u_int32)len;
	h.caplen = len > TRACE_SNAPLEN ? TRACE_SNAPLEN : (bpf_u_int32)len;
	pthread_mutex_lock(&t->lock);
	gettimeofday(&h.ts, NULL);	/* under the lock: times only grow */
	pcap_dump((u_char *)t->dump, &h, frame);
	(void)pcap_dump_flush(t->dump);
	pthread_mutex_unlock(&t->lock);
}

void
uvs_trace_close(struct uvs_trace *t)
{
	if (!t)
		return;
	pcap_dump_close(t->dump);
	pcap_close(t->pcap);
	pthread_mutex_destroy(&t->lock);
	free(t);
}
