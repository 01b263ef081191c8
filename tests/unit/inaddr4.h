/*
 * IPv4 shorthands for the unit tests written before addresses became
 * union uvs_inaddr (sched/inaddr.h): each takes a v4 address in network
 * order and calls the family-aware function with AF_INET.
 */
#ifndef TEST_INADDR4_H
#define TEST_INADDR4_H

#include <netinet/in.h>

#include "sched/sched.h"

static inline struct uvs_svc *
svc_find4(const struct uvs_svc_table *t, uint8_t proto, uint32_t addr,
    uint16_t port)
{
	union uvs_inaddr a = uvs_inaddr4(addr);

	return uvs_svc_find(t, proto, AF_INET, &a, port);
}

static inline int
svc_is_vip4(const struct uvs_svc_table *t, uint32_t addr)
{
	union uvs_inaddr a = uvs_inaddr4(addr);

	return uvs_svc_is_vip(t, AF_INET, &a);
}

static inline int
svc_hold4(struct uvs_svc_table *t, uint32_t addr, int held)
{
	union uvs_inaddr a = uvs_inaddr4(addr);

	return uvs_svc_hold(t, AF_INET, &a, held);
}

static inline int
svc_is_held4(const struct uvs_svc_table *t, uint32_t addr)
{
	union uvs_inaddr a = uvs_inaddr4(addr);

	return uvs_svc_is_held(t, AF_INET, &a);
}

static inline int
svc_vip_silent4(const struct uvs_svc_table *t, uint32_t addr)
{
	union uvs_inaddr a = uvs_inaddr4(addr);

	return uvs_svc_vip_silent(t, AF_INET, &a);
}

static inline struct uvs_dest *
dest_find4(const struct uvs_svc *svc, uint32_t addr, uint16_t port)
{
	union uvs_inaddr a = uvs_inaddr4(addr);

	return uvs_dest_find(svc, &a, port);
}

#endif
