/* SPDX-License-Identifier: MIT */
/*
 * series.c - the lines of a chart and the .dat file gnuplot reads them
 * from: a comment header, then one block per series (separated by two
 * blank lines), its quoted title first, then rows "x y lo hi" sorted by x.
 */
#include "config.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness/plot/internal.h"
#include "runtime/compiler.h"

static void *xrealloc(void *p, size_t size)
{
	void *q = realloc(p, size ? size : 1);

	return q ? q : lb_xmalloc_fail(size);
}

void lb_plot_unquote(char *s)
{
	for (; *s; s++)
		if (strchr("\"\\'", *s))
			*s = '_';
}

struct lb_series *lb_series_get(struct lb_chart *c, const char *id,
				const char *title)
{
	struct lb_series *s;
	unsigned int i;

	for (i = 0; i < c->n; i++)
		if (!strcmp(c->s[i].id, id))
			return &c->s[i];
	if (c->n == c->cap) {
		c->cap = c->cap ? 2 * c->cap : 8;
		c->s = xrealloc(c->s, c->cap * sizeof(*c->s));
	}
	s = &c->s[c->n++];
	memset(s, 0, sizeof(*s));
	s->id = strdup(id);
	if (!s->id)
		lb_xmalloc_fail(strlen(id) + 1);
	/* gnuplot reads the title as a quoted string: no quotes in it */
	snprintf(s->title, sizeof(s->title), "%s", title);
	lb_plot_unquote(s->title);
	return s;
}

void lb_series_add(struct lb_series *s, double x, double y, double lo,
		   double hi)
{
	if (!isfinite(x) || !isfinite(y))
		return;
	if (s->n == s->cap) {
		s->cap = s->cap ? 2 * s->cap : 8;
		s->pts = xrealloc(s->pts, s->cap * sizeof(*s->pts));
	}
	s->pts[s->n++] = (struct lb_point){ x, y, isfinite(lo) ? lo : y,
					    isfinite(hi) ? hi : y };
}

void lb_plot_charts_free(struct lb_chart *charts, unsigned int n)
{
	unsigned int i, j;

	for (i = 0; i < n; i++) {
		for (j = 0; j < charts[i].n; j++) {
			free(charts[i].s[j].id);
			free(charts[i].s[j].pts);
		}
		free(charts[i].s);
	}
	free(charts);
}

unsigned int lb_chart_height(const struct lb_chart *c)
{
	return 560 + 20 * ((c->n + c->nrefs + 1) / 2);
}

static int cmp_point(const void *a, const void *b)
{
	const struct lb_point *x = a, *y = b;

	return (x->x > y->x) - (x->x < y->x);
}

static void write_series(FILE *f, struct lb_chart *c)
{
	unsigned int i, j;

	fprintf(f, "# lockbench plot: %s\n# %s\n", c->name, c->title);
	for (i = 0; i < c->nrefs; i++)
		fprintf(f, "# floor %.10g \"%s\"\n", c->refs[i].y,
			c->refs[i].title);
	for (i = 0; i < c->n; i++) {
		struct lb_series *s = &c->s[i];

		qsort(s->pts, s->n, sizeof(*s->pts), cmp_point);
		fprintf(f, "%s\"%s\"\n", i ? "\n\n" : "", s->title);
		for (j = 0; j < s->n; j++)
			fprintf(f, "%.10g %.10g %.10g %.10g\n", s->pts[j].x,
				s->pts[j].y, s->pts[j].lo, s->pts[j].hi);
	}
}

int lb_plot_write_data(const char *dir, struct lb_chart *c, char *err,
		       size_t errlen)
{
	char path[4200];
	FILE *f;

	snprintf(path, sizeof(path), "%.3000s/data/%.64s.dat", dir, c->name);
	f = fopen(path, "w");
	if (f)
		write_series(f, c);
	if (!f || fclose(f)) {
		snprintf(err, errlen, "cannot write '%.300s': %s", path,
			 strerror(errno));
		return -1;
	}
	return 0;
}
