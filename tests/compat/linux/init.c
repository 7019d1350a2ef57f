// SPDX-License-Identifier: GPL-2.0-only
// /init of the Linux-on-Xenia test: a little userspace work through the guest kernel's PV MMU, a verdict, power off.
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/reboot.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

#define CHILDREN 20
#define TOUCH    (1 << 20)      /* bytes each child dirties (copy-on-write) */
#define ROUNDS   1000           /* pipe round trips */

static char heap[TOUCH];

/* fork: every child writes its copy of a 1 MiB array and exits with a digest. */
static int fork_children(void)
{
    int i, ok = 0;

    memset(heap, 1, sizeof(heap));
    for (i = 0; i < CHILDREN; i++) {
        pid_t pid = fork();
        int status;

        if (pid == 0) {
            unsigned sum = 0;
            size_t j;

            for (j = 0; j < sizeof(heap); j += 4096) {
                heap[j] = (char)i;
                sum += (unsigned char)heap[j];
            }
            _exit((int)(sum % 251));
        }
        if (pid < 0 || waitpid(pid, &status, 0) != pid)
            return 0;
        if (WIFEXITED(status) && WEXITSTATUS(status) == (int)((256u * i) % 251))
            ok++;
    }
    return ok == CHILDREN && heap[0] == 1;
}

/* A counter through two pipes between two processes. */
static int pipe_pingpong(void)
{
    int down[2], up[2], i, v;
    pid_t pid;

    if (pipe(down) || pipe(up))
        return 0;
    pid = fork();
    if (pid == 0) {
        close(down[1]);         /* or the parent's close never ends our reads */
        close(up[0]);
        while (read(down[0], &v, sizeof(v)) == sizeof(v)) {
            v++;
            if (write(up[1], &v, sizeof(v)) != sizeof(v))
                _exit(1);
        }
        _exit(0);
    }
    close(down[0]);
    close(up[1]);
    for (i = 0; i < ROUNDS; i++) {
        if (write(down[1], &i, sizeof(i)) != sizeof(i) ||
            read(up[0], &v, sizeof(v)) != sizeof(v) || v != i + 1)
            return 0;
    }
    close(down[1]);
    return waitpid(pid, NULL, 0) == pid;
}

/* Anonymous memory: demand-zero pages, then given back. */
static int anon_memory(void)
{
    size_t len = 16 << 20, i;
    unsigned char *p = mmap(NULL, len, PROT_READ | PROT_WRITE,
                            MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

    if (p == MAP_FAILED)
        return 0;
    for (i = 0; i < len; i += 4096)
        if (p[i] != 0)
            return 0;
    for (i = 0; i < len; i += 4096)
        p[i] = (unsigned char)(i >> 12);
    for (i = 0; i < len; i += 4096)
        if (p[i] != (unsigned char)(i >> 12))
            return 0;
    return munmap(p, len) == 0;
}

int main(void)
{
    struct utsname u;
    int f, p, m;

    uname(&u);
    printf("xenia-linux: userspace up: %s %s %s\n", u.sysname, u.release, u.machine);
    f = fork_children();
    p = pipe_pingpong();
    m = anon_memory();
    printf("xenia-linux: fork %s, pipe %s, mmap %s\n", f ? "ok" : "FAILED",
           p ? "ok" : "FAILED", m ? "ok" : "FAILED");
    printf("xenia-linux: %s\n", f && p && m ? "all ok" : "failures");
    fflush(stdout);
    sync();
    reboot(RB_POWER_OFF);
    return 1;
}
