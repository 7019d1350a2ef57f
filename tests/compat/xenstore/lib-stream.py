#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
# Both libxenstores against a scripted daemon that splits, joins and cuts replies.
"""Usage: lib-stream.py OURLIBDIR

A fake daemon on a private socket answers one client per case in a chosen
byte pattern: a reply dribbled a byte at a time, a watch reply with events
joined to it and the lot cut at odd offsets, a reply cut off by a close, a
header announcing more than 4096 bytes, a daemon that hangs up at once.
Debian's xenstore-utils run each case twice, on Debian's libxenstore4 and
on ours (LD_LIBRARY_PATH); both must give the expected output and exit
status, and never die of a signal (SIGPIPE) or hang.
"""
import os
import socket
import struct
import subprocess
import sys
import tempfile
import threading
import time

XS_READ, XS_WATCH, XS_WATCH_EVENT, XS_WRITE = 2, 4, 15, 11


def msg(mtype, body, req=0, tx=0):
    return struct.pack("<IIII", mtype, req, tx, len(body)) + body


def recv_request(conn):
    """One whole request; (type, req_id, tx_id, payload) or None at EOF."""
    buf = b""
    while len(buf) < 16 or len(buf) < 16 + struct.unpack_from("<I", buf, 12)[0]:
        chunk = conn.recv(65536)
        if not chunk:
            return None
        buf += chunk
    t, req, tx, n = struct.unpack_from("<IIII", buf)
    return t, req, tx, buf[16:16 + n]


def send_in_pieces(conn, data, size, gap):
    for i in range(0, len(data), size):
        conn.sendall(data[i:i + size])
        time.sleep(gap)


def dribble_read(conn):
    t, req, tx, _ = recv_request(conn)
    send_in_pieces(conn, msg(t, b"hello", req, tx), 1, 0.002)
    recv_request(conn)  # EOF


def big_read(conn):
    t, req, tx, _ = recv_request(conn)
    body = bytes(ord("a") + i % 26 for i in range(4096))
    send_in_pieces(conn, msg(t, body, req, tx), 1000, 0.005)
    recv_request(conn)


def joined_watch(conn):
    t, req, tx, payload = recv_request(conn)
    path, token = payload.split(b"\0")[:2]
    ev = lambda p: msg(XS_WATCH_EVENT, p + b"\0" + token + b"\0")
    data = msg(t, b"OK\0", req, tx) + ev(path) + ev(path + b"/x") + ev(path + b"/y")
    send_in_pieces(conn, data, 7, 0.002)
    while recv_request(conn):  # the client's UNWATCH, if any, then EOF
        pass


def cut_reply(conn):
    t, req, tx, _ = recv_request(conn)
    conn.sendall(msg(t, b"hello", req, tx)[:10])
    time.sleep(0.05)


def oversized(conn):
    t, req, tx, _ = recv_request(conn)
    conn.sendall(struct.pack("<IIII", t, req, tx, 5000) + b"x" * 100)
    time.sleep(0.2)


def hang_up(conn):
    pass  # closed at once: the client's write or read must fail cleanly


CASES = [
    # name, daemon side, client argv, expected stdout, expected exit status
    ("reply one byte at a time", dribble_read, ["xenstore-read", "/a"], "hello\n", 0),
    ("4096-byte reply in 1000-byte pieces", big_read, ["xenstore-read", "/a"],
     "".join(chr(ord("a") + i % 26) for i in range(4096)) + "\n", 0),
    ("watch reply and 3 events joined, cut every 7 bytes", joined_watch,
     ["xenstore-watch", "-n", "3", "/w"], "/w\n/w/x\n/w/y\n", 0),
    ("reply cut off by a close", cut_reply, ["xenstore-read", "/a"], "", 1),
    ("header announcing 5000 bytes", oversized, ["xenstore-read", "/a"], "", 1),
    ("daemon hangs up before the request", hang_up,
     ["xenstore-write", "/a", "b"], "", 1),
]


def run_case(sock_path, server, argv, lib):
    lsock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    lsock.bind(sock_path)
    lsock.listen(1)

    def serve():
        conn, _ = lsock.accept()
        try:
            server(conn)
        except (OSError, TypeError):
            pass  # the client went away first
        conn.close()

    th = threading.Thread(target=serve, daemon=True)
    th.start()
    env = dict(os.environ, XENSTORED_PATH=sock_path)
    env.pop("LD_LIBRARY_PATH", None)
    if lib:
        env["LD_LIBRARY_PATH"] = lib
    try:
        p = subprocess.run(argv, env=env, capture_output=True, timeout=20)
        out, rc = p.stdout.decode(errors="replace"), p.returncode
    except subprocess.TimeoutExpired:
        out, rc = "", "timeout"
    th.join(5)
    lsock.close()
    os.unlink(sock_path)
    return out, rc


def main():
    ourlib = os.path.abspath(sys.argv[1])
    passed = failed = 0
    with tempfile.TemporaryDirectory(prefix="xs-libstream.") as d:
        sock_path = os.path.join(d, "sock")
        for name, server, argv, want_out, want_rc in CASES:
            for libname, lib in (("Debian's lib", ""), ("our lib", ourlib)):
                out, rc = run_case(sock_path, server, argv, lib)
                what = "%s: %s" % (libname, name)
                if out == want_out and rc == want_rc:
                    passed += 1
                    print("ok   " + what)
                else:
                    failed += 1
                    print("FAIL %s: exit %s (want %s), output %r (want %r)" %
                          (what, rc, want_rc, out[:80], want_out[:80]))
    print("xenstore-lib-stream: %d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
