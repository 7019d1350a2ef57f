/* SPDX-License-Identifier: GPL-2.0-only */
/* ELF64 x86-64 PV kernels: Xen ELF notes, address checks, segment loading. */
#ifndef XENIA_ELF_H
#define XENIA_ELF_H

#include <xenia/lib.h>

#define PV_MAX_SEGMENTS     16   /* loadable PT_LOAD segments kept */
#define PV_MAX_NOTES        4096 /* notes examined, all note areas together */
#define PV_NOTE_STR_MAX     64   /* string notes truncated to this, incl NUL */
#define PV_L1_MFN_VALID_MAX 4    /* L1_MFN_VALID mask/value pairs kept */

/* ELF program header flags (p_flags). */
#define PV_PF_X 0x1u
#define PV_PF_W 0x2u
#define PV_PF_R 0x4u

/*
 * One loadable segment. Xen places a segment by its *physical* address:
 * va = paddr + (virt_base - paddr_offset). p_vaddr is kept for information
 * only; Linux's per-CPU segment, for one, has p_vaddr 0.
 */
struct pv_segment {
    uint64_t va;    /* where the loader puts it */
    uint64_t vaddr; /* p_vaddr, unused for loading */
    uint64_t paddr;
    uint64_t offset; /* in the image buffer */
    uint64_t filesz;
    uint64_t memsz;
    uint32_t flags; /* PV_PF_* */
};

/* Everything the builder needs from a PV kernel image. */
struct pv_image {
    uint64_t e_entry;
    unsigned int nr_segments;
    struct pv_segment seg[PV_MAX_SEGMENTS];

    /* Raw Xen notes. Bit n of notes_present = note type n was seen. */
    uint32_t notes_present;
    uint64_t note_entry;
    uint64_t hypercall_page;
    uint64_t note_virt_base;
    uint64_t note_paddr_offset;
    uint64_t hv_start_low;
    uint64_t init_p2m;
    uint64_t suspend_cancel;
    uint64_t mod_start_pfn;
    uint64_t phys32_entry;
    uint32_t supported_features_note;
    unsigned int nr_l1_mfn_valid;
    uint64_t l1_mfn_valid[PV_L1_MFN_VALID_MAX][2]; /* mask, value */
    char xen_version[PV_NOTE_STR_MAX];
    char guest_os[PV_NOTE_STR_MAX];
    char guest_version[PV_NOTE_STR_MAX];
    char loader[PV_NOTE_STR_MAX];
    char pae_mode[PV_NOTE_STR_MAX];
    char bsd_symtab[PV_NOTE_STR_MAX];
    char features[PV_NOTE_STR_MAX * 4];
    bool notes_from_sections; /* no Xen note in PT_NOTE; SHT_NOTE used */

    /* Features: FEATURES string names OR'ed with SUPPORTED_FEATURES. */
    uint32_t f_supported; /* bit n = XENFEAT n */
    uint32_t f_required;  /* names marked '!' */

    /* Results of Xen's address calculation (elf_xen_addr_calc_check). */
    uint64_t virt_base; /* VA of pseudo-physical 0 */
    uint64_t paddr_offset;
    uint64_t virt_offset;  /* virt_base - paddr_offset, modulo 2^64 */
    uint64_t pstart, pend; /* lowest p_paddr, highest p_paddr + p_memsz */
    uint64_t virt_kstart;  /* pstart + virt_offset */
    uint64_t virt_kend;    /* pend + virt_offset (exclusive) */
    uint64_t entry;        /* ENTRY note, else e_entry */
};

static inline bool pv_image_has_note(const struct pv_image *img,
                                     unsigned int type)
{
    return type < 32 && (img->notes_present & (1u << type));
}

/*
 * Parse and check an untrusted image of len bytes at buf. Never reads
 * outside [buf, buf+len). On success returns 0 and fills *out; on failure
 * returns a negative Xen errno (-XEN_EINVAL for a malformed or refused
 * image, -XEN_EOPNOTSUPP for a valid image asking for something Xenia does
 * not do) and writes a message naming the field or note into err; *out
 * is then partly filled and must not be used.
 */
int elf_pv_parse(const void *buf, size_t len, struct pv_image *out, char *err,
                 size_t errlen);

/*
 * The hardware domain must be able to run as dom0: when the image carries a
 * SUPPORTED_FEATURES note it must advertise XENFEAT_dom0 (Xen's
 * initdom_check_parms). 0 or -XEN_EINVAL with a message.
 */
int elf_pv_check_dom0(const struct pv_image *img, char *err, size_t errlen);

/* Is [va, va+size) inside the image [virt_kstart, virt_kend)? size 0 = 1. */
bool elf_pv_va_in_image(const struct pv_image *img, uint64_t va, uint64_t size);

/*
 * Guest-memory writer used by elf_pv_load. Each returns 0 or a negative
 * errno, which stops the load and is returned unchanged.
 */
struct elf_load_ops {
    int (*copy)(void *ctx, uint64_t va, const void *src, uint64_t n);
    int (*zero)(void *ctx, uint64_t va, uint64_t n);
};

/*
 * Copy every segment of img (parsed from this same buf/len) to its va and
 * zero its bss. Bounds are checked again; -XEN_EINVAL if they do not hold.
 */
int elf_pv_load(const struct pv_image *img, const void *buf, size_t len,
                const struct elf_load_ops *ops, void *ctx);

#endif /* XENIA_ELF_H */
