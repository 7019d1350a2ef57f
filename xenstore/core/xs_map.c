/* SPDX-License-Identifier: GPL-2.0-only */
/* xenstore core: intrusive string-keyed hash map. */
#include "xs_internal.h"

#include <stdlib.h>
#include <string.h>

uint32_t xs_hash(const char *k, uint32_t len)
{
    uint32_t h = 2166136261u; /* FNV-1a */

    for (uint32_t i = 0; i < len; i++) {
        h ^= (unsigned char)k[i];
        h *= 16777619u;
    }
    return h ^ (h >> 15);
}

static uint32_t ent_hash(const struct xs_mapent *e)
{
    return xs_hash(xs_mapent_key(e), e->klen);
}

struct xs_mapent *xs_map_get_h(const struct xs_map *m, const char *k,
                               uint32_t len, uint32_t h)
{
    struct xs_mapent *e;

    if (!m->size)
        return NULL;
    for (e = m->tab[h & (m->size - 1)]; e; e = e->next)
        if (e->klen == len && !memcmp(xs_mapent_key(e), k, len))
            return e;
    return NULL;
}

struct xs_mapent *xs_map_get(const struct xs_map *m, const char *k,
                             uint32_t len)
{
    return m->size ? xs_map_get_h(m, k, len, xs_hash(k, len)) : NULL;
}

static bool map_grow(struct xs_map *m)
{
    uint32_t nsize = m->size ? m->size * 2 : 4;
    struct xs_mapent **nt = calloc(nsize, sizeof(*nt));

    if (!nt)
        return false;
    for (uint32_t i = 0; i < m->size; i++) {
        struct xs_mapent *e = m->tab[i], *nx;

        for (; e; e = nx) {
            uint32_t b = ent_hash(e) & (nsize - 1);

            nx = e->next;
            e->next = nt[b];
            nt[b] = e;
        }
    }
    free(m->tab);
    m->tab = nt;
    m->size = nsize;
    return true;
}

bool xs_map_put(struct xs_map *m, struct xs_mapent *e)
{
    uint32_t b;

    if (m->count >= 2 * m->size && !map_grow(m)) {
        if (!m->size)
            return false;
        /* Could not grow: chains just get longer. */
    }
    b = ent_hash(e) & (m->size - 1);
    e->next = m->tab[b];
    m->tab[b] = e;
    m->count++;
    return true;
}

void xs_map_del(struct xs_map *m, struct xs_mapent *e)
{
    struct xs_mapent **pp = &m->tab[ent_hash(e) & (m->size - 1)];

    while (*pp && *pp != e)
        pp = &(*pp)->next;
    if (*pp) {
        *pp = e->next;
        m->count--;
    }
    if (m->count == 0) {
        free(m->tab);
        m->tab = NULL;
        m->size = 0;
    }
}

void xs_map_free(struct xs_map *m)
{
    free(m->tab);
    m->tab = NULL;
    m->size = m->count = 0;
}

struct xs_mapent *xs_map_next(const struct xs_map *m, struct xs_mapent *cur)
{
    uint32_t i = 0;

    if (cur) {
        if (cur->next)
            return cur->next;
        i = (ent_hash(cur) & (m->size - 1)) + 1;
    }
    for (; i < m->size; i++)
        if (m->tab[i])
            return m->tab[i];
    return NULL;
}
