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
