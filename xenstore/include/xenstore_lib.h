/* SPDX-License-Identifier: GPL-2.0-only */
/* xenstore client library: permissions and daemon-path helpers. */
#ifndef XENSTORE_LIB_H
#define XENSTORE_LIB_H

#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <xen/io/xs_wire.h>

/* One permission entry: the first of a list is the owner and the default. */
struct xs_permissions {
    unsigned int id;
    unsigned int perms;
#define XS_PERM_NONE      0x00
#define XS_PERM_READ      0x01
#define XS_PERM_WRITE     0x02
#define XS_PERM_ENOENT_OK 0x04 /* internal */
#define XS_PERM_OWNER     0x08 /* internal */
#define XS_PERM_IGNORE    0x10 /* internal */
};

/* Room for an unsigned value of type x printed in decimal, plus NUL. */
#define MAX_STRLEN(x) ((sizeof(x) * CHAR_BIT + CHAR_BIT - 1) / 10 * 3 + 2)

/* $XENSTORED_RUNDIR, default /var/run/xenstored. */
const char *xs_daemon_rundir(void);
/* $XENSTORED_PATH, default <rundir>/socket. */
const char *xs_daemon_socket(void);
/* The same path (the read-only socket is gone). */
const char *xs_daemon_socket_ro(void);

/* write() until all of data is out; false on error (errno set). */
bool xs_write_all(int fd, const void *data, unsigned int len);

/* Parse num strings "<n|r|w|b><domid>" laid end to end; false if malformed. */
bool xs_strings_to_perms(struct xs_permissions *perms, unsigned int num,
                         const char *strings);

#endif /* XENSTORE_LIB_H */
