/* SPDX-License-Identifier: MIT */
/*
 * fileio.h - writing JSON files atomically, and checking an output path
 * before anything runs.
 */
#ifndef LB_HARNESS_FILEIO_H
#define LB_HARNESS_FILEIO_H

#include <jansson.h>
#include <stddef.h>

/*
 * lb_write_json_atomic - write @j to @path through a temporary file in the
 * same directory (fsync, rename, fsync of the directory), so that @path is
 * either the previous file or the new one, never a truncated one; a signal
 * handler removes the temporary file (lb_signals_set_tmp).  Returns 0, or
 * -1 with the reason in @err.
 */
int lb_write_json_atomic(const char *path, json_t *j, char *err, size_t errlen);
/*
 * lb_check_output_path - @path can be written: not empty, not a directory,
 * in an existing writable directory.  Returns 0, or -1 with why in @err.
 */
int lb_check_output_path(const char *path, char *err, size_t errlen);

#endif /* LB_HARNESS_FILEIO_H */
