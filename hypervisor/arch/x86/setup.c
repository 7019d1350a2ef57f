/* SPDX-License-Identifier: GPL-2.0-only */
/* start_xenia: the boot path from long mode to running dom0. */
#include <xenia/console.h>
#include <asm/processor.h>

void serial_init(void);
void start_xenia(uint32_t mbi_pa);

void start_xenia(uint32_t mbi_pa)
{
    serial_init();
    printk("Xenia hypervisor starting (multiboot info at %#x)", mbi_pa);
    outb(0, 0xf4);
    for (;;)
        halt();
}

void panic(const char *fmt, ...)
{
    for (;;)
        halt();
    (void)fmt;
}
