/* SPDX-License-Identifier: GPL-2.0-only */
/* pvguest: the process system-call ABI, shared by the kernel (proc.c) and the user programs (uprog.c). */
#ifndef PVGUEST_USYS_H
#define PVGUEST_USYS_H

/*
 * `syscall` with the number in RAX and arguments in RDI, RSI, RDX; the
 * result (or -errno) in RAX.  RCX and R11 are clobbered, as on Linux.
 */
#define SYS_write       1       /* (fd, buf, len) -> len */
#define SYS_exit        2       /* (code) */
#define SYS_yield       3
#define SYS_getpid      4
#define SYS_mmap        5       /* (len, flags) -> address */
#define SYS_munmap      6       /* (addr, len) */
#define SYS_fork        7       /* -> child pid, 0 in the child */
#define SYS_wait        8       /* (pid) -> exit code */
#define SYS_pipe        9       /* (int fds[2]): fds[0] reads, fds[1] writes */
#define SYS_read        10      /* (fd, buf, len) -> bytes, 0 at end */
#define SYS_close       11      /* (fd) */
#define SYS_fault_handler 12    /* (va): a fault resumes at va, RDI = CR2 */
#define SYS_nr          13

#define MMAP_WRITE      1       /* writable (else read-only) */
#define MMAP_POPULATE   2       /* map every page now, in one batch */

#define UERR_BADF       9
#define UERR_CHILD      10
#define UERR_NOMEM      12
#define UERR_FAULT      14
#define UERR_INVAL      22
#define UERR_MFILE      24
#define UERR_PIPE       32
#define UERR_NOSYS      38

#define EXIT_FAULT      139     /* a process killed by a fault (128 + SIGSEGV) */

/* User address space (L4 slot 0). */
#define USER_TEXT_BASE  0x400000UL
#define USER_STACK_TOP  0x7fff0000UL
#define USER_STACK_SIZE (64 * 4096UL)
#define USER_MMAP_BASE  0x10000000UL
#define USER_SHARED_VA  0x0ff00000UL    /* a page the kernel shares (bench) */
#define USER_TOP        (1UL << 39)

/* The bench page the kernel shares with a measuring process. */
#define UBENCH_SAMPLES  256
struct ubench {
    unsigned long batch;                /* operations per sample */
    unsigned long samples;              /* filled in by the process */
    unsigned long pages;                /* N for the page-count rows */
    unsigned long cycles[UBENCH_SAMPLES];
};

enum ubench_row {
    UB_NULL_SYSCALL, UB_PAGE_FAULT, UB_PROT_FAULT, UB_CTX_SWITCH,
    UB_FORK, UB_MMAP, UB_COMPUTE, UB_ROWS
};

#endif /* PVGUEST_USYS_H */
