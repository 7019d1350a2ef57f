/* SPDX-License-Identifier: GPL-2.0-only */
/* xenstore core: node access via the tree or a transaction; commit. */
#include "xs_internal.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

/*
 * Transactions
 * ============
 * A transaction is optimistic, like C xenstored's: it never copies the tree.
 * Every path it touches gets one entry (struct xs_txe) holding the main-tree
 * generation seen the first time (0 when the node did not exist).  Entries
 * it modifies also hold the transaction's version of the node: value, perms,
 * existence and its list of child names.
 *
 * Reading P inside a transaction: an entry for P that is modified answers;
 * otherwise the nearest modified ancestor decides: a deleted ancestor or one
 * re-created in the transaction ("fresh") hides the main tree below it; if
 * there is none, the main tree answers and P's generation is recorded with a
 * copy of its value and permissions, so later reads of P in the transaction
 * see the same value even if the main tree changed (test-xenstore "ta err"
 * checks this).  Child lists are not copied on read (a directory may have
 * 40,000 children): a directory listed twice may show a concurrent change,
 * but then its generation moved and the commit fails with EAGAIN anyway.
 *
 * Commit succeeds iff every entry's path still has the generation recorded:
 * creating or deleting a child changes the parent's generation, so, as in C
 * xenstored, two transactions that add siblings conflict (EAGAIN).  It then
 * applies the modified entries shallowest first and fires the watches of the
 * recorded changes; nothing fires before commit.
 *
 * Worked example (replayed in tests/unit/xenstore/test_txn.c):
 *   main: /a (gen 5) with child /a/b (gen 6)
 *   T: rm /a          -> entry /a {base 5, deleted}, entry / modified
 *   T: read /a/b      -> ancestor /a deleted: ENOENT, no main lookup
 *   T: write /a/c x   -> /a fresh again, /a/c fresh {base 0}
 *   commit            -> / and /a unchanged?  delete main /a subtree,
 *                        create /a and /a/c; fire "/a" (recursive), "/a/c"
 */

struct xs_txe {
    struct xs_mapent ent; /* in txn->entries, key = path */
    struct xs_txe *lnext;
    uint64_t base_gen;
    bool modified, exists, fresh;
    bool snap; /* unmodified, value and perms copied at first read */
    uint32_t depth;
    uint32_t seq; /* creation order */
    char *value;
    uint32_t vlen;
    struct xs_perms perms;
    char **names;
    uint32_t nnames, cap;
    uint32_t childlen;
    char path[];
};

struct xs_change {
    struct xs_change *next;
    bool recursive;
    struct xs_perms perms;
    char path[];
};

struct xs_txn {
    struct xs_txn *next;
    uint32_t id;
    struct xs_map entries;
    struct xs_txe *head, *tail;
    uint32_t nent;
    struct xs_change *changes, **ctail;
    uint32_t nnew; /* nodes this transaction creates, for quotas */
};

/* ---- helpers ---- */

/* End of the path component starting at p (the '/' or the NUL). */
static const char *comp_end(const char *p)
{
    while (*p && *p != '/')
        p++;
    return p;
}

static void view_from_node(struct xs_view *v, struct xs_node *n)
{
    memset(v, 0, sizeof(*v));
    if (!n)
        return;
    v->exists = true;
    v->gen = n->gen;
    v->value = xs_node_value(n);
    v->vlen = n->vlen;
    v->perms = xs_node_perms(n);
    v->node = n;
    v->childlen = xs_node_childlen(n);
}

static void view_from_txe(struct xs_view *v, const struct xs_txe *e)
{
    memset(v, 0, sizeof(*v));
    if (!e->exists)
        return;
    v->exists = true;
    v->gen = e->base_gen;
    v->value = e->value;
    v->vlen = e->vlen;
    v->perms = e->perms;
    v->names = (const char *const *)e->names;
    v->nnames = e->nnames;
    v->childlen = e->childlen;
}

void xs_view_children(const struct xs_view *v,
                      void (*fn)(void *arg, const char *name, uint32_t len),
                      void *arg)
{
    if (!v->exists)
        return;
    if (v->node) {
        for (struct xs_node *ch = xs_node_first(v->node); ch; ch = ch->next)
            fn(arg, ch->name, ch->ent.klen);
        return;
    }
    for (uint32_t i = 0; i < v->nnames; i++)
        fn(arg, v->names[i], (uint32_t)strlen(v->names[i]));
}

/* Length of the parent's path ("/a/b" -> 2, "/a" -> 1). */
static uint32_t parent_len(const char *path, uint32_t len)
{
    while (len > 1 && path[len - 1] != '/')
        len--;
    return len > 1 ? len - 1 : 1;
}

static const char *basename_of(const char *path)
{
    const char *s = strrchr(path, '/');

    return s ? s + 1 : path;
}

/* Permissions a node created by c under parent perms gets. */
static int perms_for_new(const struct xs_conn *c, const struct xs_perms *parent,
                         struct xs_perms *out)
{
    int rc = xs_perms_copy(out, parent);

    if (rc)
        return rc;
    if (!xs_conn_priv(c))
        out->p[0].domid = c->domid;
    return 0;
}

static uint32_t priv_or(const struct xs_conn *c, enum xs_quota_id q,
                        uint32_t priv_value)
{
    return xs_conn_priv(c) ? priv_value : c->s->quota[q];
}

/* ---- transaction entries ---- */

static struct xs_txe *txe_find(const struct xs_txn *t, const char *p,
                               uint32_t len)
{
    return (struct xs_txe *)xs_map_get(&t->entries, p, len);
}

static struct xs_txe *txe_get(struct xs_conn *c, struct xs_txn *t,
                              const char *p, uint32_t len, int *err)
{
    struct xs_txe *e = txe_find(t, p, len);
    uint32_t lim = priv_or(c, XS_Q_TXN_NODES, XS_PRIV_TXN_NODES);
    char tmp[XENSTORE_ABS_PATH_MAX + 2];
    struct xs_node *n;

    if (e)
        return e;
    if ((lim && t->nent >= lim) || len > XENSTORE_ABS_PATH_MAX) {
        *err = -ENOSPC;
        return NULL;
    }
    e = calloc(1, sizeof(*e) + len + 1);
    if (!e) {
        *err = -ENOMEM;
        return NULL;
    }
    memcpy(e->path, p, len);
    e->path[len] = '\0';
    xs_mapent_set_key(&e->ent, e->path, len);
    e->seq = t->nent;
    for (uint32_t i = 0; i < len; i++)
        e->depth += p[i] == '/';
    memcpy(tmp, p, len + 1);
    tmp[len] = '\0';
    n = xs_tree_lookup(c->s->root, tmp);
    e->base_gen = n ? n->gen : 0;
    if (!xs_map_put(&t->entries, &e->ent)) {
        free(e);
        *err = -ENOMEM;
        return NULL;
    }
    if (t->tail)
        t->tail->lnext = e;
    else
        t->head = e;
    t->tail = e;
    t->nent++;
    return e;
}

static void txe_clear(struct xs_txe *e)
{
    free(e->value);
    e->value = NULL;
    e->vlen = 0;
    xs_perms_free(&e->perms);
    for (uint32_t i = 0; i < e->nnames; i++)
        free(e->names[i]);
    free(e->names);
    e->names = NULL;
    e->nnames = e->cap = 0;
    e->childlen = 0;
    e->snap = false;
}

static int txe_add_name(struct xs_txe *e, const char *name)
{
    if (e->nnames == e->cap) {
        uint32_t nc = e->cap ? e->cap * 2 : 8;
        char **t = realloc(e->names, nc * sizeof(*t));

        if (!t)
            return -ENOMEM;
        e->names = t;
        e->cap = nc;
    }
    e->names[e->nnames] = strdup(name);
    if (!e->names[e->nnames])
        return -ENOMEM;
    e->nnames++;
    e->childlen += (uint32_t)strlen(name) + 1;
    return 0;
}

static void txe_del_name(struct xs_txe *e, const char *name)
{
    for (uint32_t i = 0; i < e->nnames; i++) {
        if (strcmp(e->names[i], name))
            continue;
        e->childlen -= (uint32_t)strlen(name) + 1;
        free(e->names[i]);
        memmove(&e->names[i], &e->names[i + 1],
                (e->nnames - i - 1) * sizeof(e->names[0]));
        e->nnames--;
        return;
    }
}

struct names_ctx {
    struct xs_txe *e;
    int rc;
};

static void copy_name(void *arg, const char *name, uint32_t len)
{
    struct names_ctx *nc = arg;
    char buf[XENSTORE_ABS_PATH_MAX + 1];

    if (nc->rc || len > XENSTORE_ABS_PATH_MAX)
        return;
    memcpy(buf, name, len);
    buf[len] = '\0';
    nc->rc = txe_add_name(nc->e, buf);
}

/*
 * Make e a modified copy of the (existing) node v.  v may point into e's own
 * snapshot, so build the copy aside and only then replace e's contents.
 */
static int txe_modify(struct xs_txe *e, const struct xs_view *v)
{
    struct xs_txe tmp;
    struct names_ctx nc = {.e = &tmp, .rc = 0};

    if (e->modified && e->exists)
        return 0;
    memset(&tmp, 0, sizeof(tmp));
    if (xs_perms_copy(&tmp.perms, &v->perms))
        return -ENOMEM;
    if (v->vlen) {
        tmp.value = malloc(v->vlen);
        if (!tmp.value)
            nc.rc = -ENOMEM;
        else
            memcpy(tmp.value, v->value, v->vlen);
        tmp.vlen = v->vlen;
    }
    if (!nc.rc)
        xs_view_children(v, copy_name, &nc);
    if (nc.rc) {
        txe_clear(&tmp);
        return nc.rc;
    }
    txe_clear(e);
    e->perms = tmp.perms;
    e->value = tmp.value;
    e->vlen = tmp.vlen;
    e->names = tmp.names;
    e->nnames = tmp.nnames;
    e->cap = tmp.cap;
    e->childlen = tmp.childlen;
    e->modified = true;
    e->exists = true;
    e->fresh = false;
    return 0;
}

static int txn_get_view(struct xs_conn *c, struct xs_txn *t, const char *path,
                        struct xs_view *v)
{
    uint32_t len = (uint32_t)strlen(path);
    struct xs_txe *e = txe_find(t, path, len);
    int err = 0;

    if (e && e->modified) {
        view_from_txe(v, e);
        return 0;
    }
    for (uint32_t pl = len; pl > 1;) {
        pl = parent_len(path, pl);
        struct xs_txe *a = txe_find(t, path, pl);

        if (a && a->modified) {
            if (!a->exists || a->fresh) {
                memset(v, 0, sizeof(*v));
                return 0;
            }
            break;
        }
        if (pl == 1)
            break;
    }
    struct xs_node *n = xs_tree_lookup(c->s->root, path);

    if (e) {
        /* Seen before: answer from what was seen (snapshot isolation). */
        view_from_node(v, n);
        if (!e->snap) {
            memset(v, 0, sizeof(*v));
            return 0;
        }
        v->exists = true;
        v->gen = e->base_gen;
        v->value = e->value;
        v->vlen = e->vlen;
        v->perms = e->perms;
        return 0;
    }
    e = txe_get(c, t, path, len, &err);
    if (!e)
        return err;
    view_from_node(v, n);
    if (n) {
        struct xs_perms np = xs_node_perms(n);

        if (xs_perms_copy(&e->perms, &np))
            return -ENOMEM;
        if (n->vlen) {
            e->value = malloc(n->vlen);
            if (!e->value)
                return -ENOMEM;
            memcpy(e->value, xs_node_value(n), n->vlen);
            e->vlen = n->vlen;
        }
        e->snap = true;
    }
    return 0;
}

int xs_get_view(struct xs_conn *c, struct xs_txn *t, const char *path,
                struct xs_view *v)
{
    if (t)
        return txn_get_view(c, t, path, v);
    view_from_node(v, xs_tree_lookup(c->s->root, path));
    return 0;
}

/*
 * Find the nearest existing ancestor of a missing path (its view in *v) and
 * how many components are missing.
 */
static int nearest_view(struct xs_conn *c, struct xs_txn *t, const char *path,
                        struct xs_view *v, uint32_t *missing, uint32_t *alen)
{
    uint32_t len = (uint32_t)strlen(path);
    char tmp[XENSTORE_ABS_PATH_MAX + 2];
    int rc;

    *missing = 0;
    *alen = 0;
    if (!t) {
        view_from_node(v, xs_tree_nearest(c->s->root, path));
        return 0;
    }
    memcpy(tmp, path, len + 1);
    for (uint32_t pl = len; pl > 1;) {
        pl = parent_len(tmp, pl);
        tmp[pl] = '\0';
        (*missing)++;
        rc = txn_get_view(c, t, tmp, v);
        if (rc)
            return rc;
        if (v->exists) {
            *alen = pl;
            return 0;
        }
    }
    return -ENOENT; /* the root always exists */
}

int xs_access(struct xs_conn *c, struct xs_txn *t, const char *path,
              uint32_t need, struct xs_view *v)
{
    struct xs_view anc;
    uint32_t missing, alen;
    int rc = xs_get_view(c, t, path, v);

    if (rc)
        return rc;
    if (v->exists)
        return (xs_perm_for(c, &v->perms) & need) == need ? 0 : -EACCES;
    rc = nearest_view(c, t, path, &anc, &missing, &alen);
    if (rc)
        return rc;
    if (anc.exists && (xs_perm_for(c, &anc.perms) & need) != need)
        return -EACCES;
    return -ENOENT;
}

static int record_change(struct xs_txn *t, const char *path,
                         const struct xs_perms *perms, bool recursive)
{
    size_t len = strlen(path);
    struct xs_change *ch = calloc(1, sizeof(*ch) + len + 1);

    if (!ch)
        return -ENOMEM;
    memcpy(ch->path, path, len + 1);
    ch->recursive = recursive;
    if (xs_perms_copy(&ch->perms, perms)) {
        free(ch);
        return -ENOMEM;
    }
    *t->ctail = ch;
    t->ctail = &ch->next;
    return 0;
}

/* ---- write / mkdir ---- */

static int check_size(const struct xs_conn *c, uint32_t vlen, uint32_t childlen,
                      uint32_t nperms)
{
    uint32_t q = c->s->quota[XS_Q_NODE_SIZE];

    if (xs_conn_priv(c) || !q)
        return 0;
    return xs_node_size(vlen, childlen, nperms) > q ? -ENOSPC : 0;
}

static int main_create(struct xs_conn *c, const char *path, const char *val,
                       uint32_t vlen)
{
    struct xs_store *s = c->s;
    struct xs_node *anc = xs_tree_nearest(s->root, path), *top = NULL, *n;
    struct xs_perms ap = xs_node_perms(anc), np;
    const char *p = path;
    uint32_t depth = 0, missing = 0;
    int rc;

    if ((xs_perm_for(c, &ap) & XS_PERM_W) != XS_PERM_W)
        return -EACCES;
    for (struct xs_node *x = anc; x->parent; x = x->parent)
        depth++;
    for (const char *q = path; *q; q++)
        missing += *q == '/';
    missing -= depth;
    rc = xs_quota_node_create(c, missing,
                              xs_node_mem(0, vlen, 0) + strlen(path));
    if (rc)
        return rc;
    /* Skip the components that exist. */
    for (uint32_t i = 0; i <= depth; i++) {
        p = strchr(p, '/');
        p++;
    }
    const char *first = p;
    uint32_t flen = (uint32_t)(comp_end(first) - first);

    rc = check_size(c, anc->vlen, xs_node_childlen(anc) + flen + 1, ap.n);
    if (!rc)
        rc = check_size(c, vlen, 0, ap.n);
    if (!rc)
        rc = perms_for_new(c, &ap, &np);
    if (rc)
        return rc;
    n = anc;
    while (*p) {
        const char *e = comp_end(p);

        /* Only the leaf gets room for the value in its allocation. */
        n = xs_tree_add_child(s, n, p, (uint32_t)(e - p), &np, *e ? 0 : vlen);
        if (!n)
            goto err_nomem;
        if (!top)
            top = n;
        p = *e ? e + 1 : e;
    }
    if (xs_tree_set_value(s, n, val, vlen))
        goto err_nomem;
    xs_perms_free(&np);
    return 0;

err_nomem:
    /* XSA-415: a partial creation leaves nothing behind. */
    if (top)
        xs_tree_remove(s, top);
    xs_perms_free(&np);
    return -ENOMEM;
}

static int main_write(struct xs_conn *c, const char *path, const char *val,
                      uint32_t vlen, bool mkdir_only)
{
    struct xs_store *s = c->s;
    struct xs_node *n = xs_tree_lookup(s->root, path);
    struct xs_perms np;
    int rc;

    if (!n) {
        rc = main_create(c, path, val, vlen);
        if (rc)
            return rc;
        n = xs_tree_lookup(s->root, path);
        np = xs_node_perms(n);
        xs_watch_fire(s, path, &np, false);
        return 0;
    }
    np = xs_node_perms(n);
    if ((xs_perm_for(c, &np) & XS_PERM_W) != XS_PERM_W)
        return -EACCES;
    if (mkdir_only)
        return 0;
    rc = check_size(c, vlen, xs_node_childlen(n), np.n);
    if (!rc && !xs_conn_priv(c) && vlen > n->vlen &&
        xs_node_owner(n) == c->domid)
        rc = xs_quota_node_create(c, 0, vlen - n->vlen);
    if (rc)
        return rc;
    rc = xs_tree_set_value(s, n, val, vlen);
    if (rc)
        return rc;
    np = xs_node_perms(n);
    xs_watch_fire(s, path, &np, false);
    return 0;
}

static int txe_set_value(struct xs_txe *e, const char *val, uint32_t vlen)
{
    char *nv = NULL;

    if (vlen) {
        nv = malloc(vlen);
        if (!nv)
            return -ENOMEM;
        memcpy(nv, val, vlen);
    }
    free(e->value);
    e->value = nv;
    e->vlen = vlen;
    return 0;
}

/* Transaction: create the missing components of path below ancestor alen. */
static int txn_create(struct xs_conn *c, struct xs_txn *t, const char *path,
                      const struct xs_view *anc, uint32_t alen,
                      struct xs_txe **leaf)
{
    uint32_t len = (uint32_t)strlen(path);
    struct xs_perms np;
    struct xs_txe *pe;
    uint32_t missing = 0;
    int rc = 0;

    for (uint32_t i = alen == 1 ? 0 : alen; i < len; i++)
        missing += path[i] == '/';
    /* Count what the transaction already creates (XSA-421). */
    rc = xs_quota_node_create(c, t->nnew + missing, len);
    if (rc)
        return rc;
    t->nnew += missing;
    /* anc may point into pe's snapshot: take what we need first. */
    rc = perms_for_new(c, &anc->perms, &np);
    if (rc)
        return rc;
    pe = txe_get(c, t, path, alen, &rc);
    if (!pe || (rc = txe_modify(pe, anc))) {
        xs_perms_free(&np);
        return rc ? rc : -ENOMEM;
    }
    uint32_t pos = alen == 1 ? 1 : alen + 1;

    while (pos <= len) {
        uint32_t end = pos;

        while (end < len && path[end] != '/')
            end++;
        struct xs_txe *e = txe_get(c, t, path, end, &rc);

        if (!e)
            break;
        txe_clear(e);
        rc = xs_perms_copy(&e->perms, &np);
        if (rc)
            break;
        e->modified = e->exists = e->fresh = true;
        rc = txe_add_name(pe, e->path + pos);
        if (rc)
            break;
        pe = e;
        pos = end + 1;
    }
    xs_perms_free(&np);
    *leaf = pe;
    return rc;
}

static int txn_write(struct xs_conn *c, struct xs_txn *t, const char *path,
                     const char *val, uint32_t vlen, bool mkdir_only)
{
    struct xs_view v, anc;
    struct xs_txe *e = NULL;
    uint32_t missing, alen;
    int rc = txn_get_view(c, t, path, &v);

    if (rc)
        return rc;
    if (v.exists) {
        if ((xs_perm_for(c, &v.perms) & XS_PERM_W) != XS_PERM_W)
            return -EACCES;
        if (mkdir_only)
            return 0;
        rc = check_size(c, vlen, v.childlen, v.perms.n);
        if (rc)
            return rc;
        e = txe_get(c, t, path, (uint32_t)strlen(path), &rc);
        if (!e)
            return rc;
        rc = txe_modify(e, &v);
        if (!rc)
            rc = txe_set_value(e, val, vlen);
    } else {
        rc = nearest_view(c, t, path, &anc, &missing, &alen);
        if (rc)
            return rc;
        if ((xs_perm_for(c, &anc.perms) & XS_PERM_W) != XS_PERM_W)
            return -EACCES;
        rc = check_size(c, vlen, 0, anc.perms.n);
        if (rc)
            return rc;
        rc = txn_create(c, t, path, &anc, alen, &e);
        if (!rc)
            rc = txe_set_value(e, val, vlen);
    }
    if (rc)
        return rc;
    return record_change(t, path, &e->perms, false);
}

int xs_do_write(struct xs_conn *c, struct xs_txn *t, const char *path,
                const char *val, uint32_t vlen, bool mkdir_only)
{
    if (t)
        return txn_write(c, t, path, val, vlen, mkdir_only);
    return main_write(c, path, val, vlen, mkdir_only);
}

/* ---- rm ---- */

/* RM of a missing node: OK if its parent exists, else ENOENT (C xenstored). */
static int rm_missing(struct xs_conn *c, struct xs_txn *t, const char *path,
                      int rc)
{
    char parent[XENSTORE_ABS_PATH_MAX + 2];
    uint32_t pl = parent_len(path, (uint32_t)strlen(path));
    struct xs_view pv;

    if (rc != -ENOENT)
        return rc;
    memcpy(parent, path, pl);
    parent[pl] = '\0';
    rc = xs_get_view(c, t, parent, &pv);
    if (rc)
        return rc;
    return pv.exists ? 1 : -ENOENT;
}

int xs_do_rm(struct xs_conn *c, struct xs_txn *t, const char *path)
{
    struct xs_view v, pv;
    char parent[XENSTORE_ABS_PATH_MAX + 2];
    uint32_t len = (uint32_t)strlen(path), pl;
    int rc;

    if (len == 1)
        return -EINVAL; /* "/" */
    rc = xs_access(c, t, path, XS_PERM_W, &v);
    if (rc)
        return rm_missing(c, t, path, rc);
    if (!t) {
        struct xs_perms saved;

        if (xs_perms_copy(&saved, &v.perms))
            return -ENOMEM;
        xs_tree_remove(c->s, v.node);
        xs_watch_fire(c->s, path, &saved, true);
        xs_perms_free(&saved);
        return 0;
    }
    pl = parent_len(path, len);
    memcpy(parent, path, pl);
    parent[pl] = '\0';
    rc = txn_get_view(c, t, parent, &pv);
    if (rc)
        return rc;
    struct xs_txe *pe = txe_get(c, t, parent, pl, &rc), *e;

    if (!pe)
        return rc;
    rc = txe_modify(pe, &pv);
    if (rc)
        return rc;
    e = txe_get(c, t, path, len, &rc);
    if (!e)
        return rc;
    rc = record_change(t, path, &v.perms, true);
    if (rc)
        return rc;
    txe_del_name(pe, basename_of(path));
    /* Hide every modified entry below path. */
    for (struct xs_txe *x = t->head; x; x = x->lnext) {
        if (x == e || (x->modified && xs_path_is_child(x->path, path))) {
            txe_clear(x);
            x->modified = true;
            x->exists = false;
        }
    }
    return 0;
}

/* ---- set_perms ---- */

int xs_do_set_perms(struct xs_conn *c, struct xs_txn *t, const char *path,
                    const struct xs_perms *p)
{
    struct xs_view v;
    int rc = xs_access(c, t, path, XS_PERM_OWNER, &v);

    if (rc)
        return rc;
    if (!xs_conn_priv(c) && p->p[0].domid != v.perms.p[0].domid)
        return -EPERM;
    if (!xs_conn_priv(c) && c->s->quota[XS_Q_PERMS] &&
        p->n - 1 > c->s->quota[XS_Q_PERMS])
        return -ENOSPC;
    rc = check_size(c, v.vlen, v.childlen, p->n);
    if (rc)
        return rc;
    if (!t) {
        rc = xs_tree_set_perms(c->s, v.node, p);
        if (!rc)
            xs_watch_fire(c->s, path, p, false);
        return rc;
    }
    struct xs_txe *e = txe_get(c, t, path, (uint32_t)strlen(path), &rc);

    if (!e)
        return rc;
    rc = txe_modify(e, &v);
    if (rc)
        return rc;
    xs_perms_free(&e->perms);
    rc = xs_perms_copy(&e->perms, p);
    if (rc)
        return rc;
    return record_change(t, path, p, false);
}

/* ---- lifecycle ---- */

struct xs_txn *xs_txn_find(struct xs_conn *c, uint32_t id)
{
    for (struct xs_txn *t = c->txns; t; t = t->next)
        if (t->id == id)
            return t;
    return NULL;
}

int xs_txn_start(struct xs_conn *c, uint32_t *id)
{
    uint32_t lim = priv_or(c, XS_Q_TRANSACTIONS, XS_PRIV_TXN_MAX);
    struct xs_txn *t;

    if (lim && c->ntxns >= lim)
        return -ENOSPC;
    t = calloc(1, sizeof(*t));
    if (!t)
        return -ENOMEM;
    do {
        t->id = ++c->s->next_txid;
    } while (t->id == 0 || xs_txn_find(c, t->id));
    t->ctail = &t->changes;
    t->next = c->txns;
    c->txns = t;
    c->ntxns++;
    c->s->ntxns++;
    *id = t->id;
    return 0;
}

static void txn_free(struct xs_store *s, struct xs_txn *t)
{
    struct xs_txe *e, *ne;
    struct xs_change *ch, *nch;

    for (e = t->head; e; e = ne) {
        ne = e->lnext;
        txe_clear(e);
        free(e);
    }
    xs_map_free(&t->entries);
    for (ch = t->changes; ch; ch = nch) {
        nch = ch->next;
        xs_perms_free(&ch->perms);
        free(ch);
    }
    s->ntxns--;
    free(t);
}

static bool txn_valid(struct xs_store *s, const struct xs_txn *t)
{
    for (const struct xs_txe *e = t->head; e; e = e->lnext) {
        struct xs_node *n = xs_tree_lookup(s->root, e->path);

        if ((n ? n->gen : 0) != e->base_gen)
            return false;
    }
    return true;
}

static int cmp_depth(const void *a, const void *b)
{
    const struct xs_txe *x = *(const struct xs_txe *const *)a;
    const struct xs_txe *y = *(const struct xs_txe *const *)b;

    if (x->depth != y->depth)
        return x->depth < y->depth ? -1 : 1;
    return x->seq < y->seq ? -1 : x->seq > y->seq;
}

static int apply_one(struct xs_store *s, struct xs_txe *e)
{
    struct xs_node *n = xs_tree_lookup(s->root, e->path);
    char parent[XENSTORE_ABS_PATH_MAX + 2];
    uint32_t pl;

    if (!e->exists) {
        if (n)
            xs_tree_remove(s, n);
        return 0;
    }
    if (n && e->fresh && n->parent) {
        xs_tree_remove(s, n);
        n = NULL;
    }
    if (!n) {
        pl = parent_len(e->path, e->ent.klen);
        memcpy(parent, e->path, pl);
        parent[pl] = '\0';
        struct xs_node *p = xs_tree_lookup(s->root, parent);
        const char *name = basename_of(e->path);

        if (!p)
            return -EIO; /* our own invariant: parents first */
        n = xs_tree_add_child(s, p, name, (uint32_t)strlen(name), &e->perms,
                              e->vlen);
        if (!n)
            return -ENOMEM;
    } else if (xs_tree_set_perms(s, n, &e->perms)) {
        return -ENOMEM;
    }
    return xs_tree_set_value(s, n, e->value, e->vlen);
}

static int txn_commit(struct xs_conn *c, struct xs_txn *t)
{
    struct xs_store *s = c->s;
    struct xs_txe **mods;
    uint32_t nm = 0;
    int rc = 0;

    if (!txn_valid(s, t))
        return -EAGAIN;
    mods = malloc((t->nent + 1) * sizeof(*mods));
    if (!mods)
        return -ENOMEM;
    for (struct xs_txe *e = t->head; e; e = e->lnext)
        if (e->modified)
            mods[nm++] = e;
    /* Parents before children; siblings in the order they were made. */
    qsort(mods, nm, sizeof(*mods), cmp_depth);
    for (uint32_t i = 0; i < nm && !rc; i++)
        rc = apply_one(s, mods[i]);
    free(mods);
    for (struct xs_change *ch = t->changes; ch; ch = ch->next)
        xs_watch_fire(s, ch->path, &ch->perms, ch->recursive);
    return rc;
}

int xs_txn_end(struct xs_conn *c, struct xs_txn *t, bool commit)
{
    struct xs_txn **pp = &c->txns;
    int rc = 0;

    while (*pp != t)
        pp = &(*pp)->next;
    *pp = t->next;
    c->ntxns--;
    if (commit)
        rc = txn_commit(c, t);
    txn_free(c->s, t);
    return rc;
}

void xs_txn_drop_all(struct xs_conn *c)
{
    while (c->txns)
        xs_txn_end(c, c->txns, false);
}
