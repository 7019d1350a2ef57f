/* SPDX-License-Identifier: GPL-2.0-only */
/* xenstore core: the node tree, path rules and permission checks. */
#include "xs_internal.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

uint64_t xs_next_gen(struct xs_store *s)
{
    return ++s->gen;
}

uint32_t xs_node_size(uint32_t vlen, uint32_t childlen, uint32_t nperms)
{
    return vlen + childlen + nperms * (uint32_t)sizeof(struct xs_perm);
}

/* ---- permissions ---- */

int xs_perms_copy(struct xs_perms *dst, const struct xs_perms *src)
{
    struct xs_perm *p = malloc(src->n * sizeof(*p));

    if (!p)
        return -ENOMEM;
    memcpy(p, src->p, src->n * sizeof(*p));
    dst->n = src->n;
    dst->p = p;
    return 0;
}

void xs_perms_free(struct xs_perms *p)
{
    free(p->p);
    p->p = NULL;
    p->n = 0;
}

static int perm_parse_one(const char *s, struct xs_perm *out)
{
    char *end;
    unsigned long id;

    switch (s[0]) {
    case 'n':
        out->perm = 0;
        break;
    case 'r':
        out->perm = XS_PERM_R;
        break;
    case 'w':
        out->perm = XS_PERM_W;
        break;
    case 'b':
        out->perm = XS_PERM_RW;
        break;
    default:
        return -EINVAL;
    }
    if (s[1] < '0' || s[1] > '9')
        return -EINVAL;
    id = strtoul(s + 1, &end, 10);
    if (*end || id >= XS_DOMID_LIMIT)
        return -EINVAL;
    out->domid = (uint32_t)id;
    return 0;
}

int xs_perms_parse(struct xs_perms *p, const char *const *strs, unsigned int n)
{
    if (n == 0)
        return -EINVAL;
    p->p = malloc(n * sizeof(*p->p));
    if (!p->p)
        return -ENOMEM;
    p->n = n;
    for (unsigned int i = 0; i < n; i++) {
        if (perm_parse_one(strs[i], &p->p[i])) {
            xs_perms_free(p);
            return -EINVAL;
        }
    }
    return 0;
}

int xs_perms_print(const struct xs_perms *p, char *out, uint32_t room)
{
    static const char letter[4] = {'n', 'r', 'w', 'b'};
    uint32_t len = 0;

    for (uint32_t i = 0; i < p->n; i++) {
        int k = snprintf(out + len, room - len, "%c%u",
                         letter[p->p[i].perm & 3], p->p[i].domid);

        if (k < 0 || (uint32_t)k + 1 > room - len)
            return -E2BIG;
        len += (uint32_t)k + 1; /* keep the NUL */
    }
    return (int)len;
}

bool xs_conn_priv(const struct xs_conn *c)
{
    return c->domid == 0;
}

uint32_t xs_perm_for(const struct xs_conn *c, const struct xs_perms *p)
{
    const struct xs_domain *d;
    uint32_t target = XS_DOMID_LIMIT;

    if (xs_conn_priv(c))
        return XS_PERM_RW | XS_PERM_OWNER;
    d = xs_domain_find(c->s, c->domid);
    if (d)
        target = d->target;
    if (p->p[0].domid == c->domid || p->p[0].domid == target)
        return XS_PERM_RW | XS_PERM_OWNER;
    for (uint32_t i = 1; i < p->n; i++)
        if (p->p[i].domid == c->domid || p->p[i].domid == target)
            return p->p[i].perm;
    return p->p[0].perm;
}

/* ---- paths ---- */

static bool path_char_ok(char ch)
{
    return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
           (ch >= '0' && ch <= '9') || ch == '-' || ch == '/' || ch == '_' ||
           ch == '@';
}

/* Length of a leading "/local/domain/<n>/", or 0. */
static uint32_t home_prefix_len(const char *p)
{
    static const char pre[] = "/local/domain/";
    uint32_t i = sizeof(pre) - 1, digits = 0;

    if (strncmp(p, pre, i))
        return 0;
    while (p[i] >= '0' && p[i] <= '9' && digits < 5) {
        i++;
        digits++;
    }
    if (!digits || p[i] != '/')
        return 0;
    return i + 1;
}

int xs_path_canon(const struct xs_conn *c, const char *in, char *out,
                  uint32_t room, bool allow_special, uint32_t *reloff)
{
    size_t inlen = strlen(in);
    uint32_t off = 0, len;

    *reloff = 0;
    if (inlen == 0)
        return -EINVAL;
    if (in[0] == '@') {
        if (!allow_special || inlen > XENSTORE_REL_PATH_MAX)
            return -EINVAL;
        for (size_t i = 1; i < inlen; i++)
            if (!path_char_ok(in[i]))
                return -EINVAL;
        memcpy(out, in, inlen + 1);
        return 0;
    }
    if (in[0] != '/') {
        int k = snprintf(out, room, "/local/domain/%u/", c->domid);

        if (k < 0 || (uint32_t)k >= room)
            return -EINVAL;
        off = (uint32_t)k;
        *reloff = off;
    }
    if (inlen + off >= room || inlen + off > XENSTORE_ABS_PATH_MAX)
        return -EINVAL;
    memcpy(out + off, in, inlen + 1);
    len = off + (uint32_t)inlen;
    for (uint32_t i = 0; i < len; i++) {
        if (!path_char_ok(out[i]))
            return -EINVAL;
        if (out[i] == '/' && out[i + 1] == '/')
            return -EINVAL;
    }
    if (len > 1 && out[len - 1] == '/')
        return -EINVAL;
    if (len > home_prefix_len(out) + xs_store_quota(c->s, XS_Q_PATH_MAX))
        return -EINVAL;
    return 0;
}

bool xs_path_is_child(const char *child, const char *parent)
{
    size_t pl = strlen(parent);

    if (strncmp(child, parent, pl))
        return false;
    if (child[pl] == '\0')
        return true;
    if (pl == 1 && parent[0] == '/')
        return true;
    return child[pl] == '/';
}

/* ---- interned permission lists ---- */

static struct xs_permset *permset_get(struct xs_store *s,
                                      const struct xs_perms *p)
{
    uint32_t klen = p->n * (uint32_t)sizeof(struct xs_perm);
    struct xs_mapent *e = xs_map_get(&s->permsets, (const char *)p->p, klen);
    struct xs_permset *ps;

    if (e) {
        ps = (struct xs_permset *)e;
        ps->refs++;
        return ps;
    }
    ps = malloc(sizeof(*ps) + klen);
    if (!ps)
        return NULL;
    ps->refs = 1;
    ps->n = p->n;
    memcpy(ps->p, p->p, klen);
    xs_mapent_set_key(&ps->ent, (const char *)ps->p, klen);
    if (!xs_map_put(&s->permsets, &ps->ent)) {
        free(ps);
        return NULL;
    }
    return ps;
}

static void permset_put(struct xs_store *s, struct xs_permset *ps)
{
    if (--ps->refs)
        return;
    xs_map_del(&s->permsets, &ps->ent);
    free(ps);
}

/* ---- tree ---- */

struct xs_node *xs_tree_child(const struct xs_node *n, const char *name,
                              uint32_t len)
{
    struct xs_mapent *e;

    if (!n->dir)
        return NULL;
    e = xs_map_get(&n->dir->children, name, len);
    return e ? (struct xs_node *)e : NULL;
}

/* Walk path; returns the deepest existing node and whether it is path. */
static struct xs_node *tree_walk(struct xs_node *root, const char *path,
                                 bool *full)
{
    struct xs_node *n = root;
    const char *p = path;

    *full = false;
    if (!root || p[0] != '/')
        return NULL;
    while (*p == '/')
        p++;
    while (*p) {
        const char *slash = strchr(p, '/');
        uint32_t len = slash ? (uint32_t)(slash - p) : (uint32_t)strlen(p);
        struct xs_node *ch = xs_tree_child(n, p, len);

        if (!ch)
            return n;
        n = ch;
        p += len;
        while (*p == '/')
            p++;
    }
    *full = true;
    return n;
}

struct xs_node *xs_tree_lookup(struct xs_node *root, const char *path)
{
    bool full;
    struct xs_node *n = tree_walk(root, path, &full);

    return full ? n : NULL;
}

struct xs_node *xs_tree_nearest(struct xs_node *root, const char *path)
{
    bool full;

    return tree_walk(root, path, &full);
}

/* Node, name and value area (vcap bytes, at least XS_VAL_MIN) in one block. */
static struct xs_node *node_alloc(struct xs_store *s, const char *name,
                                  uint32_t len, const struct xs_perms *perms,
                                  uint32_t vcap)
{
    struct xs_node *n;

    if (len > XENSTORE_ABS_PATH_MAX || vcap > XENSTORE_PAYLOAD_MAX)
        return NULL;
    if (vcap < XS_VAL_MIN)
        vcap = XS_VAL_MIN;
    n = malloc(offsetof(struct xs_node, name) + len + 1 + vcap);
    if (!n)
        return NULL;
    memset(n, 0, sizeof(*n));
    n->ps = permset_get(s, perms);
    if (!n->ps) {
        free(n);
        return NULL;
    }
    memcpy(n->name, name, len);
    n->name[len] = '\0';
    xs_mapent_set_key(&n->ent, n->name, len);
    n->vcap = (uint16_t)vcap;
    return n;
}

uint64_t xs_node_mem(uint32_t namelen, uint32_t vlen, uint32_t nperms)
{
    return (uint64_t)namelen + vlen + nperms * sizeof(struct xs_perm);
}

static uint64_t node_mem(const struct xs_node *n)
{
    return xs_node_mem(n->ent.klen, n->vlen, n->ps->n);
}

struct xs_node *xs_tree_new_root(struct xs_store *s)
{
    struct xs_perm p0 = {.domid = 0, .perm = 0};
    struct xs_perms perms = {.n = 1, .p = &p0};
    struct xs_node *n = node_alloc(s, "", 0, &perms, 0);

    if (!n)
        return NULL;
    n->gen = xs_next_gen(s);
    s->nnodes++;
    xs_account_node(s, 0, 1, (int64_t)node_mem(n));
    return n;
}

struct xs_node *xs_tree_add_child(struct xs_store *s, struct xs_node *parent,
                                  const char *name, uint32_t len,
                                  const struct xs_perms *perms, uint32_t vcap)
{
    struct xs_node *n;
    struct xs_dir *d = parent->dir;

    if (!d) {
        d = calloc(1, sizeof(*d));
        if (!d)
            return NULL;
        parent->dir = d;
    }
    n = node_alloc(s, name, len, perms, vcap);
    if (!n || !xs_map_put(&d->children, &n->ent)) {
        if (n) {
            permset_put(s, n->ps);
            free(n);
        }
        if (!d->first) {
            free(d);
            parent->dir = NULL;
        }
        return NULL;
    }
    n->parent = parent;
    n->prev = d->last;
    if (d->last)
        d->last->next = n;
    else
        d->first = n;
    d->last = n;
    d->childlen += len + 1;
    parent->gen = xs_next_gen(s);
    n->gen = parent->gen;
    s->nnodes++;
    s->nbytes += node_mem(n);
    xs_account_node(s, xs_node_owner(n), 1, (int64_t)node_mem(n));
    return n;
}

static void value_free(struct xs_node *n)
{
    if (n->vcap & XS_VAL_HEAP)
        free((void *)xs_node_value(n));
}

int xs_tree_set_value(struct xs_store *s, struct xs_node *n, const char *v,
                      uint32_t len)
{
    uint16_t cap = n->vcap & ~XS_VAL_HEAP;
    char *heap = NULL;

    if (len > XENSTORE_PAYLOAD_MAX)
        return -E2BIG;
    if (len > cap) {
        heap = malloc(len);
        if (!heap)
            return -ENOMEM;
        memcpy(heap, v, len);
    }
    xs_account_node(s, xs_node_owner(n), 0, (int64_t)len - (int64_t)n->vlen);
    s->nbytes += (uint64_t)len - n->vlen;
    /* v may be our own value: it is copied before the old one goes. */
    if (heap) {
        value_free(n);
        memcpy(xs_node_varea(n), &heap, sizeof(heap));
        n->vcap = cap | XS_VAL_HEAP;
    } else {
        char *old = (n->vcap & XS_VAL_HEAP) ? (char *)xs_node_value(n) : NULL;

        if (len)
            memmove(xs_node_varea(n), v, len);
        free(old);
        n->vcap = cap;
    }
    n->vlen = (uint16_t)len;
    n->gen = xs_next_gen(s);
    return 0;
}

int xs_tree_set_perms(struct xs_store *s, struct xs_node *n,
                      const struct xs_perms *p)
{
    struct xs_permset *ps = permset_get(s, p);
    uint64_t oldmem = node_mem(n);

    if (!ps)
        return -ENOMEM;
    xs_account_node(s, xs_node_owner(n), -1, -(int64_t)oldmem);
    permset_put(s, n->ps);
    n->ps = ps;
    xs_account_node(s, xs_node_owner(n), 1, (int64_t)node_mem(n));
    s->nbytes += node_mem(n) - oldmem;
    n->gen = xs_next_gen(s);
    return 0;
}

int xs_tree_strip_perms(struct xs_store *s, struct xs_node *n, uint32_t domid)
{
    struct xs_perm *keep;
    struct xs_perms p = {.n = 1};
    bool found = false;
    int rc = 0;

    keep = malloc(n->ps->n * sizeof(*keep));
    if (!keep)
        return -ENOMEM;
    p.p = keep;
    keep[0] = n->ps->p[0];
    for (uint32_t i = 1; i < n->ps->n; i++) {
        if (n->ps->p[i].domid == domid)
            found = true;
        else
            keep[p.n++] = n->ps->p[i];
    }
    if (found)
        rc = xs_tree_set_perms(s, n, &p);
    free(keep);
    return rc;
}

static void node_free(struct xs_store *s, struct xs_node *n)
{
    xs_account_node(s, xs_node_owner(n), -1, -(int64_t)node_mem(n));
    s->nnodes--;
    s->nbytes -= node_mem(n);
    if (n->dir) {
        xs_map_free(&n->dir->children);
        free(n->dir);
    }
    permset_put(s, n->ps);
    value_free(n);
    free(n);
}

/* Free a detached subtree without recursion (XSA-418: depth is user input). */
static void subtree_free(struct xs_store *s, struct xs_node *top)
{
    struct xs_node *x = top;

    for (;;) {
        while (xs_node_first(x))
            x = x->dir->first;
        struct xs_node *p = x->parent, *nx = x->next;
        bool last = x == top;

        node_free(s, x);
        if (last)
            return;
        p->dir->first = nx;
        x = nx ? nx : p;
    }
}

void xs_tree_remove(struct xs_store *s, struct xs_node *n)
{
    struct xs_node *p = n->parent;

    if (p) {
        struct xs_dir *d = p->dir;

        xs_map_del(&d->children, &n->ent);
        if (n->prev)
            n->prev->next = n->next;
        else
            d->first = n->next;
        if (n->next)
            n->next->prev = n->prev;
        else
            d->last = n->prev;
        d->childlen -= n->ent.klen + 1u;
        if (!d->first) {
            xs_map_free(&d->children);
            free(d);
            p->dir = NULL;
        }
        p->gen = xs_next_gen(s);
    }
    n->parent = NULL;
    n->next = n->prev = NULL;
    subtree_free(s, n);
}

void xs_tree_free_all(struct xs_store *s)
{
    if (s->root)
        subtree_free(s, s->root);
    s->root = NULL;
    xs_map_free(&s->permsets);
}

_Static_assert(offsetof(struct xs_mapent, koff) + sizeof(uint16_t) <= 12,
               "xs_node.vlen overlays the map entry's padding");
