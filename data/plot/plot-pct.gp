# SPDX-License-Identifier: MIT
# plot-pct.gp - two latency percentiles, p50 and p99, per line against a
# knob (threads or critical-section length), log scale.  Series 2k is the
# p50 and 2k+1 the p99 of the same line: they share colour and point
# shape; p50 is dashed with open points, p99 solid with filled points, so
# the pairs survive grey-scale printing.
#
# Parameters (gnuplot -e): templates, datafile, outbase, height, nseries,
# charttitle, xlabel_text, ylabel_text, logx (0, 2 or 10), xover (0 or the
# x where threads exceed the PUs: shaded beyond), xticlist ("" or the x
# values to mark); optional: nrefs, refy<k>, reftitle<k>, reflabel<k>
# (reference lines, see plot-common.gp).  datafile: one block per series,
# its first line the quoted title, then rows "x median low high".

load templates.'/plot-common.gp'

set title charttitle
set xlabel xlabel_text
set ylabel ylabel_text
if (logx > 0) { set logscale x logx }
set logscale y 10
if (strlen(xticlist) > 0) { eval 'set xtics ('.xticlist.')' }
set offsets graph 0.03, graph 0.03, 0, 0
if (xover > 0) {
	set object 1 rect from first xover, graph 0 to graph 1, graph 1 \
		behind fc rgb "#9a9a9a" fs transparent solid 0.22 noborder
	set label 1 "more threads than PUs (oversubscribed)" \
		at first xover, graph 0.98 offset 0.5,0 left font ",9"
}
# the colours of plot-common.gp's line styles 1-8
colours = "#0072B2 #D55E00 #009E73 #CC79A7 #000000 #E69F00 #56B4E9 #666666"
filled = "7 5 9 13 11 15"
open = "6 4 8 12 10 14"
colour(i) = word(colours, (i / 2) % 8 + 1)
ptype(i) = int(word(i % 2 ? filled : open, (i / 2) % 6 + 1))
dtype(i) = i % 2 ? 1 : 2
lwidth(i) = i % 2 ? 2 : 1.5

eval png_terminal
set output outbase.'.png'
plot for [i=0:nseries-1] datafile index i using 1:2:3:4 \
	with yerrorlines lc rgb colour(i) dt dtype(i) \
	lw lwidth(i) pt ptype(i) ps 1.2 title columnheader(1) @refplot
eval svg_terminal
set output outbase.'.svg'
replot
unset output
