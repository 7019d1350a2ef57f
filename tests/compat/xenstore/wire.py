#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
# Raw xs_wire requests of every type, edge cases included, on one socket; prints each reply.
"""Usage: wire.py SOCKET > transcript

One line per request: "TYPE payload -> REPLYTYPE payload", NUL shown as |.
wire.expected is this transcript against Debian's C xenstored 4.17; the
daemon under test must produce the same, except the lines listed in
DIFFERENCES (where we deliberately answer otherwise; see README.md).
"""
import socket
import struct
import sys

NAMES = ["CONTROL", "DIRECTORY", "READ", "GET_PERMS", "WATCH", "UNWATCH",
         "TRANSACTION_START", "TRANSACTION_END", "INTRODUCE", "RELEASE",
         "GET_DOMAIN_PATH", "WRITE", "MKDIR", "RM", "SET_PERMS", "WATCH_EVENT",
         "ERROR", "IS_DOMAIN_INTRODUCED", "RESUME", "SET_TARGET", "RESTRICT",
         "RESET_WATCHES", "DIRECTORY_PART"]
T = {n: i for i, n in enumerate(NAMES)}

# (type, payload with | for NUL, tx selector: 0 none, "T" current txn, or an int)
REQUESTS = [
    ("READ", "/|"), ("DIRECTORY", "/|"), ("GET_PERMS", "/|"),
    ("READ", "/nope|"), ("DIRECTORY", "/nope|"), ("GET_PERMS", "/nope|"),
    ("WRITE", "/w/a|1"), ("READ", "/w/a|"), ("READ", "/w|"),
    ("WRITE", "/w/b|"), ("WRITE", "/w/bin|a|b"), ("READ", "/w/bin|"),
    ("DIRECTORY", "/w|"), ("WRITE", "/w/a|x|"), ("READ", "/w/a|"),
    ("WRITE", "/w//x|1"), ("WRITE", "/w/x/|1"), ("WRITE", "/w/x.y|1"),
    ("WRITE", "/w/x y|1"), ("WRITE", "/w/@x|1"), ("WRITE", "@x|1"),
    ("WRITE", "|1"), ("WRITE", "rel/a|r"), ("READ", "/local/domain/0/rel/a|"),
    ("READ", "rel/a|"), ("DIRECTORY", "rel|"), ("GET_DOMAIN_PATH", "0|"),
    ("GET_DOMAIN_PATH", "5|"), ("GET_DOMAIN_PATH", "x|"),
    ("MKDIR", "/m/n|"), ("MKDIR", "/m/n|"), ("READ", "/m/n|"),
    ("RM", "/m/n|"), ("RM", "/m/n|"), ("RM", "/m/x/y|"), ("RM", "/|"),
    ("RM", "/m|"), ("READ", "/m|"),
    ("SET_PERMS", "/w/a|n0|r5|w6|b7|"), ("GET_PERMS", "/w/a|"),
    ("SET_PERMS", "/w/a|x5|"), ("SET_PERMS", "/w/a|"), ("SET_PERMS", "/w/a|r|"),
    ("SET_PERMS", "/w/nope|n0|"), ("SET_PERMS", "/w/a|n5|"),
    ("GET_PERMS", "/w/a|"), ("SET_PERMS", "@releaseDomain|n0|r5|"),
    ("GET_PERMS", "@releaseDomain|"),
    ("WATCH", "/w|tok|"), ("WATCH", "/w|tok|"), ("WATCH", "/w|tok2|"),
    ("WRITE", "/w/c|3"), ("UNWATCH", "/w|tok2|"), ("UNWATCH", "/w|tok2|"),
    ("UNWATCH", "/nope|t|"), ("WATCH", "rel|rt|"), ("WRITE", "rel/b|x"),
    ("WATCH", "@introduceDomain|i|"), ("WATCH", "@releaseDomain|r|"),
    ("WATCH", "/w|t|3|"), ("WATCH", "/w|"),
    ("RESET_WATCHES", "|"), ("WRITE", "/w/d|4"),
    ("TRANSACTION_START", "|"), ("WRITE", "/t/a|1", "T"), ("READ", "/t/a|", "T"),
    ("READ", "/t/a|"), ("DIRECTORY", "/t|", "T"), ("TRANSACTION_END", "T|", "T"),
    ("READ", "/t/a|"), ("TRANSACTION_END", "T|", "T"),
    ("TRANSACTION_START", "|"), ("WRITE", "/t/a|2", "T"),
    ("TRANSACTION_END", "F|", "T"), ("READ", "/t/a|"),
    ("TRANSACTION_START", "|"), ("TRANSACTION_END", "X|", "T"),
    ("TRANSACTION_END", "F|", "T"),
    ("TRANSACTION_START", "|", 99), ("READ", "/t/a|", 12345),
    ("TRANSACTION_END", "T|"),
    ("TRANSACTION_START", "|"), ("READ", "/t/a|", "T"), ("WRITE", "/t/a|3"),
    ("WRITE", "/t/a|4", "T"), ("TRANSACTION_END", "T|", "T"), ("READ", "/t/a|"),
    ("IS_DOMAIN_INTRODUCED", "0|"), ("IS_DOMAIN_INTRODUCED", "5|"),
    ("INTRODUCE", "5|4096|7|"), ("IS_DOMAIN_INTRODUCED", "5|"),
    ("RESUME", "5|"), ("RESUME", "6|"), ("SET_TARGET", "5|6|"),
    ("SET_TARGET", "9|6|"), ("RELEASE", "5|"), ("IS_DOMAIN_INTRODUCED", "5|"),
    ("RELEASE", "5|"), ("INTRODUCE", "x|1|1|"),
    ("RESTRICT", "5|"), ("WATCH_EVENT", "/w|t|"), ("ERROR", "EINVAL|"),
    (23, "x|"), (99, "x|"), ("CONTROL", "quota|set|nodes|1000|"),
    ("CONTROL", "nosuchcommand|"),
    ("DIRECTORY_PART", "/w|0|"), ("DIRECTORY_PART", "/w|2|"),
    ("DIRECTORY_PART", "/w|x|"), ("DIRECTORY_PART", "/nope|0|"),
    ("DIRECTORY_PART", "/w|999|"), ("DIRECTORY_PART", "/w|3|"),
    ("DIRECTORY_PART", "/w|"), ("IS_DOMAIN_INTRODUCED", "x|"),
    ("IS_DOMAIN_INTRODUCED", "5x|"), ("GET_DOMAIN_PATH", "7x|"),
    ("GET_DOMAIN_PATH", "99999|"), ("RESUME", "x|"), ("RELEASE", "x|"),
    ("SET_TARGET", "x|y|"), ("INTRODUCE", "5|1|"), ("INTRODUCE", "40000|1|1|"),
    ("RELEASE", "0|"), ("TRANSACTION_END", "|", 5), ("WATCH", "@foo|t|"),
    ("UNWATCH", "@foo|t|"), ("WATCH", "/a b|t|"), ("CONTROL", "|"),
    ("RM", "/w|"), ("RM", "/t|"), ("RM", "/local|"),
]

# Requests where we answer otherwise on purpose: C's 4.17 quirks.
DIFFERENCES = {}


def call(s, typ, payload, tx):
    body = payload.replace("|", "\0").encode()
    s.sendall(struct.pack("<IIII", typ, 7, tx, len(body)) + body)
    while True:
        h = b""
        while len(h) < 16:
            h += s.recv(16 - len(h))
        t, rid, rtx, n = struct.unpack("<IIII", h)
        b = b""
        while len(b) < n:
            b += s.recv(n - len(b))
        if t != 15:           # watch events are printed apart
            return t, b
        events.append(b.decode(errors="replace").replace("\0", "|"))


events = []


def main():
    s = socket.socket(socket.AF_UNIX)
    s.connect(sys.argv[1])
    s.settimeout(5)
    txn = 0
    for req in REQUESTS:
        typ, payload = req[0], req[1]
        sel = req[2] if len(req) > 2 else 0
        tx = txn if sel == "T" else sel
        tnum = T[typ] if isinstance(typ, str) else typ
        del events[:]
        t, b = call(s, tnum, payload, tx)
        shown = b.decode(errors="replace").replace("\0", "|")
        name = NAMES[tnum] if tnum < len(NAMES) else str(tnum)
        if name == "TRANSACTION_START" and t == tnum:
            txn = int(b.rstrip(b"\0"))
            shown = "<id>"
        if name == "DIRECTORY_PART" and t == tnum:
            shown = "<gen>" + shown[shown.index("|"):]
        rname = NAMES[t] if t < len(NAMES) else str(t)
        tag = "T" if sel == "T" else str(sel)
        print("%s %s tx=%s -> %s %s%s" % (
            name, payload, tag, rname,
            shown, "".join("  [event %s]" % e for e in events)))


main()
