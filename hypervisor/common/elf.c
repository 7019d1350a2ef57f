/* SPDX-License-Identifier: GPL-2.0-only */
/* Parse an untrusted ELF64 x86-64 PV kernel: segments, Xen notes, addresses. */
/*
 * The image is guest-supplied bytes of any length. Every field is read
 * through rd16/rd32/rd64 at an offset that was first checked with
 * range_ok(); sums of offsets and sizes are computed so that they cannot
 * wrap (size <= len - off). Nothing is written outside *out and err.
 *
 * Order of work (each step may refuse, nothing is loaded before all pass):
 *   1. ELF header: ELF64, little-endian, version 1, x86-64, ET_EXEC.
 *   2. Program headers: the loadable PT_LOADs (PT_LOAD with any of R/W/X,
 *      as Xen's elf_phdr_is_loadable) with file data inside the buffer,
 *      filesz <= memsz, no wrap, no two overlapping in physical space.
 *   3. Notes owned by "Xen" from every PT_NOTE (p_offset 0 is skipped,
 *      a binutils quirk Xen also skips); if none was found there, from
 *      every SHT_NOTE section. The legacy __xen_guest section is not read.
 *   4. Note checks as Xen's elf_xen_note_check plus what Xenia refuses.
 *   5. Xen's address calculation (elf_xen_addr_calc_check), stricter where
 *      Xen is lax: entry must be < virt_kend, the hypercall page must be a
 *      whole aligned page inside the image.
 */
#include <xenia/elf.h>

#include <xen/elfnote.h>
#include <xen/errno.h>
#include <xen/features.h>

#define PAGE_SIZE_4K 4096ull

#define EHDR_SIZE 64u
#define PHDR_SIZE 56u
#define SHDR_SIZE 64u
#define NOTE_HDR  12u

#define ET_EXEC   2
#define EM_X86_64 62
#define PT_LOAD   1
#define PT_NOTE   4
#define SHT_NOTE  7

struct elf_ctx {
    const uint8_t *buf;
    size_t len;
    struct pv_image *img;
    char *err;
    size_t errlen;
    unsigned int nr_notes; /* all notes seen, any owner */
    unsigned int nr_xen_notes;
};

static int elf_fail(struct elf_ctx *c, int rc, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int elf_fail(struct elf_ctx *c, int rc, const char *fmt, ...)
{
    va_list ap;

    if (c->err && c->errlen) {
        va_start(ap, fmt);
        vsnprintf(c->err, c->errlen, fmt, ap);
        va_end(ap);
    }
    return rc;
}

/* [off, off+size) lies inside a buffer of len bytes, without wrapping. */
static bool range_ok(uint64_t len, uint64_t off, uint64_t size)
{
    return off <= len && size <= len - off;
}

static uint64_t rd(const uint8_t *p, unsigned int n)
{
    uint64_t v = 0;

    while (n--)
        v = (v << 8) | p[n];
    return v;
}

static uint16_t rd16(const struct elf_ctx *c, uint64_t off)
{
    return rd(c->buf + off, 2);
}
static uint32_t rd32(const struct elf_ctx *c, uint64_t off)
{
    return rd(c->buf + off, 4);
}
static uint64_t rd64(const struct elf_ctx *c, uint64_t off)
{
    return rd(c->buf + off, 8);
}

static uint64_t align4(uint64_t x)
{
    return (x + 3) & ~3ull;
}

/* ------------------------------------------------------------------ */
/* Headers and segments                                               */

static int elf_check_ehdr(struct elf_ctx *c)
{
    static const uint8_t magic[4] = {0x7f, 'E', 'L', 'F'};
    const uint8_t *id = c->buf;

    if (c->len < EHDR_SIZE || memcmp(id, magic, 4))
        return elf_fail(c, -XEN_EINVAL, "not an ELF image");
    if (id[4] != 2 || id[5] != 1 || id[6] != 1 || rd16(c, 18) != EM_X86_64 ||
        rd16(c, 16) != ET_EXEC)
        return elf_fail(c, -XEN_EINVAL,
                        "not an ELF64 x86-64 executable (class %u, data %u, "
                        "version %u, e_machine %u, e_type %u)",
                        id[4], id[5], id[6], rd16(c, 18), rd16(c, 16));
    c->img->e_entry = rd64(c, 24);
    return 0;
}

/* Check that a header table of num entries of entsize bytes at off fits. */
static int elf_table(struct elf_ctx *c, const char *what, uint64_t off,
                     unsigned int num, unsigned int entsize, unsigned int want)
{
    if (num == 0)
        return 0;
    if (entsize != want)
        return elf_fail(c, -XEN_EINVAL, "e_%sentsize %u: expected %u", what,
                        entsize, want);
    if (!range_ok(c->len, off, (uint64_t)num * entsize))
        return elf_fail(c, -XEN_EINVAL,
                        "%s header table (offset 0x%llx, %u entries) "
                        "outside the image",
                        what, (unsigned long long)off, num);
    return 0;
}

static int elf_add_segment(struct elf_ctx *c, unsigned int i, uint64_t ph)
{
    struct pv_image *img = c->img;
    struct pv_segment *s;

    if (img->nr_segments == PV_MAX_SEGMENTS)
        return elf_fail(c, -XEN_EINVAL, "more than %u PT_LOAD segments",
                        PV_MAX_SEGMENTS);
    s = &img->seg[img->nr_segments];
    s->flags = rd32(c, ph + 4);
    s->offset = rd64(c, ph + 8);
    s->vaddr = rd64(c, ph + 16);
    s->paddr = rd64(c, ph + 24);
    s->filesz = rd64(c, ph + 32);
    s->memsz = rd64(c, ph + 40);

    if (s->filesz > s->memsz)
        return elf_fail(
            c, -XEN_EINVAL, "PT_LOAD %u: p_filesz 0x%llx > p_memsz 0x%llx", i,
            (unsigned long long)s->filesz, (unsigned long long)s->memsz);
    if (!range_ok(c->len, s->offset, s->filesz))
        return elf_fail(c, -XEN_EINVAL,
                        "PT_LOAD %u: file data (offset 0x%llx, "
                        "size 0x%llx) outside the image",
                        i, (unsigned long long)s->offset,
                        (unsigned long long)s->filesz);
    if (s->memsz && s->paddr > UINT64_MAX - s->memsz)
        return elf_fail(c, -XEN_EINVAL, "PT_LOAD %u: p_paddr + p_memsz wraps",
                        i);
    img->nr_segments++;
    return 0;
}

static bool seg_overlap(const struct pv_segment *a, const struct pv_segment *b)
{
    if (!a->memsz || !b->memsz)
        return false;
    return a->paddr < b->paddr + b->memsz && b->paddr < a->paddr + a->memsz;
}

static int elf_read_segments(struct elf_ctx *c)
{
    struct pv_image *img = c->img;
    uint64_t phoff = rd64(c, 32);
    unsigned int phnum = rd16(c, 56), i, j;
    int rc;

    rc = elf_table(c, "ph", phoff, phnum, rd16(c, 54), PHDR_SIZE);
    if (rc)
        return rc;
    for (i = 0; i < phnum; i++) {
        uint64_t ph = phoff + (uint64_t)i * PHDR_SIZE;

        if (rd32(c, ph) != PT_LOAD ||
            !(rd32(c, ph + 4) & (PV_PF_R | PV_PF_W | PV_PF_X)))
            continue;
        rc = elf_add_segment(c, i, ph);
        if (rc)
            return rc;
    }
    if (img->nr_segments == 0)
        return elf_fail(c, -XEN_EINVAL, "no loadable PT_LOAD segment");

    for (i = 0; i < img->nr_segments; i++)
        for (j = i + 1; j < img->nr_segments; j++)
            if (seg_overlap(&img->seg[i], &img->seg[j]))
                return elf_fail(
                    c, -XEN_EINVAL,
                    "PT_LOAD segments at paddr 0x%llx and 0x%llx overlap",
                    (unsigned long long)img->seg[i].paddr,
                    (unsigned long long)img->seg[j].paddr);
    return 0;
}

/* ------------------------------------------------------------------ */
/* Xen notes                                                          */

enum note_kind {
    NOTE_NUM,
    NOTE_STR,
    NOTE_FEATURES,
    NOTE_SUPPORTED,
    NOTE_L1_MFN
};

struct note_desc {
    const char *name;
    enum note_kind kind;
    size_t field; /* offset in struct pv_image: uint64_t or char[] */
    size_t size;  /* char[] size */
};

#define NUM(n, f)                                                              \
    [XEN_ELFNOTE_##n] = {#n, NOTE_NUM, offsetof(struct pv_image, f), 0}
#define STR(n, f)                                                              \
    [XEN_ELFNOTE_##n] = {#n, NOTE_STR, offsetof(struct pv_image, f),           \
                         sizeof(((struct pv_image *)0)->f)}

/* One table drives the recognised notes; unknown types are ignored, as Xen. */
static const struct note_desc note_table[] = {
    NUM(ENTRY, note_entry),
    NUM(HYPERCALL_PAGE, hypercall_page),
    NUM(VIRT_BASE, note_virt_base),
    NUM(PADDR_OFFSET, note_paddr_offset),
    STR(XEN_VERSION, xen_version),
    STR(GUEST_OS, guest_os),
    STR(GUEST_VERSION, guest_version),
    STR(LOADER, loader),
    STR(PAE_MODE, pae_mode),
    [XEN_ELFNOTE_FEATURES] = {"FEATURES", NOTE_FEATURES,
                              offsetof(struct pv_image, features),
                              sizeof(((struct pv_image *)0)->features)},
    STR(BSD_SYMTAB, bsd_symtab),
    NUM(HV_START_LOW, hv_start_low),
    [XEN_ELFNOTE_L1_MFN_VALID] = {"L1_MFN_VALID", NOTE_L1_MFN, 0, 0},
    NUM(SUSPEND_CANCEL, suspend_cancel),
    NUM(INIT_P2M, init_p2m),
    NUM(MOD_START_PFN, mod_start_pfn),
    [XEN_ELFNOTE_SUPPORTED_FEATURES] = {"SUPPORTED_FEATURES", NOTE_SUPPORTED, 0,
                                        0},
    NUM(PHYS32_ENTRY, phys32_entry),
};

#undef NUM
#undef STR

/* The names Xen's libelf accepts in the FEATURES string. */
static const char *const feature_names[] = {
    [XENFEAT_writable_page_tables] = "writable_page_tables",
    [XENFEAT_writable_descriptor_tables] = "writable_descriptor_tables",
    [XENFEAT_auto_translated_physmap] = "auto_translated_physmap",
    [XENFEAT_supervisor_mode_kernel] = "supervisor_mode_kernel",
    [XENFEAT_pae_pgdir_above_4gb] = "pae_pgdir_above_4gb",
    [XENFEAT_hvm_callback_vector] = "hvm_callback_vector",
    [XENFEAT_dom0] = "dom0",
};

static int feature_lookup(const char *name, size_t n)
{
    unsigned int i;

    for (i = 0; i < ARRAY_SIZE(feature_names); i++)
        if (feature_names[i] && strlen(feature_names[i]) == n &&
            !strncmp(feature_names[i], name, n))
            return i;
    return -1;
}

/* Parse the '|'-separated list s of n bytes (no NUL needed) into bitmaps. */
static int elf_parse_features(struct elf_ctx *c, const char *s, size_t n)
{
    size_t pos = 0;

    while (pos < n) {
        size_t end = pos, len;
        bool required;
        int bit;

        while (end < n && s[end] != '|')
            end++;
        required = s[pos] == '!';
        len = end - pos - required;
        bit = feature_lookup(s + pos + required, len);
        if (bit >= 0) {
            c->img->f_supported |= 1u << bit;
            if (required)
                c->img->f_required |= 1u << bit;
        } else if (required) {
            char name[40];
            size_t k = MIN(len, sizeof(name) - 1);

            memcpy(name, s + pos + 1, k);
            name[k] = '\0';
            return elf_fail(c, -XEN_EINVAL,
                            "FEATURES: required feature '%s' unknown", name);
        }
        pos = end + 1;
    }
    return 0;
}

static void copy_str(char *dst, size_t size, const uint8_t *src, size_t n)
{
    size_t k = MIN(n, size - 1);

    memcpy(dst, src, k);
    dst[k] = '\0';
}

/*
 * A string note ends at a NUL inside its descriptor or, as Xen's libelf
 * reads it, in the descriptor's padding: Linux's FEATURES note is the bare
 * 41 characters and relies on the padding's zero.  `room` is the padded
 * size, already bounded by the note area.
 */
static int elf_note_string(struct elf_ctx *c, const struct note_desc *d,
                           const uint8_t *desc, uint32_t room, size_t *slen)
{
    size_t n = 0;

    while (n < room && desc[n])
        n++;
    if (n == room)
        return elf_fail(c, -XEN_EINVAL,
                        "ELF note %s: string not NUL-terminated", d->name);
    *slen = n;
    copy_str((char *)c->img + d->field, d->size, desc, n);
    return 0;
}

static int elf_note_l1_mfn_valid(struct elf_ctx *c, const uint8_t *desc,
                                 uint32_t descsz)
{
    struct pv_image *img = c->img;
    unsigned int i, pairs = descsz / 16;

    if (descsz == 0 || descsz % 16)
        return elf_fail(c, -XEN_EINVAL,
                        "ELF note L1_MFN_VALID: size %u is not "
                        "a list of 8-byte mask/value pairs",
                        descsz);
    img->nr_l1_mfn_valid = MIN(pairs, PV_L1_MFN_VALID_MAX);
    for (i = 0; i < img->nr_l1_mfn_valid; i++) {
        img->l1_mfn_valid[i][0] = rd(desc + 16 * i, 8);
        img->l1_mfn_valid[i][1] = rd(desc + 16 * i + 8, 8);
    }
    return 0;
}

/*
 * One note owned by "Xen"; desc..desc+descsz is inside the buffer, and so
 * is desc..desc+room (descsz padded to 4, or up to the area's end).
 */
static int elf_xen_note(struct elf_ctx *c, uint32_t type, const uint8_t *desc,
                        uint32_t descsz, uint32_t room)
{
    const struct note_desc *d;
    uint64_t val;
    size_t slen;
    int rc;

    if (type >= ARRAY_SIZE(note_table) || !note_table[type].name)
        return 0;
    d = &note_table[type];
    c->img->notes_present |= 1u << type;

    switch (d->kind) {
    case NOTE_NUM:
        if (descsz != 1 && descsz != 2 && descsz != 4 && descsz != 8)
            return elf_fail(c, -XEN_EINVAL,
                            "ELF note %s: numeric size %u "
                            "(expected 1, 2, 4 or 8)",
                            d->name, descsz);
        val = rd(desc, descsz);
        memcpy((char *)c->img + d->field, &val, sizeof(val));
        return 0;
    case NOTE_STR:
        return elf_note_string(c, d, desc, room, &slen);
    case NOTE_FEATURES:
        rc = elf_note_string(c, d, desc, room, &slen);
        return rc ? rc : elf_parse_features(c, (const char *)desc, slen);
    case NOTE_SUPPORTED:
        if (descsz == 0 || descsz % 4)
            return elf_fail(c, -XEN_EINVAL,
                            "ELF note SUPPORTED_FEATURES: size %u "
                            "is not a list of 32-bit words",
                            descsz);
        c->img->supported_features_note |= rd(desc, 4);
        return 0;
    case NOTE_L1_MFN:
        return elf_note_l1_mfn_valid(c, desc, descsz);
    }
    return 0;
}

/*
 * Walk the notes in [off, off+size) (known to be inside the buffer). Names
 * and descriptors are padded to 4 bytes; a note whose name or descriptor
 * runs past the area is refused, fewer than 12 trailing bytes are ignored
 * (section padding).
 */
static int elf_scan_notes(struct elf_ctx *c, const char *area, unsigned int idx,
                          uint64_t off, uint64_t size)
{
    uint64_t pos = 0;
    int rc;

    while (size - pos >= NOTE_HDR) {
        uint64_t at = off + pos;
        uint32_t namesz = rd32(c, at), descsz = rd32(c, at + 4);
        uint32_t type = rd32(c, at + 8);
        uint64_t name_off = pos + NOTE_HDR,
                 desc_off = name_off + align4(namesz);

        if (++c->nr_notes > PV_MAX_NOTES)
            return elf_fail(c, -XEN_EINVAL, "more than %u ELF notes",
                            PV_MAX_NOTES);
        if (desc_off > size || descsz > size - desc_off)
            return elf_fail(c, -XEN_EINVAL,
                            "%s %u: note at offset 0x%llx "
                            "(namesz %u, descsz %u) overruns the note area",
                            area, idx, (unsigned long long)pos, namesz, descsz);
        if (namesz >= 4 && !memcmp(c->buf + off + name_off, "Xen", 4)) {
            rc = elf_xen_note(c, type, c->buf + off + desc_off, descsz,
                              (uint32_t)MIN((uint64_t)align4(descsz),
                                            size - desc_off));
            if (rc)
                return rc;
            c->nr_xen_notes++;
        }
        pos = desc_off + align4(descsz);
        if (pos > size)
            break;
    }
    return 0;
}

static int elf_notes_from_phdrs(struct elf_ctx *c)
{
    uint64_t phoff = rd64(c, 32);
    unsigned int phnum = rd16(c, 56), i;
    int rc;

    for (i = 0; i < phnum; i++) {
        uint64_t ph = phoff + (uint64_t)i * PHDR_SIZE;
        uint64_t off = rd64(c, ph + 8), size = rd64(c, ph + 32);

        if (rd32(c, ph) != PT_NOTE || off == 0)
            continue;
        if (!range_ok(c->len, off, size))
            return elf_fail(c, -XEN_EINVAL, "PT_NOTE %u: outside the image", i);
        rc = elf_scan_notes(c, "PT_NOTE", i, off, size);
        if (rc)
            return rc;
    }
    return 0;
}

static int elf_notes_from_sections(struct elf_ctx *c)
{
    uint64_t shoff = rd64(c, 40);
    unsigned int shnum = rd16(c, 60), i;
    int rc;

    rc = elf_table(c, "sh", shoff, shnum, rd16(c, 58), SHDR_SIZE);
    if (rc)
        return rc;
    for (i = 1; i < shnum; i++) {
        uint64_t sh = shoff + (uint64_t)i * SHDR_SIZE;
        uint64_t off = rd64(c, sh + 24), size = rd64(c, sh + 32);

        if (rd32(c, sh + 4) != SHT_NOTE)
            continue;
        if (!range_ok(c->len, off, size))
            return elf_fail(c, -XEN_EINVAL,
                            "SHT_NOTE section %u: outside the image", i);
        rc = elf_scan_notes(c, "SHT_NOTE section", i, off, size);
        if (rc)
            return rc;
    }
    return 0;
}

static int elf_read_notes(struct elf_ctx *c)
{
    int rc = elf_notes_from_phdrs(c);

    if (rc)
        return rc;
    if (c->nr_xen_notes == 0) {
        rc = elf_notes_from_sections(c);
        if (rc)
            return rc;
        c->img->notes_from_sections = c->nr_xen_notes != 0;
    }
    if (c->nr_xen_notes == 0)
        return elf_fail(c, -XEN_EINVAL, "no Xen ELF notes: not a PV kernel");
    c->img->f_supported |= c->img->supported_features_note;
    return 0;
}

/* Xen's elf_xen_note_check, then what Xenia does not do. */
static int elf_check_notes(struct elf_ctx *c)
{
    const struct pv_image *img = c->img;

    if (strncmp(img->loader, "generic", 7) &&
        strncmp(img->guest_os, "linux", 5))
        return elf_fail(c, -XEN_EINVAL,
                        "ELF note LOADER: '%s' is not 'generic' "
                        "(and GUEST_OS '%s' is not 'linux')",
                        img->loader, img->guest_os);
    if (strncmp(img->xen_version, "xen-3.0", 7))
        return elf_fail(c, -XEN_EINVAL,
                        "ELF note XEN_VERSION: '%s' is not xen-3.0",
                        img->xen_version);
    if (!strcmp(img->bsd_symtab, "yes"))
        return elf_fail(c, -XEN_EOPNOTSUPP,
                        "ELF note BSD_SYMTAB: not supported");
    if (img->f_required & (1u << XENFEAT_auto_translated_physmap))
        return elf_fail(c, -XEN_EOPNOTSUPP,
                        "FEATURES: auto_translated_physmap "
                        "required, not supported for PV");
    if (img->f_required & (1u << XENFEAT_supervisor_mode_kernel))
        return elf_fail(c, -XEN_EOPNOTSUPP,
                        "FEATURES: supervisor_mode_kernel "
                        "required, not supported");
    return 0;
}

/* ------------------------------------------------------------------ */
/* Addresses                                                          */

static void elf_phys_bounds(struct pv_image *img)
{
    unsigned int i;

    img->pstart = UINT64_MAX;
    img->pend = 0;
    for (i = 0; i < img->nr_segments; i++) {
        img->pstart = MIN(img->pstart, img->seg[i].paddr);
        img->pend = MAX(img->pend, img->seg[i].paddr + img->seg[i].memsz);
    }
}

static int elf_calc_addresses(struct elf_ctx *c)
{
    struct pv_image *img = c->img;
    bool has_base = pv_image_has_note(img, XEN_ELFNOTE_VIRT_BASE);
    unsigned int i;

    if (pv_image_has_note(img, XEN_ELFNOTE_PADDR_OFFSET) && !has_base)
        return elf_fail(c, -XEN_EINVAL,
                        "ELF note PADDR_OFFSET set, VIRT_BASE missing");
    img->virt_base = has_base ? img->note_virt_base : 0;
    img->paddr_offset = pv_image_has_note(img, XEN_ELFNOTE_PADDR_OFFSET)
                            ? img->note_paddr_offset
                            : 0;
    if (!IS_ALIGNED(img->virt_base, PAGE_SIZE_4K))
        return elf_fail(c, -XEN_EINVAL,
                        "ELF note VIRT_BASE 0x%llx: not page aligned",
                        (unsigned long long)img->virt_base);
    img->virt_offset = img->virt_base - img->paddr_offset;

    elf_phys_bounds(img);
    img->virt_kstart = img->pstart + img->virt_offset;
    if (img->virt_kstart > UINT64_MAX - (img->pend - img->pstart))
        return elf_fail(c, -XEN_EINVAL,
                        "image 0x%llx + 0x%llx wraps the address space",
                        (unsigned long long)img->virt_kstart,
                        (unsigned long long)(img->pend - img->pstart));
    img->virt_kend = img->virt_kstart + (img->pend - img->pstart);
    for (i = 0; i < img->nr_segments; i++)
        img->seg[i].va = img->seg[i].paddr + img->virt_offset;

    if (img->virt_base > img->virt_kstart)
        return elf_fail(c, -XEN_EINVAL,
                        "VIRT_BASE 0x%llx above the image start 0x%llx",
                        (unsigned long long)img->virt_base,
                        (unsigned long long)img->virt_kstart);
    return 0;
}

static int elf_check_addresses(struct elf_ctx *c)
{
    struct pv_image *img = c->img;
    uint64_t hc = img->hypercall_page;

    img->entry = pv_image_has_note(img, XEN_ELFNOTE_ENTRY) ? img->note_entry
                                                           : img->e_entry;
    if (!elf_pv_va_in_image(img, img->entry, 1))
        return elf_fail(c, -XEN_EINVAL,
                        "entry point 0x%llx outside the image "
                        "[0x%llx, 0x%llx)",
                        (unsigned long long)img->entry,
                        (unsigned long long)img->virt_kstart,
                        (unsigned long long)img->virt_kend);
    if (pv_image_has_note(img, XEN_ELFNOTE_HYPERCALL_PAGE) &&
        (!IS_ALIGNED(hc, PAGE_SIZE_4K) ||
         hc < ROUNDDOWN(img->virt_kstart, PAGE_SIZE_4K) ||
         hc >= img->virt_kend ||
         PAGE_SIZE_4K > ROUNDUP(img->virt_kend, PAGE_SIZE_4K) - hc))
        return elf_fail(c, -XEN_EINVAL,
                        "ELF note HYPERCALL_PAGE 0x%llx: not an "
                        "aligned page inside the image",
                        (unsigned long long)hc);
    if (pv_image_has_note(img, XEN_ELFNOTE_INIT_P2M) &&
        img->init_p2m >= img->virt_kstart && img->init_p2m < img->virt_kend)
        return elf_fail(c, -XEN_EINVAL,
                        "ELF note INIT_P2M 0x%llx: inside the image",
                        (unsigned long long)img->init_p2m);
    return 0;
}

int elf_pv_parse(const void *buf, size_t len, struct pv_image *out, char *err,
                 size_t errlen)
{
    struct elf_ctx c = {
        .buf = buf, .len = len, .img = out, .err = err, .errlen = errlen};
    int rc;

    memset(out, 0, sizeof(*out));
    if (err && errlen)
        err[0] = '\0';
    if (!buf)
        return elf_fail(&c, -XEN_EINVAL, "not an ELF image");

    if ((rc = elf_check_ehdr(&c)) || (rc = elf_read_segments(&c)) ||
        (rc = elf_read_notes(&c)) || (rc = elf_check_notes(&c)) ||
        (rc = elf_calc_addresses(&c)) || (rc = elf_check_addresses(&c)))
        return rc;
    return 0;
}

int elf_pv_check_dom0(const struct pv_image *img, char *err, size_t errlen)
{
    if (pv_image_has_note(img, XEN_ELFNOTE_SUPPORTED_FEATURES) &&
        !(img->f_supported & (1u << XENFEAT_dom0))) {
        if (err && errlen)
            snprintf(err, errlen,
                     "SUPPORTED_FEATURES: kernel does not support dom0");
        return -XEN_EINVAL;
    }
    return 0;
}

bool elf_pv_va_in_image(const struct pv_image *img, uint64_t va, uint64_t size)
{
    if (size == 0)
        size = 1;
    return va >= img->virt_kstart && va < img->virt_kend &&
           size <= img->virt_kend - va;
}

int elf_pv_load(const struct pv_image *img, const void *buf, size_t len,
                const struct elf_load_ops *ops, void *ctx)
{
    const uint8_t *base = buf;
    unsigned int i;
    int rc;

    for (i = 0; i < img->nr_segments; i++) {
        const struct pv_segment *s = &img->seg[i];

        if (s->filesz > s->memsz || !range_ok(len, s->offset, s->filesz) ||
            (s->memsz && !elf_pv_va_in_image(img, s->va, s->memsz)))
            return -XEN_EINVAL;
    }
    for (i = 0; i < img->nr_segments; i++) {
        const struct pv_segment *s = &img->seg[i];

        if (s->filesz &&
            (rc = ops->copy(ctx, s->va, base + s->offset, s->filesz)))
            return rc;
        if (s->memsz > s->filesz &&
            (rc = ops->zero(ctx, s->va + s->filesz, s->memsz - s->filesz)))
            return rc;
    }
    return 0;
}
