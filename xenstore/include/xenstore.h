/* SPDX-License-Identifier: GPL-2.0-only */
/* xenstore client API, source-compatible with Xen's <xenstore.h>. */
#ifndef XENSTORE_H
#define XENSTORE_H

#include <xenstore_lib.h>

#define XBT_NULL 0

/* xs_open() flags.  READONLY and SOCKETONLY are accepted and ignored. */
#define XS_OPEN_READONLY   (1UL << 0)
#define XS_OPEN_SOCKETONLY (1UL << 1)
/* xs_unwatch() also drops queued events of that watch. */
#define XS_UNWATCH_FILTER (1UL << 2)

struct xs_handle;
typedef uint32_t xs_transaction_t;

/*
 * Every call below is synchronous and sets errno on failure.  Returned
 * buffers are malloc()ed: one free() releases a whole result.
 */

/* Connect: $XENSTORED_PATH or the daemon's socket, else the xenbus device. */
struct xs_handle *xs_open(unsigned long flags);
void xs_close(struct xs_handle *xsh); /* NULL is fine */

/* Old names for xs_open(0) / xs_close(). */
struct xs_handle *xs_daemon_open(void);
struct xs_handle *xs_domain_open(void);
struct xs_handle *xs_daemon_open_readonly(void);
void xs_daemon_close(struct xs_handle *);
/* In a forked child: forget the connection without touching the parent's. */
void xs_daemon_destroy_postfork(struct xs_handle *);

/* Children of path; *num of them.  Large directories are read in parts. */
char **xs_directory(struct xs_handle *h, xs_transaction_t t, const char *path,
                    unsigned int *num);
/* Value of path, with a NUL appended (not counted in *len). */
void *xs_read(struct xs_handle *h, xs_transaction_t t, const char *path,
              unsigned int *len);
bool xs_write(struct xs_handle *h, xs_transaction_t t, const char *path,
              const void *data, unsigned int len);
bool xs_mkdir(struct xs_handle *h, xs_transaction_t t, const char *path);
bool xs_rm(struct xs_handle *h, xs_transaction_t t, const char *path);
/* Removed from the protocol: always false. */
bool xs_restrict(struct xs_handle *h, unsigned domid);

/* First entry: owner, and the access of domains not listed. */
struct xs_permissions *xs_get_permissions(struct xs_handle *h,
                                          xs_transaction_t t, const char *path,
                                          unsigned int *num);
bool xs_set_permissions(struct xs_handle *h, xs_transaction_t t,
                        const char *path, struct xs_permissions *perms,
                        unsigned int num_perms);

/* Watches: events are queued; poll xs_fileno(), then xs_read_watch(). */
bool xs_watch(struct xs_handle *h, const char *path, const char *token);
int xs_fileno(struct xs_handle *h);
/* Next event or NULL (errno EAGAIN) without blocking. */
char **xs_check_watch(struct xs_handle *h);
/* Next event, blocking; [XS_WATCH_PATH] and [XS_WATCH_TOKEN]. */
char **xs_read_watch(struct xs_handle *h, unsigned int *num);
bool xs_unwatch(struct xs_handle *h, const char *path, const char *token);

/* XBT_NULL on failure.  xs_transaction_end() fails with EAGAIN on conflict. */
xs_transaction_t xs_transaction_start(struct xs_handle *h);
bool xs_transaction_end(struct xs_handle *h, xs_transaction_t t, bool abort);

/* Domain management (privileged). */
bool xs_introduce_domain(struct xs_handle *h, unsigned int domid,
                         unsigned long mfn, unsigned int eventchn);
bool xs_set_target(struct xs_handle *h, unsigned int domid,
                   unsigned int target);
bool xs_resume_domain(struct xs_handle *h, unsigned int domid);
bool xs_release_domain(struct xs_handle *h, unsigned int domid);
/* "/local/domain/<domid>", malloc()ed. */
char *xs_get_domain_path(struct xs_handle *h, unsigned int domid);
/* child is parent or below it. */
bool xs_path_is_subpath(const char *parent, const char *child);
bool xs_is_domain_introduced(struct xs_handle *h, unsigned int domid);

/* CONTROL: cmd plus len bytes of arguments; the daemon's text answer. */
char *xs_control_command(struct xs_handle *h, const char *cmd, void *data,
                         unsigned int len);
char *xs_debug_command(struct xs_handle *h, const char *cmd, void *data,
                       unsigned int len);

/* The suspend event channel a domain advertises, or -1. */
int xs_suspend_evtchn_port(int domid);

#endif /* XENSTORE_H */
