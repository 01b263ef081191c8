/*
 * IPVS's TCP state machine as a director in Direct Routing sees it: only
 * the client's packets cross it, so IPVS switches such connections to its
 * INPUT-ONLY table (ip_vs_proto_tcp.c, tcp_states[] rows 8..11, used while
 * IP_VS_CONN_F_NOOUTPUT is set). Timeouts and the active set are IPVS's.
 */
#include <netinet/tcp.h>

#include "conn.h"

enum { sNO = UVS_TCP_NONE, sES = UVS_TCP_ESTABLISHED, sSS = UVS_TCP_SYN_SENT,
	sSR = UVS_TCP_SYN_RECV, sFW = UVS_TCP_FIN_WAIT, sTW = UVS_TCP_TIME_WAIT,
	sCL = UVS_TCP_CLOSE, sCW = UVS_TCP_CLOSE_WAIT, sLA = UVS_TCP_LAST_ACK,
	sLI = UVS_TCP_LISTEN, sSA = UVS_TCP_SYNACK };

/* rows: syn, fin, ack, rst (tcp_state_idx order); columns: current state */
static const uint8_t input_only[4][UVS_TCP_NSTATES] = {
/*        sNO  sES  sSS  sSR  sFW  sTW  sCL  sCW  sLA  sLI  sSA */
/*syn*/ { sSR, sES, sES, sSR, sSR, sSR, sSR, sSR, sSR, sSR, sSR },
/*fin*/ { sCL, sFW, sSS, sTW, sFW, sTW, sCL, sCW, sLA, sLI, sTW },
/*ack*/ { sES, sES, sSS, sES, sFW, sTW, sCL, sCW, sCL, sLI, sES },
/*rst*/ { sCL, sCL, sCL, sSR, sCL, sCL, sCL, sCL, sLA, sLI, sCL },
};

static const char *const state_names[UVS_CONN_NSTATES] = {
	"NONE", "ESTABLISHED", "SYN_SENT", "SYN_RECV", "FIN_WAIT",
	"TIME_WAIT", "CLOSE", "CLOSE_WAIT", "LAST_ACK", "LISTEN", "SYNACK",
	"UDP",
};

/* IPVS's priority: RST wins over SYN, SYN over FIN, FIN over ACK. */
static int
tcp_state_idx(uint8_t flags)
{
	if (flags & TH_RST)
		return 3;
	if (flags & TH_SYN)
		return 0;
	if (flags & TH_FIN)
		return 1;
	if (flags & TH_ACK)
		return 2;
	return -1;
}

uint8_t
uvs_tcp_next_state(uint8_t s, uint8_t tcp_flags)
{
	int idx = tcp_state_idx(tcp_flags);

	if (idx < 0 || s >= UVS_TCP_NSTATES)
		return s;
	return input_only[idx][s];
}

int
uvs_tcp_state_active(uint8_t s)
{
	return s == sES || s == sSS || s == sSR || s == sSA;
}

int
uvs_tcp_state_closing(uint8_t s)
{
	return s == sFW || s == sTW || s == sCL || s == sCW || s == sLA;
}

const char *
uvs_conn_state_name(uint8_t proto, uint8_t state)
{
	(void)proto;
	if (state >= UVS_CONN_NSTATES)
		return "ERR!";
	return state_names[state];
}

void
uvs_timeouts_default(struct uvs_timeouts *to)
{
	/* tcp_timeouts[] and udp_timeouts[] of ip_vs_proto_{tcp,udp}.c */
	to->t[sNO] = 2;
	to->t[sES] = 15 * 60;
	to->t[sSS] = 2 * 60;
	to->t[sSR] = 1 * 60;
	to->t[sFW] = 2 * 60;
	to->t[sTW] = 2 * 60;
	to->t[sCL] = 10;
	to->t[sCW] = 60;
	to->t[sLA] = 30;
	to->t[sLI] = 2 * 60;
	to->t[sSA] = 2 * 60;
	to->t[UVS_UDP_NORMAL] = 5 * 60;
}
