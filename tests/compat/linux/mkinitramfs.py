#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
# Write a newc cpio initramfs holding /init (a given static binary) and /dev/console, without root.
"""Usage: mkinitramfs.py INIT OUT

The kernel opens /dev/console for init's stdin/stdout/stderr before it
runs /init; a device node in the archive needs no privileges to create.
"""

import os
import sys

S_IFDIR, S_IFREG, S_IFCHR = 0o040000, 0o100000, 0o020000


def entry(ino, name, mode, data=b"", rdev=(0, 0)):
    name_b = name.encode() + b"\0"
    fields = [ino, mode, 0, 0, 1, 0, len(data), 0, 0, rdev[0], rdev[1],
              len(name_b), 0]
    head = b"070701" + b"".join(b"%08x" % f for f in fields)
    out = head + name_b
    out += b"\0" * (-len(out) % 4)
    out += data + b"\0" * (-len(data) % 4)
    return out


def main(init, out):
    with open(init, "rb") as f:
        init_data = f.read()
    archive = entry(1, "dev", S_IFDIR | 0o755)
    archive += entry(2, "dev/console", S_IFCHR | 0o600, rdev=(5, 1))
    archive += entry(3, "init", S_IFREG | 0o755, init_data)
    archive += entry(4, "TRAILER!!!", 0)
    archive += b"\0" * (-len(archive) % 512)
    tmp = out + ".tmp"
    with open(tmp, "wb") as f:
        f.write(archive)
    os.replace(tmp, out)


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    main(sys.argv[1], sys.argv[2])
