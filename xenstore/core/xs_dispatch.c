/* SPDX-License-Identifier: GPL-2.0-only */
/* xenstore core: the message table and one handler per request. */
#include "xs_internal.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xs_codec.h"

#define PATH_ROOM (XENSTORE_ABS_PATH_MAX + 64)
#define MAX_ARGS  64

struct xs_req {
    struct xs_conn *c;
    const struct xsd_sockmsg *hdr;
    const char *payload;
    struct xs_txn *t;
    const char *args[MAX_ARGS];
    unsigned int nargs;
    uint32_t used; /* payload bytes covered by args */
    char out[XENSTORE_PAYLOAD_MAX];
    uint32_t outlen;
    /* WATCH: the initial event goes out after the OK. */
    bool fire_after;
    char wpath[PATH_ROOM];
    uint32_t wreloff;
};

typedef int (*xs_handler)(struct xs_req *r);

#define OP_PRIV 1u /* dom0 only */
#define OP_TXN  2u /* runs inside the transaction of tx_id */

struct xs_op {
    xs_handler fn;
    unsigned int flags;
};

/* ---- reply helpers ---- */

static int reply_str(struct xs_req *r, const char *s)
{
    size_t l = strlen(s) + 1;

    if (l > sizeof(r->out))
        return -E2BIG;
    memcpy(r->out, s, l);
    r->outlen = (uint32_t)l;
    return 0;
}

static int reply_ok(struct xs_req *r)
{
    return reply_str(r, "OK");
}

static void send_msg(struct xs_conn *c, uint32_t type,
                     const struct xsd_sockmsg *req, const void *body,
                     uint32_t len)
{
    struct xsd_sockmsg h = {
        .type = type,
        .req_id = req->req_id,
        .tx_id = req->tx_id,
        .len = len,
    };

    c->s->ops->send(c->ctx, &h, body);
}

static void send_error(struct xs_conn *c, const struct xsd_sockmsg *req,
                       int err)
{
    const char *s = xs_errno_string(err);

    send_msg(c, XS_ERROR, req, s, (uint32_t)strlen(s) + 1);
}

/* ---- argument helpers ---- */

static int arg_path(struct xs_req *r, unsigned int i, char *out, bool special,
                    uint32_t *reloff)
{
    uint32_t dummy;

    if (i >= r->nargs)
        return -EINVAL;
    return xs_path_canon(r->c, r->args[i], out, PATH_ROOM, special,
                         reloff ? reloff : &dummy);
}

/* Argument 0 names a node the caller may read: canonical path and view. */
static int arg_readable(struct xs_req *r, char *path, struct xs_view *v)
{
    int rc = arg_path(r, 0, path, false, NULL);

    return rc ? rc : xs_access(r->c, r->t, path, XS_PERM_R, v);
}

static int parse_uint(const char *s, unsigned long long max,
                      unsigned long long *out)
{
    unsigned long long v = 0;

    if (!*s)
        return -EINVAL;
    for (; *s; s++) {
        if (*s < '0' || *s > '9')
            return -EINVAL;
        v = v * 10 + (unsigned long long)(*s - '0');
        if (v > max)
            return -EINVAL;
    }
    *out = v;
    return 0;
}

/*
 * A domid as C xenstored reads it for queries (atoi: leading digits, else 0):
 * GET_DOMAIN_PATH "x" is /local/domain/0 there, and so it is here.
 */
static int arg_domid_lenient(struct xs_req *r, unsigned int i, uint32_t *domid)
{
    if (i >= r->nargs)
        return -EINVAL;
    *domid = (uint32_t)strtoul(r->args[i], NULL, 10);
    return 0;
}

/* A domid for a request that changes state: decimal and below 0x7ff0. */
static int arg_domid(struct xs_req *r, unsigned int i, uint32_t *domid)
{
    unsigned long long v;

    if (i >= r->nargs || parse_uint(r->args[i], XS_DOMID_LIMIT - 1, &v))
        return -EINVAL;
    *domid = (uint32_t)v;
    return 0;
}

/* ---- node requests ---- */

struct dir_ctx {
    char *out;
    uint32_t len, room;
    uint32_t skip; /* DIRECTORY_PART: bytes to skip */
    bool full;
};

/*
 * DIRECTORY_PART offsets count bytes of the NUL-separated list and may fall
 * inside a name: the piece then starts with the rest of that name (as C).
 */
static void dir_add(void *arg, const char *name, uint32_t len)
{
    struct dir_ctx *d = arg;

    if (d->full)
        return;
    if (d->skip >= len + 1) {
        d->skip -= len + 1;
        return;
    }
    name += d->skip;
    len -= d->skip;
    d->skip = 0;
    if (d->len + len + 1 > d->room) {
        d->full = true;
        return;
    }
    memcpy(d->out + d->len, name, len);
    d->out[d->len + len] = '\0';
    d->len += len + 1;
}

static int do_directory(struct xs_req *r)
{
    char path[PATH_ROOM];
    struct xs_view v;
    struct dir_ctx d = {.out = r->out, .room = sizeof(r->out)};
    int rc = arg_readable(r, path, &v);

    if (rc)
        return rc;
    if (v.childlen > sizeof(r->out))
        return -E2BIG;
    xs_view_children(&v, dir_add, &d);
    r->outlen = d.len;
    return 0;
}

static int do_directory_part(struct xs_req *r)
{
    char path[PATH_ROOM];
    struct xs_view v;
    unsigned long long off;
    int rc = r->nargs < 2 ? -EINVAL : arg_readable(r, path, &v);
    int gl;

    if (rc)
        return rc;
    /* As C: atoi, and past the end is an empty, complete list. */
    off = strtoull(r->args[1], NULL, 10);
    if (off > v.childlen)
        off = v.childlen;
    gl = snprintf(r->out, sizeof(r->out), "%llu", (unsigned long long)v.gen);
    struct dir_ctx d = {
        .out = r->out,
        .len = (uint32_t)gl + 1,
        .room = sizeof(r->out) - 1,
        .skip = (uint32_t)off,
    };

    xs_view_children(&v, dir_add, &d);
    if (!d.full)
        r->out[d.len++] = '\0'; /* the list is complete */
    r->outlen = d.len;
    return 0;
}

static int do_read(struct xs_req *r)
{
    char path[PATH_ROOM];
    struct xs_view v;
    int rc = arg_readable(r, path, &v);

    if (rc)
        return rc;
    if (v.vlen > sizeof(r->out))
        return -E2BIG;
    if (v.vlen)
        memcpy(r->out, v.value, v.vlen);
    r->outlen = v.vlen;
    return 0;
}

static int do_get_perms(struct xs_req *r)
{
    char path[PATH_ROOM];
    struct xs_view v;
    int rc = arg_readable(r, path, &v);

    if (rc)
        return rc;
    rc = xs_perms_print(&v.perms, r->out, sizeof(r->out));
    if (rc < 0)
        return rc;
    r->outlen = (uint32_t)rc;
    return 0;
}

static int do_write(struct xs_req *r)
{
    char path[PATH_ROOM];
    const char *nul = memchr(r->payload, '\0', r->hdr->len);
    int rc;

    if (!nul)
        return -EINVAL;
    r->args[0] = r->payload;
    r->nargs = 1;
    rc = arg_path(r, 0, path, false, NULL);
    if (rc)
        return rc;
    uint32_t off = (uint32_t)(nul - r->payload) + 1;

    rc = xs_do_write(r->c, r->t, path, r->payload + off, r->hdr->len - off,
                     false);
    return rc ? rc : reply_ok(r);
}

static int do_mkdir(struct xs_req *r)
{
    char path[PATH_ROOM];
    int rc = arg_path(r, 0, path, false, NULL);

    if (!rc)
        rc = xs_do_write(r->c, r->t, path, NULL, 0, true);
    return rc ? rc : reply_ok(r);
}

static int do_rm(struct xs_req *r)
{
    char path[PATH_ROOM];
    int rc = arg_path(r, 0, path, false, NULL);

    if (!rc)
        rc = xs_do_rm(r->c, r->t, path);
    return rc < 0 ? rc : reply_ok(r);
}

static int special_index(const char *path)
{
    if (!strcmp(path, "@introduceDomain"))
        return 0;
    if (!strcmp(path, "@releaseDomain"))
        return 1;
    return -1;
}

static int set_special_perms(struct xs_req *r, int which,
                             const struct xs_perms *p)
{
    struct xs_store *s = r->c->s;
    struct xs_perms np;

    if (!(xs_perm_for(r->c, &s->spec_perms[which]) & XS_PERM_OWNER))
        return -EACCES;
    if (xs_perms_copy(&np, p))
        return -ENOMEM;
    xs_perms_free(&s->spec_perms[which]);
    s->spec_perms[which] = np;
    return 0;
}

static int do_set_perms(struct xs_req *r)
{
    char path[PATH_ROOM];
    struct xs_perms p;
    int rc, which;

    if (r->nargs < 2)
        return -EINVAL;
    rc = arg_path(r, 0, path, true, NULL);
    if (rc)
        return rc;
    rc = xs_perms_parse(&p, r->args + 1, r->nargs - 1);
    if (rc)
        return rc;
    which = special_index(path);
    if (which >= 0)
        rc = set_special_perms(r, which, &p);
    else if (path[0] == '@')
        rc = -EINVAL;
    else
        rc = xs_do_set_perms(r->c, r->t, path, &p);
    xs_perms_free(&p);
    return rc ? rc : reply_ok(r);
}

/* ---- watches ---- */

static int do_watch(struct xs_req *r)
{
    uint32_t reloff;
    int rc;

    if (r->nargs != 2 || r->used != r->hdr->len)
        return -EINVAL;
    rc = arg_path(r, 0, r->wpath, true, &reloff);
    if (!rc)
        rc = xs_watch_add(r->c, r->wpath, reloff, r->args[1]);
    if (rc)
        return rc;
    r->fire_after = true;
    r->wreloff = reloff;
    return reply_ok(r);
}

static int do_unwatch(struct xs_req *r)
{
    char path[PATH_ROOM];
    int rc;

    if (r->nargs != 2)
        return -EINVAL;
    rc = arg_path(r, 0, path, true, NULL);
    if (!rc)
        rc = xs_watch_del(r->c, path, r->args[1]);
    return rc ? rc : reply_ok(r);
}

static int do_reset_watches(struct xs_req *r)
{
    xs_conn_reset(r->c);
    return reply_ok(r);
}

/* ---- transactions ---- */

static int do_transaction_start(struct xs_req *r)
{
    uint32_t id;
    int rc;

    if (r->hdr->tx_id)
        return -ENOENT;
    rc = xs_txn_start(r->c, &id);
    if (rc)
        return rc;
    r->outlen = (uint32_t)snprintf(r->out, sizeof(r->out), "%u", id) + 1;
    return 0;
}

static int do_transaction_end(struct xs_req *r)
{
    bool commit;
    int rc;

    if (r->nargs < 1)
        return -EINVAL;
    if (!strcmp(r->args[0], "T"))
        commit = true;
    else if (!strcmp(r->args[0], "F"))
        commit = false;
    else
        return -EINVAL;
    if (!r->t)
        return -ENOENT;
    rc = xs_txn_end(r->c, r->t, commit);
    r->t = NULL;
    return rc ? rc : reply_ok(r);
}

/* ---- domains ---- */

static int do_introduce(struct xs_req *r)
{
    struct xs_store *s = r->c->s;
    unsigned long long gfn, port;
    struct xs_domain *d;
    uint32_t domid;
    int err = 0;

    if (r->nargs < 3 || arg_domid(r, 0, &domid) ||
        parse_uint(r->args[1], UINT64_MAX / 10, &gfn) ||
        parse_uint(r->args[2], UINT32_MAX, &port))
        return -EINVAL;
    d = xs_domain_get(s, domid);
    if (!d)
        return -ENOMEM;
    if (d->introduced && domid != 0) {
        d->port = (uint32_t)port; /* re-bind: nothing else changes */
        return reply_ok(r);
    }
    if (s->ops->introduce && domid != 0) {
        struct xs_conn *c =
            s->ops->introduce(s->opaque, domid, gfn, (unsigned int)port, &err);

        if (err)
            return err;
        d->ring = c;
    }
    d->introduced = true;
    d->shutdown = false;
    d->gfn = gfn;
    d->port = (uint32_t)port;
    xs_watch_fire_special(s, 0);
    return reply_ok(r);
}

static int do_release(struct xs_req *r)
{
    struct xs_store *s = r->c->s;
    struct xs_domain *d;
    uint32_t domid;

    if (arg_domid(r, 0, &domid) || domid == 0)
        return -EINVAL;
    d = xs_domain_find(s, domid);
    if (!d || !d->introduced)
        return -ENOENT;
    d->introduced = false;
    if (d->ring && d->ring != r->c && s->ops->release) {
        struct xs_conn *ring = d->ring;

        d->ring = NULL;
        s->ops->release(s->opaque, domid, ring);
    }
    d->target = XS_DOMID_LIMIT;
    xs_domain_purge(s, domid);
    xs_watch_fire_special(s, 1);
    return reply_ok(r);
}

static int do_resume(struct xs_req *r)
{
    struct xs_domain *d;
    uint32_t domid;

    if (arg_domid(r, 0, &domid))
        return -EINVAL;
    d = xs_domain_find(r->c->s, domid);
    if (!d || !d->introduced)
        return -ENOENT;
    d->shutdown = false;
    return reply_ok(r);
}

static int do_set_target(struct xs_req *r)
{
    struct xs_domain *d, *t;
    uint32_t domid, target;

    if (arg_domid(r, 0, &domid) || arg_domid(r, 1, &target))
        return -EINVAL;
    d = xs_domain_find(r->c->s, domid);
    t = xs_domain_find(r->c->s, target);
    if (!d || !d->introduced || !t || !t->introduced)
        return -ENOENT; /* both must be known, as in C */
    d->target = target;
    return reply_ok(r);
}

static int do_get_domain_path(struct xs_req *r)
{
    uint32_t domid;
    char buf[40];

    if (arg_domid_lenient(r, 0, &domid))
        return -EINVAL;
    snprintf(buf, sizeof(buf), "/local/domain/%u", domid);
    return reply_str(r, buf);
}

static int do_is_domain_introduced(struct xs_req *r)
{
    const struct xs_domain *d;
    uint32_t domid;

    if (arg_domid_lenient(r, 0, &domid))
        return -EINVAL;
    d = xs_domain_find(r->c->s, domid);
    return reply_str(r, d && d->introduced ? "T" : "F");
}

/* ---- CONTROL ---- */

static const char control_help[] = "check\t\n"
                                   "log\ton|off\n"
                                   "logfile\t<file>\n"
                                   "memreport\t\n"
                                   "print\t<string>\n"
                                   "quota\t[set <name> <val>|<domid>]\n"
                                   "live-update\t[<binary>]\n"
                                   "help\t\n";

static int control_quota_list(struct xs_req *r)
{
    int len = snprintf(r->out, sizeof(r->out), "Quota settings:\n");

    for (int i = 0; i < XS_Q_COUNT; i++) {
        int k = snprintf(r->out + len, sizeof(r->out) - (size_t)len,
                         "%-17s: %8u %s\n", xs_quota_table[i].name,
                         r->c->s->quota[i], xs_quota_table[i].help);

        if (k < 0 || (size_t)k >= sizeof(r->out) - (size_t)len)
            return -E2BIG;
        len += k;
    }
    r->outlen = (uint32_t)len + 1;
    return 0;
}

static int control_quota_domain(struct xs_req *r, uint32_t domid)
{
    const struct xs_domain *d = xs_domain_find(r->c->s, domid);
    uint32_t txns = 0;

    if (!d)
        return -ENOENT;
    /* CONTROL is rare: walking the connections here is fine. */
    for (const struct xs_conn *c = r->c->s->conns; c; c = c->next)
        if (c->domid == domid)
            txns += c->ntxns;
    r->outlen =
        (uint32_t)snprintf(r->out, sizeof(r->out),
                           "Domain %u:\n%-16s: %8u\n%-16s: %8u\n%-16s: "
                           "%8u\n%-16s: %8u\n%-16s: %8llu\n",
                           domid, "nodes", d->nodes, "watches", d->watches,
                           "transactions", txns, "outstanding", d->outstanding,
                           "memory",
                           (unsigned long long)d->mem) +
        1;
    return 0;
}

static int control_quota(struct xs_req *r)
{
    uint32_t domid;

    if (r->nargs == 1)
        return control_quota_list(r);
    if (!strcmp(r->args[1], "set")) {
        unsigned long long v;

        if (r->nargs != 4 || parse_uint(r->args[3], UINT32_MAX, &v))
            return -EINVAL;
        for (int i = 0; i < XS_Q_COUNT; i++) {
            if (!strcmp(r->args[2], xs_quota_table[i].name)) {
                r->c->s->quota[i] = (uint32_t)v;
                return reply_ok(r);
            }
        }
        return -EINVAL;
    }
    if (arg_domid(r, 1, &domid))
        return -EINVAL;
    return control_quota_domain(r, domid);
}

static int do_control(struct xs_req *r)
{
    struct xs_store *s = r->c->s;
    const char *cmd;

    if (r->nargs < 1)
        return -EINVAL;
    cmd = r->args[0];
    if (!strcmp(cmd, "help"))
        return reply_str(r, control_help);
    if (!strcmp(cmd, "quota"))
        return control_quota(r);
    if (!strcmp(cmd, "print")) {
        if (r->nargs < 2)
            return -EINVAL;
        if (s->ops->log)
            s->ops->log(s->opaque, r->args[1]);
        return reply_ok(r);
    }
    if (!strcmp(cmd, "memreport")) {
        struct xs_stats st;

        xs_store_stats(s, &st);
        r->outlen =
            (uint32_t)snprintf(r->out, sizeof(r->out),
                               "nodes %llu\nbytes %llu\nwatches "
                               "%llu\ntransactions %llu\nconnections %llu\n",
                               (unsigned long long)st.nodes,
                               (unsigned long long)st.bytes,
                               (unsigned long long)st.watches,
                               (unsigned long long)st.transactions,
                               (unsigned long long)st.connections) +
            1;
        return 0;
    }
    if (!strcmp(cmd, "check") || !strcmp(cmd, "log") || !strcmp(cmd, "logfile"))
        return reply_ok(r);
    if (s->ops->control) {
        int rc = s->ops->control(s->opaque, r->args, r->nargs, r->out,
                                 sizeof(r->out));

        if (rc)
            return rc;
        r->outlen = (uint32_t)strnlen(r->out, sizeof(r->out) - 1) + 1;
        return 0;
    }
    return -EINVAL;
}

/* ---- the table ---- */

static const struct xs_op op_table[XS_TYPE_COUNT] = {
    [XS_CONTROL] = {do_control, OP_PRIV},
    [XS_DIRECTORY] = {do_directory, OP_TXN},
    [XS_READ] = {do_read, OP_TXN},
    [XS_GET_PERMS] = {do_get_perms, OP_TXN},
    [XS_WATCH] = {do_watch, 0},
    [XS_UNWATCH] = {do_unwatch, 0},
    [XS_TRANSACTION_START] = {do_transaction_start, 0},
    [XS_TRANSACTION_END] = {do_transaction_end, OP_TXN},
    [XS_INTRODUCE] = {do_introduce, OP_PRIV},
    [XS_RELEASE] = {do_release, OP_PRIV},
    [XS_GET_DOMAIN_PATH] = {do_get_domain_path, 0},
    [XS_WRITE] = {do_write, OP_TXN},
    [XS_MKDIR] = {do_mkdir, OP_TXN},
    [XS_RM] = {do_rm, OP_TXN},
    [XS_SET_PERMS] = {do_set_perms, OP_TXN},
    [XS_IS_DOMAIN_INTRODUCED] = {do_is_domain_introduced, 0},
    [XS_RESUME] = {do_resume, OP_PRIV},
    [XS_SET_TARGET] = {do_set_target, OP_PRIV},
    [XS_RESET_WATCHES] = {do_reset_watches, 0},
    [XS_DIRECTORY_PART] = {do_directory_part, OP_TXN},
};

static void dispatch_one(struct xs_conn *c, const struct xsd_sockmsg *hdr,
                         const char *payload)
{
    struct xs_req *r;
    const struct xs_op *op = NULL;
    int rc;

    if (hdr->type < XS_TYPE_COUNT && op_table[hdr->type].fn)
        op = &op_table[hdr->type];
    if (!op) {
        send_error(c, hdr, ENOSYS);
        return;
    }
    if ((op->flags & OP_PRIV) && !xs_conn_priv(c)) {
        send_error(c, hdr, EACCES);
        return;
    }
    /* One request at a time per store: its scratch space is reused. */
    if (!c->s->req) {
        c->s->req = malloc(sizeof(*r));
        if (!c->s->req) {
            send_error(c, hdr, ENOMEM);
            return;
        }
    }
    r = c->s->req;
    r->c = c;
    r->hdr = hdr;
    r->payload = payload;
    r->t = NULL;
    r->outlen = 0;
    r->fire_after = false;
    r->nargs = xs_split_args(payload, hdr->len, r->args, MAX_ARGS, &r->used);
    rc = 0;
    if ((op->flags & OP_TXN) && hdr->tx_id) {
        r->t = xs_txn_find(c, hdr->tx_id);
        if (!r->t)
            rc = -ENOENT;
    }
    if (!rc)
        rc = op->fn(r);
    if (rc < 0)
        send_error(c, hdr, -rc);
    else
        send_msg(c, hdr->type, hdr, r->out, r->outlen);
    if (rc >= 0 && r->fire_after)
        xs_watch_send_one(c, r->wpath, r->wreloff, r->args[1]);
}

/*
 * An unprivileged domain's request is counted (outstanding) while the
 * transport holds references to it: one per queued reply or event.
 */
void xs_dispatch(struct xs_conn *c, const struct xsd_sockmsg *hdr,
                 const char *payload)
{
    struct xs_store *s = c->s;
    struct xs_charge *ch = xs_charge_new(c);

    s->charge = ch;
    dispatch_one(c, hdr, payload);
    s->charge = NULL;
    xs_charge_put(ch);
}
