#!/usr/bin/env python3
"""Packs the PNG renderings of icon.svg into icon.ico (Windows) and icon.icns (macOS).

Both formats accept PNG payloads, so no image library is needed. Regenerate all icons with:
    for s in 16 32 48 64 128 256 512 1024; do rsvg-convert -w $s -h $s icon.svg -o tmp-$s.png; done
    cp tmp-32.png 32x32.png; cp tmp-128.png 128x128.png; cp tmp-256.png 128x128@2x.png
    cp tmp-512.png icon.png; python3 pack-icons.py; rm tmp-*.png
"""
import struct
from pathlib import Path

here = Path(__file__).parent


def png(size: int) -> bytes:
    return (here / f"tmp-{size}.png").read_bytes()


def ico(sizes):
    images = [png(s) for s in sizes]
    header = struct.pack("<HHH", 0, 1, len(images))
    offset = 6 + 16 * len(images)
    entries = b""
    for size, data in zip(sizes, images):
        dim = 0 if size >= 256 else size
        entries += struct.pack("<BBBBHHII", dim, dim, 0, 0, 1, 32, len(data), offset)
        offset += len(data)
    return header + entries + b"".join(images)


def icns(types):
    chunks = b""
    for kind, size in types:
        data = png(size)
        chunks += kind.encode("ascii") + struct.pack(">I", 8 + len(data)) + data
    return b"icns" + struct.pack(">I", 8 + len(chunks)) + chunks


(here / "icon.ico").write_bytes(ico([16, 32, 48, 64, 128, 256]))
(here / "icon.icns").write_bytes(
    icns([("icp4", 16), ("icp5", 32), ("icp6", 64), ("ic07", 128), ("ic08", 256), ("ic09", 512), ("ic10", 1024)])
)
