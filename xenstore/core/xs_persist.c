/* SPDX-License-Identifier: GPL-2.0-only */
/* xenstore core: save the store to a buffer and load it back. */
#include "xs_internal.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

/*
 * Format (host byte order, it never leaves the machine):
 *   "XSDB1\n"
 *   'Q' u32 index u32 value                      one per quota
 *   'D' u32 domid u32 flags u32 target u64 gfn u32 port   introduced domains
 *   'S' u32 which u32 nperms {u32 domid u32 perm}*   @introduceDomain (0),
 *                                                @releaseDomain (1) perms
 *   'N' u32 pathlen path u32 nperms {u32 domid u32 perm}* u32 vlen value
 *                                                nodes, parents first
 *   'W' u32 domid u32 reloff u32 plen path u32 tlen token
 *                                                watches of domains' rings
 *   'E'
 *
 * Loading re-attaches the rings of introduced domains (ops->introduce) and
 * gives them back their watches, so a guest keeps its watches across a
 * restart of the daemon.  Socket connections are the transport's business
 * (the Linux loop hands them over on a live update); transactions do not
 * survive.
 */
static const char magic[6] = "XSDB1\n";

struct obuf {
    char *p;
    size_t len, cap;
    bool oom;
};

static void put(struct obuf *b, const void *d, size_t n)
{
    if (b->oom || !n)
        return;
    if (b->len + n > b->cap) {
        size_t nc = b->cap ? b->cap : 4096;

        while (nc < b->len + n)
            nc *= 2;
        char *np = realloc(b->p, nc);

        if (!np) {
            b->oom = true;
            return;
        }
        b->p = np;
        b->cap = nc;
    }
    memcpy(b->p + b->len, d, n);
    b->len += n;
}

static void put32(struct obuf *b, uint32_t v)
{
    put(b, &v, 4);
}

static void put_node(struct obuf *b, const struct xs_node *n, const char *path,
                     uint32_t plen)
{
    put(b, "N", 1);
    put32(b, plen);
    put(b, path, plen);
    put32(b, n->ps->n);
    for (uint32_t i = 0; i < n->ps->n; i++) {
        put32(b, n->ps->p[i].domid);
        put32(b, n->ps->p[i].perm);
    }
    put32(b, n->vlen);
    put(b, xs_node_value(n), n->vlen);
}

/* Pre-order walk keeping the current path in a buffer; no recursion. */
static void save_tree(struct obuf *b, const struct xs_node *root)
{
    char path[XENSTORE_ABS_PATH_MAX + 256];
    uint32_t plen = 1;
    const struct xs_node *n = root;

    path[0] = '/';
    put_node(b, root, path, 1);
    n = xs_node_first(root);
    if (!n)
        return;
    plen = 0;
    for (;;) {
        /* Append n's name. */
        path[plen] = '/';
        memcpy(path + plen + 1, n->name, n->ent.klen);
        plen += n->ent.klen + 1;
        put_node(b, n, path, plen);
        if (xs_node_first(n)) {
            n = n->dir->first;
            continue;
        }
        /* Pop until a node with a next sibling. */
        while (n) {
            plen -= n->ent.klen + 1;
            if (n->next) {
                n = n->next;
                break;
            }
            n = n->parent;
            if (n == root)
                return;
        }
    }
}

struct watch_rec {
    struct obuf *b;
    uint32_t domid;
};

static void save_watch(void *arg, const char *path, uint32_t reloff,
                       const char *token)
{
    struct watch_rec *w = arg;
    uint32_t pl = (uint32_t)strlen(path), tl = (uint32_t)strlen(token);

    put(w->b, "W", 1);
    put32(w->b, w->domid);
    put32(w->b, reloff);
    put32(w->b, pl);
    put(w->b, path, pl);
    put32(w->b, tl);
    put(w->b, token, tl);
}

int xs_store_save(const struct xs_store *s, char **buf, size_t *len)
{
    struct obuf b = {0};

    put(&b, magic, sizeof(magic));
    for (uint32_t i = 0; i < XS_Q_COUNT; i++) {
        put(&b, "Q", 1);
        put32(&b, i);
        put32(&b, s->quota[i]);
    }
    for (uint32_t d = 1; d < s->ndoms; d++) {
        const struct xs_domain *dom = s->doms[d];

        if (!dom || !dom->introduced)
            continue;
        put(&b, "D", 1);
        put32(&b, d);
        put32(&b, dom->shutdown ? 1 : 0);
        put32(&b, dom->target);
        put(&b, &dom->gfn, 8);
        put32(&b, dom->port);
    }
    for (uint32_t w = 0; w < 2; w++) {
        put(&b, "S", 1);
        put32(&b, w);
        put32(&b, s->spec_perms[w].n);
        for (uint32_t i = 0; i < s->spec_perms[w].n; i++) {
            put32(&b, s->spec_perms[w].p[i].domid);
            put32(&b, s->spec_perms[w].p[i].perm);
        }
    }
    save_tree(&b, s->root);
    for (const struct xs_conn *c = s->conns; c; c = c->next) {
        const struct xs_domain *d = xs_domain_find(s, c->domid);

        if (c->domid && d && d->ring == c)
            xs_watch_foreach(c, save_watch, &(struct watch_rec){&b, c->domid});
    }
    put(&b, "E", 1);
    if (b.oom) {
        free(b.p);
        return -ENOMEM;
    }
    *buf = b.p;
    *len = b.len;
    return 0;
}

struct ibuf {
    const char *p;
    size_t len, off;
};

static bool get(struct ibuf *b, void *d, size_t n)
{
    if (b->len - b->off < n)
        return false;
    memcpy(d, b->p + b->off, n);
    b->off += n;
    return true;
}

static bool get32(struct ibuf *b, uint32_t *v)
{
    return get(b, v, 4);
}

static int get_perms(struct ibuf *b, struct xs_perms *perms)
{
    if (!get32(b, &perms->n) || perms->n == 0 || perms->n > 4096)
        return -EINVAL;
    perms->p = calloc(perms->n, sizeof(*perms->p));
    if (!perms->p)
        return -ENOMEM;
    for (uint32_t i = 0; i < perms->n; i++) {
        if (!get32(b, &perms->p[i].domid) || !get32(b, &perms->p[i].perm) ||
            perms->p[i].domid >= XS_DOMID_LIMIT || perms->p[i].perm > 3) {
            xs_perms_free(perms);
            return -EINVAL;
        }
    }
    return 0;
}

static int load_node(struct xs_store *s, struct ibuf *b)
{
    char path[XENSTORE_ABS_PATH_MAX + 256];
    struct xs_perms perms = {0};
    uint32_t plen, vlen;
    struct xs_node *n;
    int rc = -EINVAL;

    if (!get32(b, &plen) || plen == 0 || plen >= sizeof(path) ||
        !get(b, path, plen))
        return -EINVAL;
    path[plen] = '\0';
    rc = get_perms(b, &perms);
    if (rc)
        return rc;
    rc = -EINVAL;
    if (!get32(b, &vlen) || vlen > b->len - b->off)
        goto out;
    n = xs_tree_lookup(s->root, path);
    if (!n) {
        char *slash = strrchr(path, '/');
        struct xs_node *parent;

        if (!slash || slash == path + plen - 1)
            goto out;
        *slash = '\0';
        parent = xs_tree_lookup(s->root, slash == path ? "/" : path);
        *slash = '/';
        if (!parent)
            goto out;
        n = xs_tree_add_child(s, parent, slash + 1,
                              (uint32_t)(plen - (uint32_t)(slash + 1 - path)),
                              &perms, vlen);
        if (!n) {
            rc = -ENOMEM;
            goto out;
        }
    } else if ((rc = xs_tree_set_perms(s, n, &perms))) {
        goto out;
    }
    rc = xs_tree_set_value(s, n, b->p + b->off, vlen);
    b->off += vlen;
out:
    xs_perms_free(&perms);
    return rc;
}

static int load_special(struct xs_store *s, struct ibuf *b)
{
    struct xs_perms p;
    uint32_t w;
    int rc;

    if (!get32(b, &w) || w > 1)
        return -EINVAL;
    rc = get_perms(b, &p);
    if (rc)
        return rc;
    xs_perms_free(&s->spec_perms[w]);
    s->spec_perms[w] = p;
    return 0;
}

static int load_domain(struct xs_store *s, struct ibuf *b)
{
    uint32_t domid, flags, target, port;
    uint64_t gfn;
    struct xs_domain *d;

    if (!get32(b, &domid) || !get32(b, &flags) || !get32(b, &target) ||
        !get(b, &gfn, 8) || !get32(b, &port) || domid >= XS_DOMID_LIMIT)
        return -EINVAL;
    d = xs_domain_get(s, domid);
    if (!d)
        return -ENOMEM;
    d->introduced = true;
    d->shutdown = flags & 1;
    d->target = target;
    d->gfn = gfn;
    d->port = port;
    if (s->ops->introduce && !d->ring) {
        int err = 0;

        d->ring = s->ops->introduce(s->opaque, domid, gfn, port, &err);
    }
    return 0;
}

static int load_watch(struct xs_store *s, struct ibuf *b)
{
    char path[XENSTORE_ABS_PATH_MAX + 64], token[XENSTORE_PAYLOAD_MAX + 1];
    uint32_t domid, reloff, pl, tl;
    struct xs_domain *d;

    if (!get32(b, &domid) || !get32(b, &reloff) || !get32(b, &pl) ||
        pl >= sizeof(path) || !get(b, path, pl) || !get32(b, &tl) ||
        tl >= sizeof(token) || !get(b, token, tl) || reloff > pl)
        return -EINVAL;
    path[pl] = token[tl] = '\0';
    d = xs_domain_find(s, domid);
    if (d && d->ring && xs_watch_add(d->ring, path, reloff, token) == -ENOMEM)
        return -ENOMEM;
    return 0; /* no ring to give it back to: the watch is gone */
}

int xs_store_load(struct xs_store *s, const char *buf, size_t len)
{
    struct ibuf b = {.p = buf, .len = len};
    char tag;
    int rc;

    if (len < sizeof(magic) || memcmp(buf, magic, sizeof(magic)))
        return -EINVAL;
    b.off = sizeof(magic);
    /* The image replaces the whole tree. */
    while (xs_node_first(s->root))
        xs_tree_remove(s, s->root->dir->first);
    while (get(&b, &tag, 1)) {
        uint32_t i, v;

        switch (tag) {
        case 'Q':
            if (!get32(&b, &i) || !get32(&b, &v))
                return -EINVAL;
            if (i < XS_Q_COUNT)
                s->quota[i] = v;
            break;
        case 'S':
            rc = load_special(s, &b);
            if (rc)
                return rc;
            break;
        case 'D':
            rc = load_domain(s, &b);
            if (rc)
                return rc;
            break;
        case 'W':
            rc = load_watch(s, &b);
            if (rc)
                return rc;
            break;
        case 'N':
            rc = load_node(s, &b);
            if (rc)
                return rc;
            break;
        case 'E':
            return 0;
        default:
            return -EINVAL;
        }
    }
    return -EINVAL;
}
