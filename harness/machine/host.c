/* SPDX-License-Identifier: MIT */
#include "config.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include "harness/machine/host.h"

static double tv_s(struct timeval tv)
{
	return (double)tv.tv_sec + (double)tv.tv_usec / 1e6;
}

void lb_machine_sample(struct lb_machine_sample *s)
{
	unsigned long long v[10] = { 0 };
	struct rusage ru;
	FILE *f;

	memset(s, 0, sizeof(*s));
	f = fopen("/proc/stat", "r");
	if (f) {
		/* cpu user nice system idle iowait irq softirq steal ... */
		if (fscanf(f, "cpu %llu %llu %llu %llu %llu %llu %llu %llu",
			   &v[0], &v[1], &v[2], &v[3], &v[4], &v[5], &v[6],
			   &v[7]) == 8) {
			s->busy_ticks = v[0] + v[1] + v[2] + v[5] + v[6] + v[7];
			s->total_ticks = s->busy_ticks + v[3] + v[4];
			s->steal_ticks = v[7];
		}
		fclose(f);
	}
	f = fopen("/proc/loadavg", "r");
	if (f) {
		if (fscanf(f, "%lf %*f %*f %u", &s->load1, &s->running) != 2)
			s->load1 = -1;
		fclose(f);
	}
	getrusage(RUSAGE_SELF, &ru);
	s->self_cpu_s = tv_s(ru.ru_utime) + tv_s(ru.ru_stime);
}

void lb_machine_state(const struct lb_machine_sample *a,
		      const struct lb_machine_sample *b,
		      struct lb_machine_state *st)
{
	double tick = 1.0 / (double)sysconf(_SC_CLK_TCK);
	double busy = (double)(b->busy_ticks - a->busy_ticks) * tick;
	double total = (double)(b->total_ticks - a->total_ticks) * tick;
	double other = busy - (b->self_cpu_s - a->self_cpu_s);

	st->load1_before = a->load1;
	/* The loadavg count includes the reader itself. */
	st->running_before = a->running ? a->running - 1 : 0;
	/* Tick accounting is coarse: clamp the noise below zero. */
	st->other_cpu_s = other > 0 ? other : 0;
	st->steal_s = (double)(b->steal_ticks - a->steal_ticks) * tick;
	st->machine_busy = total > 0 ? busy / total : 0;
}

static void read_line(const char *path, const char *key, char *buf, size_t len)
{
	char line[512];
	FILE *f = fopen(path, "r");

	snprintf(buf, len, "unknown");
	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		char *colon;

		if (key && strncmp(line, key, strlen(key)))
			continue;
		colon = key ? strchr(line, ':') : NULL;
		snprintf(buf, len, "%s", colon ? colon + 2 : line);
		buf[strcspn(buf, "\n")] = '\0';
		break;
	}
	fclose(f);
}

static bool is_virtual(void)
{
	char flags[4096];

	read_line("/proc/cpuinfo", "flags", flags, sizeof(flags));
	return strstr(flags, " hypervisor") != NULL;
}

/* CLOCK_MONOTONIC's resolution, in ns (what durations are read with). */
static json_int_t timer_resolution_ns(void)
{
	struct timespec ts;

	if (clock_getres(CLOCK_MONOTONIC, &ts))
		return -1;
	return (json_int_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

json_t *lb_host_json(void)
{
	char host[256] = "unknown", model[256], gov[64], clocksrc[64];
	struct utsname u;

	gethostname(host, sizeof(host) - 1);
	uname(&u);
	read_line("/proc/cpuinfo", "model name", model, sizeof(model));
	read_line("/sys/devices/system/cpu/cpu0/cpufreq/scaling_governor", NULL,
		  gov, sizeof(gov));
	read_line("/sys/devices/system/clocksource/clocksource0/"
		  "current_clocksource",
		  NULL, clocksrc, sizeof(clocksrc));
	return json_pack("{s:s, s:s, s:s, s:s, s:s, s:I, s:s, s:I, s:s, s:b, "
			 "s:{s:s, s:s, s:s}}",
			 "hostname", host, "kernel", u.release, "machine",
			 u.machine, "cpu_model", model, "governor", gov,
			 "online_cpus",
			 (json_int_t)sysconf(_SC_NPROCESSORS_ONLN),
			 "clocksource", clocksrc, "timer_resolution_ns",
			 timer_resolution_ns(), "libc", "glibc", "virtualized",
			 is_virtual(), "build", "cc", LB_BUILD_CC, "compiler",
			 __VERSION__, "cflags", LB_BUILD_CFLAGS);
}

void lb_host_line(char *buf, size_t len)
{
	char model[256];
	struct utsname u;

	uname(&u);
	read_line("/proc/cpuinfo", "model name", model, sizeof(model));
	snprintf(buf, len, "%s, %ld online CPUs%s, Linux %s", model,
		 sysconf(_SC_NPROCESSORS_ONLN),
		 is_virtual() ? " (virtual machine)" : "", u.release);
}
