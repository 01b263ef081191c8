/*
 * The configuration files uvsd loads (confload.h): each is read by its
 * own reader (rules.c, keepalived.c) and the requests are put end to
 * end, remembering where the rules file's stop, so a refusal of request
 * i can name its file and line.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "fwd/health/confload.h"

static int
read_rules(struct uvs_confload *cl, const char *path, char *err,
    size_t errlen)
{
	char why[512];
	FILE *f;
	int rc;

	if (!(f = fopen(path, "r"))) {
		snprintf(err, errlen, "--rules %s: %s", path, strerror(errno));
		return -1;
	}
	rc = uvs_rules_read(f, &cl->r, why, sizeof(why));
	fclose(f);
	if (rc != 0) {
		snprintf(err, errlen, "--rules %s: %s", path, why);
		return -1;
	}
	cl->nrules = cl->r.n;
	return 0;
}

/* Appends kc's requests after the rules'. */
static int
append(struct uvs_confload *cl, const struct uvs_rules *kc, char *err,
    size_t errlen)
{
	unsigned i;

	for (i = 0; i < kc->n; i++)
		if (uvs_rules_add(&cl->r, kc->req[i], kc->lineno[i],
		    kc->cmd[i]) < 0) {
			snprintf(err, errlen, "%s: out of memory", cl->kc_path);
			return -1;
		}
	return 0;
}

int
uvs_confload_read(struct uvs_confload *cl, const char *rules_path,
    const char *kc_path, char *err, size_t errlen, uvs_confload_log log,
    void *log_arg)
{
	struct uvs_rules kc;
	int rc = 0;

	memset(cl, 0, sizeof(*cl));
	cl->rules_path = rules_path;
	cl->kc_path = kc_path;
	if (rules_path && read_rules(cl, rules_path, err, errlen) < 0)
		return -1;
	if (kc_path) {
		if (uvs_keepalived_read_file(kc_path, &kc, &cl->info, err,
		    errlen, log, log_arg) != 0)
			rc = -1;
		else {
			rc = append(cl, &kc, err, errlen);
			uvs_rules_free(&kc);
		}
	}
	if (rc < 0)
		uvs_confload_free(cl);
	return rc;
}

void
uvs_confload_free(struct uvs_confload *cl)
{
	uvs_rules_free(&cl->r);
	cl->nrules = 0;
}

void
uvs_confload_where(const struct uvs_confload *cl, unsigned i, char *buf,
    size_t size)
{
	if (i >= cl->r.n)
		snprintf(buf, size, "%s", cl->kc_path ? cl->kc_path :
		    cl->rules_path ? cl->rules_path : "-");
	else if (i < cl->nrules)
		snprintf(buf, size, "--rules %s: line %u", cl->rules_path,
		    cl->r.lineno[i]);
	else
		snprintf(buf, size, "%s:%u", cl->kc_path, cl->r.lineno[i]);
}
