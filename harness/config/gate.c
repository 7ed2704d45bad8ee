/* SPDX-License-Identifier: MIT */
/*
 * gate.c - the validity gate's settings (see gate.h): defaults, the
 * environment, --gate and --retries values, and their JSON.  The judge
 * itself is harness/engine/validity.c.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness/config/gate.h"
#include "harness/util/options.h"
#include "runtime/compiler.h"

/* ------------------------------------------------------------ options */

static const struct {
	const char *name;
	size_t offset;
	bool fraction; /* takes "10%"; at most 1 for cpu_low */
	const char *what;
} gate_keys[] = {
	{ "wall", offsetof(struct lb_gate, wall), true,
	  "overshoot of the window, a fraction" },
	{ "cpu_high", offsetof(struct lb_gate, cpu_high), true,
	  "CPU beyond threads x wall, a fraction" },
	{ "cpu_low", offsetof(struct lb_gate, cpu_low), true,
	  "least CPU/wall per spinning thread, a fraction up to 1" },
	{ "other_cpu", offsetof(struct lb_gate, other_cpu), false,
	  "CPUs other processes may take beyond the free PUs" },
	{ "ivcsw", offsetof(struct lb_gate, ivcsw), false,
	  "involuntary switches per thread-second" },
	{ "migrations", offsetof(struct lb_gate, migrations), false,
	  "migrations of pinned threads" },
};

void lb_gate_defaults(struct lb_gate *g)
{
	*g = (struct lb_gate){
		.on = true,
		.wall = LB_GATE_WALL,
		.cpu_high = LB_GATE_CPU_HIGH,
		.cpu_low = LB_GATE_CPU_LOW,
		.other_cpu = LB_GATE_OTHER_CPU,
		.ivcsw = LB_GATE_IVCSW,
		.migrations = LB_GATE_MIGRATIONS,
	};
}

void lb_gate_env(struct lb_gate *g)
{
	const char *e = getenv("LOCKBENCH_GATE");

	if (e && !strcmp(e, "off"))
		g->on = false;
}

static double *gate_field(struct lb_gate *g, unsigned int k)
{
	return (double *)((char *)g + gate_keys[k].offset);
}

static int gate_item(const char *item, struct lb_gate *g, char *err,
		     size_t errlen)
{
	const char *eq = strchr(item, '=');
	size_t klen = eq ? (size_t)(eq - item) : strlen(item);
	unsigned int k;
	char *end;
	double v;

	for (k = 0; k < LB_ARRAY_SIZE(gate_keys); k++)
		if (strlen(gate_keys[k].name) == klen &&
		    !strncmp(item, gate_keys[k].name, klen))
			break;
	if (k == LB_ARRAY_SIZE(gate_keys)) {
		snprintf(err, errlen,
			 "invalid --gate value '%s': unknown key '%.*s' "
			 "(keys: wall, cpu_high, cpu_low, other_cpu, ivcsw, "
			 "migrations)",
			 item, (int)(klen > 64 ? 64 : klen), item);
		return -1;
	}
	if (!eq || !eq[1]) {
		snprintf(err, errlen,
			 "invalid --gate value '%s': expected %s=VALUE (%s, "
			 "or off)",
			 item, gate_keys[k].name, gate_keys[k].what);
		return -1;
	}
	if (!strcmp(eq + 1, "off")) {
		/* No limit: no upper bound, or a lower bound of 0 */
		*gate_field(g, k) = k == 2 ? 0 : INFINITY;
		return 0;
	}
	v = strtod(eq + 1, &end);
	if (end != eq + 1 && gate_keys[k].fraction && *end == '%' && !end[1]) {
		v /= 100;
		end++;
	}
	if (end == eq + 1 || *end || !isfinite(v) || v < 0 ||
	    (k == 2 && v > 1) || v > 1e9) {
		snprintf(err, errlen,
			 "invalid --gate value '%s': expected a number >= 0 "
			 "(%s), or off",
			 item, gate_keys[k].what);
		return -1;
	}
	*gate_field(g, k) = v;
	return 0;
}

int lb_gate_parse(const char *arg, struct lb_gate *g, char *err, size_t errlen)
{
	const char *p = arg;

	if (!*arg) {
		snprintf(err, errlen,
			 "invalid --gate value '': expected KEY=VALUE[,...]");
		return -1;
	}
	for (;;) {
		const char *comma = strchr(p, ',');
		size_t len = comma ? (size_t)(comma - p) : strlen(p);
		char item[128];

		if (!len || len >= sizeof(item)) {
			snprintf(err, errlen,
				 "invalid --gate value '%.200s': %s item", arg,
				 len ? "too long an" : "empty");
			return -1;
		}
		memcpy(item, p, len);
		item[len] = '\0';
		if (gate_item(item, g, err, errlen))
			return -1;
		if (!comma)
			break;
		p = comma + 1;
	}
	g->on = true;
	return 0;
}

int lb_retries_parse(const char *opt, const char *arg, unsigned int *out,
		     char *err, size_t errlen)
{
	uint64_t v;

	if (lb_parse_u64(opt, arg, 0, LB_RETRIES_MAX, &v, err, errlen))
		return -1;
	*out = (unsigned int)v;
	return 0;
}

static json_t *threshold(double v)
{
	return isfinite(v) ? json_real(v) : json_string("off");
}

json_t *lb_gate_json(const struct lb_gate *g)
{
	json_t *j;
	unsigned int k;

	if (!g || !g->on)
		return json_null();
	j = json_object();
	for (k = 0; k < LB_ARRAY_SIZE(gate_keys); k++)
		json_object_set_new(
			j, gate_keys[k].name,
			threshold(*gate_field((struct lb_gate *)g, k)));
	return j;
}
