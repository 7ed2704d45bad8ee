/* SPDX-License-Identifier: MIT */
/*
 * datafile.h - where lockbench's data files are (gnuplot templates, sweep
 * presets): beside the binary in a build tree, in the source tree, or
 * where `make install` put them ($(pkgdatadir)).
 */
#ifndef LB_HARNESS_DATAFILE_H
#define LB_HARNESS_DATAFILE_H

#include <stddef.h>

/*
 * lb_data_dir - the folder holding data file @probe: SRC_SUB beside the
 * running binary (a build in the source tree), LB_SRCDIR/SRC_SUB (a build
 * in another folder), else LB_PKGDATADIR/INST_SUB (installed; INST_SUB
 * may be "").  Written into @buf (@len bytes); returns @buf.
 */
const char *lb_data_dir(const char *src_sub, const char *inst_sub,
			const char *probe, char *buf, size_t len);

#endif /* LB_HARNESS_DATAFILE_H */
