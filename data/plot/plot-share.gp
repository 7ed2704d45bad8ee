# SPDX-License-Identifier: MIT
# plot-share.gp - each thread's share of the operations in one
# configuration (1 = an equal share), one group of bars per thread, one bar
# per series.  Bars differ by fill pattern as well as colour.
#
# Parameters (gnuplot -e): templates, datafile, outbase, height, nseries,
# charttitle, boxwidth.  datafile: one block per series, its first line the
# quoted title, then rows "x share" (x already offset within the group).

load templates.'/plot-common.gp'

set title charttitle
set xlabel "thread (in placement order)"
set ylabel "share of operations (1 = equal share)"
set yrange [0:*]
set xtics 1
set boxwidth boxwidth absolute
set arrow 1 from graph 0, first 1 to graph 1, first 1 nohead dt 2 lc rgb "#444444" front

eval png_terminal
set output outbase.'.png'
plot for [i=0:nseries-1] datafile index i using 1:2 with boxes \
	ls (i % 8 + 1) fs pattern (i % 7 + 1) border lc rgb "#222222" \
	title columnheader(1)
eval svg_terminal
set output outbase.'.svg'
replot
unset output
