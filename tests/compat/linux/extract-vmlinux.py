#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
# Unpack the ELF vmlinux from an x86 bzImage whose payload is xz (what Debian ships) or gzip.
"""Usage: extract-vmlinux.py BZIMAGE OUT

The boot protocol header (Documentation/x86/boot.rst) gives the payload:
setup_sects at 0x1f1, payload_offset and payload_length at 0x248, counted
from the protected-mode code, which starts (setup_sects + 1) * 512 bytes
in.  Debian's kernels compress it with xz.
"""

import gzip
import lzma
import struct
import sys


def main(src, out):
    with open(src, "rb") as f:
        image = f.read()
    if image[0x202:0x206] != b"HdrS":
        sys.exit("extract-vmlinux: %s is not a bzImage" % src)
    setup_sects = image[0x1f1] or 4
    offset, length = struct.unpack_from("<II", image, 0x248)
    start = (setup_sects + 1) * 512 + offset
    payload = image[start:start + length]
    if payload.startswith(b"\xfd7zXZ\x00"):
        # The length includes the appended size word: decode one stream.
        elf = lzma.LZMADecompressor(format=lzma.FORMAT_XZ).decompress(payload)
    elif payload.startswith(b"\x1f\x8b"):
        elf = gzip.decompress(payload)
    else:
        sys.exit("extract-vmlinux: payload format %r not handled" % payload[:6])
    if not elf.startswith(b"\x7fELF"):
        sys.exit("extract-vmlinux: the payload is not an ELF image")
    with open(out, "wb") as f:
        f.write(elf)


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    main(sys.argv[1], sys.argv[2])
