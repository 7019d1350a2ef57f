/* SPDX-License-Identifier: GPL-2.0-only */
/* xenstored's epoll loop: unix sockets, serial streams, rings. */
#ifndef XS_LOOP_H
#define XS_LOOP_H

#include <signal.h>
#include <stddef.h>

#include "xs_core.h"

struct xs_loop;

struct xs_loop *xs_loop_new(void);
void xs_loop_free(struct xs_loop *l);
struct xs_store *xs_loop_store(struct xs_loop *l);
const struct xs_ops *xs_loop_ops(void);

/* Listen on a unix socket (mode 0600, like C xenstored). */
int xs_loop_listen(struct xs_loop *l, const char *path);
/* Serve the wire protocol on a byte stream (serial line, pipe) as dom0. */
int xs_loop_add_stream(struct xs_loop *l, int fd);
/*
 * Domains' rings as files: INTRODUCE maps <dir>/ring-<domid> (one page) and
 * a 4-byte port written into the FIFO <dir>/evtchn kicks that ring, as the
 * peers' LD_PRELOAD shim does for Debian's daemons; 0x80000000 | domid
 * written there reports the domain's death (@releaseDomain).
 */
int xs_loop_ring_dir(struct xs_loop *l, const char *dir);
void xs_loop_set_log(struct xs_loop *l, int fd);

/* Busy-poll this many microseconds after serving requests (0: never). */
void xs_loop_set_spin(struct xs_loop *l, unsigned int us);
/* argv to re-exec with for CONTROL live-update (kept, not copied). */
void xs_loop_set_argv(struct xs_loop *l, char **argv);
/* In the new process of a live update: take over the state in fd. */
int xs_loop_restore(struct xs_loop *l, int fd);

/* Serve until *stop becomes non-zero.  Returns 0, or -errno. */
int xs_loop_run(struct xs_loop *l, volatile sig_atomic_t *stop);

#endif /* XS_LOOP_H */
