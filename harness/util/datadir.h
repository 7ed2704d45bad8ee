/* SPDX-License-Identifier: MIT */
/*
 * datadir.h - finding lockbench's data files (data/ in the source tree,
 * $(pkgdatadir) once installed): gnuplot templates, the index page.
 */
#ifndef LB_HARNESS_DATADIR_H
#define LB_HARNESS_DATADIR_H

#include <stddef.h>

/*
 * lb_data_path - the path of data file @rel ("plot/plot-lines.gp": its
 * path below data/ in the source tree, and below $(pkgdatadir) once
 * installed), looked for in this order, the first readable one wins:
 *   1. data/REL beside the running binary (a build in the source tree);
 *   2. LB_SRCDIR/data/REL (the source tree the binary was built from);
 *   3. LB_PKGDATADIR/REL (the installed data).
 * Writes the path into @buf (@len bytes, not overlapping @rel) and
 * returns 0; when none is readable, writes the installed path (3.) for
 * messages and returns -1.
 */
int lb_data_path(const char *rel, char *buf, size_t len);

#endif /* LB_HARNESS_DATADIR_H */
