#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
# pngcheck.py FILE [MIN_COLOURS] - exit 0 if FILE is a PNG (8-bit RGB or
# RGBA, non-interlaced, as Chromium and cairo write them) with at least
# MIN_COLOURS distinct colours (default 16) and no colour covering more
# than 99.5% of the pixels: "not blank".  Prints what it found.
# Only the standard library: zlib and the PNG filter definitions (PNG
# specification, ISO/IEC 15948, section 9).
import struct
import sys
import zlib


def paeth(a, b, c):
    p = a + b - c
    pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
    if pa <= pb and pa <= pc:
        return a
    return b if pb <= pc else c


def pixels(path):
    data = open(path, "rb").read()
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        raise ValueError("not a PNG file")
    pos, idat, hdr = 8, b"", None
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + length]
        if kind == b"IHDR":
            hdr = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            idat += body
        pos += 12 + length
    w, h, depth, ctype, _, _, interlace = hdr
    if depth != 8 or ctype not in (2, 6) or interlace:
        raise ValueError("unsupported PNG (depth %d, type %d)" % (depth, ctype))
    bpp = 3 if ctype == 2 else 4
    raw = zlib.decompress(idat)
    stride = w * bpp
    prev = bytearray(stride)
    out = []
    for y in range(h):
        f = raw[y * (stride + 1)]
        line = bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for i in range(stride):
            a = line[i - bpp] if i >= bpp else 0
            b = prev[i]
            c = prev[i - bpp] if i >= bpp else 0
            if f == 1:
                line[i] = (line[i] + a) & 255
            elif f == 2:
                line[i] = (line[i] + b) & 255
            elif f == 3:
                line[i] = (line[i] + (a + b) // 2) & 255
            elif f == 4:
                line[i] = (line[i] + paeth(a, b, c)) & 255
        out.append(bytes(line))
        prev = line
    return w, h, bpp, out


def main():
    path = sys.argv[1]
    need = int(sys.argv[2]) if len(sys.argv) > 2 else 16
    try:
        w, h, bpp, rows = pixels(path)
    except (OSError, ValueError, zlib.error, struct.error, TypeError) as e:
        print("%s: %s" % (path, e))
        return 1
    counts = {}
    for row in rows:
        for x in range(0, len(row), bpp * 2):  # every other pixel
            px = row[x:x + 3]
            counts[px] = counts.get(px, 0) + 1
    total = sum(counts.values())
    top = max(counts.values()) if counts else 0
    print("%s: %dx%d, %d colours, commonest covers %.1f%%" %
          (path, w, h, len(counts), 100.0 * top / max(total, 1)))
    return 0 if len(counts) >= need and top < 0.995 * total else 1


sys.exit(main())
