#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
# Write a newc cpio initramfs from files and symlinks, with /dev/console, without root.
"""Usage: mkinitramfs.py OUT DEST=SRC... [DEST->TARGET]...

DEST=SRC copies the host file SRC to DEST (mode 0755: these are /init and
programs); DEST->TARGET makes a symlink.  Parent directories are created.
The kernel opens /dev/console for init's stdin/stdout/stderr before it
runs /init; a device node in the archive needs no privileges to create.
"""

import os
import sys

S_IFDIR, S_IFREG, S_IFCHR, S_IFLNK = 0o040000, 0o100000, 0o020000, 0o120000


class Archive:
    def __init__(self):
        self.data = b""
        self.ino = 0
        self.dirs = set()

    def entry(self, name, mode, body=b"", rdev=(0, 0)):
        self.ino += 1
        name_b = name.encode() + b"\0"
        fields = [self.ino, mode, 0, 0, 1, 0, len(body), 0, 0, rdev[0], rdev[1],
                  len(name_b), 0]
        out = b"070701" + b"".join(b"%08x" % f for f in fields) + name_b
        out += b"\0" * (-len(out) % 4)
        out += body + b"\0" * (-len(body) % 4)
        self.data += out

    def parents(self, path):
        parts = path.split("/")[:-1]
        for i in range(1, len(parts) + 1):
            d = "/".join(parts[:i])
            if d and d not in self.dirs:
                self.dirs.add(d)
                self.entry(d, S_IFDIR | 0o755)


def main(out, specs):
    a = Archive()
    a.parents("dev/console")
    a.entry("dev/console", S_IFCHR | 0o600, rdev=(5, 1))
    for spec in specs:
        if "->" in spec:
            dest, target = spec.split("->", 1)
            dest = dest.strip("/")
            a.parents(dest)
            a.entry(dest, S_IFLNK | 0o777, target.encode())
        elif "=" in spec:
            dest, src = spec.split("=", 1)
            dest = dest.strip("/")
            with open(src, "rb") as f:
                body = f.read()
            a.parents(dest)
            a.entry(dest, S_IFREG | 0o755, body)
        else:
            sys.exit("mkinitramfs: '%s' is neither DEST=SRC nor DEST->TARGET" % spec)
    a.entry("TRAILER!!!", 0)
    data = a.data + b"\0" * (-len(a.data) % 512)
    tmp = out + ".tmp"
    with open(tmp, "wb") as f:
        f.write(data)
    os.replace(tmp, out)


if __name__ == "__main__":
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    main(sys.argv[1], sys.argv[2:])
