/* SPDX-License-Identifier: GPL-2.0-only */
/* xenstore wire codec: checks, arguments, errors, stream reassembly. */
#ifndef XS_CODEC_H
#define XS_CODEC_H

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <xen/io/xs_wire.h>

#define XS_HDR_LEN ((uint32_t)sizeof(struct xsd_sockmsg))

/* Name of a message type ("READ"), or NULL when the type is not one. */
const char *xs_type_name(uint32_t type);

/* Wire error string for a (positive) errno; EINVAL's for unknown ones. */
const char *xs_errno_string(int err);
/* errno for a wire error string; EINVAL for unknown strings (as libxenstore).
 */
int xs_errno_from_string(const char *s, size_t len);

/*
 * Split a payload into at most max NUL-terminated strings.  Returns how many
 * complete strings there are (each args[i] points into payload); a trailing
 * fragment without NUL is not counted.  *used is set to the bytes consumed.
 */
unsigned int xs_split_args(const char *payload, uint32_t len, const char **args,
                           unsigned int max, uint32_t *used);
/* Number of NUL bytes in buf (the strings a reply carries). */
unsigned int xs_count_strings(const char *buf, uint32_t len);

/*
 * Stream reassembly, shared by every transport: bytes in, whole messages out.
 * A header announcing more than XENSTORE_PAYLOAD_MAX is a protocol error: the
 * stream is then dead (C xenstored drops such a connection).
 */
struct xs_rx {
    struct xsd_sockmsg hdr;
    uint32_t have; /* bytes of header + payload received */
    bool dead;
    char body[XENSTORE_PAYLOAD_MAX + 1]; /* +1: always NUL terminated */
};

typedef void (*xs_rx_fn)(void *arg, const struct xsd_sockmsg *hdr,
                         const char *body);

void xs_rx_init(struct xs_rx *rx);
/*
 * Consume up to len bytes, calling fn for each complete message.  fn may ask
 * to stop (e.g. the connection went away) by returning through *stop; the
 * count of bytes consumed is returned.  Returns -1 on a protocol error.
 */
long xs_rx_feed(struct xs_rx *rx, const void *data, size_t len, xs_rx_fn fn,
                void *arg, const bool *stop);

/* Build a message into out (XS_HDR_LEN + len bytes); returns total length. */
uint32_t xs_msg_build(void *out, uint32_t type, uint32_t req_id, uint32_t tx_id,
                      const void *body, uint32_t len);

#endif /* XS_CODEC_H */
