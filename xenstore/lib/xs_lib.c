/* SPDX-License-Identifier: GPL-2.0-only */
/* libxenstore.so.4: client library, drop-in for Debian's libxenstore4. */
#define _GNU_SOURCE
#include <xenstore.h>

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <sys/un.h>
#include <unistd.h>

#include "xs_codec.h"

/*
 * One request at a time per handle (request_mutex).  Until the first watch
 * the caller's thread reads its own reply; from then on a reader thread
 * owns the socket: it queues watch events (and makes the xs_fileno() pipe
 * readable) and hands the one expected reply over through reply_cond.
 * Lock order: request_mutex, then reply_mutex or watch_mutex.
 */
struct xs_msg {
    struct xs_msg *next;
    struct xsd_sockmsg hdr;
    char body[]; /* hdr.len bytes + NUL */
};

/*
 * Replies are read through a per-handle buffer: one read() usually brings a
 * whole reply (often with a watch event behind it) instead of a header and
 * then a body.  Only one thread reads at a time (the caller under
 * request_mutex, or the reader thread once it runs), so the buffer needs no
 * lock of its own.  IN_CAP holds two largest messages, so a partial one
 * moved to the front always has room to complete.
 */
#define IN_CAP (2 * (sizeof(struct xsd_sockmsg) + XENSTORE_PAYLOAD_MAX))
#define XS_MAX_IOV 3 /* payload pieces of any request (INTRODUCE's) */

struct xs_handle {
    int fd;
    bool is_socket; /* requests go out in one sendmsg(MSG_NOSIGNAL) */
    unsigned long flags;
    char *in;          /* IN_CAP bytes, allocated on the first reply */
    size_t in_off, in_len;
    pthread_mutex_t request_mutex;
    pthread_mutex_t reply_mutex;
    pthread_cond_t reply_cond;
    struct xs_msg *reply;
    int reply_err; /* reader thread saw the connection die */
    pthread_mutex_t watch_mutex;
    pthread_cond_t watch_cond;
    struct xs_msg *events, **events_tail;
    int watch_pipe[2];
    bool reader_running;
    pthread_t reader;
};

/* ---- paths and helpers (xenstore_lib.h) ---- */

const char *xs_daemon_rundir(void)
{
    const char *d = getenv("XENSTORED_RUNDIR");

    return d ? d : "/var/run/xenstored";
}

const char *xs_daemon_socket(void)
{
    static char buf[4200];
    const char *p = getenv("XENSTORED_PATH");

    if (p)
        return p;
    snprintf(buf, sizeof(buf), "%s/socket", xs_daemon_rundir());
    return buf;
}

const char *xs_daemon_socket_ro(void)
{
    return xs_daemon_socket();
}

bool xs_write_all(int fd, const void *data, unsigned int len)
{
    const char *p = data;

    while (len) {
        ssize_t n = write(fd, p, len);

        if (n < 0) {
            if (errno == EINTR)
                continue;
            return false;
        }
        p += n;
        len -= (unsigned int)n;
    }
    return true;
}

bool xs_strings_to_perms(struct xs_permissions *perms, unsigned int num,
                         const char *strings)
{
    const char *p = strings;

    for (unsigned int i = 0; i < num; i++) {
        char *end;

        switch (*p) {
        case 'n':
            perms[i].perms = XS_PERM_NONE;
            break;
        case 'r':
            perms[i].perms = XS_PERM_READ;
            break;
        case 'w':
            perms[i].perms = XS_PERM_WRITE;
            break;
        case 'b':
            perms[i].perms = XS_PERM_READ | XS_PERM_WRITE;
            break;
        default:
            errno = EINVAL;
            return false;
        }
        errno = 0;
        perms[i].id = (unsigned int)strtol(p + 1, &end, 0);
        if (end == p + 1 || *end || errno) {
            errno = EINVAL;
            return false;
        }
        p = end + 1;
    }
    return true;
}

bool xs_path_is_subpath(const char *parent, const char *child)
{
    size_t pl = strlen(parent), cl = strlen(child);

    if (cl < pl || memcmp(child, parent, pl))
        return false;
    return cl == pl || child[pl] == '/';
}

/* ---- connection ---- */

static int connect_socket(const char *path)
{
    struct sockaddr_un sa = {.sun_family = AF_UNIX};
    int fd, saved;

    if (strlen(path) >= sizeof(sa.sun_path)) {
        errno = EINVAL;
        return -1;
    }
    strcpy(sa.sun_path, path);
    fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return -1;
    if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
        saved = errno;
        close(fd);
        errno = saved;
        return -1;
    }
    return fd;
}

/* A unix socket is connected to; anything else is a xenbus device. */
static int open_path(const char *path)
{
    struct stat st;

    if (stat(path, &st) == 0 && S_ISSOCK(st.st_mode))
        return connect_socket(path);
    return open(path, O_RDWR | O_CLOEXEC);
}

static const char *domain_dev(void)
{
    const char *p = getenv("XENSTORED_PATH");

    if (p)
        return p;
    if (access("/dev/xen/xenbus", F_OK) == 0)
        return "/dev/xen/xenbus";
    return "/proc/xen/xenbus";
}

struct xs_handle *xs_open(unsigned long flags)
{
    struct xs_handle *h;
    struct stat st;
    int fd = open_path(xs_daemon_socket()), saved;

    if (fd < 0) {
        saved = errno;
        fd = open_path(domain_dev());
        if (fd < 0) {
            errno = saved;
            return NULL;
        }
    }
    h = calloc(1, sizeof(*h));
    if (!h) {
        close(fd);
        errno = ENOMEM;
        return NULL;
    }
    h->fd = fd;
    h->is_socket = fstat(fd, &st) == 0 && S_ISSOCK(st.st_mode);
    h->flags = flags;
    h->watch_pipe[0] = h->watch_pipe[1] = -1;
    h->events_tail = &h->events;
    pthread_mutex_init(&h->request_mutex, NULL);
    pthread_mutex_init(&h->reply_mutex, NULL);
    pthread_cond_init(&h->reply_cond, NULL);
    pthread_mutex_init(&h->watch_mutex, NULL);
    pthread_cond_init(&h->watch_cond, NULL);
    return h;
}

struct xs_handle *xs_daemon_open(void)
{
    return xs_open(0);
}

struct xs_handle *xs_domain_open(void)
{
    return xs_open(0);
}

struct xs_handle *xs_daemon_open_readonly(void)
{
    return xs_open(XS_OPEN_READONLY);
}

static void free_list(struct xs_msg *m)
{
    while (m) {
        struct xs_msg *n = m->next;

        free(m);
        m = n;
    }
}

static void handle_free(struct xs_handle *h, bool close_fd)
{
    if (close_fd && h->fd >= 0)
        close(h->fd);
    if (h->watch_pipe[0] >= 0) {
        close(h->watch_pipe[0]);
        close(h->watch_pipe[1]);
    }
    free_list(h->events);
    free(h->reply);
    free(h->in);
    pthread_mutex_destroy(&h->request_mutex);
    pthread_mutex_destroy(&h->reply_mutex);
    pthread_cond_destroy(&h->reply_cond);
    pthread_mutex_destroy(&h->watch_mutex);
    pthread_cond_destroy(&h->watch_cond);
    free(h);
}

void xs_close(struct xs_handle *h)
{
    if (!h)
        return;
    if (h->reader_running) {
        pthread_cancel(h->reader);
        pthread_join(h->reader, NULL);
    }
    handle_free(h, true);
}

void xs_daemon_close(struct xs_handle *h)
{
    xs_close(h);
}

void xs_daemon_destroy_postfork(struct xs_handle *h)
{
    /* The reader thread does not exist in the child. */
    if (h)
        handle_free(h, true);
}

/* ---- messages ---- */

/* At least `want` unread bytes in h->in; false with errno on EOF or error. */
static bool fill_in(struct xs_handle *h, size_t want)
{
    if (!h->in && !(h->in = malloc(IN_CAP))) {
        errno = ENOMEM;
        return false;
    }
    if (h->in_len - h->in_off >= want)
        return true;
    if (h->in_off + want > IN_CAP) {
        memmove(h->in, h->in + h->in_off, h->in_len - h->in_off);
        h->in_len -= h->in_off;
        h->in_off = 0;
    }
    while (h->in_len - h->in_off < want) {
        ssize_t n = read(h->fd, h->in + h->in_len, IN_CAP - h->in_len);

        if (n == 0) {
            errno = ECONNRESET;
            return false;
        }
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return false;
        }
        h->in_len += (size_t)n;
    }
    return true;
}

/* One whole message from the daemon; NULL with errno on failure. */
static struct xs_msg *read_msg(struct xs_handle *h)
{
    struct xsd_sockmsg hdr;
    struct xs_msg *m;

    if (!fill_in(h, sizeof(hdr)))
        return NULL;
    memcpy(&hdr, h->in + h->in_off, sizeof(hdr));
    if (hdr.len > XENSTORE_PAYLOAD_MAX) {
        errno = E2BIG;
        return NULL;
    }
    if (!fill_in(h, sizeof(hdr) + hdr.len))
        return NULL;
    m = malloc(sizeof(*m) + hdr.len + 1);
    if (!m) {
        errno = ENOMEM;
        return NULL;
    }
    m->next = NULL;
    m->hdr = hdr;
    memcpy(m->body, h->in + h->in_off + sizeof(hdr), hdr.len);
    m->body[hdr.len] = '\0';
    h->in_off += sizeof(hdr) + hdr.len;
    if (h->in_off == h->in_len)
        h->in_off = h->in_len = 0;
    return m;
}

/*
 * Send a whole request: header and payload in one system call where the
 * kernel takes it all (a unix socket does), so the daemon wakes once, to a
 * complete message.  MSG_NOSIGNAL makes a dead daemon an EPIPE error, not a
 * SIGPIPE, as Debian's library's SIG_IGN around its writes does.
 */
static bool send_msg(struct xs_handle *h, const struct xsd_sockmsg *hdr,
                     const struct iovec *iov, unsigned int n)
{
    struct iovec v[1 + XS_MAX_IOV];
    struct msghdr mh = {.msg_iov = v};
    unsigned int cnt = 0;

    v[cnt++] = (struct iovec){(void *)hdr, sizeof(*hdr)};
    for (unsigned int i = 0; i < n; i++)
        if (iov[i].iov_len)
            v[cnt++] = iov[i];
    mh.msg_iovlen = cnt;
    while (mh.msg_iovlen) {
        ssize_t k = h->is_socket ? sendmsg(h->fd, &mh, MSG_NOSIGNAL)
                                 : writev(h->fd, mh.msg_iov, (int)mh.msg_iovlen);

        if (k < 0) {
            if (errno == EINTR)
                continue;
            return false;
        }
        while (mh.msg_iovlen && (size_t)k >= mh.msg_iov->iov_len) {
            k -= (ssize_t)mh.msg_iov->iov_len;
            mh.msg_iov++;
            mh.msg_iovlen--;
        }
        if (mh.msg_iovlen) {
            mh.msg_iov->iov_base = (char *)mh.msg_iov->iov_base + k;
            mh.msg_iov->iov_len -= (size_t)k;
        }
    }
    return true;
}

/* Queue a watch event; the pipe turns readable while the queue is non-empty. */
static void queue_event(struct xs_handle *h, struct xs_msg *m)
{
    pthread_mutex_lock(&h->watch_mutex);
    if (!h->events && h->watch_pipe[1] >= 0) {
        char c = 0;

        if (write(h->watch_pipe[1], &c, 1) < 0) {
            /* The pipe only signals; a failed write loses nothing. */
        }
    }
    *h->events_tail = m;
    h->events_tail = &m->next;
    pthread_cond_broadcast(&h->watch_cond);
    pthread_mutex_unlock(&h->watch_mutex);
}

static void *reader_main(void *arg)
{
    struct xs_handle *h = arg;

    for (;;) {
        struct xs_msg *m = read_msg(h);
        int old;

        pthread_setcancelstate(PTHREAD_CANCEL_DISABLE, &old);
        if (!m) {
            pthread_mutex_lock(&h->reply_mutex);
            h->reply_err = errno ? errno : ECONNRESET;
            pthread_cond_broadcast(&h->reply_cond);
            pthread_mutex_unlock(&h->reply_mutex);
            pthread_mutex_lock(&h->watch_mutex);
            pthread_cond_broadcast(&h->watch_cond);
            pthread_mutex_unlock(&h->watch_mutex);
            pthread_setcancelstate(old, NULL);
            return NULL;
        }
        if (m->hdr.type == XS_WATCH_EVENT) {
            queue_event(h, m);
        } else {
            pthread_mutex_lock(&h->reply_mutex);
            free(h->reply);
            h->reply = m;
            pthread_cond_broadcast(&h->reply_cond);
            pthread_mutex_unlock(&h->reply_mutex);
        }
        pthread_setcancelstate(old, NULL);
    }
}

/* The reply to our request (watch events met on the way are queued). */
static struct xs_msg *get_reply(struct xs_handle *h)
{
    struct xs_msg *m;

    if (!h->reader_running) {
        while ((m = read_msg(h)) && m->hdr.type == XS_WATCH_EVENT)
            queue_event(h, m);
        return m;
    }
    pthread_mutex_lock(&h->reply_mutex);
    while (!h->reply && !h->reply_err)
        pthread_cond_wait(&h->reply_cond, &h->reply_mutex);
    m = h->reply;
    h->reply = NULL;
    if (!m)
        errno = h->reply_err;
    pthread_mutex_unlock(&h->reply_mutex);
    return m;
}

static void request_unlock(void *arg)
{
    pthread_mutex_unlock(arg);
}

struct talk {
    struct xs_handle *h;
    struct xsd_sockmsg hdr;
    const struct iovec *iov;
    unsigned int n;
    unsigned int *len;
    void *ret;
    int err;
};

/* With request_mutex held: send, wait for the reply, check it. */
static void talk_locked(struct talk *c)
{
    struct xs_msg *m = NULL;

    if (!send_msg(c->h, &c->hdr, c->iov, c->n))
        goto fail;
    m = get_reply(c->h);
    if (!m)
        goto fail;
    if (m->hdr.type == XS_ERROR) {
        c->err = xs_errno_from_string(m->body, m->hdr.len);
    } else if (m->hdr.type != c->hdr.type) {
        c->err = EBADF;
    } else {
        if (c->len)
            *c->len = m->hdr.len;
        c->ret = malloc(m->hdr.len + 1);
        if (c->ret)
            memcpy(c->ret, m->body, m->hdr.len + 1);
        else
            c->err = ENOMEM;
    }
    free(m);
    return;
fail:
    c->err = errno ? errno : EIO;
}

/*
 * Send type with the iovecs as payload; return the reply's payload (NUL
 * added, length in *len) or NULL with errno.  As Debian's library: a reply
 * of another type than asked means the stream is out of step (EBADF).
 */
static void *xs_talkv(struct xs_handle *h, xs_transaction_t t, uint32_t type,
                      const struct iovec *iov, unsigned int n,
                      unsigned int *len)
{
    struct talk c = {
        .h = h,
        .hdr = {.type = type, .tx_id = t},
        .iov = iov,
        .n = n,
        .len = len,
    };

    for (unsigned int i = 0; i < n; i++)
        c.hdr.len += (uint32_t)iov[i].iov_len;
    if (n > XS_MAX_IOV || c.hdr.len > XENSTORE_PAYLOAD_MAX) {
        errno = E2BIG;
        return NULL;
    }
    pthread_mutex_lock(&h->request_mutex);
    pthread_cleanup_push(request_unlock, &h->request_mutex);
    talk_locked(&c);
    pthread_cleanup_pop(1);
    if (c.err)
        errno = c.err;
    else if (!h->reader_running)
        errno = 0; /* as Debian's library; test-xenstore relies on it */
    return c.ret;
}

static void *xs_single(struct xs_handle *h, xs_transaction_t t, uint32_t type,
                       const char *arg, unsigned int *len)
{
    struct iovec iov = {.iov_base = (void *)arg, .iov_len = strlen(arg) + 1};

    return xs_talkv(h, t, type, &iov, 1, len);
}

static bool xs_bool(void *reply)
{
    if (!reply)
        return false;
    free(reply);
    return true;
}

/* ---- tree ---- */

/* Split n NUL-terminated strings into one malloc block: array then strings. */
static char **strings_to_array(const char *strs, unsigned int len,
                               unsigned int *num)
{
    unsigned int n = xs_count_strings(strs, len);
    char **ret = malloc(n * sizeof(char *) + len + 1);
    char *p;

    if (!ret) {
        errno = ENOMEM;
        return NULL;
    }
    p = (char *)(ret + n);
    memcpy(p, strs, len);
    p[len] = '\0';
    for (unsigned int i = 0; i < n; i++) {
        ret[i] = p;
        p += strlen(p) + 1;
    }
    *num = n;
    return ret;
}

/* Accumulated children of a DIRECTORY_PART walk. */
struct dir_walk {
    char *all;
    size_t alen;
    char gen[32]; /* generation of the first piece */
    bool done, restart;
};

/* Fetch the piece at w->alen and append it; false with errno on failure. */
static bool dir_piece(struct xs_handle *h, xs_transaction_t t, const char *path,
                      struct dir_walk *w)
{
    char off[32];
    struct iovec iov[2] = {{(void *)path, strlen(path) + 1}, {off, 0}};
    unsigned int len;
    size_t gl, clen;
    char *r, *na;

    iov[1].iov_len = (size_t)snprintf(off, sizeof(off), "%zu", w->alen) + 1;
    r = xs_talkv(h, t, XS_DIRECTORY_PART, iov, 2, &len);
    if (!r) {
        if (errno == ENOSYS)
            errno = E2BIG; /* an old daemon: as Debian's library */
        return false;
    }
    gl = strnlen(r, len);
    if (gl >= sizeof(w->gen) || gl == len) {
        free(r);
        errno = EIO;
        return false;
    }
    if (!w->gen[0])
        memcpy(w->gen, r, gl + 1);
    else if (strcmp(w->gen, r))
        w->restart = true; /* the directory changed under us */
    clen = len - gl - 1;
    /* The last piece ends with an extra NUL. */
    if (clen == 0 ||
        (r[len - 1] == '\0' && (clen == 1 || r[len - 2] == '\0'))) {
        w->done = true;
        if (clen)
            clen--;
    }
    na = realloc(w->all, w->alen + clen + 1);
    if (!na) {
        free(r);
        errno = ENOMEM;
        return false;
    }
    w->all = na;
    memcpy(w->all + w->alen, r + gl + 1, clen);
    w->alen += clen;
    free(r);
    return true;
}

/* A directory too big for one reply: DIRECTORY_PART pieces, same generation. */
static char **directory_part(struct xs_handle *h, xs_transaction_t t,
                             const char *path, unsigned int *num)
{
    for (int attempt = 0; attempt < 16; attempt++) {
        struct dir_walk w = {0};
        char **ret;

        while (!w.done && !w.restart) {
            if (!dir_piece(h, t, path, &w)) {
                free(w.all);
                return NULL;
            }
        }
        if (w.restart) {
            free(w.all);
            continue;
        }
        ret = strings_to_array(w.all ? w.all : "", (unsigned int)w.alen, num);
        free(w.all);
        return ret;
    }
    errno = EAGAIN;
    return NULL;
}

char **xs_directory(struct xs_handle *h, xs_transaction_t t, const char *path,
                    unsigned int *num)
{
    unsigned int len;
    char *r = xs_single(h, t, XS_DIRECTORY, path, &len), **ret;

    if (!r) {
        if (errno != E2BIG)
            return NULL;
        return directory_part(h, t, path, num);
    }
    ret = strings_to_array(r, len, num);
    free(r);
    return ret;
}

void *xs_read(struct xs_handle *h, xs_transaction_t t, const char *path,
              unsigned int *len)
{
    return xs_single(h, t, XS_READ, path, len);
}

bool xs_write(struct xs_handle *h, xs_transaction_t t, const char *path,
              const void *data, unsigned int len)
{
    struct iovec iov[2] = {
        {(void *)path, strlen(path) + 1},
        {(void *)data, len},
    };

    return xs_bool(xs_talkv(h, t, XS_WRITE, iov, 2, NULL));
}

bool xs_mkdir(struct xs_handle *h, xs_transaction_t t, const char *path)
{
    return xs_bool(xs_single(h, t, XS_MKDIR, path, NULL));
}

bool xs_rm(struct xs_handle *h, xs_transaction_t t, const char *path)
{
    return xs_bool(xs_single(h, t, XS_RM, path, NULL));
}

bool xs_restrict(struct xs_handle *h, unsigned domid)
{
    (void)h;
    (void)domid;
    errno = ENOSYS;
    return false;
}

struct xs_permissions *xs_get_permissions(struct xs_handle *h,
                                          xs_transaction_t t, const char *path,
                                          unsigned int *num)
{
    unsigned int len, n;
    char *r = xs_single(h, t, XS_GET_PERMS, path, &len);
    struct xs_permissions *p;

    if (!r)
        return NULL;
    n = xs_count_strings(r, len);
    p = malloc((n ? n : 1) * sizeof(*p));
    if (!p || !xs_strings_to_perms(p, n, r)) {
        free(p);
        free(r);
        errno = p ? EINVAL : ENOMEM;
        return NULL;
    }
    free(r);
    *num = n;
    return p;
}

bool xs_set_permissions(struct xs_handle *h, xs_transaction_t t,
                        const char *path, struct xs_permissions *perms,
                        unsigned int num_perms)
{
    static const char letter[4] = {'n', 'r', 'w', 'b'};
    char buf[XENSTORE_PAYLOAD_MAX];
    size_t len = 0;

    for (unsigned int i = 0; i < num_perms; i++) {
        unsigned int pm = perms[i].perms &
                          ~(XS_PERM_ENOENT_OK | XS_PERM_OWNER | XS_PERM_IGNORE);
        int k;

        if (pm > 3) {
            errno = EINVAL;
            return false;
        }
        k = snprintf(buf + len, sizeof(buf) - len, "%c%u", letter[pm],
                     perms[i].id);
        if (k < 0 || (size_t)k + 1 > sizeof(buf) - len) {
            errno = E2BIG;
            return false;
        }
        len += (size_t)k + 1;
    }
    struct iovec iov[2] = {
        {(void *)path, strlen(path) + 1},
        {buf, len},
    };

    return xs_bool(xs_talkv(h, t, XS_SET_PERMS, iov, 2, NULL));
}

/* ---- watches ---- */

static bool start_reader(struct xs_handle *h)
{
    sigset_t all, old;
    int rc;

    if (h->reader_running)
        return true;
    /* The reader takes no signals: block them all while it is born. */
    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, &old);
    rc = pthread_create(&h->reader, NULL, reader_main, h);
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    if (rc) {
        errno = rc;
        return false;
    }
    h->reader_running = true;
    return true;
}

bool xs_watch(struct xs_handle *h, const char *path, const char *token)
{
    struct iovec iov[2] = {
        {(void *)path, strlen(path) + 1},
        {(void *)token, strlen(token) + 1},
    };

    pthread_mutex_lock(&h->request_mutex);
    bool ok = start_reader(h);

    pthread_mutex_unlock(&h->request_mutex);
    if (!ok)
        return false;
    return xs_bool(xs_talkv(h, XBT_NULL, XS_WATCH, iov, 2, NULL));
}

int xs_fileno(struct xs_handle *h)
{
    pthread_mutex_lock(&h->watch_mutex);
    if (h->watch_pipe[0] < 0 && pipe2(h->watch_pipe, O_CLOEXEC) == 0 &&
        h->events) {
        char c = 0;

        if (write(h->watch_pipe[1], &c, 1) < 0) {
            /* see queue_event() */
        }
    }
    pthread_mutex_unlock(&h->watch_mutex);
    return h->watch_pipe[0];
}

/* Take the first queued event (watch_mutex held), as a string array. */
static char **take_event(struct xs_handle *h, unsigned int *num)
{
    struct xs_msg *m = h->events;
    unsigned int n;
    char **ret;

    h->events = m->next;
    if (!h->events) {
        h->events_tail = &h->events;
        if (h->watch_pipe[0] >= 0) {
            char c;

            if (read(h->watch_pipe[0], &c, 1) < 0) {
                /* nothing was there: fine */
            }
        }
    }
    ret = strings_to_array(m->body, m->hdr.len, &n);
    free(m);
    if (ret && n < 2) {
        free(ret);
        errno = EINVAL;
        return NULL;
    }
    if (num)
        *num = n;
    return ret;
}

char **xs_check_watch(struct xs_handle *h)
{
    char **ret = NULL;

    pthread_mutex_lock(&h->watch_mutex);
    if (h->events)
        ret = take_event(h, NULL);
    else
        errno = EAGAIN;
    pthread_mutex_unlock(&h->watch_mutex);
    return ret;
}

static void watch_unlock(void *arg)
{
    pthread_mutex_unlock(arg);
}

struct watch_wait {
    struct xs_handle *h;
    unsigned int *num;
    char **ret;
};

static void read_watch_locked(struct watch_wait *w)
{
    struct xs_handle *h = w->h;

    while (!h->events && !h->reply_err && h->reader_running)
        pthread_cond_wait(&h->watch_cond, &h->watch_mutex);
    if (h->events)
        w->ret = take_event(h, w->num);
    else
        errno = h->reply_err ? h->reply_err : EINVAL;
}

char **xs_read_watch(struct xs_handle *h, unsigned int *num)
{
    struct watch_wait w = {.h = h, .num = num};

    pthread_mutex_lock(&h->watch_mutex);
    pthread_cleanup_push(watch_unlock, &h->watch_mutex);
    read_watch_locked(&w);
    pthread_cleanup_pop(1);
    return w.ret;
}

bool xs_unwatch(struct xs_handle *h, const char *path, const char *token)
{
    struct iovec iov[2] = {
        {(void *)path, strlen(path) + 1},
        {(void *)token, strlen(token) + 1},
    };
    bool ok = xs_bool(xs_talkv(h, XBT_NULL, XS_UNWATCH, iov, 2, NULL));

    if (ok && (h->flags & XS_UNWATCH_FILTER)) {
        pthread_mutex_lock(&h->watch_mutex);
        struct xs_msg **pp = &h->events;

        while (*pp) {
            struct xs_msg *m = *pp;
            const char *epath = m->body;
            const char *etok = epath + strlen(epath) + 1;

            if (etok < m->body + m->hdr.len && !strcmp(etok, token) &&
                xs_path_is_subpath(path, epath)) {
                *pp = m->next;
                free(m);
            } else {
                pp = &m->next;
            }
        }
        h->events_tail = pp;
        if (!h->events && h->watch_pipe[0] >= 0) {
            char c;
            int fl = fcntl(h->watch_pipe[0], F_GETFL);

            fcntl(h->watch_pipe[0], F_SETFL, fl | O_NONBLOCK);
            while (read(h->watch_pipe[0], &c, 1) > 0)
                ;
            fcntl(h->watch_pipe[0], F_SETFL, fl);
        }
        pthread_mutex_unlock(&h->watch_mutex);
    }
    return ok;
}

/* ---- transactions ---- */

xs_transaction_t xs_transaction_start(struct xs_handle *h)
{
    char *r = xs_single(h, XBT_NULL, XS_TRANSACTION_START, "", NULL);
    unsigned long id;

    if (!r)
        return XBT_NULL;
    id = strtoul(r, NULL, 0);
    free(r);
    return (xs_transaction_t)id;
}

bool xs_transaction_end(struct xs_handle *h, xs_transaction_t t, bool abort)
{
    return xs_bool(
        xs_single(h, t, XS_TRANSACTION_END, abort ? "F" : "T", NULL));
}

/* ---- domains ---- */

bool xs_introduce_domain(struct xs_handle *h, unsigned int domid,
                         unsigned long mfn, unsigned int eventchn)
{
    char d[16], m[32], e[16];
    struct iovec iov[3] = {
        {d, (size_t)snprintf(d, sizeof(d), "%u", domid) + 1},
        {m, (size_t)snprintf(m, sizeof(m), "%lu", mfn) + 1},
        {e, (size_t)snprintf(e, sizeof(e), "%u", eventchn) + 1},
    };

    return xs_bool(xs_talkv(h, XBT_NULL, XS_INTRODUCE, iov, 3, NULL));
}

bool xs_set_target(struct xs_handle *h, unsigned int domid, unsigned int target)
{
    char d[16], t[16];
    struct iovec iov[2] = {
        {d, (size_t)snprintf(d, sizeof(d), "%u", domid) + 1},
        {t, (size_t)snprintf(t, sizeof(t), "%u", target) + 1},
    };

    return xs_bool(xs_talkv(h, XBT_NULL, XS_SET_TARGET, iov, 2, NULL));
}

static void *domid_op(struct xs_handle *h, uint32_t type, unsigned int domid,
                      unsigned int *len)
{
    char d[16];

    snprintf(d, sizeof(d), "%u", domid);
    return xs_single(h, XBT_NULL, type, d, len);
}

bool xs_resume_domain(struct xs_handle *h, unsigned int domid)
{
    return xs_bool(domid_op(h, XS_RESUME, domid, NULL));
}

bool xs_release_domain(struct xs_handle *h, unsigned int domid)
{
    return xs_bool(domid_op(h, XS_RELEASE, domid, NULL));
}

char *xs_get_domain_path(struct xs_handle *h, unsigned int domid)
{
    return domid_op(h, XS_GET_DOMAIN_PATH, domid, NULL);
}

bool xs_is_domain_introduced(struct xs_handle *h, unsigned int domid)
{
    char *r = domid_op(h, XS_IS_DOMAIN_INTRODUCED, domid, NULL);
    bool yes = r && !strcmp(r, "T");

    free(r);
    return yes;
}

char *xs_control_command(struct xs_handle *h, const char *cmd, void *data,
                         unsigned int len)
{
    struct iovec iov[2] = {
        {(void *)cmd, strlen(cmd) + 1},
        {data, len},
    };

    return xs_talkv(h, XBT_NULL, XS_CONTROL, iov, 2, NULL);
}

char *xs_debug_command(struct xs_handle *h, const char *cmd, void *data,
                       unsigned int len)
{
    return xs_control_command(h, cmd, data, len);
}

int xs_suspend_evtchn_port(int domid)
{
    char path[64];
    struct xs_handle *h = xs_open(0);
    unsigned int len;
    char *v;
    int port = -1;

    if (!h)
        return -1;
    snprintf(path, sizeof(path),
             "/local/domain/%d/device/suspend/event-channel", domid);
    v = xs_read(h, XBT_NULL, path, &len);
    if (v) {
        port = atoi(v);
        free(v);
    }
    xs_close(h);
    return port;
}
