# SPDX-License-Identifier: MIT
# plot-common.gp - what every lockbench chart shares (loaded by the other
# plot-*.gp templates; `lockbench plot` passes the parameters with -e).
#
# Series are told apart by dash type and point type as well as by colour
# (the Okabe-Ito palette, safe for colour-blind readers), so the charts
# survive grey-scale printing.  Legends go below the plot, never over data.
# Text is not "enhanced": labels from result files are printed as they are.

set encoding utf8
set style line 1 lc rgb "#0072B2" lw 2 dt 1 pt 7 ps 1.1
set style line 2 lc rgb "#D55E00" lw 2 dt 2 pt 5 ps 1.1
set style line 3 lc rgb "#009E73" lw 2 dt 3 pt 9 ps 1.3
set style line 4 lc rgb "#CC79A7" lw 2 dt 4 pt 13 ps 1.3
set style line 5 lc rgb "#000000" lw 2 dt 5 pt 4 ps 1.1
set style line 6 lc rgb "#E69F00" lw 2 dt (8,3,2,3,2,3) pt 6 ps 1.1
set style line 7 lc rgb "#56B4E9" lw 2 dt (2,4) pt 8 ps 1.3
set style line 8 lc rgb "#666666" lw 2 dt (12,4) pt 12 ps 1.3
set grid xtics ytics lc rgb "#d9d9d9" lw 1 dt 1
set border 3 lw 1
set tics nomirror
set format y "%g"
set format x "%g"
set key below left Left reverse noenhanced samplen 4 spacing 1.2
set title noenhanced font ",12"

# height: taller when the legend below has many entries
png_terminal = sprintf('set terminal pngcairo size 960,%d noenhanced font "sans,10" background rgb "white"', height)
svg_terminal = sprintf('set terminal svg size 960,%d dynamic noenhanced font "sans,10" background rgb "white"', height)

# Reference lines: the machine's hand-off floors (host.floors of the result
# files), when `lockbench plot` passes them: nrefs of them, refy<k> (the
# y value), reftitle<k> (the legend) and reflabel<k> (beside the line, at
# the right for odd k, at the left for even k).  Each template ends its
# plot command with the macro @refplot: empty without reference lines, so
# that nothing changes then.
if (!exists("nrefs")) nrefs = 0
refplot = nrefs > 0 ? ', for [k=1:nrefs] refy(k) with lines lc rgb "#444444" lw 1.5 dt k + 1 title reftitle(k)' : ''
refy(k) = value(sprintf("refy%d", k))
reftitle(k) = value(sprintf("reftitle%d", k))
reflabel(k) = value(sprintf("reflabel%d", k))
do for [k=1:nrefs] {
	set label 100 + k reflabel(k) at graph (k % 2 ? 0.99 : 0.01), first refy(k) \
		offset 0,0.6 font ",8" textcolor rgb "#333333" front
	if (k % 2) { set label 100 + k right } else { set label 100 + k left }
}
