/* SPDX-License-Identifier: GPL-2.0-only */
/* xenstore core: watches, indexed by path (firing is O(depth)). */
#include "xs_internal.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "xs_codec.h"

/* All watches on one path, any connection. */
struct xs_watchlist {
    struct xs_mapent ent; /* in store->watch_index, key = path */
    struct xs_watch *head;
    char path[];
};

struct xs_watch {
    struct xs_watch *cnext;         /* connection's list */
    struct xs_watch *lprev, *lnext; /* watchlist */
    struct xs_watchlist *wl;
    struct xs_conn *conn;
    uint64_t seq;    /* creation order */
    uint32_t reloff; /* strip this much of event paths (relative) */
    char token[];
};

static const char *const spec_names[2] = {"@introduceDomain", "@releaseDomain"};

void xs_watch_send_one(struct xs_conn *c, const char *epath, uint32_t reloff,
                       const char *token)
{
    char buf[XS_HDR_LEN + XENSTORE_PAYLOAD_MAX];
    size_t el, tl;
    struct xsd_sockmsg h = {.type = XS_WATCH_EVENT};

    if (strlen(epath) > reloff)
        epath += reloff;
    el = strlen(epath) + 1;
    tl = strlen(token) + 1;
    if (el + tl > XENSTORE_PAYLOAD_MAX)
        return; /* XSA-324: never send an oversized event */
    memcpy(buf, epath, el);
    memcpy(buf + el, token, tl);
    h.len = (uint32_t)(el + tl);
    c->s->ops->send(c->ctx, &h, buf);
}

static bool may_see(const struct xs_watch *w, const struct xs_perms *perms)
{
    if (xs_conn_priv(w->conn) || !perms)
        return true;
    return xs_perm_for(w->conn, perms) & XS_PERM_R;
}

/*
 * Matching watches are collected, then sent in C xenstored's order: by
 * connection (oldest first), then by watch (oldest first).
 */
struct hit {
    const struct xs_watch *w;
    const char *epath;
};

struct hits {
    struct hit *v;
    uint32_t n, cap;
    struct hit local[16];
};

static void hits_add(struct hits *h, const struct xs_watch *w, const char *epath)
{
    if (h->n == h->cap) {
        uint32_t nc = h->cap * 2;
        struct hit *nv = malloc(nc * sizeof(*nv));

        if (!nv)
            return; /* out of memory: this event is lost */
        memcpy(nv, h->v, h->n * sizeof(*nv));
        if (h->v != h->local)
            free(h->v);
        h->v = nv;
        h->cap = nc;
    }
    h->v[h->n++] = (struct hit){w, epath};
}

static void collect(struct hits *h, struct xs_watchlist *wl, const char *epath,
                    const struct xs_perms *perms)
{
    for (struct xs_watch *w = wl->head; w; w = w->lnext)
        if (may_see(w, perms))
            hits_add(h, w, epath);
}

static int hit_cmp(const void *a, const void *b)
{
    const struct xs_watch *x = ((const struct hit *)a)->w;
    const struct xs_watch *y = ((const struct hit *)b)->w;

    if (x->conn->seq != y->conn->seq)
        return x->conn->seq < y->conn->seq ? -1 : 1;
    return x->seq < y->seq ? -1 : x->seq > y->seq;
}

static void hits_send(struct hits *h)
{
    if (h->n > 1)
        qsort(h->v, h->n, sizeof(*h->v), hit_cmp);
    for (uint32_t i = 0; i < h->n; i++)
        xs_watch_send_one(h->v[i].w->conn, h->v[i].epath, h->v[i].w->reloff,
                          h->v[i].w->token);
    if (h->v != h->local)
        free(h->v);
}

static struct xs_watchlist *index_get(const struct xs_store *s, const char *p,
                                      uint32_t len)
{
    return (struct xs_watchlist *)xs_map_get(&s->watch_index, p, len);
}

void xs_watch_fire(struct xs_store *s, const char *path,
                   const struct xs_perms *perms, bool recursive)
{
    size_t len = strlen(path);
    struct xs_watchlist *wl;
    struct hits h;

    if (!s->watch_index.count)
        return;
    h.v = h.local;
    h.n = 0;
    h.cap = 16;
    /* "/", then every ancestor, then path itself. */
    wl = index_get(s, "/", 1);
    if (wl)
        collect(&h, wl, path, perms);
    for (size_t i = 1; i < len; i++) {
        if (path[i] != '/')
            continue;
        wl = index_get(s, path, (uint32_t)i);
        if (wl)
            collect(&h, wl, path, perms);
    }
    if (len > 1) {
        wl = index_get(s, path, (uint32_t)len);
        if (wl)
            collect(&h, wl, path, perms);
    }
    if (recursive) {
        for (struct xs_mapent *e = xs_map_next(&s->watch_index, NULL); e;
             e = xs_map_next(&s->watch_index, e)) {
            wl = (struct xs_watchlist *)e;
            if (strcmp(wl->path, path) && xs_path_is_child(wl->path, path))
                collect(&h, wl, wl->path, perms);
        }
    }
    hits_send(&h);
}

void xs_watch_fire_special(struct xs_store *s, int which)
{
    const char *name = spec_names[which];
    struct xs_watchlist *wl = index_get(s, name, (uint32_t)strlen(name));

    if (wl) {
        struct hits h = {.cap = 16};

        h.v = h.local;
        collect(&h, wl, name, &s->spec_perms[which]);
        hits_send(&h);
    }
}

int xs_watch_add(struct xs_conn *c, const char *path, uint32_t reloff,
                 const char *token)
{
    struct xs_store *s = c->s;
    uint32_t plen = (uint32_t)strlen(path);
    struct xs_watchlist *wl = index_get(s, path, plen);
    struct xs_domain *d = NULL;
    struct xs_watch *w;

    if (wl)
        for (w = wl->head; w; w = w->lnext)
            if (w->conn == c && !strcmp(w->token, token))
                return -EEXIST;
    if (!xs_conn_priv(c)) {
        d = xs_domain_get(s, c->domid);
        if (!d)
            return -ENOMEM;
        if (s->quota[XS_Q_WATCHES] && d->watches >= s->quota[XS_Q_WATCHES])
            return -E2BIG;
    }
    w = calloc(1, sizeof(*w) + strlen(token) + 1);
    if (!w)
        return -ENOMEM;
    strcpy(w->token, token);
    if (!wl) {
        wl = calloc(1, sizeof(*wl) + plen + 1);
        if (!wl)
            goto err_w;
        memcpy(wl->path, path, plen + 1);
        xs_mapent_set_key(&wl->ent, wl->path, plen);
        if (!xs_map_put(&s->watch_index, &wl->ent)) {
            free(wl);
            goto err_w;
        }
    }
    w->wl = wl;
    w->conn = c;
    w->seq = ++s->watch_seq;
    w->reloff = reloff;
    w->lnext = wl->head;
    if (wl->head)
        wl->head->lprev = w;
    wl->head = w;
    w->cnext = c->watches;
    c->watches = w;
    c->nwatches++;
    s->nwatches++;
    if (d)
        d->watches++;
    return 0;

err_w:
    free(w);
    return -ENOMEM;
}

static void watch_unlink(struct xs_store *s, struct xs_watch *w)
{
    struct xs_watchlist *wl = w->wl;
    struct xs_domain *d = xs_domain_find(s, w->conn->domid);

    if (w->lprev)
        w->lprev->lnext = w->lnext;
    else
        wl->head = w->lnext;
    if (w->lnext)
        w->lnext->lprev = w->lprev;
    if (!wl->head) {
        xs_map_del(&s->watch_index, &wl->ent);
        free(wl);
    }
    w->conn->nwatches--;
    s->nwatches--;
    if (d && !xs_conn_priv(w->conn) && d->watches)
        d->watches--;
    free(w);
}

int xs_watch_del(struct xs_conn *c, const char *path, const char *token)
{
    struct xs_watch **pp;

    for (pp = &c->watches; *pp; pp = &(*pp)->cnext) {
        struct xs_watch *w = *pp;

        if (!strcmp(w->token, token) && !strcmp(w->wl->path, path)) {
            *pp = w->cnext;
            watch_unlink(c->s, w);
            return 0;
        }
    }
    return -ENOENT;
}

void xs_watch_drop_all(struct xs_conn *c)
{
    while (c->watches) {
        struct xs_watch *w = c->watches;

        c->watches = w->cnext;
        watch_unlink(c->s, w);
    }
}

void xs_watch_foreach(const struct xs_conn *c,
                      void (*fn)(void *arg, const char *path, uint32_t reloff,
                                 const char *token),
                      void *arg)
{
    const struct xs_watch **v;
    uint32_t n = 0;

    /* The connection's list is newest first: hand them out oldest first. */
    v = malloc((c->nwatches ? c->nwatches : 1) * sizeof(*v));
    if (!v)
        return;
    for (const struct xs_watch *w = c->watches; w && n < c->nwatches; w = w->cnext)
        v[n++] = w;
    while (n--)
        fn(arg, v[n]->wl->path, v[n]->reloff, v[n]->token);
    free(v);
}
