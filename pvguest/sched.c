/* SPDX-License-Identifier: GPL-2.0-only */
/* pvguest: kernel threads, a preemptive round-robin scheduler, sleeping and wait queues. */
#include "kern.h"
#include "arch.h"
#include "pvpatch.h"

/*
 * One CPU.  Everything below runs with interrupts disabled (IF natively,
 * the event mask under Xen): callers save the state, disable, call in and
 * restore, so a thread switched out inside schedule() comes back with the
 * state it had.  The timer ticks every TICK_NS; a tick that finds another
 * thread runnable preempts the current one, in kernel or user mode alike.
 */
#define MAX_THREADS     40
#define TICK_NS         10000000ULL     /* 10 ms */

struct thread *current;
unsigned long sched_switches, sched_preemptions, sched_ticks;

static struct thread threads[MAX_THREADS];
static struct thread boot_thread, idle_thread;
static struct thread *runq_head, *runq_tail, *sleepers;
static unsigned int next_id = 1;
static int sched_running;

void switch_stack(uint64_t *save_rsp, uint64_t next_rsp);      /* kswitch.S */
void thread_trampoline(void);
void __noreturn thread_entry(void);

uint64_t kstack_top(const struct thread *t)
{
    return (uint64_t)t->kstack + KSTACK_PAGES * PAGE_SIZE;
}

static void runq_push(struct thread *t)
{
    t->next = NULL;
    if (runq_tail)
        runq_tail->next = t;
    else
        runq_head = t;
    runq_tail = t;
}

static struct thread *runq_pop(void)
{
    struct thread *t = runq_head;

    if (t) {
        runq_head = t->next;
        if (!runq_head)
            runq_tail = NULL;
    }
    return t;
}

static void switch_to(struct thread *next)
{
    struct thread *prev = current;

    if (next == prev)
        return;
    /* Eager: a process's x87/SSE registers go with it. */
    if (prev->proc)
        fxsave(prev->fpu);
    if (next->proc)
        fxrstor(next->fpu);
    if (next->proc) {
        pv_start_context_switch();
        pv_load_sp0(kstack_top(next));
        as_switch(&next->proc->as);
        pv_end_context_switch();
    }
    current = next;
    sched_switches++;
    switch_stack(&prev->rsp, next->rsp);
}

/* Run the next runnable thread; the caller has queued itself if it wants back. */
void schedule(void)
{
    struct thread *next = runq_pop();

    if (!next) {
        if (current->state == T_RUNNABLE && current != &idle_thread)
            return;
        next = &idle_thread;
    }
    switch_to(next);
}

void yield(void)
{
    unsigned long flags = pv_save_fl();

    pv_irq_disable();
    if (current != &idle_thread)
        runq_push(current);
    schedule();
    pv_restore_fl(flags);
}

void wait_on(struct waitq *q)
{
    current->state = T_BLOCKED;
    current->next = q->head;
    q->head = current;
    schedule();
}

void wake_all(struct waitq *q)
{
    while (q->head) {
        struct thread *t = q->head;

        q->head = t->next;
        t->state = T_RUNNABLE;
        runq_push(t);
    }
}

static void arm_timer(uint64_t now)
{
    uint64_t next = now + TICK_NS;

    if (sleepers && sleepers->wake_at < next)
        next = sleepers->wake_at;
    pv_timer_oneshot(next);
}

void sleep_ns(uint64_t ns)
{
    unsigned long flags = pv_save_fl();
    uint64_t now = pv_clock_ns();
    struct thread **pp;

    pv_irq_disable();
    current->wake_at = now + ns;
    for (pp = &sleepers; *pp && (*pp)->wake_at <= current->wake_at;
         pp = &(*pp)->sleep_next)
        ;
    current->sleep_next = *pp;
    *pp = current;
    current->state = T_BLOCKED;
    arm_timer(now);
    schedule();
    pv_restore_fl(flags);
}

/* The platform's timer interrupt (interrupts disabled). */
void kern_timer_interrupt(void)
{
    uint64_t now;

    if (!sched_running)
        return;
    sched_ticks++;
    now = pv_clock_ns();
    while (sleepers && sleepers->wake_at <= now) {
        struct thread *t = sleepers;

        sleepers = t->sleep_next;
        t->state = T_RUNNABLE;
        runq_push(t);
    }
    arm_timer(now);
    if (!runq_head)
        return;
    if (current != &idle_thread) {
        sched_preemptions++;
        runq_push(current);
    }
    schedule();
}

void __noreturn thread_entry(void)
{
    pv_irq_enable();
    current->fn(current->arg);
    thread_exit();
}

static void *stack_alloc(void)
{
    unsigned long pfn = frames_alloc_run(KSTACK_PAGES);

    return pfn ? pfn_to_virt(pfn) : NULL;
}

/*
 * A thread that will run fn(arg) once thread_run() queues it: whoever
 * creates it can finish setting it up (a process's first frame) first.
 */
struct thread *thread_new(void (*fn)(void *), void *arg)
{
    unsigned long flags = pv_save_fl();
    struct thread *t = NULL;
    uint64_t *sp;
    unsigned int i;

    pv_irq_disable();
    for (i = 0; i < MAX_THREADS; i++) {
        if (!threads[i].kstack) {
            t = &threads[i];
            break;
        }
    }
    if (t)
        t->kstack = stack_alloc();
    if (!t || !t->kstack) {
        pv_restore_fl(flags);
        return NULL;
    }
    t->fn = fn;
    t->arg = arg;
    t->proc = NULL;
    t->done.head = NULL;
    t->id = next_id++;
    /*
     * What switch_stack pops: six callee-saved registers, then its return;
     * below the top frame, where a process's first user frame is built.
     */
    sp = (uint64_t *)(kstack_top(t) - sizeof(struct cpu_regs));
    *--sp = (uint64_t)thread_trampoline;
    for (i = 0; i < 6; i++)
        *--sp = 0;
    t->rsp = (uint64_t)sp;
    t->state = T_BLOCKED;
    pv_restore_fl(flags);
    return t;
}

void thread_run(struct thread *t)
{
    unsigned long flags = pv_save_fl();

    pv_irq_disable();
    t->state = T_RUNNABLE;
    runq_push(t);
    pv_restore_fl(flags);
}

struct thread *thread_create(void (*fn)(void *), void *arg)
{
    struct thread *t = thread_new(fn, arg);

    if (t)
        thread_run(t);
    return t;
}

void __noreturn thread_exit(void)
{
    pv_irq_disable();
    current->state = T_DEAD;
    wake_all(&current->done);
    schedule();
    pvg_panic("a dead thread was scheduled");
}

void thread_reap(struct thread *t)
{
    if (t->state != T_DEAD)
        pvg_panic("reaping thread %u, which is still alive", t->id);
    frames_free_run(virt_to_pfn(t->kstack), KSTACK_PAGES);
    t->kstack = NULL;
}

void thread_join(struct thread *t)
{
    unsigned long flags = pv_save_fl();

    pv_irq_disable();
    while (t->state != T_DEAD)
        wait_on(&t->done);
    pv_restore_fl(flags);
    thread_reap(t);
}

static void idle_loop(void *unused)
{
    (void)unused;
    for (;;) {
        pv_irq_disable();
        if (runq_head)
            schedule();
        else
            pv_safe_halt();
    }
}

/*
 * The caller becomes the boot thread (it keeps its stack); an idle
 * thread runs when nothing else can; the first tick is armed.
 */
int sched_init(void)
{
    pv->fpu_init();                     /* processes may use x87/SSE */
    boot_thread.state = T_RUNNABLE;
    boot_thread.id = 0;
    current = &boot_thread;
    idle_thread.kstack = stack_alloc();
    if (!idle_thread.kstack)
        return -1;
    idle_thread.fn = idle_loop;
    idle_thread.state = T_RUNNABLE;
    idle_thread.rsp = kstack_top(&idle_thread) - 7 * 8;
    ((uint64_t *)idle_thread.rsp)[6] = (uint64_t)thread_trampoline;
    sched_running = 1;
    pv_irq_disable();
    arm_timer(pv_clock_ns());
    pv_irq_enable();
    return 0;
}
