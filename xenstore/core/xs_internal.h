/* SPDX-License-Identifier: GPL-2.0-only */
/* xenstore core internals shared by the core's files. */
#ifndef XS_INTERNAL_H
#define XS_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "xs_core.h"

#define XS_PERM_R     1u
#define XS_PERM_W     2u
#define XS_PERM_RW    3u
#define XS_PERM_OWNER 8u

#define XS_DOMID_LIMIT    0x7ff0u /* DOMID_FIRST_RESERVED */
#define XS_PRIV_TXN_MAX   4096u   /* bound for dom0's open transactions */
#define XS_PRIV_TXN_NODES 1000000u

struct xs_perm {
    uint32_t domid;
    uint32_t perm; /* XS_PERM_R | XS_PERM_W */
};

struct xs_perms {
    uint32_t n; /* >= 1: entry 0 is the owner and default */
    struct xs_perm *p;
};

/*
 * String-keyed hash map with chaining.  Entries are embedded in the owner's
 * struct (xs_mapent) and the key lives inside the owner too, koff bytes after
 * the entry, so the map never allocates per entry; hashes are not stored
 * (recomputed when the table grows).  The table doubles when the load
 * reaches two.  O(1) expected insert, lookup and delete.
 */
struct xs_mapent {
    struct xs_mapent *next;
    uint16_t klen;
    uint16_t koff;
    /* 4 bytes of padding follow: struct xs_node keeps its value size there */
};

static inline const char *xs_mapent_key(const struct xs_mapent *e)
{
    return (const char *)e + e->koff;
}

/* Point e's key at k, which must lie within 64 KiB after e. */
static inline void xs_mapent_set_key(struct xs_mapent *e, const char *k,
                                     uint32_t len)
{
    e->koff = (uint16_t)(k - (const char *)e);
    e->klen = (uint16_t)len;
}

struct xs_map {
    struct xs_mapent **tab;
    uint32_t size; /* power of two, or 0 */
    uint32_t count;
};

uint32_t xs_hash(const char *k, uint32_t len);
struct xs_mapent *xs_map_get(const struct xs_map *m, const char *k,
                             uint32_t len);
struct xs_mapent *xs_map_get_h(const struct xs_map *m, const char *k,
                               uint32_t len, uint32_t h);
bool xs_map_put(struct xs_map *m, struct xs_mapent *e); /* false: no memory */
void xs_map_del(struct xs_map *m, struct xs_mapent *e);
void xs_map_free(struct xs_map *m);
/* Iterate: returns the entry after cur (NULL starts), NULL at the end. */
struct xs_mapent *xs_map_next(const struct xs_map *m, struct xs_mapent *cur);

/*
 * Permission lists are interned: nodes mostly inherit their parent's list,
 * so each distinct list is stored once with a reference count.
 */
struct xs_permset {
    struct xs_mapent ent; /* in store->permsets, key = p[] as bytes */
    uint32_t refs;
    uint32_t n;
    struct xs_perm p[];
};

/* Children of a node that has any: hash map by name, list in creation order. */
struct xs_dir {
    struct xs_map children;
    struct xs_node *first, *last;
    uint32_t childlen; /* sum of (name length + 1) over children */
};

/*
 * A node of the main tree.  Adding, finding and removing a child never
 * depends on the size of the directory.  One allocation holds the node, its
 * name and (up to vcap bytes) its value; longer values live on the heap.
 */
struct xs_node {
    union {
        struct xs_mapent ent; /* in parent->dir->children, key = name */
        struct {              /* in the entry's tail padding */
            char ent_used_[12];
            uint16_t vlen;
            uint16_t vcap; /* XS_VAL_HEAP: the value is on the heap */
        };
    };
    struct xs_node *parent;
    struct xs_node *prev, *next; /* siblings in creation order */
    struct xs_dir *dir;          /* NULL while the node has no children */
    uint64_t gen;                /* changes whenever value/perms/children do */
    struct xs_permset *ps;
    char name[]; /* then the value area: vcap bytes, >= 8 */
};

/*
 * The value area after the name holds the value itself, or, flagged in
 * vcap, a pointer to a heap copy (hence at least 8 bytes).  Unaligned.
 */
#define XS_VAL_HEAP 0x8000u
#define XS_VAL_MIN  8u

static inline char *xs_node_varea(const struct xs_node *n)
{
    return (char *)n->name + n->ent.klen + 1;
}

static inline const char *xs_node_value(const struct xs_node *n)
{
    const char *p;

    if (!(n->vcap & XS_VAL_HEAP))
        return xs_node_varea(n);
    __builtin_memcpy(&p, xs_node_varea(n), sizeof(p));
    return p;
}

static inline struct xs_perms xs_node_perms(const struct xs_node *n)
{
    return (struct xs_perms){.n = n->ps->n, .p = (struct xs_perm *)n->ps->p};
}

static inline uint32_t xs_node_owner(const struct xs_node *n)
{
    return n->ps->p[0].domid;
}

static inline struct xs_node *xs_node_first(const struct xs_node *n)
{
    return n->dir ? n->dir->first : NULL;
}

static inline uint32_t xs_node_childlen(const struct xs_node *n)
{
    return n->dir ? n->dir->childlen : 0;
}

struct xs_txn;
struct xs_watch;
struct xs_req;

struct xs_domain {
    uint32_t domid;
    bool introduced;
    bool shutdown;   /* @releaseDomain already fired for it */
    uint32_t target; /* SET_TARGET; XS_DOMID_LIMIT = none */
    uint32_t nodes;
    uint64_t mem;
    uint32_t watches;
    uint32_t outstanding; /* requests not yet fully answered (xs_charge) */
    uint64_t gfn;
    uint32_t port;
    struct xs_conn *ring; /* the domain's ring connection, if any */
};

struct xs_conn {
    struct xs_store *s;
    struct xs_conn *prev, *next;
    uint64_t seq; /* creation order (watch events go out in it) */
    uint32_t domid;
    void *ctx;
    struct xs_watch *watches;
    struct xs_txn *txns;
    uint32_t ntxns;
    uint32_t nwatches;
};

struct xs_store {
    const struct xs_ops *ops;
    void *opaque;
    struct xs_node *root;
    uint64_t gen; /* last generation handed out */
    uint32_t next_txid;
    uint64_t nnodes;
    uint64_t nbytes;
    uint32_t quota[XS_Q_COUNT];
    struct xs_domain **doms; /* [ndoms], grown to the largest domid */
    uint32_t ndoms;
    struct xs_conn *conns;
    uint32_t nconns;
    struct xs_map watch_index; /* path -> struct xs_watchlist */
    struct xs_map permsets;    /* interned permission lists */
    uint64_t nwatches;
    uint64_t ntxns;
    uint64_t conn_seq, watch_seq;
    struct xs_req *req; /* xs_dispatch()'s scratch (it is not re-entered) */
    struct xs_charge *charge; /* the request being dispatched, if counted */
    struct xs_perms spec_perms[2]; /* @introduceDomain, @releaseDomain */
};

/* ---- tree (xs_tree.c) ---- */
/* A view of a node: in the main tree or inside a transaction. */
struct xs_view {
    bool exists;
    uint64_t gen;
    const char *value;
    uint32_t vlen;
    struct xs_perms perms;
    struct xs_node *node;     /* main-tree node, when the view is of one */
    const char *const *names; /* transaction copy of the children */
    uint32_t nnames;
    uint32_t childlen;
};

struct xs_node *xs_tree_lookup(struct xs_node *root, const char *path);
struct xs_node *xs_tree_nearest(struct xs_node *root, const char *path);
struct xs_node *xs_tree_child(const struct xs_node *n, const char *name,
                              uint32_t len);
/* vcap: room for a value of that size in the node itself (0: none). */
struct xs_node *xs_tree_add_child(struct xs_store *s, struct xs_node *parent,
                                  const char *name, uint32_t len,
                                  const struct xs_perms *perms, uint32_t vcap);
int xs_tree_set_value(struct xs_store *s, struct xs_node *n, const char *v,
                      uint32_t len);
int xs_tree_set_perms(struct xs_store *s, struct xs_node *n,
                      const struct xs_perms *p);
void xs_tree_remove(struct xs_store *s, struct xs_node *n);
struct xs_node *xs_tree_new_root(struct xs_store *s);
void xs_tree_free_all(struct xs_store *s);
uint64_t xs_next_gen(struct xs_store *s);
/* Size of a node as the node-size quota counts it. */
uint32_t xs_node_size(uint32_t vlen, uint32_t childlen, uint32_t nperms);
/* Strip domid's entries (after the owner) from n's permissions. */
int xs_tree_strip_perms(struct xs_store *s, struct xs_node *n, uint32_t domid);

int xs_perms_copy(struct xs_perms *dst, const struct xs_perms *src);
void xs_perms_free(struct xs_perms *p);
/* Parse "r0\0w5\0..." (n strings); returns 0 or -EINVAL / -ENOMEM. */
int xs_perms_parse(struct xs_perms *p, const char *const *strs, unsigned int n);
/* Print as the wire does; returns length or -E2BIG if it does not fit. */
int xs_perms_print(const struct xs_perms *p, char *out, uint32_t room);
/* Access conn has to a node with these perms: XS_PERM_R | W | OWNER bits. */
uint32_t xs_perm_for(const struct xs_conn *c, const struct xs_perms *p);
bool xs_conn_priv(const struct xs_conn *c);

/* Path validity and canonical form. */
int xs_path_canon(const struct xs_conn *c, const char *in, char *out,
                  uint32_t room, bool allow_special, uint32_t *reloff);
bool xs_path_is_child(const char *child, const char *parent);

/* ---- domains and quotas (xs_domain.c) ---- */
/* One counted request: its domain's outstanding count holds 1 while refs. */
struct xs_charge {
    struct xs_store *s;
    uint32_t domid;
    uint32_t refs;
};
struct xs_charge *xs_charge_new(struct xs_conn *c);
struct xs_domain *xs_domain_get(struct xs_store *s, uint32_t domid);
struct xs_domain *xs_domain_find(const struct xs_store *s, uint32_t domid);
void xs_account_node(struct xs_store *s, uint32_t owner, int64_t nodes,
                     int64_t mem);
uint64_t xs_node_mem(uint32_t namelen, uint32_t vlen, uint32_t nperms);
/* Quota checks for conn c creating nodes owned by c / writing size bytes. */
int xs_quota_node_create(const struct xs_conn *c, uint32_t count, uint64_t mem);
void xs_domain_purge(struct xs_store *s, uint32_t domid);
void xs_domains_free(struct xs_store *s);

/* ---- watches (xs_watch.c) ---- */
int xs_watch_add(struct xs_conn *c, const char *path, uint32_t reloff,
                 const char *token);
int xs_watch_del(struct xs_conn *c, const char *path, const char *token);
void xs_watch_drop_all(struct xs_conn *c);
/* Every watch of c: fn(arg, path, reloff, token). */
void xs_watch_foreach(const struct xs_conn *c,
                      void (*fn)(void *arg, const char *path, uint32_t reloff,
                                 const char *token),
                      void *arg);
/*
 * A change at path (perms: the node's, before removal for a delete) fires
 * every watch on path or an ancestor; recursive also fires watches below it.
 */
void xs_watch_fire(struct xs_store *s, const char *path,
                   const struct xs_perms *perms, bool recursive);
void xs_watch_fire_special(struct xs_store *s, int which);
void xs_watch_send_one(struct xs_conn *c, const char *epath, uint32_t reloff,
                       const char *token);

/* ---- transactions (xs_txn.c) ---- */
struct xs_txn *xs_txn_find(struct xs_conn *c, uint32_t id);
int xs_txn_start(struct xs_conn *c, uint32_t *id);
int xs_txn_end(struct xs_conn *c, struct xs_txn *t, bool commit);
void xs_txn_drop_all(struct xs_conn *c);

/*
 * Node access through a transaction or (t == NULL) the main tree.  Each
 * records what it saw so that commit can detect conflicts.
 */
int xs_get_view(struct xs_conn *c, struct xs_txn *t, const char *path,
                struct xs_view *v);
int xs_do_write(struct xs_conn *c, struct xs_txn *t, const char *path,
                const char *val, uint32_t vlen, bool mkdir_only);
int xs_do_rm(struct xs_conn *c, struct xs_txn *t, const char *path);
int xs_do_set_perms(struct xs_conn *c, struct xs_txn *t, const char *path,
                    const struct xs_perms *p);
/* Check access to path (existing or not) like C xenstored's get_node. */
int xs_access(struct xs_conn *c, struct xs_txn *t, const char *path,
              uint32_t need, struct xs_view *v);
/* Children of a view in order: calls fn(arg, name, len) for each. */
void xs_view_children(const struct xs_view *v,
                      void (*fn)(void *arg, const char *name, uint32_t len),
                      void *arg);

#endif /* XS_INTERNAL_H */
