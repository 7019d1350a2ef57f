/* SPDX-License-Identifier: GPL-2.0-only */
/* Writable page tables: emulate a guest's write into its own read-only L1 table. */
#include <xenia/guest_access.h>
#include <xenia/mm.h>
#include <asm/page.h>
#include <asm/processor.h>
#include <asm/pv.h>
#include "mm.h"

/*
 * A PV guest's L1 tables are mapped read-only, yet Linux writes PTEs
 * directly: xchg in ptep_get_and_clear, lock btr/andb in
 * ptep_test_and_clear_young and ptep_set_wrprotect (ds andb on one CPU,
 * where alternatives turn the lock prefix into DS), plain stores.  Such a
 * write faults; if the target frame is one of the guest's L1 tables we
 * decode the instruction, compute the new 8-byte entry, validate it exactly
 * as mmu_update would, write it and step over the instruction.  Only the
 * instruction forms below are emulated; anything else, and any entry that
 * does not validate, is bounced to the guest as the #PF it is.
 *
 * The faulting address comes from CR2, so only the instruction's length
 * and non-memory operands need decoding.
 */

enum ptwr_op {
    OP_MOV, OP_XCHG, OP_CMPXCHG, OP_AND, OP_OR, OP_BTS, OP_BTR, OP_BTC,
};

struct ptwr_insn {
    enum ptwr_op op;
    unsigned int len;        /* total length */
    unsigned int size;       /* operand bytes: 1, 2, 4 or 8 */
    int reg;                 /* register operand, -1 for an immediate */
    uint64_t imm;
    bool bit_imm;            /* bt* with an immediate bit number */
};

/* Bytes after the opcode taken by ModRM, SIB and displacement; 0 = no memory operand. */
static unsigned int modrm_len(const uint8_t *p)
{
    unsigned int mod = p[0] >> 6, rm = p[0] & 7, n = 1;

    if (mod == 3)
        return 0;
    if (rm == 4) {
        n++;
        if (mod == 0 && (p[1] & 7) == 5)
            n += 4;
    } else if (mod == 0 && rm == 5) {
        n += 4;
    }
    if (mod == 1)
        n += 1;
    else if (mod == 2)
        n += 4;
    return n;
}

static uint64_t sign_extend(uint64_t v, unsigned int bytes)
{
    unsigned int shift = 64 - 8 * bytes;

    return (uint64_t)((int64_t)(v << shift) >> shift);
}

/*
 * ModRM (at p) + displacement + an immediate of immsz bytes: fills imm,
 * returns the ModRM reg field ("/digit"), or -1 without a memory operand.
 * *len receives the bytes from p to the end of the immediate.
 */
static int decode_modrm_imm(const uint8_t *p, unsigned int immsz,
                            struct ptwr_insn *in, unsigned int *len)
{
    unsigned int ml = modrm_len(p);
    uint64_t imm = 0;

    if (!ml)
        return -1;
    memcpy(&imm, p + ml, immsz);
    in->imm = sign_extend(imm, immsz);
    in->reg = -1;
    *len = ml + immsz;
    return (p[0] >> 3) & 7;
}

static bool ptwr_decode(const uint8_t *b, struct ptwr_insn *in)
{
    unsigned int n = 0, rex = 0, ml;
    bool opsize = false;
    const uint8_t *op;

    memset(in, 0, sizeof(*in));
    for (; n < 4; n++) {
        if (b[n] == 0xf0)
            continue;                /* lock: we are atomic anyway */
        /*
         * Segment overrides: ignored in 64-bit mode (CS/DS/ES/SS), and the
         * address comes from CR2 anyway (FS/GS).  Linux's LOCK_PREFIX
         * becomes DS on a uniprocessor, so `ds andb` clears a PTE's RW bit.
         */
        if (b[n] == 0x26 || b[n] == 0x2e || b[n] == 0x36 || b[n] == 0x3e ||
            b[n] == 0x64 || b[n] == 0x65)
            continue;
        if (b[n] == 0x66)
            opsize = true;
        else if ((b[n] & 0xf0) == 0x40)
            rex = b[n];
        else
            break;
    }
    op = b + n;
    in->size = (rex & 8) ? 8 : opsize ? 2 : 4;
    in->reg = ((op[op[0] == 0x0f ? 2 : 1] >> 3) & 7) | ((rex & 4) ? 8 : 0);

    switch (op[0]) {
    case 0x88: case 0x89: in->op = OP_MOV; break;
    case 0x86: case 0x87: in->op = OP_XCHG; break;
    case 0x20: case 0x21: in->op = OP_AND; break;
    case 0x08: case 0x09: in->op = OP_OR; break;
    case 0xc6: case 0xc7:             /* mov $imm, mem */
        if (op[0] == 0xc6)
            in->size = 1;
        if (decode_modrm_imm(op + 1, MIN(in->size, 4u), in, &ml) != 0)
            return false;
        in->op = OP_MOV;
        in->len = n + 1 + ml;
        return true;
    case 0x80: case 0x81: case 0x83: { /* and/or $imm, mem */
        int sub;

        if (op[0] == 0x80)
            in->size = 1;
        sub = decode_modrm_imm(op + 1, op[0] == 0x81 ? MIN(in->size, 4u) : 1, in, &ml);
        if (sub != 1 && sub != 4)
            return false;
        in->op = sub == 1 ? OP_OR : OP_AND;
        in->len = n + 1 + ml;
        return true;
    }
    case 0x0f:
        switch (op[1]) {
        case 0xb0: case 0xb1: in->op = OP_CMPXCHG; break;
        case 0xab: in->op = OP_BTS; break;
        case 0xb3: in->op = OP_BTR; break;
        case 0xbb: in->op = OP_BTC; break;
        case 0xba: {                  /* bts/btr/btc $imm8, mem */
            int sub = decode_modrm_imm(op + 2, 1, in, &ml);

            if (sub < 5)
                return false;
            in->op = sub == 5 ? OP_BTS : sub == 6 ? OP_BTR : OP_BTC;
            in->bit_imm = true;
            in->len = n + 2 + ml;
            return true;
        }
        default:
            return false;
        }
        if (op[1] == 0xb0)
            in->size = 1;
        ml = modrm_len(op + 2);
        if (!ml)
            return false;
        in->len = n + 2 + ml;
        return true;
    default:
        return false;
    }
    if (!(op[0] & 1))
        in->size = 1;
    ml = modrm_len(op + 1);
    if (!ml)
        return false;
    in->len = n + 1 + ml;
    return true;
}

static uint64_t size_mask(unsigned int size)
{
    return size == 8 ? ~0UL : (1UL << (size * 8)) - 1;
}

/* Write v into register r as an instruction of this operand size would. */
static void set_reg(struct cpu_regs *regs, unsigned int r, uint64_t v, unsigned int size)
{
    uint64_t *p = regs_gpr(regs, r);

    if (size >= 4)
        *p = v & size_mask(size);    /* 32-bit writes zero-extend */
    else
        *p = (*p & ~size_mask(size)) | (v & size_mask(size));
}

/* Compute the operand's new value; false if the write is not emulated. */
static bool ptwr_compute(const struct ptwr_insn *in, struct cpu_regs *regs,
                         uint64_t old, uint64_t *new, bool *write)
{
    uint64_t src = in->reg >= 0 ? *regs_gpr(regs, in->reg) : in->imm;
    uint64_t mask = size_mask(in->size), bit;

    src &= mask;
    *write = true;
    switch (in->op) {
    case OP_MOV:
        *new = src;
        return true;
    case OP_XCHG:
        *new = src;
        set_reg(regs, in->reg, old, in->size);
        return true;
    case OP_CMPXCHG:
        if ((regs->rax & mask) == old) {
            *new = src;
            regs->rflags |= X86_EFLAGS_ZF;
        } else {
            *write = false;
            set_reg(regs, 0, old, in->size);
            regs->rflags &= ~X86_EFLAGS_ZF;
        }
        return true;
    case OP_AND:
    case OP_OR:
        *new = in->op == OP_AND ? old & src : old | src;
        regs->rflags &= ~(X86_EFLAGS_CF | X86_EFLAGS_OF | X86_EFLAGS_ZF | X86_EFLAGS_SF);
        if (!(*new & mask))
            regs->rflags |= X86_EFLAGS_ZF;
        if (*new & (1UL << (in->size * 8 - 1)))
            regs->rflags |= X86_EFLAGS_SF;
        return true;
    case OP_BTS:
    case OP_BTR:
    case OP_BTC:
        bit = in->bit_imm ? (in->imm & (in->size * 8 - 1)) : src;
        if (bit >= in->size * 8)
            return false;            /* reaches outside this operand */
        regs->rflags = (regs->rflags & ~X86_EFLAGS_CF) |
                       ((old >> bit) & 1 ? X86_EFLAGS_CF : 0);
        *new = in->op == OP_BTS ? old | (1UL << bit) :
               in->op == OP_BTR ? old & ~(1UL << bit) : old ^ (1UL << bit);
        return true;
    }
    return false;
}

bool pv_ptwr_emulate(struct vcpu *v, struct cpu_regs *regs, unsigned long cr2)
{
    struct ptwr_insn in;
    uint8_t bytes[16] = { 0 };
    pte_t *l1e, *target, old, merged;
    unsigned long mfn;
    unsigned int off, i;
    uint64_t oldval = 0, newval;
    struct cpu_regs saved = *regs;
    bool write;

    if (!v->kernel_mode || !(l1e = guest_l1_slot(v, cr2)) || !(*l1e & _PAGE_PRESENT))
        return false;
    mfn = pte_mfn(*l1e);
    if (!mfn_valid(mfn) || mfn_to_page(mfn)->owner != v->domain->domain_id ||
        mfn_to_page(mfn)->type != PGT_l1_page_table || !mfn_to_page(mfn)->type_count)
        return false;
    for (i = 0; i < 15; i++)
        if (copy_from_guest(&bytes[i], regs->rip + i, 1))
            break;
    if (!ptwr_decode(bytes, &in) || in.len > i)
        return false;
    off = cr2 & 7;
    if (off + in.size > 8)
        return false;

    target = (pte_t *)mfn_to_virt(mfn) + ((cr2 & (PAGE_SIZE - 1)) >> 3);
    old = *target;
    memcpy(&oldval, (uint8_t *)&old + off, in.size);
    if (!ptwr_compute(&in, regs, oldval, &newval, &write)) {
        *regs = saved;
        return false;
    }
    if (write) {
        merged = old;
        memcpy((uint8_t *)&merged + off, &newval, in.size);
        if (pv_mod_l1_entry(v->domain, target, merged, v->domain)) {
            *regs = saved;           /* not a valid entry: the guest's #PF */
            return false;
        }
    }
    regs->rip += in.len;
    return true;
}
