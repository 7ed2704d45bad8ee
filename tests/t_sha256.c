/* SPDX-License-Identifier: MIT */
/*
 * t_sha256.c - runtime/sha256.c against the examples of FIPS 180-2
 * (appendix B: "abc", the two-block message, a million 'a'), the empty
 * message, a buffer fed in uneven pieces, and a file.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "runtime/sha256.h"
#include "tests/tap.h"

static void check(const char *what, const void *data, size_t len, size_t piece,
		  const char *want)
{
	struct lb_sha256 s;
	char hex[65];
	size_t off;

	lb_sha256_init(&s);
	for (off = 0; off < len; off += piece)
		lb_sha256_update(&s, (const char *)data + off,
				 len - off < piece ? len - off : piece);
	lb_sha256_hex(&s, hex);
	tap_ok(!strcmp(hex, want), "sha256(%s) = %s", what, hex);
}

int main(void)
{
	static char million[1000000];
	const char *two = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomn"
			  "opnopq";
	char path[] = "/tmp/t_sha256.XXXXXX", hex[65] = "";
	uint64_t size = 0;
	bool ok;
	int fd;

	tap_plan(7);
	check("\"abc\"", "abc", 3, 64,
	      "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	check("\"\"", "", 0, 64,
	      "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
	check("two blocks", two, strlen(two), 64,
	      "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
	memset(million, 'a', sizeof(million));
	check("a million 'a'", million, sizeof(million), sizeof(million),
	      "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
	check("a million 'a' in pieces of 7", million, sizeof(million), 7,
	      "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
	fd = mkstemp(path);
	ok = fd >= 0 && write(fd, two, strlen(two)) == (ssize_t)strlen(two) &&
	     !lb_sha256_file(path, hex, &size) && size == strlen(two) &&
	     !strcmp(hex, "248d6a61d20638b8e5c026930c3e6039a33ce459"
			  "64ff2167f6ecedd419db06c1");
	tap_ok(ok, "a file: %llu bytes, %s", (unsigned long long)size, hex);
	if (fd >= 0) {
		close(fd);
		unlink(path);
	}
	tap_ok(lb_sha256_file("/nonexistent/x", hex, &size) != 0,
	       "a missing file is an error");
	return tap_done();
}
