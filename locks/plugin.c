/* SPDX-License-Identifier: MIT */
/*
 * plugin.c - --lock-lib: a lock from a shared object.
 *
 * The file is checked before dlopen() runs any of its code (it must be an
 * ELF shared object), loaded with RTLD_NOW (an unresolved symbol fails
 * here, not in the middle of a run) and RTLD_LOCAL (two plugins may use
 * the same internal names), and its descriptor checked field by field:
 * every refusal names the file and the problem.  The file stays loaded for
 * the life of the process; a repetition's child process inherits it.
 */
#include <dlfcn.h>
#include <elf.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "locks/plugin.h"
#include "runtime/sha256.h"

struct plugin {
	struct lb_lock_ops ops;
	struct lb_plugin_info info;
	void *handle;
};

static struct plugin plugins[LB_MAX_PLUGINS];
static unsigned int nplugins;

/*
 * init converts the knobs to the public struct, so that lockbench's own
 * struct lb_lock_cfg may change without breaking the ABI.  One trampoline
 * per slot: the registry calls init(lock, cfg) with no other context.
 */
static int plugin_init(unsigned int slot, void *lock,
		       const struct lb_lock_cfg *cfg)
{
	struct lockbench_lock_cfg c = { .spin_limit = cfg ? cfg->spin_limit :
							    0 };

	return plugins[slot].info.desc->init(lock, &c);
}

/* The slots (clang-format does not settle on one layout for this list). */
/* clang-format off */
#define PLUGIN_SLOTS(X) \
	X(0) X(1) X(2) X(3) X(4) X(5) X(6) X(7) \
	X(8) X(9) X(10) X(11) X(12) X(13) X(14) X(15)
/* clang-format on */
#define PLUGIN_INIT(n)                                                        \
	static int plugin_init_##n(void *lock, const struct lb_lock_cfg *cfg) \
	{                                                                     \
		return plugin_init(n, lock, cfg);                             \
	}
PLUGIN_SLOTS(PLUGIN_INIT)
#define PLUGIN_INIT_PTR(n) plugin_init_##n,
static int (*const plugin_inits[])(void *, const struct lb_lock_cfg *) = {
	PLUGIN_SLOTS(PLUGIN_INIT_PTR)
};

/* Only an ELF shared object (ET_DYN) is handed to dlopen(). */
static const char *not_shared_object(const char *path)
{
	Elf64_Ehdr eh;
	FILE *f = fopen(path, "rb");
	size_t n;

	if (!f)
		return strerror(errno);
	n = fread(&eh, 1, sizeof(eh), f);
	fclose(f);
	if (n < EI_NIDENT + 2 * sizeof(uint16_t) ||
	    memcmp(eh.e_ident, ELFMAG, SELFMAG))
		return "not a shared object (no ELF header)";
	if (eh.e_type != ET_DYN)
		return "not a shared object (an ELF file of another type: "
		       "build it with -shared -fPIC)";
	return NULL;
}

static bool valid_name(const char *s)
{
	size_t i;

	if (!s || !(s[0] >= 'a' && s[0] <= 'z') || !strcmp(s, "all"))
		return false;
	for (i = 1; s[i]; i++)
		if (i > 31 || !((s[i] >= 'a' && s[i] <= 'z') ||
				(s[i] >= '0' && s[i] <= '9') || s[i] == '-' ||
				s[i] == '_'))
			return false;
	return true;
}

static const char *missing_op(const struct lockbench_lock *d)
{
	if (!d->init)
		return "init";
	if (!d->destroy)
		return "destroy";
	if (!d->lock)
		return "lock";
	if (!d->unlock)
		return "unlock";
	return NULL;
}

#define ALL_FLAGS                                                             \
	(LOCKBENCH_LOCK_FIFO | LOCKBENCH_LOCK_SLEEPS | LOCKBENCH_LOCK_SPINS | \
	 LOCKBENCH_LOCK_RECURSIVE | LOCKBENCH_LOCK_RW)

/* The properties and reader side agree with each other. */
static int check_claims(const struct lockbench_lock *d, char *why, size_t len)
{
	if (d->flags & ~ALL_FLAGS)
		snprintf(why, len, "unknown property flags 0x%x",
			 d->flags & ~ALL_FLAGS);
	else if ((d->flags & LOCKBENCH_LOCK_SLEEPS) &&
		 (d->flags & LOCKBENCH_LOCK_SPINS))
		snprintf(why, len,
			 "claims both SLEEPS and SPINS (SPINS "
			 "means its waiters never sleep)");
	else if (!(d->flags & LOCKBENCH_LOCK_RW) != !d->rdlock ||
		 !d->rdlock != !d->rdunlock)
		snprintf(why, len,
			 "LOCKBENCH_LOCK_RW, rdlock and rdunlock "
			 "must be given together");
	else if ((d->flags & LOCKBENCH_LOCK_FIFO) && !d->queued)
		snprintf(why, len,
			 "claims LOCKBENCH_LOCK_FIFO but has no "
			 "queued() for the FIFO check");
	else
		return 0;
	return -1;
}

/* Every field of the descriptor, in order; 0 or -1 with @why. */
static int check_desc(const struct lockbench_lock *d, char *why, size_t len)
{
	const char *op;

	if (d->abi != LOCKBENCH_LOCK_ABI)
		snprintf(why, len,
			 "built for lockbench lock ABI %u, this lockbench "
			 "reads %u",
			 d->abi, LOCKBENCH_LOCK_ABI);
	else if (d->size < sizeof(*d))
		snprintf(why, len,
			 "descriptor of %u bytes, ABI %u's has %zu (not set "
			 "with LOCKBENCH_LOCK_HEADER?)",
			 d->size, LOCKBENCH_LOCK_ABI, sizeof(*d));
	else if (!valid_name(d->name))
		snprintf(why, len,
			 "invalid method name '%.40s': a letter, then up to "
			 "31 of a-z 0-9 - _ (not 'all')",
			 d->name ? d->name : "(null)");
	else if (!d->lock_size || d->lock_size > LB_PLUGIN_MAX_SIZE)
		snprintf(why, len, "lock size of %zu bytes (1 to %u)",
			 d->lock_size, LB_PLUGIN_MAX_SIZE);
	else if (d->node_size > LB_PLUGIN_MAX_SIZE)
		snprintf(why, len, "node size of %zu bytes (0 to %u)",
			 d->node_size, LB_PLUGIN_MAX_SIZE);
	else if (d->lock_align & (d->lock_align - 1) ||
		 d->lock_align > LB_PAD_SIZE)
		snprintf(why, len,
			 "lock alignment %zu (a power of two up to %d)",
			 d->lock_align, LB_PAD_SIZE);
	else if ((op = missing_op(d)))
		snprintf(why, len, "missing operation: %s is NULL", op);
	else
		return check_claims(d, why, len);
	return -1;
}

static unsigned int internal_flags(uint32_t f)
{
	return LB_PLUGIN | (f & LOCKBENCH_LOCK_FIFO ? LB_FAIR : 0) |
	       (f & LOCKBENCH_LOCK_SLEEPS ? LB_SLEEPS : 0) |
	       (f & LOCKBENCH_LOCK_SPINS ? LB_SPINS : 0) |
	       (f & LOCKBENCH_LOCK_RECURSIVE ? LB_RECURSIVE : 0) |
	       (f & LOCKBENCH_LOCK_RW ? LB_RW : 0);
}

static void fill_ops(struct plugin *p, unsigned int slot)
{
	const struct lockbench_lock *d = p->info.desc;

	p->ops = (struct lb_lock_ops){
		.name = d->name,
		.summary = d->summary ? d->summary : "(no summary)",
		.source = p->info.path,
		.flags = internal_flags(d->flags),
		.lock_size = d->lock_size,
		.node_size = d->node_size,
		.init = plugin_inits[slot],
		.destroy = d->destroy,
		.lock = d->lock,
		.unlock = d->unlock,
		.trylock = d->trylock,
		.rdlock = d->rdlock,
		.rdunlock = d->rdunlock,
		.queued = d->queued,
	};
}

/* Open and check; 0, or -1 with @why (the handle closed again). */
static int open_plugin(struct plugin *p, const char *path, char *why,
		       size_t len)
{
	const char *bad = not_shared_object(path);
	int e;

	if (bad) {
		snprintf(why, len, "%s", bad);
		return -1;
	}
	e = lb_sha256_file(path, p->info.sha256, &p->info.file_size);
	if (e) {
		snprintf(why, len, "%s", strerror(e));
		return -1;
	}
	p->handle = dlopen(path, RTLD_NOW | RTLD_LOCAL);
	if (!p->handle) {
		snprintf(why, len, "dlopen: %s", dlerror());
		return -1;
	}
	p->info.desc = dlsym(p->handle, LOCKBENCH_LOCK_SYMBOL);
	if (!p->info.desc)
		snprintf(why, len,
			 "no symbol %s: not a lockbench lock (see "
			 "<lockbench/lock.h>)",
			 LOCKBENCH_LOCK_SYMBOL);
	else if (!check_desc(p->info.desc, why, len))
		return 0;
	dlclose(p->handle);
	return -1;
}

int lb_lock_lib_load(const char *path, char *err, size_t errlen)
{
	struct plugin *p;
	char why[256];
	int index;

	if (nplugins == LB_MAX_PLUGINS) {
		snprintf(err, errlen,
			 "--lock-lib %s: more than %u lock "
			 "libraries",
			 path, LB_MAX_PLUGINS);
		return -1;
	}
	p = &plugins[nplugins];
	*p = (struct plugin){ .info.path = path };
	if (open_plugin(p, path, why, sizeof(why))) {
		snprintf(err, errlen, "--lock-lib %s: %s", path, why);
		return -1;
	}
	fill_ops(p, nplugins);
	index = lb_registry_add(&p->ops, why, sizeof(why));
	if (index < 0) {
		snprintf(err, errlen, "--lock-lib %s: %s", path, why);
		dlclose(p->handle);
		return -1;
	}
	nplugins++;
	return index;
}

bool lb_lock_lib_loaded(const char *path)
{
	unsigned int i;

	for (i = 0; i < nplugins; i++)
		if (!strcmp(plugins[i].info.path, path))
			return true;
	return false;
}

const struct lb_plugin_info *lb_plugin_info(const struct lb_lock_ops *ops)
{
	unsigned int i;

	for (i = 0; i < nplugins; i++)
		if (&plugins[i].ops == ops)
			return &plugins[i].info;
	return NULL;
}
