# SPDX-License-Identifier: MIT
# plot-latency.gp - acquisition latency percentiles per series, log scale.
#
# Parameters (gnuplot -e): templates, datafile, outbase, height, nseries,
# charttitle; optional: nrefs, refy<k>, reftitle<k>, reflabel<k> (reference
# lines, see plot-common.gp).  datafile: one block per series, its first
# line the quoted title, then rows "index median low high" for p50, p90,
# p99, p99.9.

load templates.'/plot-common.gp'

set title charttitle
set xlabel "percentile"
set ylabel "acquisition latency (ns, log scale)"
set logscale y 10
set xtics ("p50" 0, "p90" 1, "p99" 2, "p99.9" 3)
set xrange [-0.3:3.3]

eval png_terminal
set output outbase.'.png'
plot for [i=0:nseries-1] datafile index i using 1:2:3:4 \
	with yerrorlines ls (i % 8 + 1) title columnheader(1) @refplot
eval svg_terminal
set output outbase.'.svg'
replot
unset output
