/* SPDX-License-Identifier: GPL-2.0-only */
/* A position-independent guest kernel of a few instructions, for dom0 to build a domain from. */

/*
 * dom0's "build" role copies the bytes between tinyguest_start and
 * tinyguest_end into a new domain's code page and starts it there: it
 * prints one line through console_io and powers off.  Only RIP-relative
 * addressing, so it runs wherever it is mapped.
 */
        .section .rodata, "a"
        .global tinyguest_start, tinyguest_end
        .code64
tinyguest_start:
        mov     $18, %eax                       /* __HYPERVISOR_console_io */
        xor     %edi, %edi                      /* CONSOLEIO_write */
        mov     $(msg_end - msg), %esi
        lea     msg(%rip), %rdx
        syscall
        mov     $29, %eax                       /* __HYPERVISOR_sched_op */
        mov     $2, %edi                        /* SCHEDOP_shutdown */
        lea     reason(%rip), %rsi
        syscall
1:      jmp     1b
msg:    .ascii  "tinyguest: hello from a domain dom0 built at run time\n"
msg_end:
        .balign 4
reason: .long   0                               /* SHUTDOWN_poweroff */
tinyguest_end:
