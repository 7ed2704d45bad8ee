/* SPDX-License-Identifier: MIT */
/*
 * sha256.h - SHA-256 of a buffer or a file, to identify a lock plugin in a
 * result file (FIPS 180-4, "Secure Hash Standard", section 6.2).  Not
 * constant-time, not for secrets.
 */
#ifndef LB_RUNTIME_SHA256_H
#define LB_RUNTIME_SHA256_H

#include <stddef.h>
#include <stdint.h>

struct lb_sha256 {
	uint32_t h[8];
	uint64_t len; /* bytes hashed so far */
	unsigned char buf[64];
	size_t nbuf;
};

void lb_sha256_init(struct lb_sha256 *s);
void lb_sha256_update(struct lb_sha256 *s, const void *data, size_t len);
/* The digest as 64 lowercase hex digits and a NUL. */
void lb_sha256_hex(struct lb_sha256 *s, char hex[65]);

/* The file at @path: 0, or an errno value (hex untouched). */
int lb_sha256_file(const char *path, char hex[65], uint64_t *size);

#endif /* LB_RUNTIME_SHA256_H */
