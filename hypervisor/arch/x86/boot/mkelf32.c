/* SPDX-License-Identifier: GPL-2.0-only */
/* Host tool: wrap the linked ELF64 hypervisor into the ELF32 that multiboot1 loaders take. */
#include <elf.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/*
 * The hypervisor links at a high virtual address (XEN_VIRT_START) but is
 * loaded at a low physical one.  QEMU's multiboot loader refuses ELF64
 * images and GRUB's multiboot1 loader wants physical addresses, so the one
 * PT_LOAD segment is copied into an ELF32 file whose virtual and physical
 * addresses are both the physical load address.  Its payload starts at file
 * offset 4096, which keeps the multiboot header inside the first 8 KiB.
 */
#define PAYLOAD_OFFSET 4096

static int fail(const char *what)
{
    fprintf(stderr, "mkelf32: %s\n", what);
    return 1;
}

static int read_file(const char *path, unsigned char **buf, size_t *len)
{
    FILE *f = fopen(path, "rb");
    long size;

    if (!f)
        return -errno;
    if (fseek(f, 0, SEEK_END) || (size = ftell(f)) < 0 ||
        fseek(f, 0, SEEK_SET)) {
        fclose(f);
        return -EIO;
    }
    *buf = malloc(size ? size : 1);
    if (!*buf || fread(*buf, 1, size, f) != (size_t)size) {
        fclose(f);
        return -EIO;
    }
    fclose(f);
    *len = size;
    return 0;
}

int main(int argc, char **argv)
{
    unsigned char *in = NULL;
    size_t len = 0;
    const Elf64_Ehdr *eh;
    const Elf64_Phdr *ph, *load = NULL;
    Elf32_Ehdr oh;
    Elf32_Phdr oph;
    unsigned char pad[PAYLOAD_OFFSET];
    FILE *out;
    int i;

    if (argc != 3)
        return fail("usage: mkelf32 IN-ELF64 OUT-ELF32");
    if (read_file(argv[1], &in, &len))
        return fail("cannot read input");
    eh = (const Elf64_Ehdr *)in;
    if (len < sizeof(*eh) || memcmp(eh->e_ident, ELFMAG, SELFMAG) ||
        eh->e_ident[EI_CLASS] != ELFCLASS64 || eh->e_machine != EM_X86_64)
        return fail("input is not an ELF64 x86-64 file");
    if (eh->e_phoff > len ||
        (len - eh->e_phoff) / sizeof(*ph) < eh->e_phnum)
        return fail("program headers out of range");

    ph = (const Elf64_Phdr *)(in + eh->e_phoff);
    for (i = 0; i < eh->e_phnum; i++) {
        if (ph[i].p_type != PT_LOAD)
            continue;
        if (load)
            return fail("more than one PT_LOAD segment");
        load = &ph[i];
    }
    if (!load)
        return fail("no PT_LOAD segment");
    if (load->p_offset > len || load->p_filesz > len - load->p_offset)
        return fail("segment out of range");
    if (load->p_paddr + load->p_memsz > 0xffffffffULL ||
        eh->e_entry > 0xffffffffULL)
        return fail("load address or entry above 4 GiB");

    memset(&oh, 0, sizeof(oh));
    memcpy(oh.e_ident, ELFMAG, SELFMAG);
    oh.e_ident[EI_CLASS] = ELFCLASS32;
    oh.e_ident[EI_DATA] = ELFDATA2LSB;
    oh.e_ident[EI_VERSION] = EV_CURRENT;
    oh.e_type = ET_EXEC;
    oh.e_machine = EM_386;
    oh.e_version = EV_CURRENT;
    oh.e_entry = (Elf32_Addr)eh->e_entry;
    oh.e_phoff = sizeof(oh);
    oh.e_ehsize = sizeof(oh);
    oh.e_phentsize = sizeof(oph);
    oh.e_phnum = 1;

    memset(&oph, 0, sizeof(oph));
    oph.p_type = PT_LOAD;
    oph.p_offset = PAYLOAD_OFFSET;
    oph.p_vaddr = (Elf32_Addr)load->p_paddr;
    oph.p_paddr = (Elf32_Addr)load->p_paddr;
    oph.p_filesz = (Elf32_Word)load->p_filesz;
    oph.p_memsz = (Elf32_Word)load->p_memsz;
    oph.p_flags = PF_R | PF_W | PF_X;
    oph.p_align = 4096;

    memset(pad, 0, sizeof(pad));
    memcpy(pad, &oh, sizeof(oh));
    memcpy(pad + sizeof(oh), &oph, sizeof(oph));

    out = fopen(argv[2], "wb");
    if (!out)
        return fail("cannot create output");
    if (fwrite(pad, 1, sizeof(pad), out) != sizeof(pad) ||
        fwrite(in + load->p_offset, 1, load->p_filesz, out) !=
            load->p_filesz ||
        fclose(out))
        return fail("write failed");
    free(in);
    return 0;
}
