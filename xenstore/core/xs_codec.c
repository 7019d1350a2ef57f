/* SPDX-License-Identifier: GPL-2.0-only */
/* xenstore wire codec: checks, arguments, errors, stream reassembly. */
#include "xs_codec.h"

#include <errno.h>
#include <string.h>

#include <xen/io/xs_wire.h>

static const char *const type_names[] = {
    [XS_CONTROL] = "CONTROL",
    [XS_DIRECTORY] = "DIRECTORY",
    [XS_READ] = "READ",
    [XS_GET_PERMS] = "GET_PERMS",
    [XS_WATCH] = "WATCH",
    [XS_UNWATCH] = "UNWATCH",
    [XS_TRANSACTION_START] = "TRANSACTION_START",
    [XS_TRANSACTION_END] = "TRANSACTION_END",
    [XS_INTRODUCE] = "INTRODUCE",
    [XS_RELEASE] = "RELEASE",
    [XS_GET_DOMAIN_PATH] = "GET_DOMAIN_PATH",
    [XS_WRITE] = "WRITE",
    [XS_MKDIR] = "MKDIR",
    [XS_RM] = "RM",
    [XS_SET_PERMS] = "SET_PERMS",
    [XS_WATCH_EVENT] = "WATCH_EVENT",
    [XS_ERROR] = "ERROR",
    [XS_IS_DOMAIN_INTRODUCED] = "IS_DOMAIN_INTRODUCED",
    [XS_RESUME] = "RESUME",
    [XS_SET_TARGET] = "SET_TARGET",
    [XS_RESET_WATCHES] = "RESET_WATCHES",
    [XS_DIRECTORY_PART] = "DIRECTORY_PART",
};

const char *xs_type_name(uint32_t type)
{
    if (type >= sizeof(type_names) / sizeof(type_names[0]))
        return NULL;
    return type_names[type];
}

#define N_ERRORS (sizeof(xsd_errors) / sizeof(xsd_errors[0]))

const char *xs_errno_string(int err)
{
    for (size_t i = 0; i < N_ERRORS; i++)
        if (xsd_errors[i].errnum == err)
            return xsd_errors[i].errstring;
    return xsd_errors[0].errstring;
}

int xs_errno_from_string(const char *s, size_t len)
{
    for (size_t i = 0; i < N_ERRORS; i++) {
        const char *e = xsd_errors[i].errstring;
        size_t el = strlen(e);

        if ((len == el || (len == el + 1 && s[el] == '\0')) &&
            memcmp(s, e, el) == 0)
            return xsd_errors[i].errnum;
    }
    return EINVAL;
}

unsigned int xs_split_args(const char *payload, uint32_t len, const char **args,
                           unsigned int max, uint32_t *used)
{
    unsigned int n = 0;
    uint32_t off = 0;

    while (n < max && off < len) {
        const char *nul = memchr(payload + off, '\0', len - off);

        if (!nul)
            break;
        args[n++] = payload + off;
        off = (uint32_t)(nul - payload) + 1;
    }
    if (used)
        *used = off;
    return n;
}

unsigned int xs_count_strings(const char *buf, uint32_t len)
{
    unsigned int n = 0;

    for (uint32_t i = 0; i < len; i++)
        n += buf[i] == '\0';
    return n;
}

void xs_rx_init(struct xs_rx *rx)
{
    memset(&rx->hdr, 0, sizeof(rx->hdr));
    rx->have = 0;
    rx->dead = false;
}

long xs_rx_feed(struct xs_rx *rx, const void *data, size_t len, xs_rx_fn fn,
                void *arg, const bool *stop)
{
    const char *p = data;
    size_t done = 0;

    if (rx->dead)
        return -1;
    while (done < len) {
        if (rx->have < XS_HDR_LEN) {
            size_t n = XS_HDR_LEN - rx->have;

            if (n > len - done)
                n = len - done;
            memcpy((char *)&rx->hdr + rx->have, p + done, n);
            rx->have += (uint32_t)n;
            done += n;
            if (rx->have < XS_HDR_LEN)
                break;
            if (rx->hdr.len > XENSTORE_PAYLOAD_MAX) {
                rx->dead = true;
                return -1;
            }
        }
        uint32_t want = XS_HDR_LEN + rx->hdr.len - rx->have;
        size_t n = want < len - done ? want : len - done;

        memcpy(rx->body + (rx->have - XS_HDR_LEN), p + done, n);
        rx->have += (uint32_t)n;
        done += n;
        if (rx->have < XS_HDR_LEN + rx->hdr.len)
            break;
        rx->body[rx->hdr.len] = '\0';
        rx->have = 0;
        fn(arg, &rx->hdr, rx->body);
        if (stop && *stop)
            break;
    }
    return (long)done;
}

uint32_t xs_msg_build(void *out, uint32_t type, uint32_t req_id, uint32_t tx_id,
                      const void *body, uint32_t len)
{
    struct xsd_sockmsg h = {
        .type = type,
        .req_id = req_id,
        .tx_id = tx_id,
        .len = len,
    };

    memcpy(out, &h, sizeof(h));
    if (len)
        memcpy((char *)out + sizeof(h), body, len);
    return XS_HDR_LEN + len;
}
