// SPDX-License-Identifier: Apache-2.0
//
// The original dnstap-replay's design as a reference for scripts/bench-replay: N connected UDP
// sockets, each with ONE query in flight (send, wait for the answer or the timeout, next), the
// queries taken in file order from a dnstap capture. A socket whose query timed out is closed
// and reopened, as the original does, so a late answer is never taken for the next query's.
// One thread polls all sockets: on two cores that is the cheapest way to keep N queries in
// flight, so the figure is the best the lockstep design can do here.
//
//   lockstep [-n SOCKETS] [-t TIMEOUT_MS] [-p] HOST PORT FILE
//   lockstep -c FILE
//
// FILE is a Frame Streams file of dnstap. The queries replayed are the ones dnstap-replay
// replays: Message/AUTH_RESPONSE over UDP with both query and response, and, with -p, a PROXY
// v2 header carrying the logged client address and port (as --proxy). -c only counts them.
// Prints one line of key=value pairs on stdout.
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define MAX_SOCKETS 1024
#define PROXY_MAX 52  // 16-byte header + 36 bytes of IPv6 addresses and ports

static const uint8_t PROXY_SIG[12] = {0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D,
                                      0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A};

struct query {
  size_t off;  // in packets
  uint16_t len;
};

static uint8_t *packets;
static size_t packets_len, packets_cap;
static struct query *queries;
static size_t nqueries, queries_cap;

static void die(const char *what) {
  fprintf(stderr, "lockstep: %s: %s\n", what, errno ? strerror(errno) : "bad input");
  exit(1);
}

static void *grow(void *p, size_t *cap, size_t need, size_t size) {
  if (need <= *cap) return p;
  while (*cap < need) *cap = *cap ? *cap * 2 : 4096;
  p = realloc(p, *cap * size);
  if (!p) die("realloc");
  return p;
}

// A protobuf field: number, wire type, varint value or length-delimited bytes.
struct field {
  uint32_t num, type;
  uint64_t v;
  const uint8_t *p;
  size_t len;
};

static int varint(const uint8_t **p, const uint8_t *end, uint64_t *v) {
  *v = 0;
  for (int shift = 0; *p < end && shift < 64; shift += 7) {
    uint8_t b = *(*p)++;
    *v |= (uint64_t)(b & 0x7f) << shift;
    if (!(b & 0x80)) return 0;
  }
  return -1;
}

// next_field -> 1 with f filled, 0 at the end, -1 on malformed input
static int next_field(const uint8_t **p, const uint8_t *end, struct field *f) {
  uint64_t key;
  if (*p >= end) return 0;
  if (varint(p, end, &key)) return -1;
  f->num = key >> 3;
  f->type = key & 7;
  switch (f->type) {
    case 0:
      return varint(p, end, &f->v) ? -1 : 1;
    case 1:
      if (end - *p < 8) return -1;
      *p += 8;
      return 1;
    case 5:
      if (end - *p < 4) return -1;
      *p += 4;
      return 1;
    case 2:
      if (varint(p, end, &f->v) || f->v > (uint64_t)(end - *p)) return -1;
      f->p = *p;
      f->len = f->v;
      *p += f->len;
      return 1;
    default:
      return -1;
  }
}

// add_payload: keep the query of one dnstap payload if dnstap-replay would replay it
static void add_payload(const uint8_t *p, const uint8_t *end, int proxy) {
  struct field f;
  const uint8_t *msg = NULL, *msg_end = NULL;
  uint64_t dnstap_type = 0;
  int r;
  while ((r = next_field(&p, end, &f)) > 0) {
    if (f.num == 15 && f.type == 0) dnstap_type = f.v;
    if (f.num == 14 && f.type == 2) msg = f.p, msg_end = f.p + f.len;
  }
  if (r < 0 || dnstap_type != 1 || !msg) return;
  uint64_t type = 0, protocol = 0, port = 0;
  int has_port = 0;
  const uint8_t *addr = NULL, *q = NULL, *resp = NULL;
  size_t addr_len = 0, q_len = 0;
  while ((r = next_field(&msg, msg_end, &f)) > 0) {
    switch (f.num) {
      case 1: type = f.v; break;
      case 3: protocol = f.v; break;
      case 4: addr = f.p, addr_len = f.len; break;
      case 6: port = f.v, has_port = 1; break;
      case 10: q = f.p, q_len = f.len; break;
      case 14: resp = f.p; break;
    }
  }
  if (r < 0 || type != 2 || protocol != 1 || !q || !resp || q_len > 65535 - PROXY_MAX) return;
  if (proxy && (!has_port || (addr_len != 4 && addr_len != 16))) return;
  packets = grow(packets, &packets_cap, packets_len + PROXY_MAX + q_len, 1);
  uint8_t *out = packets + packets_len;
  size_t n = 0;
  if (proxy) {
    memcpy(out, PROXY_SIG, 12);
    out[12] = 0x21;  // version 2, PROXY
    out[13] = addr_len == 4 ? 0x12 : 0x22;  // INET or INET6, DGRAM
    uint16_t body = addr_len == 4 ? 12 : 36;
    out[14] = body >> 8, out[15] = body & 0xff;
    n = 16;
    memcpy(out + n, addr, addr_len);
    memset(out + n + addr_len, 0, addr_len);  // destination address: unspecified, as the original
    n += 2 * addr_len;
    out[n++] = (port >> 8) & 0xff, out[n++] = port & 0xff;
    out[n++] = 0, out[n++] = 53;
  }
  memcpy(out + n, q, q_len);
  queries = grow(queries, &queries_cap, nqueries + 1, sizeof *queries);
  queries[nqueries].off = packets_len;
  queries[nqueries].len = n + q_len;
  nqueries++;
  packets_len += n + q_len;
}

static uint32_t be32(const uint8_t *p) {
  return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

// load: every data frame of a Frame Streams file (control frames skipped); returns the count
static size_t load(const char *path, int proxy) {
  FILE *in = fopen(path, "rb");
  struct stat st;
  if (!in || fstat(fileno(in), &st)) die(path);
  uint8_t *buf = malloc(st.st_size ? st.st_size : 1);
  if (!buf || fread(buf, 1, st.st_size, in) != (size_t)st.st_size) die(path);
  fclose(in);
  size_t frames = 0, pos = 0, size = st.st_size;
  while (size - pos >= 4) {
    uint32_t len = be32(buf + pos);
    pos += 4;
    if (len == 0) {  // escape: a control frame follows
      if (size - pos < 4) break;
      len = be32(buf + pos);
      pos += 4;
      if (len > size - pos) break;
      pos += len;
      continue;
    }
    if (len > size - pos) break;
    add_payload(buf + pos, buf + pos + len, proxy);
    frames++;
    pos += len;
  }
  errno = 0;
  if (pos != size) die("truncated Frame Streams file");
  free(buf);
  return frames;
}

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec + ts.tv_nsec / 1e9;
}

static double cpu_seconds(void) {
  struct rusage ru;
  getrusage(RUSAGE_SELF, &ru);
  return ru.ru_utime.tv_sec + ru.ru_stime.tv_sec + (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

static struct addrinfo *target;
static struct pollfd fds[MAX_SOCKETS];
static double deadline[MAX_SOCKETS];
static size_t next, busy, answered, timeouts, errors;
static int timeout_ms = 5000;

static int open_socket(void) {
  int fd = socket(target->ai_family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0 || connect(fd, target->ai_addr, target->ai_addrlen)) die("socket");
  return fd;
}

// send_next: socket i takes the next query, if any is left; a failed send is that query's
// outcome (an error), and the socket takes the one after.
static void send_next(int i) {
  fds[i].events = 0;
  while (next < nqueries) {
    struct query *q = &queries[next++];
    if (send(fds[i].fd, packets + q->off, q->len, 0) == q->len) {
      fds[i].events = POLLIN;
      deadline[i] = now() + timeout_ms / 1e3;
      busy++;
      return;
    }
    errors++;
  }
}

int main(int argc, char **argv) {
  int nsockets = 10, proxy = 0, count_only = 0, opt;
  while ((opt = getopt(argc, argv, "n:t:pc")) != -1) {
    switch (opt) {
      case 'n': nsockets = atoi(optarg); break;
      case 't': timeout_ms = atoi(optarg); break;
      case 'p': proxy = 1; break;
      case 'c': count_only = 1; break;
      default: goto usage;
    }
  }
  if (count_only && argc - optind == 1) {
    size_t frames = load(argv[optind], proxy);
    printf("frames=%zu queries=%zu\n", frames, nqueries);
    return 0;
  }
  if (argc - optind != 3 || nsockets < 1 || nsockets > MAX_SOCKETS || timeout_ms < 1) goto usage;
  struct addrinfo hints = {.ai_socktype = SOCK_DGRAM, .ai_flags = AI_NUMERICHOST | AI_NUMERICSERV};
  if (getaddrinfo(argv[optind], argv[optind + 1], &hints, &target)) {
    errno = 0;
    die("bad HOST or PORT");
  }
  size_t frames = load(argv[optind + 2], proxy);

  static uint8_t answer[65536];
  double start = now(), cpu_start = cpu_seconds();
  for (int i = 0; i < nsockets; i++) fds[i].fd = open_socket(), send_next(i);
  while (busy > 0) {
    double t = now(), first = t + 3600;
    for (int i = 0; i < nsockets; i++)
      if (fds[i].events && deadline[i] < first) first = deadline[i];
    int wait_ms = first > t ? (int)((first - t) * 1e3) + 1 : 0;
    if (poll(fds, nsockets, wait_ms) < 0 && errno != EINTR) die("poll");
    t = now();
    for (int i = 0; i < nsockets; i++) {
      if (!fds[i].events) continue;
      if (fds[i].revents & (POLLIN | POLLERR)) {
        ssize_t n = recv(fds[i].fd, answer, sizeof answer, 0);
        if (n < 0 && (errno == EAGAIN || errno == EINTR)) continue;
        if (n < 0) errors++; else answered++;
        busy--;
        send_next(i);
      } else if (deadline[i] <= t) {
        timeouts++;
        busy--;
        close(fds[i].fd);
        fds[i].fd = open_socket();
        send_next(i);
      }
    }
  }
  double seconds = now() - start, cpu = cpu_seconds() - cpu_start;
  printf("frames=%zu queries=%zu answered=%zu timeouts=%zu errors=%zu seconds=%.3f qps=%.0f "
         "cpu_us_per_query=%.2f\n",
         frames, nqueries, answered, timeouts, errors, seconds, nqueries / seconds,
         nqueries ? cpu * 1e6 / nqueries : 0.0);
  return 0;
usage:
  fprintf(stderr, "usage: lockstep [-n SOCKETS] [-t TIMEOUT_MS] [-p] HOST PORT FILE\n"
                  "       lockstep -c FILE\n");
  return 2;
}
