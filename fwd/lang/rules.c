/*
 * Rules file reader. ipvsadm -R runs each line through process_options()
 * and stops at the first error, keeping what the earlier lines did; uvs
 * reads the whole file first, so one bad line leaves the table as it was.
 * Words are split on blanks, with the shell's quotes (as popt's
 * poptParseArgvString, which ipvsadm -R uses): ipvsadm's own rules never
 * need them, but a health check's command or expected text can hold
 * blanks, and uvsadm -S quotes those.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "fwd/lang/ctlmsg.h"
#include "fwd/lang/ipvsargs.h"
#include "fwd/lang/rules.h"

#define RULES_WORDS_MAX		64

void
uvs_rules_free(struct uvs_rules *r)
{
	unsigned i;

	for (i = 0; i < r->n; i++)
		free(r->req[i]);
	free(r->req);
	free(r->lineno);
	free(r->cmd);
	memset(r, 0, sizeof(*r));
}

int
uvs_rules_add(struct uvs_rules *r, const char *req, unsigned lineno, int cmd)
{
	if (r->n == r->cap) {
		unsigned cap = r->cap ? r->cap * 2 : 16;
		char **nreq = realloc(r->req, cap * sizeof(*nreq));
		unsigned *nline;
		int *ncmd;

		if (!nreq)
			return -ENOMEM;
		r->req = nreq;
		if (!(nline = realloc(r->lineno, cap * sizeof(*nline))))
			return -ENOMEM;
		r->lineno = nline;
		if (!(ncmd = realloc(r->cmd, cap * sizeof(*ncmd))))
			return -ENOMEM;
		r->cmd = ncmd;
		r->cap = cap;
	}
	if (!(r->req[r->n] = strdup(req)))
		return -ENOMEM;
	r->lineno[r->n] = lineno;
	r->cmd[r->n++] = cmd;
	return 0;
}

#define BLANKS	" \t\r\n"

/*
 * One word at *pp, unquoted in place (a word never grows): 'single'
 * quotes keep everything, "double" quotes let a backslash escape \ " $ `,
 * a bare backslash escapes any byte. Returns the word, NULL at the end
 * of the line; *bad is set for an unterminated quote.
 */
static char *
next_word(char **pp, int *bad)
{
	char *p = *pp + strspn(*pp, BLANKS), *w = p, *o = p;
	char quote = 0;

	if (!*p)
		return NULL;
	for (; *p && (quote || !strchr(BLANKS, *p)); p++) {
		if (quote == '\'' && *p == '\'')
			quote = 0;
		else if (quote == '\'')
			*o++ = *p;
		else if (*p == '\\' && p[1] && (!quote ||
		    strchr("\\\"$`", p[1])))
			*o++ = *++p;
		else if (quote == '"' && *p == '"')
			quote = 0;
		else if (!quote && (*p == '\'' || *p == '"'))
			quote = *p;
		else
			*o++ = *p;
	}
	*bad = quote != 0;
	*pp = *p ? p + 1 : p;
	*o = '\0';
	return w;
}

/*
 * Splits line into argv after a program name; a word count, -1 for too
 * many words, -2 for an unterminated quote.
 */
static int
split_words(char *line, char **argv, int max)
{
	char *p = line, *w;
	int argc = 0, bad = 0;

	argv[argc++] = "uvsadm";
	while ((w = next_word(&p, &bad))) {
		if (bad)
			return -2;
		if (argc == max - 1)
			return -1;
		argv[argc++] = w;
	}
	argv[argc] = NULL;
	return argc;
}

/* The line's program name, as the old service files wrote it. */
static int
is_prog_name(const char *w)
{
	const char *base = strrchr(w, '/');

	base = base ? base + 1 : w;
	return strcmp(base, "ipvsadm") == 0 || strcmp(base, "uvsadm") == 0;
}

/* One line: 0 (maybe nothing to do), or an exit status with err set. */
static int
rules_line(struct uvs_rules *r, char *line, unsigned lineno, char *err,
    size_t errlen)
{
	char *words[RULES_WORDS_MAX + 1], **argv = words, why[256];
	char req[UVS_CTL_LINE_MAX];
	struct ipvs_cmd ce;
	int argc, status;

	/* a comment may hold a lone quote ("# it's ..."): not split at all */
	if (line[strspn(line, BLANKS)] == '#')
		return 0;
	if ((argc = split_words(line, words, RULES_WORDS_MAX)) == -2) {
		snprintf(err, errlen, "line %u: unterminated quote", lineno);
		return EXIT_USAGE;
	}
	if (argc < 0) {
		snprintf(err, errlen, "line %u: more than %d words", lineno,
		    RULES_WORDS_MAX - 2);
		return EXIT_USAGE;
	}
	if (argc > 1 && is_prog_name(argv[1])) {
		argv[1] = argv[0];
		argv++;
		argc--;
	}
	if (argc == 1 || argv[1][0] == '#')
		return 0;
	if ((status = uvs_ipvsargs_parse(&ce, argc, argv, why,
	    sizeof(why))) != 0) {
		snprintf(err, errlen, "line %u: %s", lineno, why);
		return status;
	}
	if (!uvs_ipvsargs_is_change(ce.cmd)) {
		snprintf(err, errlen, "line %u: only -A -E -D -C -a -e -d -Z "
		    "and --set may appear in a rules file", lineno);
		return EXIT_USAGE;
	}
	uvs_ipvsargs_request(&ce, req, sizeof(req));
	if (uvs_rules_add(r, req, lineno, ce.cmd) < 0) {
		snprintf(err, errlen, "line %u: out of memory", lineno);
		return EXIT_USAGE;
	}
	return 0;
}

int
uvs_rules_read(FILE *in, struct uvs_rules *r, char *err, size_t errlen)
{
	char line[UVS_RULES_LINE_MAX];
	unsigned lineno = 0;
	size_t len;
	int status;

	memset(r, 0, sizeof(*r));
	while (fgets(line, sizeof(line), in)) {
		lineno++;
		len = strlen(line);
		if (len == sizeof(line) - 1 && line[len - 1] != '\n' &&
		    !feof(in)) {
			snprintf(err, errlen, "line %u: longer than %d bytes",
			    lineno, UVS_RULES_LINE_MAX - 2);
			uvs_rules_free(r);
			return EXIT_USAGE;
		}
		if ((status = rules_line(r, line, lineno, err, errlen)) != 0) {
			uvs_rules_free(r);
			return status;
		}
	}
	if (ferror(in)) {
		snprintf(err, errlen, "read error after line %u: %s", lineno,
		    strerror(errno));
		uvs_rules_free(r);
		return EXIT_USAGE;
	}
	return 0;
}
