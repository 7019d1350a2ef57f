/* SPDX-License-Identifier: GPL-2.0-only */
/* Check suite for hypervisor/common/elf.c: PV kernel images built in memory. */
#include <xenia/elf.h>

#include "check_suite.h"
#include <stdlib.h>

#include <xen/elfnote.h>
#include <xen/errno.h>
#include <xen/features.h>

/* ------------------------------------------------------------------ */
/* A small ELF64 image builder                                         */

#define MAX_SEGS  20
#define MAX_NOTES 32

struct tnote {
    const char *owner; /* NULL = "Xen" */
    uint32_t namesz;   /* 0 = strlen(owner) + 1 */
    uint32_t type;
    const void *desc;
    uint32_t descsz;
};

struct tseg {
    uint32_t type, flags;
    uint64_t vaddr, paddr, filesz, memsz;
    uint64_t offset; /* 0 = place data automatically */
};

struct spec {
    uint8_t ident[7]; /* magic + class, data, version; zero = defaults */
    uint16_t e_type, e_machine;
    uint64_t entry;
    struct tseg seg[MAX_SEGS];
    unsigned int nseg;
    struct tnote note[MAX_NOTES];
    unsigned int nnote;
    bool notes_in_section;  /* SHT_NOTE section instead of a PT_NOTE */
    unsigned int pad_notes; /* this many empty foreign notes before ours */
};

/* Where the builder put things, so tests can poke at them. */
struct built {
    uint8_t *buf;
    size_t len;
    size_t phoff, notes_off, notes_len, shoff, note_phdr;
    size_t note_at[MAX_NOTES];
};

static void put(uint8_t *p, uint64_t v, unsigned int n)
{
    for (unsigned int i = 0; i < n; i++)
        p[i] = v >> (8 * i);
}

static size_t put_note(uint8_t *p, const struct tnote *n)
{
    const char *owner = n->owner ? n->owner : "Xen";
    uint32_t namesz = n->namesz ? n->namesz : strlen(owner) + 1;
    size_t at = 0;

    put(p, namesz, 4);
    put(p + 4, n->descsz, 4);
    put(p + 8, n->type, 4);
    at = 12;
    memcpy(p + at, owner, MIN(namesz, strlen(owner) + 1));
    at += (namesz + 3) & ~3u;
    if (n->desc)
        memcpy(p + at, n->desc, n->descsz);
    at += (n->descsz + 3) & ~3u;
    return at;
}

/* Image: ehdr | phdrs | notes | shdrs (if any) | segment data. */
static struct built build(const struct spec *s)
{
    static uint8_t tmp[1 << 20];
    struct built b = {0};
    unsigned int nph = s->nseg + !s->notes_in_section, i;
    size_t at, data;

    memset(tmp, 0, sizeof(tmp));
    tmp[0] = 0x7f;
    tmp[1] = 'E';
    tmp[2] = 'L';
    tmp[3] = 'F';
    tmp[4] = s->ident[4] ? s->ident[4] : 2;
    tmp[5] = s->ident[5] ? s->ident[5] : 1;
    tmp[6] = s->ident[6] ? s->ident[6] : 1;
    put(tmp + 16, s->e_type ? s->e_type : 2, 2);
    put(tmp + 18, s->e_machine ? s->e_machine : 62, 2);
    put(tmp + 20, 1, 4);
    put(tmp + 24, s->entry, 8);
    b.phoff = 64;
    put(tmp + 32, b.phoff, 8);
    put(tmp + 52, 64, 2);
    put(tmp + 54, 56, 2);
    put(tmp + 56, nph, 2);

    at = b.notes_off = b.phoff + 56 * nph;
    for (i = 0; i < s->pad_notes; i++) {
        struct tnote gnu = {.owner = "GNU", .type = 1};
        at += put_note(tmp + at, &gnu);
    }
    for (i = 0; i < s->nnote; i++) {
        b.note_at[i] = at;
        at += put_note(tmp + at, &s->note[i]);
    }
    b.notes_len = at - b.notes_off;

    if (s->notes_in_section) {
        b.shoff = at = (at + 7) & ~7ul;
        put(tmp + 40, b.shoff, 8);
        put(tmp + 58, 64, 2);
        put(tmp + 60, 2, 2);
        put(tmp + at + 64 + 4, 7, 4); /* SHT_NOTE */
        put(tmp + at + 64 + 24, b.notes_off, 8);
        put(tmp + at + 64 + 32, b.notes_len, 8);
        at += 128;
    }

    data = (at + 15) & ~15ul;
    for (i = 0; i < s->nseg; i++) {
        const struct tseg *g = &s->seg[i];
        uint8_t *ph = tmp + b.phoff + 56 * i;
        uint64_t off = g->offset;

        if (!off && g->filesz && g->filesz < 0x10000) {
            off = data;
            memset(tmp + data, 0xa0 + i, g->filesz);
            data = (data + g->filesz + 15) & ~15ul;
        }
        put(ph, g->type ? g->type : 1, 4);
        put(ph + 4, g->flags ? g->flags : 5, 4);
        put(ph + 8, off, 8);
        put(ph + 16, g->vaddr, 8);
        put(ph + 24, g->paddr, 8);
        put(ph + 32, g->filesz, 8);
        put(ph + 40, g->memsz, 8);
        put(ph + 48, 0x1000, 8);
    }
    if (!s->notes_in_section) {
        uint8_t *ph = tmp + b.phoff + 56 * s->nseg;

        b.note_phdr = b.phoff + 56 * s->nseg;
        put(ph, 4, 4);
        put(ph + 4, 4, 4);
        put(ph + 8, b.notes_off, 8);
        put(ph + 32, b.notes_len, 8);
        put(ph + 40, b.notes_len, 8);
    }
    b.len = MAX(data, at);
    /* Exact-size heap copy: ASan catches any read past the end. */
    b.buf = malloc(b.len);
    ck_assert_ptr_nonnull(b.buf);
    memcpy(b.buf, tmp, b.len);
    return b;
}

#define N_STR(t, s)                                                            \
    {                                                                          \
        .type = XEN_ELFNOTE_##t, .desc = s, .descsz = sizeof(s)                \
    }
#define N_U64(t, v)                                                            \
    {                                                                          \
        .type = XEN_ELFNOTE_##t, .desc = &(const uint64_t){v}, .descsz = 8     \
    }
#define N_U32(t, v)                                                            \
    {                                                                          \
        .type = XEN_ELFNOTE_##t, .desc = &(const uint32_t){v}, .descsz = 4     \
    }

#define LX_BASE  0xffffffff80000000ull
#define LX_TEXT  0xffffffff81000000ull
#define LX_ENTRY (LX_TEXT + 0x180)

static const uint64_t l1mfn[2] = {1, 1};

/* Shaped like Linux 6.1's vmlinux: notes of xen-head.S, per-CPU p_vaddr 0. */
static const struct spec linux_golden = {
    .entry = 0xffffffff81000000ull,
    .seg =
        {
            {.flags = 5,
             .vaddr = LX_TEXT,
             .paddr = 0x1000000,
             .filesz = 0x3000,
             .memsz = 0x3000},
            {.flags = 6,
             .vaddr = LX_TEXT + 0x3000,
             .paddr = 0x1003000,
             .filesz = 0x1000,
             .memsz = 0x5000},
            {.flags = 6,
             .vaddr = 0,
             .paddr = 0x1008000,
             .filesz = 0x800,
             .memsz = 0x1000},
        },
    .nseg = 3,
    .note =
        {
            N_STR(GUEST_OS, "linux"),
            N_STR(GUEST_VERSION, "2.6"),
            N_STR(XEN_VERSION, "xen-3.0"),
            N_U64(VIRT_BASE, LX_BASE),
            N_U64(ENTRY, LX_ENTRY),
            N_U64(INIT_P2M, 0x8000000000ull),
            N_STR(FEATURES, "!writable_page_tables|pae_pgdir_above_4gb"),
            N_U32(SUPPORTED_FEATURES, 0x8801),
            N_STR(PAE_MODE, "yes"),
            {.type = XEN_ELFNOTE_L1_MFN_VALID, .desc = l1mfn, .descsz = 16},
            N_U32(SUSPEND_CANCEL, 1),
            N_U32(MOD_START_PFN, 1),
            N_U64(HV_START_LOW, 0xffff800000000000ull),
            N_U64(PADDR_OFFSET, 0),
            N_STR(LOADER, "generic"),
        },
    .nnote = 15,
};

static struct spec linux_spec(void)
{
    return linux_golden;
}

/* Shaped like an XTF pv64 test: linked at 0x100000, no VIRT_BASE/ENTRY. */
static const struct spec xtf_golden = {
    .entry = 0x100000,
    .seg = {{.flags = 7,
             .vaddr = 0x100000,
             .paddr = 0x100000,
             .filesz = 0x2800,
             .memsz = 0x4000}},
    .nseg = 1,
    .note =
        {
            N_STR(GUEST_OS, "XTF"),
            N_STR(GUEST_VERSION, "0"),
            N_STR(LOADER, "generic"),
            N_U64(HYPERCALL_PAGE, 0x101000),
            N_STR(XEN_VERSION, "xen-3.0"),
            N_STR(FEATURES, "!writable_page_tables|pae_pgdir_above_4gb"),
            N_STR(PAE_MODE, "yes"),
        },
    .nnote = 7,
};

static struct spec xtf_spec(void)
{
    return xtf_golden;
}

static int parse(const struct spec *s, struct pv_image *img, char *err,
                 size_t n)
{
    struct built b = build(s);
    int rc = elf_pv_parse(b.buf, b.len, img, err, n);

    free(b.buf);
    return rc;
}

static struct pv_image img;
static char err[256];

#define ck_refused(rc, e, msg)                                                 \
    do {                                                                       \
        ck_assert_int_eq((rc), (e));                                           \
        ck_assert_msg(strstr(err, (msg)) != NULL, "error '%s' lacks '%s'",     \
                      err, (msg));                                             \
    } while (0)

/* ------------------------------------------------------------------ */
/* Golden images                                                       */

START_TEST(test_golden_linux)
{
    struct spec s = linux_spec();

    ck_assert_int_eq(parse(&s, &img, err, sizeof(err)), 0);
    ck_assert_str_eq(err, "");
    ck_assert_uint_eq(img.nr_segments, 3);
    ck_assert_uint_eq(img.virt_base, LX_BASE);
    ck_assert_uint_eq(img.paddr_offset, 0);
    ck_assert_uint_eq(img.pstart, 0x1000000);
    ck_assert_uint_eq(img.pend, 0x1009000);
    ck_assert_uint_eq(img.virt_kstart, LX_TEXT);
    ck_assert_uint_eq(img.virt_kend, LX_TEXT + 0x9000);
    ck_assert_uint_eq(img.entry, LX_ENTRY);
    ck_assert_uint_eq(img.e_entry, LX_TEXT);
    /* The per-CPU segment is placed by paddr although p_vaddr is 0. */
    ck_assert_uint_eq(img.seg[2].vaddr, 0);
    ck_assert_uint_eq(img.seg[2].va, LX_TEXT + 0x8000);
    ck_assert_uint_eq(img.seg[1].flags, PV_PF_R | PV_PF_W);
    ck_assert_uint_eq(img.init_p2m, 0x8000000000ull);
    ck_assert_uint_eq(img.mod_start_pfn, 1);
    ck_assert_uint_eq(img.suspend_cancel, 1);
    ck_assert_uint_eq(img.hv_start_low, 0xffff800000000000ull);
    ck_assert_uint_eq(img.nr_l1_mfn_valid, 1);
    ck_assert_uint_eq(img.l1_mfn_valid[0][0], 1);
    ck_assert_uint_eq(img.l1_mfn_valid[0][1], 1);
    ck_assert_str_eq(img.guest_os, "linux");
    ck_assert_str_eq(img.guest_version, "2.6");
    ck_assert_str_eq(img.xen_version, "xen-3.0");
    ck_assert_str_eq(img.loader, "generic");
    ck_assert_str_eq(img.pae_mode, "yes");
    ck_assert_str_eq(img.features, "!writable_page_tables|pae_pgdir_above_4gb");
    ck_assert_uint_eq(img.supported_features_note, 0x8801);
    ck_assert_uint_eq(img.f_required, 1u << XENFEAT_writable_page_tables);
    ck_assert_uint_eq(img.f_supported,
                      0x8801 | (1u << XENFEAT_pae_pgdir_above_4gb));
    ck_assert(!pv_image_has_note(&img, XEN_ELFNOTE_HYPERCALL_PAGE));
    ck_assert(pv_image_has_note(&img, XEN_ELFNOTE_INIT_P2M));
    ck_assert(!img.notes_from_sections);
    ck_assert_int_eq(elf_pv_check_dom0(&img, err, sizeof(err)), 0);
}
END_TEST

START_TEST(test_golden_xtf)
{
    struct spec s = xtf_spec();

    ck_assert_int_eq(parse(&s, &img, err, sizeof(err)), 0);
    ck_assert_uint_eq(img.virt_base, 0);
    ck_assert_uint_eq(img.virt_kstart, 0x100000);
    ck_assert_uint_eq(img.virt_kend, 0x104000);
    ck_assert_uint_eq(img.entry, 0x100000);
    ck_assert_uint_eq(img.hypercall_page, 0x101000);
    ck_assert(pv_image_has_note(&img, XEN_ELFNOTE_HYPERCALL_PAGE));
    ck_assert_uint_eq(img.seg[0].va, 0x100000);
    ck_assert_str_eq(img.guest_os, "XTF");
    /* No SUPPORTED_FEATURES note: dom0 is not checked (Xen's rule). */
    ck_assert_int_eq(elf_pv_check_dom0(&img, err, sizeof(err)), 0);
}
END_TEST

/* Notes reached through an SHT_NOTE section when no PT_NOTE holds any. */
START_TEST(test_golden_section_notes)
{
    struct spec s = xtf_spec();

    s.notes_in_section = true;
    ck_assert_int_eq(parse(&s, &img, err, sizeof(err)), 0);
    ck_assert(img.notes_from_sections);
    ck_assert_uint_eq(img.hypercall_page, 0x101000);
}
END_TEST

/* Legacy-style image: paddr == vaddr, PADDR_OFFSET == VIRT_BASE. */
START_TEST(test_golden_paddr_offset)
{
    struct spec s = xtf_spec();

    s.seg[0].paddr = s.seg[0].vaddr = LX_BASE + 0x200000;
    s.entry = LX_BASE + 0x200000;
    s.note[3] = (struct tnote)N_U64(HYPERCALL_PAGE, LX_BASE + 0x201000);
    s.note[s.nnote++] = (struct tnote)N_U64(VIRT_BASE, LX_BASE);
    s.note[s.nnote++] = (struct tnote)N_U64(PADDR_OFFSET, LX_BASE);
    ck_assert_int_eq(parse(&s, &img, err, sizeof(err)), 0);
    ck_assert_uint_eq(img.virt_offset, 0);
    ck_assert_uint_eq(img.virt_kstart, LX_BASE + 0x200000);
    ck_assert_uint_eq(img.seg[0].va, LX_BASE + 0x200000);
}
END_TEST

/* Foreign notes before ours, and a PT_NOTE with p_offset 0, are skipped. */
START_TEST(test_golden_foreign_notes)
{
    struct spec s = linux_spec();
    struct built b;

    s.pad_notes = 3;
    ck_assert_int_eq(parse(&s, &img, err, sizeof(err)), 0);
    ck_assert_str_eq(img.guest_os, "linux");

    s.pad_notes = 0;
    b = build(&s);
    put(b.buf + b.note_phdr + 8, 0, 8); /* p_offset = 0 */
    ck_refused(elf_pv_parse(b.buf, b.len, &img, err, sizeof(err)), -XEN_EINVAL,
               "no Xen ELF notes");
    free(b.buf);
}
END_TEST

/* ------------------------------------------------------------------ */
/* Truncation: every prefix of a valid image is refused, nothing read   */
/* beyond it (ASan).                                                    */

START_TEST(test_truncated_every_byte)
{
    struct spec specs[3] = {linux_spec(), xtf_spec(), xtf_spec()};

    specs[2].notes_in_section = true;
    for (unsigned int k = 0; k < 3; k++) {
        struct built b = build(&specs[k]);

        ck_assert_int_eq(elf_pv_parse(b.buf, b.len, &img, err, sizeof(err)), 0);
        for (size_t n = 0; n < b.len; n++) {
            uint8_t *cut = malloc(n ? n : 1);

            memcpy(cut, b.buf, n);
            ck_assert_msg(elf_pv_parse(cut, n, &img, err, sizeof(err)) < 0,
                          "spec %u prefix %zu accepted", k, n);
            ck_assert(err[0] != '\0');
            free(cut);
        }
        free(b.buf);
    }
    ck_assert_int_eq(elf_pv_parse(NULL, 0, &img, err, sizeof(err)),
                     -XEN_EINVAL);
    /* No error buffer at all is fine too. */
    ck_assert_int_eq(elf_pv_parse("\x7f"
                                  "ELF",
                                  4, &img, NULL, 0),
                     -XEN_EINVAL);
}
END_TEST

/* ------------------------------------------------------------------ */
/* Malformed headers, table-driven: poke one field of a golden image.   */

struct poke {
    const char *what;
    size_t off; /* from image start; PH0 = first phdr */
    uint64_t val;
    unsigned int size;
    const char *msg;
};

#define PH0 0x10000000u /* marker: offset relative to the first phdr */
#define NPH 0x20000000u /* marker: relative to the PT_NOTE phdr */
#define SH0 PH0         /* in section_pokes: relative to the section table */

static const struct poke header_pokes[] = {
    {"magic", 1, 'e', 1, "not an ELF image"},
    {"class32", 4, 1, 1, "not an ELF64 x86-64 executable"},
    {"big endian", 5, 2, 1, "not an ELF64 x86-64 executable"},
    {"ident version", 6, 0, 1, "not an ELF64 x86-64 executable"},
    {"ET_DYN", 16, 3, 2, "not an ELF64 x86-64 executable"},
    {"EM_386", 18, 3, 2, "not an ELF64 x86-64 executable"},
    {"phentsize", 54, 32, 2, "e_phentsize 32"},
    {"phoff huge", 32, 0xfffffffffffffff0ull, 8, "ph header table"},
    {"phoff beyond", 32, 0x100000, 8, "ph header table"},
    {"phnum huge", 56, 0xffff, 2, "ph header table"},
    {"filesz>memsz", PH0 + 32, 0x4000, 8, "p_filesz 0x4000 > p_memsz"},
    {"offset huge", PH0 + 8, 0xffffffffffffff00ull, 8, "outside the image"},
    {"filesz huge", PH0 + 32, 0xffffffffffffffffull, 8, "p_filesz"},
    {"data beyond", PH0 + 8, 0x100000, 8, "outside the image"},
    {"paddr wraps", PH0 + 24, 0xfffffffffffff000ull, 8,
     "p_paddr + p_memsz wraps"},
    {"overlap", PH0 + 56 + 24, 0x1002000, 8, "overlap"},
    {"note outside", NPH + 8, 0x100000, 8, "PT_NOTE 3: outside the image"},
    {"note size", NPH + 32, 0xffffffffffffffffull, 8, "PT_NOTE 3: outside"},
    {"kend wraps", PH0 + 56 * 2 + 40, 0xfffffffffeff0000ull, 8, "wraps"},
};

START_TEST(test_malformed_headers)
{
    const struct poke *p = &header_pokes[_i];
    struct spec s = linux_spec();
    struct built b = build(&s);
    size_t off = p->off;

    if (off & PH0)
        off = b.phoff + (off & ~PH0);
    else if (off & NPH)
        off = b.note_phdr + (off & ~NPH);
    put(b.buf + off, p->val, p->size);
    ck_assert_msg(elf_pv_parse(b.buf, b.len, &img, err, sizeof(err)) ==
                      -XEN_EINVAL,
                  "%s accepted", p->what);
    ck_assert_msg(strstr(err, p->msg), "%s: error '%s' lacks '%s'", p->what,
                  err, p->msg);
    free(b.buf);
}
END_TEST

/* Hostile section headers, reached only when no PT_NOTE holds Xen notes. */
static const struct poke section_pokes[] = {
    {"shoff huge", 40, 0xffffffffffffffc0ull, 8, "sh header table"},
    {"shoff beyond", 40, 0x100000, 8, "sh header table"},
    {"shnum huge", 60, 0xffff, 2, "sh header table"},
    {"shentsize", 58, 40, 2, "e_shentsize 40: expected 64"},
    {"sh_offset huge", SH0 + 64 + 24, 0xfffffffffffffff0ull, 8,
     "SHT_NOTE section 1: outside the image"},
    {"sh_size huge", SH0 + 64 + 32, 0xffffffffffffffffull, 8,
     "SHT_NOTE section 1: outside the image"},
    {"sh_size cuts a note", SH0 + 64 + 32, 18, 8,
     "SHT_NOTE section 1: note at offset 0x0"},
    {"not SHT_NOTE", SH0 + 64 + 4, 1, 4, "no Xen ELF notes"},
};

START_TEST(test_malformed_sections)
{
    const struct poke *p = &section_pokes[_i];
    struct spec s = xtf_spec();
    struct built b;
    size_t off = p->off;

    s.notes_in_section = true;
    b = build(&s);
    if (off & SH0)
        off = b.shoff + (off & ~SH0);
    put(b.buf + off, p->val, p->size);
    ck_assert_msg(elf_pv_parse(b.buf, b.len, &img, err, sizeof(err)) ==
                      -XEN_EINVAL,
                  "%s accepted", p->what);
    ck_assert_msg(strstr(err, p->msg), "%s: error '%s' lacks '%s'", p->what,
                  err, p->msg);
    free(b.buf);
}
END_TEST

/*
 * Random corruption of the headers and notes of golden images: never a
 * read outside the buffer (ASan), and whatever is accepted is consistent.
 */
START_TEST(test_random_corruption)
{
    struct spec specs[2] = {linux_spec(), xtf_spec()};
    uint64_t rng = 0x9e3779b97f4a7c15ull + _i;

    for (unsigned int k = 0; k < 2; k++) {
        struct built b = build(&specs[k]);
        size_t hdr = b.notes_off + b.notes_len;
        uint8_t *copy = malloc(b.len);

        for (unsigned int iter = 0; iter < 3000; iter++) {
            memcpy(copy, b.buf, b.len);
            for (unsigned int f = 0; f < 1 + iter % 4; f++) {
                rng = rng * 6364136223846793005ull + 1442695040888963407ull;
                copy[(rng >> 33) % hdr] ^= 1u << ((rng >> 20) & 7);
            }
            if (elf_pv_parse(copy, b.len, &img, err, sizeof(err)))
                continue;
            ck_assert(elf_pv_va_in_image(&img, img.entry, 1));
            ck_assert_uint_le(img.virt_base, img.virt_kstart);
            for (unsigned int i = 0; i < img.nr_segments; i++) {
                ck_assert_uint_le(img.seg[i].filesz, img.seg[i].memsz);
                ck_assert_uint_le(img.seg[i].offset + img.seg[i].filesz, b.len);
            }
        }
        free(copy);
        free(b.buf);
    }
}
END_TEST

START_TEST(test_too_many_segments)
{
    struct spec s = xtf_spec();

    for (unsigned int i = 1; i < 17; i++)
        s.seg[i] = (struct tseg){.flags = 4,
                                 .vaddr = 0x200000 + i * 0x1000,
                                 .paddr = 0x200000 + i * 0x1000,
                                 .filesz = 16,
                                 .memsz = 16};
    s.nseg = 16;
    ck_assert_int_eq(parse(&s, &img, err, sizeof(err)), 0);
    ck_assert_uint_eq(img.nr_segments, 16);
    s.nseg = 17;
    ck_refused(parse(&s, &img, err, sizeof(err)), -XEN_EINVAL,
               "more than 16 PT_LOAD");
    /* Segments without R/W/X and non-PT_LOAD segments are not loaded. */
    s.seg[16].flags = 0x8;
    ck_assert_int_eq(parse(&s, &img, err, sizeof(err)), 0);
    s.seg[16] = (struct tseg){.type = 0x6474e551, .flags = 6}; /* GNU_STACK */
    ck_assert_int_eq(parse(&s, &img, err, sizeof(err)), 0);
    ck_assert_uint_eq(img.nr_segments, 16);
    /* Only non-loadable segments. */
    s.seg[0].type = 6;
    s.nseg = 1;
    ck_refused(parse(&s, &img, err, sizeof(err)), -XEN_EINVAL,
               "no loadable PT_LOAD");
}
END_TEST

/* ------------------------------------------------------------------ */
/* Hostile notes                                                        */

struct note_case {
    const char *what;
    struct tnote note; /* appended to the golden XTF spec */
    int rc;
    const char *msg;
};

static const char unterminated[4] = {'a', 'b', 'c', 'd'};
static const uint8_t three[3] = {1, 2, 3};
static const uint8_t twelve[12];

static const struct note_case note_cases[] = {
    {"num size 3",
     {.type = XEN_ELFNOTE_ENTRY, .desc = three, .descsz = 3},
     -XEN_EINVAL,
     "ELF note ENTRY: numeric size 3"},
    {"num size 0",
     {.type = XEN_ELFNOTE_VIRT_BASE, .descsz = 0},
     -XEN_EINVAL,
     "ELF note VIRT_BASE: numeric size 0"},
    {"unterminated",
     {.type = XEN_ELFNOTE_GUEST_OS, .desc = unterminated, .descsz = 4},
     -XEN_EINVAL,
     "ELF note GUEST_OS: string not NUL-terminated"},
    {"empty string",
     {.type = XEN_ELFNOTE_LOADER, .descsz = 0},
     -XEN_EINVAL,
     "ELF note LOADER: string not NUL-terminated"},
    {"features unterminated",
     {.type = XEN_ELFNOTE_FEATURES, .desc = unterminated, .descsz = 4},
     -XEN_EINVAL,
     "ELF note FEATURES: string not NUL-terminated"},
    /* Linux's FEATURES note: no NUL of its own, the padding's zero ends it. */
    {"string ends in the padding",
     {.type = XEN_ELFNOTE_FEATURES, .desc = "!writable_page_tables", .descsz = 21},
     0, ""},
    {"l1 mfn size",
     {.type = XEN_ELFNOTE_L1_MFN_VALID, .desc = twelve, .descsz = 12},
     -XEN_EINVAL,
     "L1_MFN_VALID: size 12"},
    {"supported size",
     {.type = XEN_ELFNOTE_SUPPORTED_FEATURES, .desc = three, .descsz = 2},
     -XEN_EINVAL,
     "SUPPORTED_FEATURES: size 2"},
    {"bsd symtab", N_STR(BSD_SYMTAB, "yes"), -XEN_EOPNOTSUPP,
     "ELF note BSD_SYMTAB: not supported"},
    {"bsd symtab no", N_STR(BSD_SYMTAB, "no"), 0, ""},
    {"unknown required", N_STR(FEATURES, "dom0|!frobnicate"), -XEN_EINVAL,
     "FEATURES: required feature 'frobnicate' unknown"},
    {"bare bang", N_STR(FEATURES, "!"), -XEN_EINVAL,
     "FEATURES: required feature '' unknown"},
    {"unknown supported", N_STR(FEATURES, "frobnicate||dom0|"), 0, ""},
    {"autotranslate", N_STR(FEATURES, "!auto_translated_physmap"),
     -XEN_EOPNOTSUPP,
     "FEATURES: auto_translated_physmap required, not supported for PV"},
    {"smk", N_STR(FEATURES, "!supervisor_mode_kernel"), -XEN_EOPNOTSUPP,
     "supervisor_mode_kernel required"},
    {"autotranslate optional", N_STR(FEATURES, "auto_translated_physmap"), 0,
     ""},
    {"loader", N_STR(LOADER, "bsd"), -XEN_EINVAL, "ELF note LOADER: 'bsd'"},
    {"xen version", N_STR(XEN_VERSION, "xen-2.0"), -XEN_EINVAL,
     "ELF note XEN_VERSION: 'xen-2.0' is not xen-3.0"},
    {"paddr offset alone", N_U64(PADDR_OFFSET, 0), -XEN_EINVAL,
     "PADDR_OFFSET set, VIRT_BASE missing"},
    {"virt base unaligned", N_U64(VIRT_BASE, 0x800), -XEN_EINVAL,
     "VIRT_BASE 0x800: not page aligned"},
    {"entry outside", N_U64(ENTRY, 0x104000), -XEN_EINVAL,
     "entry point 0x104000 outside the image"},
    {"entry below", N_U64(ENTRY, 0xfffff), -XEN_EINVAL, "entry point 0xfffff"},
    {"entry last byte", N_U64(ENTRY, 0x103fff), 0, ""},
    {"hypercall unaligned", N_U64(HYPERCALL_PAGE, 0x101800), -XEN_EINVAL,
     "HYPERCALL_PAGE 0x101800"},
    {"hypercall outside", N_U64(HYPERCALL_PAGE, 0x104000), -XEN_EINVAL,
     "HYPERCALL_PAGE 0x104000: not an aligned page inside the image"},
    {"hypercall below", N_U64(HYPERCALL_PAGE, 0xff000), -XEN_EINVAL,
     "HYPERCALL_PAGE 0xff000"},
    {"init p2m inside", N_U64(INIT_P2M, 0x102000), -XEN_EINVAL,
     "INIT_P2M 0x102000: inside the image"},
    {"init p2m outside", N_U64(INIT_P2M, 0x8000000000ull), 0, ""},
    {"unknown type", {.type = 0x1234, .desc = three, .descsz = 3}, 0, ""},
    {"info type", N_STR(INFO, "A=B"), 0, ""},
    {"huge namesz",
     {.namesz = 0xffffffffu, .type = 1},
     -XEN_EINVAL,
     "overruns the note area"},
    {"huge descsz",
     {.type = XEN_ELFNOTE_ENTRY, .descsz = 0xfffffffdu},
     -XEN_EINVAL,
     "overruns the note area"},
    {"owner without NUL", {.owner = "Xen", .namesz = 3, .type = 0x55}, 0, ""},
    {"numeric 1 byte",
     {.type = XEN_ELFNOTE_SUSPEND_CANCEL, .desc = three, .descsz = 1},
     0,
     ""},
    {"numeric 2 bytes",
     {.type = XEN_ELFNOTE_SUSPEND_CANCEL, .desc = three, .descsz = 2},
     0,
     ""},
};

START_TEST(test_hostile_notes)
{
    const struct note_case *nc = &note_cases[_i];
    struct spec s = xtf_spec();
    int rc;

    s.note[s.nnote++] = nc->note;
    err[0] = 'x';
    rc = parse(&s, &img, err, sizeof(err));
    ck_assert_msg(rc == nc->rc, "%s: rc %d, want %d (%s)", nc->what, rc, nc->rc,
                  err);
    ck_assert_msg(strstr(err, nc->msg), "%s: error '%s' lacks '%s'", nc->what,
                  err, nc->msg);
    if (rc == 0)
        ck_assert_str_eq(err, "");
}
END_TEST

/* A note whose descriptor size points past the PT_NOTE area, poked raw. */
START_TEST(test_hostile_note_bytes)
{
    struct spec s = xtf_spec();
    struct built b = build(&s);

    put(b.buf + b.note_at[s.nnote - 1] + 4, 64, 4); /* last note's descsz */
    ck_refused(elf_pv_parse(b.buf, b.len, &img, err, sizeof(err)), -XEN_EINVAL,
               "PT_NOTE 1: note at offset");
    free(b.buf);

    /* A PT_NOTE area ending in fewer than 12 stray bytes is accepted. */
    b = build(&s);
    put(b.buf + b.note_phdr + 32, b.notes_len + 8, 8);
    ck_assert_int_eq(elf_pv_parse(b.buf, b.len, &img, err, sizeof(err)), 0);
    free(b.buf);
}
END_TEST

START_TEST(test_no_xen_notes)
{
    struct spec s = xtf_spec();

    s.nnote = 0;
    ck_refused(parse(&s, &img, err, sizeof(err)), -XEN_EINVAL,
               "no Xen ELF notes: not a PV kernel");
    s.pad_notes = 2;
    ck_refused(parse(&s, &img, err, sizeof(err)), -XEN_EINVAL,
               "no Xen ELF notes");
    /* Owner "Xen" without its NUL (namesz 3) is not Xen's. */
    s.note[0] = (struct tnote){.owner = "Xen",
                               .namesz = 3,
                               .type = XEN_ELFNOTE_GUEST_OS,
                               .desc = "x",
                               .descsz = 2};
    s.nnote = 1;
    ck_refused(parse(&s, &img, err, sizeof(err)), -XEN_EINVAL,
               "no Xen ELF notes");
    /* Notes all refused by Xen's loader check: neither generic nor linux. */
    s = xtf_spec();
    s.note[2] = (struct tnote)N_STR(GUEST_OS, "XTF");
    ck_refused(parse(&s, &img, err, sizeof(err)), -XEN_EINVAL,
               "ELF note LOADER");
    /* GUEST_OS "linux" stands in for LOADER "generic". */
    s = linux_spec();
    s.nnote--;
    ck_assert_int_eq(parse(&s, &img, err, sizeof(err)), 0);
}
END_TEST

START_TEST(test_too_many_notes)
{
    struct spec s = xtf_spec();

    s.pad_notes = PV_MAX_NOTES - s.nnote;
    ck_assert_int_eq(parse(&s, &img, err, sizeof(err)), 0);
    s.pad_notes++;
    ck_refused(parse(&s, &img, err, sizeof(err)), -XEN_EINVAL,
               "more than 4096 ELF notes");
}
END_TEST

/* Duplicates: the last numeric note wins; FEATURES accumulate; long strings
 * truncate. */
START_TEST(test_note_semantics)
{
    struct spec s = xtf_spec();
    static char longname[200];

    memset(longname, 'q', sizeof(longname) - 1);
    s.note[s.nnote++] = (struct tnote)N_U64(HYPERCALL_PAGE, 0x102000);
    s.note[s.nnote++] = (struct tnote)N_STR(FEATURES, "dom0");
    s.note[s.nnote++] = (struct tnote){.type = XEN_ELFNOTE_GUEST_VERSION,
                                       .desc = longname,
                                       .descsz = sizeof(longname)};
    s.note[s.nnote++] = (struct tnote){
        .type = XEN_ELFNOTE_SUSPEND_CANCEL, .desc = "\x34\x12", .descsz = 2};
    ck_assert_int_eq(parse(&s, &img, err, sizeof(err)), 0);
    ck_assert_uint_eq(img.hypercall_page, 0x102000);
    ck_assert_uint_eq(img.f_supported, (1u << XENFEAT_writable_page_tables) |
                                           (1u << XENFEAT_pae_pgdir_above_4gb) |
                                           (1u << XENFEAT_dom0));
    ck_assert_uint_eq(img.f_required, 1u << XENFEAT_writable_page_tables);
    ck_assert_uint_eq(strlen(img.guest_version), PV_NOTE_STR_MAX - 1);
    ck_assert_uint_eq(img.suspend_cancel, 0x1234);
}
END_TEST

/* VIRT_BASE above the image start once PADDR_OFFSET moves it down. */
START_TEST(test_virt_base_above_image)
{
    struct spec s = xtf_spec();

    s.note[s.nnote++] = (struct tnote)N_U64(VIRT_BASE, 0x200000);
    s.note[s.nnote++] = (struct tnote)N_U64(PADDR_OFFSET, 0x200000);
    ck_refused(parse(&s, &img, err, sizeof(err)), -XEN_EINVAL,
               "VIRT_BASE 0x200000 above the image start 0x100000");
}
END_TEST

START_TEST(test_dom0_check)
{
    struct spec s = linux_spec();

    s.note[7] = (struct tnote)N_U32(SUPPORTED_FEATURES, 0x8001);
    ck_assert_int_eq(parse(&s, &img, err, sizeof(err)), 0);
    ck_assert_int_eq(elf_pv_check_dom0(&img, err, sizeof(err)), -XEN_EINVAL);
    ck_assert_str_eq(err, "SUPPORTED_FEATURES: kernel does not support dom0");
    /* The string note can advertise dom0 too. */
    s.note[6] = (struct tnote)N_STR(FEATURES, "dom0");
    ck_assert_int_eq(parse(&s, &img, err, sizeof(err)), 0);
    ck_assert_int_eq(elf_pv_check_dom0(&img, err, sizeof(err)), 0);
}
END_TEST

/* ------------------------------------------------------------------ */
/* Loading through the ops table                                        */

struct fake_mem {
    uint64_t base;
    uint8_t bytes[0x10000];
    unsigned int copies, zeros;
    int fail_at; /* call number that fails, 0 = never */
};

static int fake_access(struct fake_mem *m, uint64_t va, uint64_t n)
{
    ck_assert_uint_ge(va, m->base);
    ck_assert_uint_le(va - m->base + n, sizeof(m->bytes));
    return (m->fail_at && (int)(m->copies + m->zeros) == m->fail_at)
               ? -XEN_EFAULT
               : 0;
}

static int fake_copy(void *ctx, uint64_t va, const void *src, uint64_t n)
{
    struct fake_mem *m = ctx;
    int rc;

    m->copies++;
    if ((rc = fake_access(m, va, n)))
        return rc;
    memcpy(m->bytes + (va - m->base), src, n);
    return 0;
}

static int fake_zero(void *ctx, uint64_t va, uint64_t n)
{
    struct fake_mem *m = ctx;
    int rc;

    m->zeros++;
    if ((rc = fake_access(m, va, n)))
        return rc;
    memset(m->bytes + (va - m->base), 0, n);
    return 0;
}

static const struct elf_load_ops fake_ops = {fake_copy, fake_zero};

START_TEST(test_load_segments)
{
    struct spec s = linux_spec();
    struct built b = build(&s);
    static struct fake_mem m;

    ck_assert_int_eq(elf_pv_parse(b.buf, b.len, &img, err, sizeof(err)), 0);
    memset(&m, 0x55, sizeof(m));
    m.base = LX_TEXT;
    m.copies = m.zeros = 0;
    m.fail_at = 0;
    ck_assert_int_eq(elf_pv_load(&img, b.buf, b.len, &fake_ops, &m), 0);
    ck_assert_uint_eq(m.copies, 3);
    ck_assert_uint_eq(m.zeros, 2); /* text has no bss */
    ck_assert_uint_eq(m.bytes[0], 0xa0);
    ck_assert_uint_eq(m.bytes[0x2fff], 0xa0);
    ck_assert_uint_eq(m.bytes[0x3000], 0xa1);
    ck_assert_uint_eq(m.bytes[0x3fff], 0xa1);
    ck_assert_uint_eq(m.bytes[0x4000], 0);
    ck_assert_uint_eq(m.bytes[0x7fff], 0);
    ck_assert_uint_eq(m.bytes[0x8000], 0xa2);
    ck_assert_uint_eq(m.bytes[0x87ff], 0xa2);
    ck_assert_uint_eq(m.bytes[0x8800], 0);
    ck_assert_uint_eq(m.bytes[0x8fff], 0);
    ck_assert_uint_eq(m.bytes[0x9000], 0x55); /* nothing past virt_kend */

    /* A failing writer stops the load and its error comes back. */
    m.copies = m.zeros = 0;
    m.fail_at = 2;
    ck_assert_int_eq(elf_pv_load(&img, b.buf, b.len, &fake_ops, &m),
                     -XEN_EFAULT);
    ck_assert_uint_eq(m.copies + m.zeros, 2);

    /* A buffer shorter than the one parsed is refused before any write. */
    m.copies = m.zeros = 0;
    m.fail_at = 0;
    ck_assert_int_eq(elf_pv_load(&img, b.buf, b.len - 1, &fake_ops, &m),
                     -XEN_EINVAL);
    ck_assert_uint_eq(m.copies + m.zeros, 0);
    free(b.buf);
}
END_TEST

START_TEST(test_va_in_image)
{
    struct spec s = xtf_spec();

    ck_assert_int_eq(parse(&s, &img, err, sizeof(err)), 0);
    ck_assert(elf_pv_va_in_image(&img, 0x100000, 0x4000));
    ck_assert(elf_pv_va_in_image(&img, 0x103fff, 1));
    ck_assert(elf_pv_va_in_image(&img, 0x103fff, 0));
    ck_assert(!elf_pv_va_in_image(&img, 0x103fff, 2));
    ck_assert(!elf_pv_va_in_image(&img, 0x104000, 1));
    ck_assert(!elf_pv_va_in_image(&img, 0xfffff, 1));
    ck_assert(!elf_pv_va_in_image(&img, 0x101000, UINT64_MAX));
}
END_TEST

static Suite *elf_suite(void)
{
    Suite *s = suite_create("elf");
    TCase *tc;

#define TC(name, fn)                                                           \
    do {                                                                       \
        tc = tcase_create(name);                                               \
        tcase_add_test(tc, fn);                                                \
        suite_add_tcase(s, tc);                                                \
    } while (0)

    TC("golden_linux", test_golden_linux);
    TC("golden_xtf", test_golden_xtf);
    TC("golden_section_notes", test_golden_section_notes);
    TC("golden_paddr_offset", test_golden_paddr_offset);
    TC("golden_foreign_notes", test_golden_foreign_notes);
    TC("truncated", test_truncated_every_byte);
    tc = tcase_create("malformed_headers");
    tcase_add_loop_test(tc, test_malformed_headers, 0,
                        ARRAY_SIZE(header_pokes));
    suite_add_tcase(s, tc);
    tc = tcase_create("malformed_sections");
    tcase_add_loop_test(tc, test_malformed_sections, 0,
                        ARRAY_SIZE(section_pokes));
    suite_add_tcase(s, tc);
    tc = tcase_create("random_corruption");
    tcase_add_loop_test(tc, test_random_corruption, 0, 4);
    suite_add_tcase(s, tc);
    TC("too_many_segments", test_too_many_segments);
    tc = tcase_create("hostile_notes");
    tcase_add_loop_test(tc, test_hostile_notes, 0, ARRAY_SIZE(note_cases));
    suite_add_tcase(s, tc);
    TC("hostile_note_bytes", test_hostile_note_bytes);
    TC("no_xen_notes", test_no_xen_notes);
    TC("too_many_notes", test_too_many_notes);
    TC("note_semantics", test_note_semantics);
    TC("virt_base_above_image", test_virt_base_above_image);
    TC("dom0_check", test_dom0_check);
    TC("load", test_load_segments);
    TC("va_in_image", test_va_in_image);
#undef TC
    return s;
}

int main(void)
{
    return suite_run(elf_suite());
}
