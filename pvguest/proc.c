/* SPDX-License-Identifier: GPL-2.0-only */
/* pvguest: ring-3 processes: spawn, system calls, demand-zero and protection faults, fork, pipes, wait. */
#include "kern.h"
#include "arch.h"
#include "pvpatch.h"

/*
 * Each process is one thread with its own address space (kpt.c).  System
 * calls run with interrupts disabled; a call that must wait (read, write
 * on a pipe, wait) sleeps on a wait queue.  A fault in user mode either
 * resumes at the process's fault handler or kills it with EXIT_FAULT; a
 * fault in kernel mode on a user address inside a mapping is a demand-zero
 * fill, anything else there goes to the exception table (-EFAULT).
 */
#define PIPE_SIZE       512
#define MAX_PIPES       16
#define MMAP_MAX        (1UL << 30)
#define MMAP_END        (USER_STACK_TOP - USER_STACK_SIZE - PAGE_SIZE)
#define COPY_CHUNK      256

struct pipe {
    int readers, writers;               /* 0 and 0: free */
    unsigned int head, tail;            /* free-running */
    struct waitq rq, wq;
    char buf[PIPE_SIZE];
};

static struct proc procs[MAX_PROCS];
static struct pipe pipes[MAX_PIPES];
static int next_pid = 1;
unsigned long proc_faults_killed;

struct proc *kern_current_proc(void)
{
    return current ? current->proc : NULL;
}

/* Copy n bytes; 0, or -UERR_FAULT when an access faults (exception table). */
static long raw_copy(void *dst, const void *src, size_t n)
{
    long fail;

    asm volatile("xor %k[f], %k[f]\n\t"
                 "1: rep movsb\n\t"
                 "jmp 3f\n\t"
                 "2: mov $1, %k[f]\n\t"
                 "3:\n\t"
                 EXTABLE(1b, 2b)
                 : [f] "=&r"(fail), "+D"(dst), "+S"(src), "+c"(n)
                 :: "memory");
    return fail ? -UERR_FAULT : 0;
}

static int user_range_ok(unsigned long va, size_t len)
{
    return va < USER_TOP && len <= USER_TOP - va;
}

static long copy_from_user(void *dst, unsigned long src, size_t n)
{
    return user_range_ok(src, n) ? raw_copy(dst, (const void *)src, n)
                                 : -UERR_FAULT;
}

static long copy_to_user(unsigned long dst, const void *src, size_t n)
{
    return user_range_ok(dst, n) ? raw_copy((void *)dst, src, n)
                                 : -UERR_FAULT;
}

static struct vma *vma_find(struct proc *p, unsigned long va)
{
    unsigned int i;

    for (i = 0; i < MAX_VMAS; i++)
        if (p->vmas[i].end && va >= p->vmas[i].start && va < p->vmas[i].end)
            return &p->vmas[i];
    return NULL;
}

static struct vma *vma_add(struct proc *p, unsigned long start,
                           unsigned long end, int writable)
{
    unsigned int i;

    for (i = 0; i < MAX_VMAS; i++) {
        if (!p->vmas[i].end) {
            p->vmas[i].start = start;
            p->vmas[i].end = end;
            p->vmas[i].writable = writable;
            return &p->vmas[i];
        }
    }
    return NULL;
}

static uint64_t vma_flags(const struct vma *v)
{
    return USER_FLAGS | (v->writable ? _PAGE_RW | _PAGE_DIRTY : 0);
}

/* ---- pipes ---- */

static struct pipe *pipe_alloc(void)
{
    unsigned int i;

    for (i = 0; i < MAX_PIPES; i++) {
        if (!pipes[i].readers && !pipes[i].writers) {
            pipes[i].head = pipes[i].tail = 0;
            pipes[i].readers = pipes[i].writers = 1;
            return &pipes[i];
        }
    }
    return NULL;
}

static long pipe_read(struct pipe *pp, unsigned long ubuf, size_t len)
{
    char tmp[COPY_CHUNK];
    size_t n = 0;

    while (pp->head == pp->tail) {
        if (!pp->writers)
            return 0;
        wait_on(&pp->rq);
    }
    while (n < len && n < sizeof(tmp) && pp->tail != pp->head)
        tmp[n++] = pp->buf[pp->tail++ % PIPE_SIZE];
    wake_all(&pp->wq);
    return copy_to_user(ubuf, tmp, n) ? -UERR_FAULT : (long)n;
}

static long pipe_write(struct pipe *pp, unsigned long ubuf, size_t len)
{
    char tmp[COPY_CHUNK];
    size_t done = 0;

    while (done < len) {
        size_t n = len - done < sizeof(tmp) ? len - done : sizeof(tmp), i;

        if (copy_from_user(tmp, ubuf + done, n))
            return done ? (long)done : -UERR_FAULT;
        for (i = 0; i < n;) {
            if (!pp->readers)
                return done + i ? (long)(done + i) : -UERR_PIPE;
            if (pp->head - pp->tail == PIPE_SIZE) {
                wake_all(&pp->rq);
                wait_on(&pp->wq);
                continue;
            }
            pp->buf[pp->head++ % PIPE_SIZE] = tmp[i++];
        }
        done += n;
        wake_all(&pp->rq);
    }
    return (long)done;
}

static void fd_close(struct proc *p, int fd)
{
    struct pipe *pp = p->fds[fd];

    if (!pp)
        return;
    if (p->fd_write[fd])
        pp->writers--;
    else
        pp->readers--;
    p->fds[fd] = NULL;
    wake_all(&pp->rq);
    wake_all(&pp->wq);
}

static int fd_get(struct proc *p, long fd, int write, struct pipe **pp)
{
    if (fd < 3 || fd >= MAX_FDS || !p->fds[fd] || p->fd_write[fd] != write)
        return -UERR_BADF;
    *pp = p->fds[fd];
    return 0;
}

/* ---- process lifetime ---- */

static struct proc *proc_alloc(void)
{
    unsigned int i;

    for (i = 0; i < MAX_PROCS; i++) {
        struct proc *p = &procs[i];

        /* An orphan's slot is free again once its thread is gone. */
        if (p->pid && p->zombie && p->orphan && p->thread->state == T_DEAD) {
            thread_reap(p->thread);
            p->pid = 0;
        }
        if (!p->pid) {
            memset(p, 0, sizeof(*p));
            p->pid = next_pid++;
            p->parent = kern_current_proc();
            p->mmap_next = USER_MMAP_BASE;
            return p;
        }
    }
    return NULL;
}

static void __noreturn proc_exit(int code)
{
    struct proc *p = current->proc;
    unsigned int i;

    pv_irq_disable();
    for (i = 0; i < MAX_FDS; i++)
        fd_close(p, (int)i);
    for (i = 0; i < MAX_PROCS; i++) {
        if (procs[i].pid && procs[i].parent == p) {
            procs[i].parent = NULL;
            procs[i].orphan = 1;
        }
    }
    as_destroy(&p->as);
    p->exit_code = code;
    p->zombie = 1;
    wake_all(&p->exitq);
    thread_exit();
}

/* Enter user mode with regs at the top of this thread's kernel stack. */
static void __noreturn enter_user(struct cpu_regs *regs)
{
    pv_irq_disable();
    pv->ret_to_user(regs);
}

static struct cpu_regs *top_frame(struct thread *t)
{
    return (struct cpu_regs *)(kstack_top(t) - sizeof(struct cpu_regs));
}

static void proc_first_entry(void *arg)
{
    (void)arg;
    enter_user(top_frame(current));
}

/* The x87/SSE state a process starts with: what fninit leaves, MXCSR reset. */
static void fpu_reset(uint8_t *fpu)
{
    uint16_t fcw = 0x37f;
    uint32_t mxcsr = 0x1f80;

    memset(fpu, 0, 512);
    memcpy(fpu, &fcw, sizeof(fcw));     /* FCW at 0 */
    memcpy(fpu + 24, &mxcsr, sizeof(mxcsr));
}

static struct thread *proc_thread(struct proc *p, void (*fn)(void *))
{
    struct thread *t = thread_new(fn, NULL);

    if (t) {
        t->proc = p;
        p->thread = t;
        fpu_reset(t->fpu);
    }
    return t;
}

/* Map the user programs (read-only, shared) and reserve the stack. */
static int proc_layout(struct proc *p)
{
    unsigned long pfns[64], n = 0, va = USER_TEXT_BASE;
    const char *page;
    int rc;

    for (page = __user_start; page < __user_end; page += PAGE_SIZE) {
        pfns[n++] = virt_to_pfn(page);
        if (n == ARRAY_SIZE(pfns) || page + PAGE_SIZE >= __user_end) {
            rc = as_map_batch(&p->as, va, pfns, (unsigned int)n,
                              USER_FLAGS | PTE_SHARED);
            if (rc)
                return rc;
            va += n * PAGE_SIZE;
            n = 0;
        }
    }
    if (!vma_add(p, USER_STACK_TOP - USER_STACK_SIZE, USER_STACK_TOP, 1))
        return -UERR_NOMEM;
    return 0;
}

/*
 * A new process that will run entry(a0, a1) in ring 3 once proc_start()
 * lets it (pages may be shared with it first); NULL when out of resources.
 */
struct proc *proc_spawn(void (*entry)(long, long), long a0, long a1)
{
    unsigned long flags = pv_save_fl();
    struct cpu_regs *r;
    struct proc *p;

    pv_irq_disable();
    p = proc_alloc();
    pv_restore_fl(flags);
    if (!p)
        return NULL;
    if (as_create(&p->as))
        goto fail_slot;
    if (proc_layout(p) || !proc_thread(p, proc_first_entry))
        goto fail_as;
    r = top_frame(p->thread);
    memset(r, 0, sizeof(*r));
    r->rip = USER_TEXT_BASE + (unsigned long)((const char *)entry - __user_start);
    r->rsp = USER_STACK_TOP - 8;        /* as if called: RSP + 8 aligned */
    r->rdi = (uint64_t)a0;
    r->rsi = (uint64_t)a1;
    r->cs = pv->user_cs;
    r->ss = pv->user_ss;
    r->rflags = X86_EFLAGS_IF | 0x2;
    return p;
fail_as:
    as_destroy(&p->as);
fail_slot:
    p->pid = 0;
    return NULL;
}

void proc_start(struct proc *p)
{
    thread_run(p->thread);
}

/* Share a kernel frame with p at va (the bench's result page). */
int proc_map_page(struct proc *p, unsigned long va, unsigned long pfn,
                  int writable)
{
    return as_map(&p->as, va, pfn,
                  USER_FLAGS | PTE_SHARED | (writable ? _PAGE_RW | _PAGE_DIRTY : 0));
}

/* Wait for p (a child of the calling kernel thread) and free its slot. */
int proc_wait(struct proc *p)
{
    unsigned long flags = pv_save_fl();
    int code;

    pv_irq_disable();
    while (!p->zombie || p->thread->state != T_DEAD)
        wait_on(&p->exitq);
    code = p->exit_code;
    thread_reap(p->thread);
    p->pid = 0;
    pv_restore_fl(flags);
    return code;
}

static long sys_wait(struct proc *self, long pid)
{
    unsigned int i;

    for (i = 0; i < MAX_PROCS; i++)
        if (procs[i].pid == pid && procs[i].parent == self)
            return proc_wait(&procs[i]);
    return -UERR_CHILD;
}

static void proc_fork_entry(void *arg)
{
    (void)arg;
    enter_user(top_frame(current));
}

static long sys_fork(struct proc *self, const struct cpu_regs *regs)
{
    struct proc *c = proc_alloc();
    struct thread *t;
    unsigned int i;

    if (!c)
        return -UERR_NOMEM;
    if (as_create(&c->as))
        goto fail_slot;
    if (as_copy(&c->as, &self->as))
        goto fail_as;
    t = proc_thread(c, proc_fork_entry);
    if (!t)
        goto fail_as;
    memcpy(c->vmas, self->vmas, sizeof(c->vmas));
    c->mmap_next = self->mmap_next;
    c->fault_handler = self->fault_handler;
    for (i = 0; i < MAX_FDS; i++) {
        c->fds[i] = self->fds[i];
        c->fd_write[i] = self->fd_write[i];
        if (c->fds[i]) {
            if (c->fd_write[i])
                c->fds[i]->writers++;
            else
                c->fds[i]->readers++;
        }
    }
    *top_frame(t) = *regs;
    top_frame(t)->rax = 0;
    fxsave(t->fpu);                     /* the parent's registers, live here */
    thread_run(t);
    return c->pid;
fail_as:
    as_destroy(&c->as);
fail_slot:
    c->pid = 0;
    return -UERR_NOMEM;
}

static long sys_mmap(struct proc *p, unsigned long len, unsigned long flags)
{
    unsigned long va = p->mmap_next, pfns[64], i;
    struct vma *v;

    if (!len || len > MMAP_MAX || (flags & ~(MMAP_WRITE | MMAP_POPULATE)))
        return -UERR_INVAL;
    len = (len + PAGE_SIZE - 1) & PAGE_MASK;
    /* A bump allocator of addresses below the stack (munmap of the last
     * mapping gives its room back). */
    if (len > MMAP_END - va)
        return -UERR_NOMEM;
    v = vma_add(p, va, va + len, !!(flags & MMAP_WRITE));
    if (!v)
        return -UERR_NOMEM;
    p->mmap_next = va + len + PAGE_SIZE;        /* an unmapped gap between */
    if (!(flags & MMAP_POPULATE))
        return (long)va;
    /* Populate: allocate, then map in batches (one hypercall per 64 under Xen). */
    for (i = 0; i < len / PAGE_SIZE;) {
        unsigned long n = 0;
        int rc = 0;

        while (n < ARRAY_SIZE(pfns) && i + n < len / PAGE_SIZE) {
            void *page = page_alloc();

            if (!page) {
                rc = -UERR_NOMEM;
                break;
            }
            pfns[n++] = virt_to_pfn(page);
        }
        if (!rc)
            rc = as_map_batch(&p->as, va + i * PAGE_SIZE, pfns,
                              (unsigned int)n, vma_flags(v));
        if (rc) {
            /* Free what did not get mapped; unmapping frees the rest. */
            while (n--) {
                uint64_t *ptep = as_lookup(&p->as, va + (i + n) * PAGE_SIZE);

                if (!ptep || !(*ptep & _PAGE_PRESENT))
                    frame_free(pfns[n]);
            }
            as_unmap_range(&p->as, va, len);
            v->end = 0;
            return -UERR_NOMEM;
        }
        i += n;
    }
    return (long)va;
}

static long sys_munmap(struct proc *p, unsigned long va, unsigned long len)
{
    struct vma *v = vma_find(p, va);
    unsigned long end;

    if (!v || (va & ~PAGE_MASK) || !len)
        return -UERR_INVAL;
    end = va + ((len + PAGE_SIZE - 1) & PAGE_MASK);
    if (end > v->end || end < va)
        return -UERR_INVAL;
    if (va != v->start && end != v->end)
        return -UERR_INVAL;             /* no splitting */
    as_unmap_range(&p->as, va, end - va);
    if (end == v->end && end + PAGE_SIZE == p->mmap_next)
        p->mmap_next = va;
    if (va == v->start && end == v->end)
        v->end = 0;
    else if (va == v->start)
        v->start = end;
    else
        v->end = va;
    return 0;
}

static long sys_write(struct proc *p, long fd, unsigned long ubuf, size_t len)
{
    char tmp[COPY_CHUNK];
    struct pipe *pp;
    size_t done = 0;

    if (fd == 1 || fd == 2) {
        while (done < len) {
            size_t n = len - done < sizeof(tmp) ? len - done : sizeof(tmp);

            if (copy_from_user(tmp, ubuf + done, n))
                return done ? (long)done : -UERR_FAULT;
            pv->console_write(tmp, (int)n);
            done += n;
        }
        return (long)done;
    }
    if (fd_get(p, fd, 1, &pp))
        return -UERR_BADF;
    return pipe_write(pp, ubuf, len);
}

static long sys_read(struct proc *p, long fd, unsigned long ubuf, size_t len)
{
    struct pipe *pp;

    if (fd_get(p, fd, 0, &pp))
        return -UERR_BADF;
    return pipe_read(pp, ubuf, len);
}

static long sys_pipe(struct proc *p, unsigned long ufds)
{
    struct pipe *pp;
    int fds[2], n = 0, fd;

    for (fd = 3; fd < MAX_FDS && n < 2; fd++)
        if (!p->fds[fd])
            fds[n++] = fd;
    if (n < 2)
        return -UERR_MFILE;
    pp = pipe_alloc();
    if (!pp)
        return -UERR_MFILE;
    if (copy_to_user(ufds, fds, sizeof(fds))) {
        pp->readers = pp->writers = 0;
        return -UERR_FAULT;
    }
    p->fds[fds[0]] = pp;
    p->fd_write[fds[0]] = 0;
    p->fds[fds[1]] = pp;
    p->fd_write[fds[1]] = 1;
    return 0;
}

static long sys_close(struct proc *p, long fd)
{
    if (fd < 3 || fd >= MAX_FDS || !p->fds[fd])
        return -UERR_BADF;
    fd_close(p, (int)fd);
    return 0;
}

/* The syscall entry (interrupts disabled); returns the platform's exit flags. */
unsigned long kern_syscall(struct cpu_regs *r)
{
    struct proc *p = current->proc;
    long ret;

    switch (r->rax) {
    case SYS_write:
        ret = sys_write(p, (long)r->rdi, r->rsi, r->rdx);
        break;
    case SYS_exit:
        proc_exit((int)r->rdi);
    case SYS_yield:
        yield();
        ret = 0;
        break;
    case SYS_getpid:
        ret = p->pid;
        break;
    case SYS_mmap:
        ret = sys_mmap(p, r->rdi, r->rsi);
        break;
    case SYS_munmap:
        ret = sys_munmap(p, r->rdi, r->rsi);
        break;
    case SYS_fork:
        ret = sys_fork(p, r);
        break;
    case SYS_wait:
        ret = sys_wait(p, (long)r->rdi);
        break;
    case SYS_pipe:
        ret = sys_pipe(p, r->rdi);
        break;
    case SYS_read:
        ret = sys_read(p, (long)r->rdi, r->rsi, r->rdx);
        break;
    case SYS_close:
        ret = sys_close(p, (long)r->rdi);
        break;
    case SYS_fault_handler:
        p->fault_handler = r->rdi < USER_TOP ? r->rdi : 0;
        ret = 0;
        break;
    default:
        ret = -UERR_NOSYS;
        break;
    }
    r->rax = (uint64_t)ret;
    return VGCF_in_syscall;             /* Xen may return with sysret */
}

/*
 * A fault while a process is current: 1 when handled (a demand-zero fill,
 * or the process redirected), 0 for the exception table / a panic.  A
 * process that has no handler dies here.
 */
int kern_fault(struct cpu_regs *r)
{
    struct proc *p = current->proc;
    int user = (r->cs & 3) == 3;
    unsigned long cr2 = 0;

    if (r->vector == X86_EXC_PF) {
        struct vma *v;

        cr2 = pv_read_cr2();
        v = cr2 < USER_TOP ? vma_find(p, cr2) : NULL;
        if (v && !(r->error_code & 1) && (v->writable || !(r->error_code & 2))) {
            void *page = page_alloc();

            if (page && !as_map(&p->as, cr2 & PAGE_MASK, virt_to_pfn(page),
                                vma_flags(v)))
                return 1;
            if (page)
                page_free(page);
        }
    }
    if (!user)
        return 0;
    /* A handler that faults itself would loop: that process dies. */
    if (p->fault_handler && r->rip != p->fault_handler) {
        r->rip = p->fault_handler;
        r->rdi = cr2;
        r->rsi = r->vector;
        return 1;
    }
    proc_faults_killed++;
    proc_exit(EXIT_FAULT);
}
