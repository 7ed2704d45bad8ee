# SPDX-License-Identifier: MIT
# plot-lines.gp - one line per series of a metric against a knob (threads
# or critical-section length): median with its error bar.
#
# Parameters (gnuplot -e): templates, datafile, outbase, height, nseries,
# charttitle, xlabel_text, ylabel_text, logx (0, 2 or 10), logy (0/1),
# xover (0 or the x where threads exceed the PUs: shaded beyond),
# xticlist ("" or the x values to mark: "1,2,4").
# Optional: nrefs, refy<k>, reftitle<k>, reflabel<k>: reference lines (the
# hand-off floors), see plot-common.gp.
# datafile: one block per series (separated by two blank lines), its first
# line the quoted series title, then rows "x median low high".

load templates.'/plot-common.gp'

set title charttitle
set xlabel xlabel_text
set ylabel ylabel_text
if (logx > 0) { set logscale x logx }
if (logy) { set logscale y 10 } else { set yrange [0:*] }
if (strlen(xticlist) > 0) { eval 'set xtics ('.xticlist.')' }
set offsets graph 0.03, graph 0.03, graph 0.05, 0
if (xover > 0) {
	set object 1 rect from first xover, graph 0 to graph 1, graph 1 \
		behind fc rgb "#9a9a9a" fs transparent solid 0.22 noborder
	set label 1 "more threads than PUs (oversubscribed)" \
		at first xover, graph 0.98 offset 0.5,0 left font ",9"
}

eval png_terminal
set output outbase.'.png'
plot for [i=0:nseries-1] datafile index i using 1:2:3:4 \
	with yerrorlines ls (i % 8 + 1) title columnheader(1) @refplot
eval svg_terminal
set output outbase.'.svg'
replot
unset output
