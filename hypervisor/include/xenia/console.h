/* SPDX-License-Identifier: GPL-2.0-only */
/* Hypervisor console: printk with log levels, guest console lines, panic. */
#ifndef XENIA_CONSOLE_H
#define XENIA_CONSOLE_H

#include <xenia/lib.h>

enum loglvl {
    LOG_NONE = 0,
    LOG_ERR = 1,
    LOG_WARN = 2,
    LOG_INFO = 3,
    LOG_DEBUG = 4,
    LOG_ALL = 5,
};

int console_parse_loglvl(const char *s);
void console_set_loglvl(int lvl);
int console_loglvl(void);

void printk_lvl(int lvl, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
#define printk(...)    printk_lvl(LOG_INFO, __VA_ARGS__)
#define log_err(...)   printk_lvl(LOG_ERR, __VA_ARGS__)
#define log_warn(...)  printk_lvl(LOG_WARN, __VA_ARGS__)
#define log_info(...)  printk_lvl(LOG_INFO, __VA_ARGS__)
#define log_debug(...) printk_lvl(LOG_DEBUG, __VA_ARGS__)

/* Output of a guest's console, shown line by line with its name. */
void console_guest_write(const char *name, char *linebuf, size_t *linelen,
                         const char *data, size_t len);

/* Copy up to len bytes of the console history starting at *idx. */
size_t console_read_history(char *buf, size_t len, uint32_t *idx);

/* Provided by arch code. */
void arch_console_write(const char *s, size_t n);

/* Serial input routing (common/console_ring.c). */
void console_input_char(char c);
size_t console_read_dom0(char *buf, size_t len);

void panic(const char *fmt, ...) __attribute__((noreturn, format(printf, 1, 2)));

#define BUG() panic("BUG at %s:%d", __FILE__, __LINE__)
#define BUG_ON(c) do { if (unlikely(c)) panic("BUG_ON(%s) at %s:%d", #c, __FILE__, __LINE__); } while (0)
#define ASSERT(c) BUG_ON(!(c))

#endif
