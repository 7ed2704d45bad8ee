/* SPDX-License-Identifier: MIT */
/*
 * cmdline.c - getopt_long's table and --help from the knob table (see
 * cmdline.h).  After git's parse-options: one description of an option
 * gives its parsing, its help line and its messages.
 */
#include <stdio.h>
#include <string.h>

#include "harness/config/cmdline.h"
#include "runtime/compiler.h"

#define HELP_COL 23 /* where the help text starts */
#define HELP_WIDTH 79

static bool included(const struct lb_cmdline *cl, const struct lb_knob *k)
{
	return k->name && (!cl->sweep || (k->flags & LB_KF_SWEEP));
}

static void add(struct lb_cmdline *cl, unsigned int *n, const char *name,
		char short_opt, bool has_arg, int val)
{
	size_t len = strlen(cl->optstring);

	if (*n >= LB_CMDLINE_MAX)
		lb_die("BUG: more than %u options", LB_CMDLINE_MAX);
	cl->longopts[(*n)++] =
		(struct option){ name,
				 has_arg ? required_argument : no_argument,
				 NULL, short_opt ? short_opt : val };
	if (short_opt) {
		cl->optstring[len++] = short_opt;
		if (has_arg)
			cl->optstring[len++] = ':';
		cl->optstring[len] = '\0';
	}
}

void lb_cmdline_build(struct lb_cmdline *cl, bool sweep,
		      const struct lb_cmd_opt *opts, unsigned int nopts)
{
	unsigned int i, n = 0;

	memset(cl, 0, sizeof(*cl));
	cl->sweep = sweep;
	cl->opts = opts;
	cl->nopts = nopts;
	cl->optstring[0] = ':'; /* a missing value: ':', not '?' */
	for (i = 0; i < lb_nknobs; i++)
		if (included(cl, &lb_knobs[i]))
			add(cl, &n, lb_knobs[i].name, lb_knobs[i].short_opt,
			    lb_knobs[i].type != LB_KT_GATE_OFF,
			    LB_OPT_KNOB + (int)i);
	for (i = 0; i < nopts; i++)
		if (opts[i].name)
			add(cl, &n, opts[i].name, opts[i].short_opt,
			    opts[i].arg != NULL, LB_OPT_CMD + (int)i);
}

const struct lb_knob *lb_cmdline_knob(const struct lb_cmdline *cl, int c)
{
	unsigned int i;

	if (c >= LB_OPT_KNOB && c < LB_OPT_KNOB + (int)lb_nknobs)
		return &lb_knobs[c - LB_OPT_KNOB];
	for (i = 0; i < lb_nknobs && c > 0 && c < 128; i++)
		if (lb_knobs[i].short_opt == c && included(cl, &lb_knobs[i]))
			return &lb_knobs[i];
	return NULL;
}

bool lb_cmdline_knob_arg(const struct lb_cmdline *cl, int c, const char *arg,
			 struct lb_knob_set *s)
{
	const struct lb_knob *k = lb_cmdline_knob(cl, c);
	char opt[64], err[LB_ERRLEN];

	if (!k)
		return false;
	snprintf(opt, sizeof(opt), "--%s", k->name);
	if (lb_knob_parse(s, k, opt, arg ? arg : "", true, err, sizeof(err)))
		lb_usage_error("%s", err);
	return true;
}

/* "  -m, --methods LIST   help text", wrapped at HELP_WIDTH. */
static void help_line(FILE *f, char short_opt, const char *name,
		      const char *arg, const char *help)
{
	char left[64];
	int col = snprintf(left, sizeof(left), "  %c%c%c --%s%s%s",
			   short_opt ? '-' : ' ', short_opt ? short_opt : ' ',
			   short_opt ? ',' : ' ', name, arg ? " " : "",
			   arg ? arg : "");
	const char *p = help;
	bool first = true;

	fputs(left, f);
	col += fprintf(f, "%*s", col < HELP_COL ? HELP_COL - col : 1, "");
	while (*p) {
		int word = (int)strcspn(p, " ");

		if (!first && col + 1 + word > HELP_WIDTH)
			col = fprintf(f, "\n%*s", HELP_COL, "") - 1;
		else if (!first)
			col += fprintf(f, " ");
		col += fprintf(f, "%.*s", word, p);
		first = false;
		for (p += word; *p == ' '; p++)
			;
	}
	fputc('\n', f);
}

void lb_cmdline_help(const struct lb_cmdline *cl, FILE *f)
{
	unsigned int i, k;

	for (i = 0; i < cl->nopts; i++) {
		const struct lb_cmd_opt *o = &cl->opts[i];

		if (o->name) {
			help_line(f, o->short_opt, o->name, o->arg, o->help);
			continue;
		}
		for (k = 0; k < lb_nknobs; k++)
			if (included(cl, &lb_knobs[k]))
				help_line(f, lb_knobs[k].short_opt,
					  lb_knobs[k].name,
					  lb_knobs[k].type == LB_KT_GATE_OFF ?
						  NULL :
						  lb_knobs[k].arg,
					  lb_knobs[k].help);
	}
}
