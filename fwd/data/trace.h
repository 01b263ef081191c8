/*
 * --trace FILE: every frame uvsd receives and sends, in order, in a pcap
 * file that tcpdump or Wireshark reads, so the MAC rewrite can be seen
 * byte for byte. Frames are stored without the vnet header.
 */
#ifndef UVS_TRACE_H
#define UVS_TRACE_H

#include <stddef.h>
#include <stdint.h>

struct uvs_trace;

/*
 * Creates (truncates) path as an Ethernet pcap file. Returns the trace,
 * or NULL with err saying why.
 */
struct uvs_trace *uvs_trace_open(const char *path, char *err, size_t errlen);

/*
 * Appends one frame (Ethernet header first) stamped with the current
 * time, and flushes it so the file can be read while uvsd runs. Any
 * thread: records are written one at a time.
 */
void	uvs_trace_frame(struct uvs_trace *t, const uint8_t *frame,
	    size_t len);

/* Flushes and closes; t may be NULL. */
void	uvs_trace_close(struct uvs_trace *t);

#endif
