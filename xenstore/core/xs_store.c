/* SPDX-License-Identifier: GPL-2.0-only */
/* xenstore core: store and connection lifecycle. */
#include "xs_internal.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

static int spec_perms_init(struct xs_perms *p)
{
    p->p = calloc(1, sizeof(*p->p)); /* "n0": dom0 only */
    if (!p->p)
        return -ENOMEM;
    p->n = 1;
    return 0;
}

/* C xenstored creates these when dom0 is introduced. */
static int store_populate(struct xs_store *s)
{
    struct xs_node *tool;
    struct xs_perms rp;

    s->root = xs_tree_new_root(s);
    if (!s->root)
        return -ENOMEM;
    rp = xs_node_perms(s->root);
    tool = xs_tree_add_child(s, s->root, "tool", 4, &rp, 0);
    if (!tool || !xs_tree_add_child(s, tool, "xenstored", 9, &rp, 0))
        return -ENOMEM;
    return 0;
}

struct xs_store *xs_store_new(const struct xs_ops *ops, void *opaque)
{
    struct xs_store *s = calloc(1, sizeof(*s));
    struct xs_domain *d0;

    if (!s)
        return NULL;
    s->ops = ops;
    s->opaque = opaque;
    for (int i = 0; i < XS_Q_COUNT; i++)
        s->quota[i] = xs_quota_table[i].def;
    d0 = xs_domain_get(s, 0);
    if (!d0 || spec_perms_init(&s->spec_perms[0]) ||
        spec_perms_init(&s->spec_perms[1]) || store_populate(s)) {
        xs_store_free(s);
        return NULL;
    }
    d0->introduced = true;
    return s;
}

void xs_store_free(struct xs_store *s)
{
    if (!s)
        return;
    while (s->conns)
        xs_conn_free(s->conns);
    xs_tree_free_all(s);
    xs_map_free(&s->watch_index);
    xs_perms_free(&s->spec_perms[0]);
    xs_perms_free(&s->spec_perms[1]);
    xs_domains_free(s);
    free(s->req);
    free(s);
}

uint32_t xs_store_quota(const struct xs_store *s, enum xs_quota_id q)
{
    return s->quota[q];
}

void xs_store_set_quota(struct xs_store *s, enum xs_quota_id q, uint32_t v)
{
    s->quota[q] = v;
}

struct xs_conn *xs_conn_new(struct xs_store *s, unsigned int domid, void *ctx)
{
    struct xs_conn *c;

    if (domid >= XS_DOMID_LIMIT || !xs_domain_get(s, domid))
        return NULL;
    c = calloc(1, sizeof(*c));
    if (!c)
        return NULL;
    c->s = s;
    c->seq = ++s->conn_seq;
    c->domid = domid;
    c->ctx = ctx;
    c->next = s->conns;
    if (s->conns)
        s->conns->prev = c;
    s->conns = c;
    s->nconns++;
    return c;
}

void xs_conn_reset(struct xs_conn *c)
{
    xs_watch_drop_all(c);
    xs_txn_drop_all(c);
}

void xs_conn_free(struct xs_conn *c)
{
    struct xs_store *s;
    struct xs_domain *d;

    if (!c)
        return;
    s = c->s;
    xs_conn_reset(c);
    d = xs_domain_find(s, c->domid);
    if (d && d->ring == c)
        d->ring = NULL;
    if (c->prev)
        c->prev->next = c->next;
    else
        s->conns = c->next;
    if (c->next)
        c->next->prev = c->prev;
    s->nconns--;
    free(c);
}

unsigned int xs_conn_domid(const struct xs_conn *c)
{
    return c->domid;
}

void xs_conn_set_ctx(struct xs_conn *c, void *ctx)
{
    c->ctx = ctx;
}

void xs_domain_gone(struct xs_store *s, unsigned int domid)
{
    struct xs_domain *d = xs_domain_find(s, domid);

    if (!d || !d->introduced || d->shutdown)
        return;
    d->shutdown = true;
    xs_watch_fire_special(s, 1);
}

void xs_store_stats(const struct xs_store *s, struct xs_stats *st)
{
    st->nodes = s->nnodes;
    st->watches = s->nwatches;
    st->transactions = s->ntxns;
    st->connections = s->nconns;
    st->bytes = s->nbytes;
}

struct xs_conn *xs_conn_first(struct xs_store *s)
{
    return s->conns;
}

struct xs_conn *xs_conn_next(struct xs_conn *c)
{
    return c->next;
}

void *xs_conn_ctx(const struct xs_conn *c)
{
    return c->ctx;
}

unsigned int xs_conn_ntxns(const struct xs_conn *c)
{
    return c->ntxns;
}

void xs_conn_watches(const struct xs_conn *c,
                     void (*fn)(void *arg, const char *path, uint32_t reloff,
                                const char *token),
                     void *arg)
{
    xs_watch_foreach(c, fn, arg);
}

int xs_conn_add_watch(struct xs_conn *c, const char *path, uint32_t reloff,
                      const char *token)
{
    return xs_watch_add(c, path, reloff, token);
}
