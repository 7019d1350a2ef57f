#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Daemon plumbing: state file across a restart, serial-line (pty) transport, fork + pid file, log file, default socket.
cd "$(dirname "$0")/../../.." || exit 1
. tests/compat/xenstore/lib.sh
xs_deps
bin=$XS_BUILD/bin
state=$(mktemp -d /tmp/xs-state.XXXXXX)

# Persistence: tree, permissions and introduced domains survive a restart.
xs_start -P "$state/db"
"$bin/xenstore-write" /keep/a 1 /keep/b "two words"
"$bin/xenstore-chmod" /keep/a n5 r6
"$bin/xenstore-control" quota set watches 77 >/dev/null
python3 - "$XENSTORED_PATH" <<'PY'
import socket, struct, sys
s = socket.socket(socket.AF_UNIX); s.connect(sys.argv[1])
body = b"5\x00" b"4096\x00" b"1\x00"
s.sendall(struct.pack("<IIII", 8, 0, 0, len(body)) + body)
s.recv(100)
PY
kill "$XS_PID"; wait "$XS_PID" 2>/dev/null; XS_PID=""
xs_check "state file written at exit" yes "$([ -s "$state/db" ] && echo yes)"
xs_start -P "$state/db"
xs_check "value after restart" "two words" "$("$bin/xenstore-read" /keep/b)"
xs_check "perms after restart" "/keep/a = \"1\"   (n5,r6)" "$("$bin/xenstore-ls" -f -p /keep | head -n1)"
xs_check "quota after restart" "watches          :       77 Watches per domain" \
    "$("$bin/xenstore-control" quota | grep '^watches ')"
intro=$(python3 - "$XENSTORED_PATH" <<'PY'
import socket, struct, sys
s = socket.socket(socket.AF_UNIX); s.connect(sys.argv[1])
s.sendall(struct.pack("<IIII", 17, 0, 0, 2) + b"5\x00")
h = s.recv(16); print(s.recv(struct.unpack("<IIII", h)[3]).rstrip(b"\x00").decode())
PY
)
xs_check "introduced domain after restart" T "$intro"
xs_stop

# Live update: the daemon re-execs itself; a client keeps its connection,
# its watch and a request it had only half sent.
xs_start
pid_before=$XS_PID
"$bin/xenstore-write" /lu v1
lu_out=$(python3 - "$XENSTORED_PATH" "$bin/xenstore-control" "$bin/xenstore-write" <<'PY'
import socket, struct, subprocess, sys, time
sock, ctl, wr = sys.argv[1:4]
s = socket.socket(socket.AF_UNIX); s.connect(sock); s.settimeout(5)
def recv():
    h = b""
    while len(h) < 16: h += s.recv(16 - len(h))
    t, rid, tx, l = struct.unpack("<IIII", h)
    b = b""
    while len(b) < l: b += s.recv(l - len(b))
    return t, b
body = b"/lu\0tok\0"
s.sendall(struct.pack("<IIII", 4, 1, 0, len(body)) + body)
recv(); recv()                          # OK, initial event
req = struct.pack("<IIII", 2, 9, 0, 4) + b"/lu\0"
s.sendall(req[:10])                     # half a header
r = subprocess.run([ctl, "live-update"], capture_output=True, text=True)
time.sleep(1.0)
s.sendall(req[10:])
t, b = recv()
subprocess.run([wr, "/lu", "v2"])
t2, b2 = recv()
print(r.stdout.strip(), t, b.decode(), t2, b2.split(b"\0")[0].decode())
PY
)
xs_check "live update: half-sent request answered, watch kept" "OK 2 v1 15 /lu" "$lu_out"
xs_check "live update: same pid" "$pid_before" "$(cat "$XS_DIR/pid")"
xs_check "live update: logged" 1 "$(grep -c 'live update: exec' "$XS_DIR/log")"
xs_check "live update: tree kept" v2 "$("$bin/xenstore-read" /lu)"
xs_stop

# Serial line: the protocol over a pty, as dom0.
pty_out=$(python3 - "$XS_BUILD/xenstored" "$state" <<'PY'
import os, pty, struct, subprocess, sys, time, select, tty
daemon, d = sys.argv[1], sys.argv[2]
master, slave = pty.openpty()
tty.setraw(slave)   # no echo even before the daemon makes it raw
name = os.ttyname(slave)
p = subprocess.Popen([daemon, "-N", "-s", d + "/sock2", "-S", name])
time.sleep(0.5)
def call(t, body):
    os.write(master, struct.pack("<IIII", t, 7, 0, len(body)) + body)
    buf = b""
    end = time.time() + 3
    while time.time() < end:
        r, _, _ = select.select([master], [], [], 0.2)
        if r:
            buf += os.read(master, 4096)
        if len(buf) >= 16 and len(buf) >= 16 + struct.unpack("<IIII", buf[:16])[3]:
            return buf[16:16 + struct.unpack("<IIII", buf[:16])[3]]
    return b"TIMEOUT"
a = call(11, b"/serial\x00hello")
b = call(2, b"/serial\x00")
p.terminate(); p.wait()
print(a.decode(errors="replace").rstrip("\x00"), b.decode(errors="replace"))
PY
)
xs_check "serial line (pty): write + read" "OK hello" "$pty_out"

# Fork into the background, pid file, log file, default socket from XENSTORED_RUNDIR.
XENSTORED_RUNDIR=$state XENSTORED_PATH= "$XS_BUILD/xenstored" -F "$state/pid" -L "$state/log"
i=0
while [ ! -s "$state/pid" ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
pid=$(cat "$state/pid" 2>/dev/null)
xs_check "daemonised, pid file names a live process" yes \
    "$([ -n "$pid" ] && kill -0 "$pid" 2>/dev/null && echo yes)"
xs_check "default socket is \$XENSTORED_RUNDIR/socket" yes "$([ -S "$state/socket" ] && echo yes)"
XENSTORED_PATH=$state/socket "$bin/xenstore-control" print "hello-log" >/dev/null
sleep 0.2
xs_check "log file gets CONTROL print" 1 "$(grep -c 'hello-log' "$state/log" 2>/dev/null)"
[ -n "$pid" ] && kill "$pid"
i=0
while [ -e "$state/pid" ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
xs_check "socket and pid file removed at exit" "no no" \
    "$([ -e "$state/socket" ] && echo yes || echo no) $([ -e "$state/pid" ] && echo yes || echo no)"
rm -rf "$state"
xs_verdict xenstore-transports
