/* SPDX-License-Identifier: GPL-2.0-only */
/* COM1 (8250/16550 UART) console output, polled. */
#include <xenia/console.h>
#include <asm/processor.h>

#define COM1 0x3f8
#define UART_THR 0
#define UART_IER 1
#define UART_FCR 2
#define UART_LCR 3
#define UART_MCR 4
#define UART_LSR 5
#define UART_LSR_THRE 0x20

static bool serial_ready;

void serial_init(void)
{
    outb(0x00, COM1 + UART_IER);
    outb(0x80, COM1 + UART_LCR);   /* DLAB */
    outb(0x01, COM1 + 0);          /* 115200 baud */
    outb(0x00, COM1 + 1);
    outb(0x03, COM1 + UART_LCR);   /* 8n1 */
    outb(0x07, COM1 + UART_FCR);   /* FIFOs on, cleared */
    outb(0x03, COM1 + UART_MCR);   /* DTR, RTS */
    serial_ready = true;
}

void serial_disable(void)
{
    serial_ready = false;
}

static void serial_putc(char c)
{
    unsigned int spins = 0;

    while (!(inb(COM1 + UART_LSR) & UART_LSR_THRE) && ++spins < 100000)
        cpu_relax();
    outb((uint8_t)c, COM1 + UART_THR);
}

void arch_console_write(const char *s, size_t n)
{
    if (!serial_ready)
        return;
    while (n--) {
        if (*s == '\n')
            serial_putc('\r');
        serial_putc(*s++);
    }
}

/* Hand what arrived on the serial line to the console's input routing. */
void serial_poll_input(void)
{
    unsigned int n = 0;

    if (!serial_ready)
        return;
    while ((inb(COM1 + UART_LSR) & 0x01) && n++ < 64)
        console_input_char((char)inb(COM1 + UART_THR));
}

/* Ports the hypervisor keeps for itself: guests never reach them. */
bool serial_owns_port(unsigned int port)
{
    return port >= COM1 && port < COM1 + 8;
}
