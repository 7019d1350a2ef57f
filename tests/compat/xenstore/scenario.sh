#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Every xenstore-* verb and option against the daemon at $XENSTORED_PATH; prints a transcript.
# Usage: scenario.sh [BINDIR]   (BINDIR holds xenstore-*; default Debian's /usr/bin)
# The transcript from Debian's C xenstored is scenario.expected; ours must match it.
bin=${1:-/usr/bin}

run() {
    echo "\$ $*"
    cmd=$1
    shift
    "$bin/$cmd" "$@" 2>&1
    echo "rc=$?"
}

run xenstore-ls -f -p /
run xenstore-write /t/a 1 /t/b 2
run xenstore-read /t/a /t/b
run xenstore-read -p /t/a
run xenstore-read /t/nope
run xenstore-read -s /t/a
run xenstore-read /t
run xenstore-write /t/sp "with space" /t/q 'quote"back\slash'
run xenstore-read /t/sp /t/q
run xenstore-write /a//b x
run xenstore-write /bad. x
run xenstore-write /trail/ x
run xenstore-write rel/x 5
run xenstore-read rel/x /local/domain/0/rel/x
run xenstore-list /t
run xenstore-list -p /t
run xenstore-list /nope
run xenstore-exists /t/a
run xenstore-exists /t/nope
run xenstore-exists /t/a /t/nope
run xenstore-ls /t
run xenstore-ls -f /t
run xenstore-ls -p /t
run xenstore-ls /nope
run xenstore-chmod /t/a r1 w2
run xenstore-ls -p /t
run xenstore-chmod -r /t b3
run xenstore-ls -f -p /t
run xenstore-chmod /t/a x1
run xenstore-chmod /t/nope r1
run xenstore-rm /nonexist/x
run xenstore-rm /t/nonexist
run xenstore-write /t/deep/er/still v
run xenstore-rm -t /t/deep/er/still
run xenstore-ls -f /t
run xenstore-rm /t/b
run xenstore-ls -f /t
run xenstore-rm /
run xenstore-write /long "$(printf '%0600d' 0)"
run xenstore-ls /long
run xenstore-read /long
run xenstore-write /t/n "$(printf 'a\tb')"
run xenstore-ls /t/n
run xenstore-rm /t /long /local
run xenstore-ls -f -p /
# A directory bigger than one reply: libxenstore falls back to DIRECTORY_PART.
echo "\$ xenstore-write 400 children of /big; xenstore-list /big | wc -l; cksum"
"$bin/xenstore-write" $(i=0; while [ $i -lt 400 ]; do echo "/big/child-with-a-long-name-$i x"; i=$((i + 1)); done)
echo "rc=$?"
"$bin/xenstore-list" /big | wc -l
"$bin/xenstore-list" /big | cksum
"$bin/xenstore-ls" /big | tail -n 2
run xenstore-rm /big
echo "\$ xenstore-watch -n 3 /w (and writes)"
timeout 20 "$bin/xenstore-watch" -n 3 /w > "${TMPDIR:-/tmp}/xs-scn-watch.$$" 2>&1 &
wpid=$!
# The watch is in place once its first event (the initial one) is out.
i=0
while [ ! -s "${TMPDIR:-/tmp}/xs-scn-watch.$$" ] && [ $i -lt 100 ]; do
    sleep 0.1
    i=$((i + 1))
done
"$bin/xenstore-write" /w/x 1
sleep 0.1
"$bin/xenstore-rm" /w
wait $wpid
echo "rc=$?"
cat "${TMPDIR:-/tmp}/xs-scn-watch.$$"
rm -f "${TMPDIR:-/tmp}/xs-scn-watch.$$"
run xenstore-ls -f -p /
