/* SPDX-License-Identifier: GPL-2.0-only */
/* Internals shared by the PV MMU files (validation, mmu_update, PTWR). */
#ifndef PV_MM_H
#define PV_MM_H

#include <xenia/sched.h>
#include <asm/page.h>

bool is_hv_l4_slot(unsigned int i);
int get_page_from_l1e(pte_t e, struct domain *d, struct domain *pg_owner);
void put_page_from_l1e(pte_t e);
int get_page_from_lne(pte_t e, unsigned int level, struct domain *d,
                      unsigned long self_mfn);
void put_page_from_lne(pte_t e, unsigned long self_mfn);
pte_t *guest_l1_slot(struct vcpu *v, unsigned long va);

/* A mapping was removed or downgraded: flush before the guest runs. */
extern bool pv_flush_pending;
void pv_flush_if_pending(void);

unsigned int pv_batch_resume(unsigned long *count, unsigned long pdone);
long pv_batch_finish(long rc, unsigned int i, unsigned int before,
                     unsigned long pdone);
long pv_batch_continue(unsigned long list, size_t size, unsigned int i,
                       unsigned long count, unsigned long pdone,
                       unsigned long foreigndom, unsigned int before);

#endif
