/* gen.c - write deterministic benchmark inputs: goroutine dumps and heap profiles
 *
 *   gen dump [-s SEED] [-n GOROUTINES] [-k STACKS] [-t] [--truncate=BYTES]
 *            [--min-bytes=BYTES] OUT
 *   gen heap [-s SEED] [-k STACKS] [--grown] OUT
 *
 * Everything comes from a seeded PRNG, so the same command line writes the
 * same bytes on every machine. Standalone on purpose: it needs only zlib and
 * writes profile.proto by hand (a few varints), so it builds without the
 * project, without protoc-c and without Go.
 *
 * The inputs model one service ("shop") whose code is a layered call graph of
 * ~8000 functions in app, library and standard-library packages. A stack is a
 * walk down that graph from an entry point (net/http.(*conn).serve, a worker
 * loop, ...); each step picks a call site with Zipf-like weights, so some
 * paths are hot and most are rare.
 *
 * dump: a debug=2 goroutine dump (runtime.Stack(all) at traceback level 1,
 *   as pprof writes it: first the goroutine taking the dump, runtime.* frames
 *   hidden, Go 1.21 "created by F in goroutine N"), or with -t a crash
 *   traceback ("panic: boom", the panicking goroutine 1 first, then the rest,
 *   then "exit status 2"). Goroutines are instances of STACKS distinct
 *   templates drawn with Zipf(1.05) weights, so group sizes are heavy-tailed.
 *   --truncate=BYTES cuts the output at exactly BYTES, mid-line, as the runtime
 *   does when the 64 MiB buffer of writeGoroutineStacks fills up;
 *   --min-bytes=BYTES keeps adding goroutines until the output is that big.
 * heap: a gzipped profile.proto heap profile as runtime/pprof writes it
 *   (alloc_objects, alloc_space, inuse_objects, inuse_space; period_type
 *   space/bytes; a "bytes" label), with STACKS distinct stacks. --grown writes
 *   the same stacks and values except that about 8% of them grew (a leak)
 *   and 2% shrank, for diff.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

static const char *progname = "gen";

static void die(const char *fmt, ...)
{
	va_list ap;
	fprintf(stderr, "%s: ", progname);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(1);
}

static void *xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);
	if (!p)
		die("out of memory");
	return p;
}

static void *xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);
	if (!p)
		die("out of memory");
	return p;
}

static void *xrealloc(void *p, size_t n)
{
	p = realloc(p, n ? n : 1);
	if (!p)
		die("out of memory");
	return p;
}

static char *xstrdup(const char *s)
{
	size_t n = strlen(s) + 1;
	return memcpy(xmalloc(n), s, n);
}

static char *xprintf(const char *fmt, ...)
{
	va_list ap;
	char *s;
	va_start(ap, fmt);
	if (vasprintf(&s, fmt, ap) < 0)
		die("out of memory");
	va_end(ap);
	return s;
}

/* ---- PRNG: splitmix64 seeding xoshiro256** ---- */

struct rng {
	uint64_t s[4];
};

static uint64_t splitmix64(uint64_t *x)
{
	uint64_t z = (*x += 0x9e3779b97f4a7c15ULL);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static void rng_seed(struct rng *r, uint64_t seed)
{
	for (int i = 0; i < 4; i++)
		r->s[i] = splitmix64(&seed);
}

static uint64_t rotl(uint64_t x, int k)
{
	return (x << k) | (x >> (64 - k));
}

static uint64_t rng_next(struct rng *r)
{
	uint64_t *s = r->s;
	uint64_t result = rotl(s[1] * 5, 7) * 9;
	uint64_t t = s[1] << 17;
	s[2] ^= s[0];
	s[3] ^= s[1];
	s[1] ^= s[2];
	s[0] ^= s[3];
	s[2] ^= t;
	s[3] = rotl(s[3], 45);
	return result;
}

/* Uniform in [0, n). The modulo bias is irrelevant here. */
static uint32_t rng_below(struct rng *r, uint32_t n)
{
	return n ? (uint32_t)((rng_next(r) >> 11) % n) : 0;
}

static double rng_unit(struct rng *r)
{
	return (double)(rng_next(r) >> 11) * (1.0 / 9007199254740992.0);
}

static int rng_chance(struct rng *r, double p)
{
	return rng_unit(r) < p;
}

/* Zipf-like choice among n items, weight 1/(k+1)^s, by cumulative table. */
struct zipf {
	double *cum;
	uint32_t n;
};

static void zipf_init(struct zipf *z, uint32_t n, double s)
{
	double sum = 0;
	z->n = n;
	z->cum = xmalloc(n * sizeof(*z->cum));
	for (uint32_t k = 0; k < n; k++) {
		sum += 1.0 / pow(k + 1.0, s);
		z->cum[k] = sum;
	}
}

static uint32_t zipf_pick(const struct zipf *z, struct rng *r)
{
	double u = rng_unit(r) * z->cum[z->n - 1];
	uint32_t lo = 0, hi = z->n - 1;
	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;
		if (z->cum[mid] > u)
			hi = mid;
		else
			lo = mid + 1;
	}
	return lo;
}

/* ---- the program: packages, functions, call sites ---- */

enum band { BAND_APP, BAND_LIB, BAND_STD };

struct package {
	const char *path;	/* import path as in function names */
	const char *dir;	/* directory of its source files */
	enum band band;
};

#define GOROOT "/usr/local/go/src/"
#define GOMOD "/home/build/go/pkg/mod/"
#define APP "/build/shop/"

static const struct package packages[] = {
	{"github.com/acme/shop/internal/orders", APP "internal/orders", BAND_APP},
	{"github.com/acme/shop/internal/payments", APP "internal/payments", BAND_APP},
	{"github.com/acme/shop/internal/inventory", APP "internal/inventory", BAND_APP},
	{"github.com/acme/shop/internal/cart", APP "internal/cart", BAND_APP},
	{"github.com/acme/shop/internal/auth", APP "internal/auth", BAND_APP},
	{"github.com/acme/shop/internal/store", APP "internal/store", BAND_APP},
	{"github.com/acme/shop/internal/cache", APP "internal/cache", BAND_APP},
	{"github.com/acme/shop/internal/queue", APP "internal/queue", BAND_APP},
	{"github.com/acme/shop/internal/api", APP "internal/api", BAND_APP},
	{"github.com/acme/shop/internal/worker", APP "internal/worker", BAND_APP},
	{"github.com/acme/shop/internal/search", APP "internal/search", BAND_APP},
	{"github.com/acme/shop/internal/notify", APP "internal/notify", BAND_APP},
	{"github.com/acme/shop/internal/pricing", APP "internal/pricing", BAND_APP},
	{"github.com/acme/shop/internal/session", APP "internal/session", BAND_APP},
	{"github.com/acme/shop/pkg/httpx", APP "pkg/httpx", BAND_APP},
	{"github.com/acme/shop/pkg/retry", APP "pkg/retry", BAND_APP},
	{"github.com/acme/shop/pkg/pool", APP "pkg/pool", BAND_APP},
	{"google.golang.org/grpc", GOMOD "google.golang.org/grpc@v1.59.0", BAND_LIB},
	{"google.golang.org/grpc/internal/transport", GOMOD "google.golang.org/grpc@v1.59.0/internal/transport", BAND_LIB},
	{"google.golang.org/protobuf/internal/impl", GOMOD "google.golang.org/protobuf@v1.31.0/internal/impl", BAND_LIB},
	{"google.golang.org/protobuf/proto", GOMOD "google.golang.org/protobuf@v1.31.0/proto", BAND_LIB},
	{"github.com/jackc/pgx/v5", GOMOD "github.com/jackc/pgx/v5@v5.4.3", BAND_LIB},
	{"github.com/jackc/pgx/v5/pgconn", GOMOD "github.com/jackc/pgx/v5@v5.4.3/pgconn", BAND_LIB},
	{"github.com/redis/go-redis/v9", GOMOD "github.com/redis/go-redis/v9@v9.2.1", BAND_LIB},
	{"github.com/redis/go-redis/v9/internal/pool", GOMOD "github.com/redis/go-redis/v9@v9.2.1/internal/pool", BAND_LIB},
	{"go.uber.org/zap", GOMOD "go.uber.org/zap@v1.26.0", BAND_LIB},
	{"go.uber.org/zap/zapcore", GOMOD "go.uber.org/zap@v1.26.0/zapcore", BAND_LIB},
	{"github.com/segmentio/kafka-go", GOMOD "github.com/segmentio/kafka-go@v0.4.42", BAND_LIB},
	{"github.com/prometheus/client_golang/prometheus", GOMOD "github.com/prometheus/client_golang@v1.17.0/prometheus", BAND_LIB},
	{"golang.org/x/net/http2", GOMOD "golang.org/x/net@v0.17.0/http2", BAND_LIB},
	{"github.com/klauspost/compress/zstd", GOMOD "github.com/klauspost/compress@v1.17.2/zstd", BAND_LIB},
	{"go.opentelemetry.io/otel/sdk/trace", GOMOD "go.opentelemetry.io/otel/sdk@v1.19.0/trace", BAND_LIB},
	{"net/http", GOROOT "net/http", BAND_STD},
	{"net", GOROOT "net", BAND_STD},
	{"bufio", GOROOT "bufio", BAND_STD},
	{"io", GOROOT "io", BAND_STD},
	{"bytes", GOROOT "bytes", BAND_STD},
	{"strings", GOROOT "strings", BAND_STD},
	{"strconv", GOROOT "strconv", BAND_STD},
	{"fmt", GOROOT "fmt", BAND_STD},
	{"encoding/json", GOROOT "encoding/json", BAND_STD},
	{"encoding/binary", GOROOT "encoding/binary", BAND_STD},
	{"compress/gzip", GOROOT "compress/gzip", BAND_STD},
	{"compress/flate", GOROOT "compress/flate", BAND_STD},
	{"crypto/tls", GOROOT "crypto/tls", BAND_STD},
	{"crypto/sha256", GOROOT "crypto/sha256", BAND_STD},
	{"database/sql", GOROOT "database/sql", BAND_STD},
	{"context", GOROOT "context", BAND_STD},
	{"reflect", GOROOT "reflect", BAND_STD},
	{"sort", GOROOT "sort", BAND_STD},
	{"os", GOROOT "os", BAND_STD},
	{"regexp", GOROOT "regexp", BAND_STD},
	{"text/template", GOROOT "text/template", BAND_STD},
	{"math/big", GOROOT "math/big", BAND_STD},
	{"mime/multipart", GOROOT "mime/multipart", BAND_STD},
	{"net/url", GOROOT "net/url", BAND_STD},
	{"log/slog", GOROOT "log/slog", BAND_STD},
};
#define NPACKAGES (sizeof(packages) / sizeof(packages[0]))

static const char *const types[] = {
	"Server", "Client", "Conn", "Handler", "Service", "Store", "Cache",
	"Pool", "Queue", "Worker", "Broker", "Session", "Router", "Codec",
	"Encoder", "Decoder", "Reader", "Writer", "Batch", "Tx", "Stmt",
	"Listener", "Watcher", "Scheduler", "Registry", "Manager", "Controller",
	"Repository", "Publisher", "Subscriber", "Limiter", "Tracker", "Index",
	"Builder", "Parser", "Resolver", "Balancer", "Stream", "Channel", "Buffer",
};
static const char *const verbs[] = {
	"handle", "process", "serve", "read", "write", "fetch", "load", "store",
	"flush", "encode", "decode", "parse", "build", "apply", "dispatch", "run",
	"poll", "sync", "commit", "query", "scan", "insert", "update", "delete",
	"publish", "consume", "resolve", "validate", "marshal", "unmarshal",
	"compute", "render", "collect", "refresh", "watch", "retry", "schedule",
	"send", "recv", "merge", "split", "copy", "append", "lookup", "open",
};
static const char *const nouns[] = {
	"", "Order", "Orders", "Payment", "Item", "Items", "Cart", "User",
	"Session", "Token", "Request", "Response", "Message", "Batch", "Event",
	"Events", "Record", "Row", "Rows", "Page", "Header", "Headers", "Frame",
	"Chunk", "Entry", "Entries", "Metrics", "Config", "Snapshot", "Block",
	"Span", "Key", "Value", "Once", "All", "Loop", "Locked", "Slow",
};
#define N(a) (sizeof(a) / sizeof(a[0]))

struct site {
	uint32_t callee;	/* function called here */
	uint32_t line;
	uint32_t off;		/* pc offset from the function entry */
};

struct func {
	char *name;
	char *file;
	uint32_t start_line;
	uint32_t layer;
	uint64_t addr;
	uint32_t nsites;
	uint32_t first_loc;	/* location id of sites[0] - 1 */
	struct site *sites;
	uint8_t nargs;		/* argument words shown in tracebacks */
	uint8_t argkind[6];
	char *creator;		/* roots only: "created by" function, file, line */
	char *creator_file;
	uint32_t creator_line, creator_off, creator_goid;
};

#define LAYERS 100
#define PER_LAYER 80
#define NROOTS 48

static struct func *funcs;
static uint32_t nfuncs, nlocs;
static uint32_t layer_start[LAYERS + 1];
static struct zipf site_zipf[9];
static struct zipf root_zipf;

static char *lower_first(const char *s)
{
	char *t = xstrdup(s);
	if (t[0] >= 'A' && t[0] <= 'Z')
		t[0] = (char)(t[0] - 'A' + 'a');
	return t;
}

static char *upper_first(const char *s)
{
	char *t = xstrdup(s);
	if (t[0] >= 'a' && t[0] <= 'z')
		t[0] = (char)(t[0] - 'a' + 'A');
	return t;
}

static const struct package *pick_package(struct rng *r, uint32_t layer)
{
	/* Entry points and the upper half are mostly application code, the
	 * middle libraries, the deep end the standard library. */
	enum band want;
	uint32_t u = rng_below(r, 100);
	if (layer < 20)
		want = u < 75 ? BAND_APP : u < 95 ? BAND_LIB : BAND_STD;
	else if (layer < 45)
		want = u < 30 ? BAND_APP : u < 75 ? BAND_LIB : BAND_STD;
	else
		want = u < 10 ? BAND_APP : u < 35 ? BAND_LIB : BAND_STD;
	for (;;) {
		const struct package *p = &packages[rng_below(r, NPACKAGES)];
		if (p->band == want)
			return p;
	}
}

/* A Go function name and its file, e.g.
 * "github.com/acme/shop/internal/orders.(*Service).placeOrder.func2" in
 * "/build/shop/internal/orders/service.go". */
static void make_name(struct rng *r, const struct package *p, int root,
		      char **name, char **file)
{
	const char *type = types[rng_below(r, N(types))];
	char *verb = rng_chance(r, 0.5) ? upper_first(verbs[rng_below(r, N(verbs))])
					 : xstrdup(verbs[rng_below(r, N(verbs))]);
	const char *noun = nouns[rng_below(r, N(nouns))];
	char *lt = lower_first(type);
	uint32_t form = rng_below(r, 100);
	char suffix[16] = "";

	if (root) {
		noun = rng_chance(r, 0.5) ? "Loop" : "";
		form = 10 + rng_below(r, 60);
	}
	if (rng_chance(r, 0.08))
		snprintf(suffix, sizeof(suffix), ".func%u", 1 + rng_below(r, 4));
	if (form < 10)		/* plain function */
		*name = xprintf("%s.%s%s%s", p->path, verb, noun, suffix);
	else if (form < 80)	/* pointer method */
		*name = xprintf("%s.(*%s).%s%s%s", p->path, type, verb, noun, suffix);
	else if (form < 95)	/* value method */
		*name = xprintf("%s.%s.%s%s%s", p->path, type, verb, noun, suffix);
	else			/* generic instantiation */
		*name = xprintf("%s.%s%s[...]%s", p->path, verb, noun, suffix);
	*file = xprintf("%s/%s.go", p->dir, rng_chance(r, 0.7) ? lt : "util");
	free(verb);
	free(lt);
}

static void universe_init(uint64_t seed)
{
	struct rng r;
	uint64_t addr = 0x401000;

	rng_seed(&r, seed ^ 0x756e697665727365ULL);
	nfuncs = LAYERS * PER_LAYER;
	funcs = xcalloc(nfuncs, sizeof(*funcs));
	for (uint32_t l = 0; l <= LAYERS; l++)
		layer_start[l] = l * PER_LAYER;
	for (uint32_t i = 0; i < nfuncs; i++) {
		struct func *f = &funcs[i];
		uint32_t layer = i / PER_LAYER;
		int root = layer == 0 && i < NROOTS;
		const struct package *p = pick_package(&r, layer);

		f->layer = layer;
		if (i == 0) {
			f->name = xstrdup("net/http.(*conn).serve");
			f->file = xstrdup(GOROOT "net/http/server.go");
			f->start_line = 1861;
		} else {
			make_name(&r, p, root, &f->name, &f->file);
			f->start_line = 20 + rng_below(&r, 1800);
		}
		f->nsites = layer + 2 >= LAYERS ? 1 : 2 + rng_below(&r, 7);
		f->sites = xcalloc(f->nsites, sizeof(*f->sites));
		f->first_loc = nlocs;
		nlocs += f->nsites;
		uint32_t line = f->start_line, off = 0x10 + rng_below(&r, 0x40);
		for (uint32_t k = 0; k < f->nsites; k++) {
			struct site *s = &f->sites[k];
			uint32_t lo = layer + 1 < LAYERS ? layer + 1 : layer;
			uint32_t hi = layer + 2 < LAYERS ? layer + 2 : lo;
			uint32_t to = lo + rng_below(&r, hi - lo + 1);
			line += 1 + rng_below(&r, 25);
			off += 0x8 + rng_below(&r, 0x90);
			s->line = line;
			s->off = off;
			s->callee = layer_start[to] + rng_below(&r, PER_LAYER);
		}
		f->addr = addr;
		addr += (off + 0x40 + rng_below(&r, 0x200)) & ~(uint64_t)0xf;

		/* receiver pointer, then a few words: 0 ptr, 1 small int,
		 * 2 {ptr, len, cap}, 3 ptr "?" */
		f->nargs = (uint8_t)rng_below(&r, 5);
		if (strstr(f->name, "(*"))
			f->nargs++;
		if (f->nargs > 6)
			f->nargs = 6;
		for (int a = 0; a < f->nargs; a++)
			f->argkind[a] = (uint8_t)(a == 0 && strstr(f->name, "(*") ? 0 : rng_below(&r, 4));

		if (root) {
			char *cname, *cfile;
			if (i == 0) {
				cname = xstrdup("net/http.(*Server).Serve");
				cfile = xstrdup(GOROOT "net/http/server.go");
				f->creator_line = 3086;
				f->creator_off = 0x5cb;
				f->creator_goid = 1;
			} else {
				const char *dot = strrchr(f->name, ')');
				size_t plen = dot ? (size_t)(dot - f->name + 1) : (size_t)(strrchr(f->name, '.') - f->name);
				static const char *const starts[] = { ".Start", ".Run", ".Serve", ".New.func1", ".Open" };
				cname = xprintf("%.*s%s", (int)plen, f->name, starts[rng_below(&r, N(starts))]);
				cfile = xstrdup(f->file);
				f->creator_line = 20 + rng_below(&r, 400);
				f->creator_off = 0x20 + rng_below(&r, 0x300);
				f->creator_goid = rng_chance(&r, 0.6) ? 1 : 2 + rng_below(&r, 60);
			}
			f->creator = cname;
			f->creator_file = cfile;
		}
	}
	for (uint32_t n = 1; n <= 8; n++)
		zipf_init(&site_zipf[n], n, 1.0);
	zipf_init(&root_zipf, NROOTS, 1.2);
}

/* A walk of `depth` frames from a root; path[] gets (function, site) pairs
 * root first, encoded as location ids - 1. */
static void walk(struct rng *r, uint32_t depth, uint32_t *path)
{
	uint32_t f = zipf_pick(&root_zipf, r);
	for (uint32_t d = 0; d < depth; d++) {
		const struct func *fn = &funcs[f];
		uint32_t k = zipf_pick(&site_zipf[fn->nsites], r);
		path[d] = fn->first_loc + k;
		f = fn->sites[k].callee;
	}
}

static uint32_t *loc_func;	/* location id - 1 -> function index */

static void locations_init(void)
{
	loc_func = xmalloc(nlocs * sizeof(*loc_func));
	for (uint32_t i = 0; i < nfuncs; i++)
		for (uint32_t k = 0; k < funcs[i].nsites; k++)
			loc_func[funcs[i].first_loc + k] = i;
}

/* Depth of a stack: mostly 12-30, from 5 to 40. */
static uint32_t pick_depth(struct rng *r)
{
	if (rng_chance(r, 0.03))
		return 30 + rng_below(r, 11);
	return 5 + rng_below(r, 12) + rng_below(r, 12) + rng_below(r, 12);
}

/* ---- set of 64-bit stack hashes ---- */

struct hashset {
	uint64_t *slot;
	size_t mask;
};

static void hashset_init(struct hashset *h, size_t want)
{
	size_t n = 1024;
	while (n < want * 2)
		n <<= 1;
	h->slot = xcalloc(n, sizeof(*h->slot));
	h->mask = n - 1;
}

/* 1 if added, 0 if it was there. */
static int hashset_add(struct hashset *h, uint64_t key)
{
	if (!key)
		key = 1;
	for (size_t i = key & h->mask;; i = (i + 1) & h->mask) {
		if (h->slot[i] == key)
			return 0;
		if (!h->slot[i]) {
			h->slot[i] = key;
			return 1;
		}
	}
}

static uint64_t hash_path(const uint32_t *path, uint32_t n)
{
	uint64_t h = 0xcbf29ce484222325ULL ^ n;
	for (uint32_t i = 0; i < n; i++) {
		h ^= path[i];
		h *= 0x100000001b3ULL;
		h ^= h >> 29;
	}
	return h;
}

/* ---- heap profile: profile.proto by hand ---- */

struct pbuf {
	uint8_t *b;
	size_t len, cap;
};

static void pb_reserve(struct pbuf *p, size_t n)
{
	if (p->len + n > p->cap) {
		p->cap = (p->len + n) * 2 + 64;
		p->b = xrealloc(p->b, p->cap);
	}
}

static void pb_varint(struct pbuf *p, uint64_t v)
{
	pb_reserve(p, 10);
	while (v >= 0x80) {
		p->b[p->len++] = (uint8_t)(v | 0x80);
		v >>= 7;
	}
	p->b[p->len++] = (uint8_t)v;
}

static void pb_bytes(struct pbuf *p, const void *b, size_t n)
{
	pb_reserve(p, n);
	memcpy(p->b + p->len, b, n);
	p->len += n;
}

static void pb_key(struct pbuf *p, uint32_t field, uint32_t wire)
{
	pb_varint(p, (uint64_t)field << 3 | wire);
}

static void pb_uint(struct pbuf *p, uint32_t field, uint64_t v)
{
	if (v) {
		pb_key(p, field, 0);
		pb_varint(p, v);
	}
}

static void pb_sub(struct pbuf *p, uint32_t field, const struct pbuf *sub)
{
	pb_key(p, field, 2);
	pb_varint(p, sub->len);
	pb_bytes(p, sub->b, sub->len);
}

/* Interned strings of the string table, in id order. */
static char **strtab;
static uint32_t nstr, capstr;
static struct {
	uint64_t *hash;
	uint32_t *id;
	size_t mask;
} strmap;

static uint64_t hash_str(const char *s)
{
	uint64_t h = 0xcbf29ce484222325ULL;
	for (; *s; s++) {
		h ^= (uint8_t)*s;
		h *= 0x100000001b3ULL;
	}
	return h | 1;
}

static uint32_t intern(const char *s)
{
	uint64_t h = hash_str(s);
	if (!strmap.hash) {
		strmap.mask = (1u << 16) - 1;
		strmap.hash = xcalloc(strmap.mask + 1, sizeof(uint64_t));
		strmap.id = xcalloc(strmap.mask + 1, sizeof(uint32_t));
	}
	for (size_t i = h & strmap.mask;; i = (i + 1) & strmap.mask) {
		if (!strmap.hash[i]) {
			if (nstr == capstr) {
				capstr = capstr ? capstr * 2 : 1024;
				strtab = xrealloc(strtab, capstr * sizeof(*strtab));
			}
			if (nstr * 2 > strmap.mask)
				die("string table full");
			strmap.hash[i] = h;
			strmap.id[i] = nstr;
			strtab[nstr] = xstrdup(s);
			return nstr++;
		}
		if (strmap.hash[i] == h && !strcmp(strtab[strmap.id[i]], s))
			return strmap.id[i];
	}
}

static void gz_put(gzFile gz, const struct pbuf *p, const char *out)
{
	if (p->len && gzwrite(gz, p->b, (unsigned)p->len) != (int)p->len)
		die("%s: write failed", out);
}

static const uint32_t size_classes[] = {
	8, 16, 24, 32, 48, 64, 80, 96, 112, 128, 144, 160, 176, 192, 208, 224,
	240, 256, 288, 320, 352, 384, 416, 448, 480, 512, 576, 640, 704, 768,
	896, 1024, 1152, 1280, 1408, 1536, 1792, 2048, 2304, 2688, 3072, 3200,
	3456, 4096, 4864, 5376, 6144, 6528, 6784, 6912, 8192, 9472, 9728, 10240,
	10880, 12288, 13568, 14336, 16384, 18432, 19072, 20480, 21760, 24576,
	27264, 28672, 32768,
};

static void gen_heap(uint64_t seed, uint32_t nstacks, int grown, const char *out)
{
	struct rng r, rg;
	struct hashset seen;
	struct pbuf msg = {0}, sub = {0}, sub2 = {0};
	uint8_t *loc_used = xcalloc(nlocs, 1);
	uint8_t *func_used = xcalloc(nfuncs, 1);
	uint32_t path[64], nsamples = 0;
	uint64_t total_inuse = 0;
	char *tmp = xprintf("%s.tmp", out);
	gzFile gz = gzopen(tmp, "wb6");

	if (!gz)
		die("%s: %s", tmp, strerror(errno));
	gzbuffer(gz, 1 << 18);
	rng_seed(&r, seed ^ 0x68656170ULL);
	rng_seed(&rg, seed ^ 0x67726f776eULL);
	hashset_init(&seen, nstacks);

	intern("");
	uint32_t s_alloc_objects = intern("alloc_objects"), s_count = intern("count");
	uint32_t s_alloc_space = intern("alloc_space"), s_bytes = intern("bytes");
	uint32_t s_inuse_objects = intern("inuse_objects"), s_inuse_space = intern("inuse_space");
	uint32_t s_space = intern("space");
	uint32_t s_binary = intern("/usr/local/bin/shop");
	uint32_t s_buildid = intern("6f1c9b2e84a0d3f57c21e9a4b8d06f3e2a5c7b19");
	const uint32_t st[4][2] = {
		{s_alloc_objects, s_count}, {s_alloc_space, s_bytes},
		{s_inuse_objects, s_count}, {s_inuse_space, s_bytes},
	};
	for (int i = 0; i < 4; i++) {
		sub.len = 0;
		pb_uint(&sub, 1, st[i][0]);
		pb_uint(&sub, 2, st[i][1]);
		pb_sub(&msg, 1, &sub);
	}
	gz_put(gz, &msg, tmp);

	for (uint32_t n = 0; n < nstacks;) {
		uint32_t depth = pick_depth(&r);
		walk(&r, depth, path);
		if (!hashset_add(&seen, hash_path(path, depth)))
			continue;
		n++;

		/* Values as the runtime reports them after scaling: objects of
		 * one size class, heavy-tailed counts, most of it freed. */
		uint64_t size = rng_chance(&r, 0.02) ? 32768 + rng_below(&r, 4u << 20)
						  : size_classes[rng_below(&r, N(size_classes))];
		double pareto = pow(1.0 - rng_unit(&r), -1.0 / 1.1);
		if (pareto > 5000)
			pareto = 5000;
		uint64_t aobj = (uint64_t)(pareto * (size < 65536 ? 65536.0 / (double)size : 1.0));
		if (!aobj)
			aobj = 1;
		double keep = rng_unit(&r);
		uint64_t iobj = rng_chance(&r, 0.6) ? 0 : (uint64_t)((double)aobj * keep * keep * keep * 0.3);
		int dup = rng_chance(&r, 0.05);
		uint64_t gu = rng_next(&rg);

		if (grown) {
			uint32_t pct = (uint32_t)(gu % 100);
			if (pct < 8) {	/* grew: the leak */
				uint64_t f = 2 + (gu >> 8) % 9;
				uint64_t add = (iobj ? iobj : 1 + aobj / 100) * (f - 1);
				iobj += add;
				aobj += add;
			} else if (pct < 10) {
				iobj /= 2;
			}
		}
		for (int rep = 0; rep <= dup; rep++) {
			uint64_t sz = rep ? size * 2 : size;
			uint64_t ao = rep ? 1 + aobj / 3 : aobj, io = rep ? iobj / 3 : iobj;
			uint64_t v[4] = { ao, ao * sz, io, io * sz };

			msg.len = 0;
			sub.len = 0;
			for (uint32_t d = depth; d-- > 0;) {	/* leaf first */
				pb_varint(&sub, (uint64_t)path[d] + 1);
				loc_used[path[d]] = 1;
			}
			pb_key(&msg, 1, 2);
			pb_varint(&msg, sub.len);
			pb_bytes(&msg, sub.b, sub.len);
			sub.len = 0;
			for (int i = 0; i < 4; i++)
				pb_varint(&sub, v[i]);
			pb_key(&msg, 2, 2);
			pb_varint(&msg, sub.len);
			pb_bytes(&msg, sub.b, sub.len);
			sub.len = 0;
			pb_uint(&sub, 1, s_bytes);
			pb_uint(&sub, 3, sz);
			pb_sub(&msg, 3, &sub);

			sub2.len = 0;
			pb_sub(&sub2, 2, &msg);
			gz_put(gz, &sub2, tmp);
			total_inuse += v[3];
			nsamples++;
		}
	}

	/* mapping, locations, functions */
	msg.len = 0;
	sub.len = 0;
	pb_uint(&sub, 1, 1);
	pb_uint(&sub, 2, 0x400000);
	pb_uint(&sub, 3, (funcs[nfuncs - 1].addr + 0x1000) & ~(uint64_t)0xfff);
	pb_uint(&sub, 4, 0);
	pb_uint(&sub, 5, s_binary);
	pb_uint(&sub, 6, s_buildid);
	pb_uint(&sub, 7, 1);
	pb_uint(&sub, 8, 1);
	pb_uint(&sub, 9, 1);
	pb_uint(&sub, 10, 1);
	pb_sub(&msg, 3, &sub);
	gz_put(gz, &msg, tmp);
	for (uint32_t l = 0; l < nlocs; l++) {
		if (!loc_used[l])
			continue;
		uint32_t fi = loc_func[l];
		const struct func *f = &funcs[fi];
		const struct site *s = &f->sites[l - f->first_loc];
		func_used[fi] = 1;
		msg.len = 0;
		sub.len = 0;
		pb_uint(&sub, 1, (uint64_t)l + 1);
		pb_uint(&sub, 2, 1);
		pb_uint(&sub, 3, f->addr + s->off);
		/* about one location in eight has a call inlined into it:
		 * lines[0] is the inlined callee, lines[1] the caller */
		if ((l * 2654435761u) % 8 == 0) {
			uint32_t ii = layer_start[LAYERS - 1] + l % PER_LAYER;
			const struct func *in = &funcs[ii];
			func_used[ii] = 1;
			sub2.len = 0;
			pb_uint(&sub2, 1, (uint64_t)ii + 1);
			pb_uint(&sub2, 2, in->start_line + 3);
			pb_sub(&sub, 4, &sub2);
		}
		sub2.len = 0;
		pb_uint(&sub2, 1, (uint64_t)fi + 1);
		pb_uint(&sub2, 2, s->line);
		pb_sub(&sub, 4, &sub2);
		pb_sub(&msg, 4, &sub);
		gz_put(gz, &msg, tmp);
	}
	for (uint32_t i = 0; i < nfuncs; i++) {
		if (!func_used[i])
			continue;
		const struct func *f = &funcs[i];
		uint32_t name = intern(f->name);
		msg.len = 0;
		sub.len = 0;
		pb_uint(&sub, 1, (uint64_t)i + 1);
		pb_uint(&sub, 2, name);
		pb_uint(&sub, 3, name);
		pb_uint(&sub, 4, intern(f->file));
		pb_uint(&sub, 5, f->start_line);
		pb_sub(&msg, 5, &sub);
		gz_put(gz, &msg, tmp);
	}
	msg.len = 0;
	for (uint32_t i = 0; i < nstr; i++) {
		size_t n = strlen(strtab[i]);
		pb_key(&msg, 6, 2);
		pb_varint(&msg, n);
		pb_bytes(&msg, strtab[i], n);
	}
	pb_uint(&msg, 9, 1763683200000000000ULL + (grown ? 600000000000ULL : 0));
	sub.len = 0;
	pb_uint(&sub, 1, s_space);
	pb_uint(&sub, 2, s_bytes);
	pb_sub(&msg, 11, &sub);
	pb_uint(&msg, 12, 524288);
	gz_put(gz, &msg, tmp);
	if (gzclose(gz) != Z_OK)
		die("%s: write failed", tmp);
	if (rename(tmp, out) < 0)
		die("%s: %s", out, strerror(errno));
	fprintf(stderr, "%s: wrote %s: %u distinct stacks, %u samples, %u strings, inuse %.1f MB%s\n",
		progname, out, nstacks, nsamples, nstr, total_inuse / 1e6, grown ? " (grown)" : "");
	free(tmp);
}

/* ---- goroutine dumps ---- */

/* A frame of the standard library with '#' where a heap pointer goes. */
struct fixed {
	const char *name, *args, *file;
	uint32_t line, off;	/* off 0: an inlined frame, no "+0x" */
};

#define F(n, a, f, l, o) { n, a, GOROOT f, l, o }
static const struct fixed io_read[] = {
	F("internal/poll.runtime_pollWait", "(0x7f3a2c1b2e88, 0x72)", "runtime/netpoll.go", 343, 0x85),
	F("internal/poll.(*pollDesc).wait", "(#?, #?, 0x0)", "internal/poll/fd_poll_runtime.go", 84, 0x27),
	F("internal/poll.(*pollDesc).waitRead", "(...)", "internal/poll/fd_poll_runtime.go", 89, 0),
	F("internal/poll.(*FD).Read", "(#, {#, 0x1000, 0x1000})", "internal/poll/fd_unix.go", 164, 0x27a),
	F("net.(*netFD).Read", "(#, {#?, 0x0?, 0x0?})", "net/fd_posix.go", 55, 0x25),
	F("net.(*conn).Read", "(#, {#?, 0x0?, 0x0?})", "net/net.go", 179, 0x45),
	F("bufio.(*Reader).fill", "(#)", "bufio/bufio.go", 113, 0x103),
};
static const struct fixed io_accept[] = {
	F("internal/poll.runtime_pollWait", "(0x7f3a2c1b2f70, 0x72)", "runtime/netpoll.go", 343, 0x85),
	F("internal/poll.(*pollDesc).wait", "(#?, #?, 0x0)", "internal/poll/fd_poll_runtime.go", 84, 0x27),
	F("internal/poll.(*pollDesc).waitRead", "(...)", "internal/poll/fd_poll_runtime.go", 89, 0),
	F("internal/poll.(*FD).Accept", "(#)", "internal/poll/fd_unix.go", 611, 0x2ac),
	F("net.(*netFD).accept", "(#)", "net/fd_unix.go", 172, 0x29),
	F("net.(*TCPListener).accept", "(#)", "net/tcpsock_posix.go", 152, 0x1e),
	F("net.(*TCPListener).Accept", "(#)", "net/tcpsock.go", 315, 0x30),
};
static const struct fixed semacquire[] = {
	F("sync.runtime_Semacquire", "(#?)", "runtime/sema.go", 62, 0x25),
	F("sync.(*WaitGroup).Wait", "(#?)", "sync/waitgroup.go", 116, 0x48),
};
static const struct fixed mutex[] = {
	F("sync.runtime_SemacquireMutex", "(#?, 0x0?, 0x1?)", "runtime/sema.go", 77, 0x25),
	F("sync.(*Mutex).lockSlow", "(#)", "sync/mutex.go", 171, 0x15d),
	F("sync.(*Mutex).Lock", "(...)", "sync/mutex.go", 90, 0),
};
static const struct fixed rwmutex[] = {
	F("sync.runtime_SemacquireRWMutexR", "(#?, 0x0?, 0x0?)", "runtime/sema.go", 82, 0x25),
	F("sync.(*RWMutex).RLock", "(...)", "sync/rwmutex.go", 71, 0),
};
static const struct fixed cond[] = {
	F("sync.runtime_notifyListWait", "(#, 0x2a)", "runtime/sema.go", 527, 0x159),
	F("sync.(*Cond).Wait", "(#?)", "sync/cond.go", 70, 0x85),
};
static const struct fixed sleep_[] = {
	F("time.Sleep", "(0x3b9aca00)", "runtime/time.go", 195, 0x125),
};
static const struct fixed syscall_[] = {
	F("syscall.Syscall", "(0x0, 0x3, #, 0x1000)", "syscall/syscall_linux.go", 69, 0x25),
	F("syscall.read", "(0x3?, {#?, 0x0?, 0x0?})", "syscall/zsyscall_linux_amd64.go", 721, 0x38),
	F("syscall.Read", "(...)", "syscall/syscall_unix.go", 181, 0),
	F("internal/poll.ignoringEINTRIO", "(...)", "internal/poll/fd_unix.go", 736, 0),
	F("internal/poll.(*FD).Read", "(#, {#, 0x1000, 0x1000})", "internal/poll/fd_unix.go", 160, 0x25a),
	F("os.(*File).read", "(...)", "os/file_posix.go", 29, 0),
	F("os.(*File).Read", "(#, {#?, 0x0?, 0x0?})", "os/file.go", 118, 0x52),
};
static const struct fixed gosched[] = {
	F("runtime.Gosched", "(...)", "runtime/proc.go", 322, 0),
};
static const struct fixed dumper[] = {
	F("runtime/pprof.writeGoroutineStacks", "({0xa1b2c0, #})", "runtime/pprof/pprof.go", 703, 0x6a),
	F("runtime/pprof.writeGoroutine", "({0xa1b2c0?, #?}, 0x2?)", "runtime/pprof/pprof.go", 692, 0x25),
	F("runtime/pprof.(*Profile).WriteTo", "(0xe4c2a0?, {0xa1b2c0?, #?}, 0xc?)", "runtime/pprof/pprof.go", 329, 0x146),
	F("net/http/pprof.handler.ServeHTTP", "({#, 0x9}, {0xa1f0e8, #}, #)", "net/http/pprof/pprof.go", 259, 0x3c5),
	F("net/http/pprof.Index", "({0xa1f0e8?, #}, #?)", "net/http/pprof/pprof.go", 376, 0xe5),
	F("net/http.HandlerFunc.ServeHTTP", "(0xc0?, {0xa1f0e8?, #?}, 0x0?)", "net/http/server.go", 2136, 0x29),
	F("net/http.(*ServeMux).ServeHTTP", "(0x0?, {0xa1f0e8, #}, #)", "net/http/server.go", 2514, 0x142),
	F("net/http.serverHandler.ServeHTTP", "({#?}, {0xa1f0e8?, #?}, 0x6?)", "net/http/server.go", 2938, 0x8e),
	F("net/http.(*conn).serve", "(#, {0xa1f850, #})", "net/http/server.go", 2009, 0x5f4),
};
static const struct fixed main_serving[] = {
	F("internal/poll.runtime_pollWait", "(0x7f3a2c1b3058, 0x72)", "runtime/netpoll.go", 343, 0x85),
	F("internal/poll.(*pollDesc).wait", "(#?, #?, 0x0)", "internal/poll/fd_poll_runtime.go", 84, 0x27),
	F("internal/poll.(*pollDesc).waitRead", "(...)", "internal/poll/fd_poll_runtime.go", 89, 0),
	F("internal/poll.(*FD).Accept", "(#)", "internal/poll/fd_unix.go", 611, 0x2ac),
	F("net.(*netFD).accept", "(#)", "net/fd_unix.go", 172, 0x29),
	F("net.(*TCPListener).accept", "(#)", "net/tcpsock_posix.go", 152, 0x1e),
	F("net.(*TCPListener).Accept", "(#)", "net/tcpsock.go", 315, 0x30),
	F("net/http.(*Server).Serve", "(#, {0xa1f3a0, #})", "net/http/server.go", 3056, 0x364),
	F("net/http.(*Server).ListenAndServe", "(#)", "net/http/server.go", 2985, 0x71),
	{ "main.main", "()", APP "cmd/shop/main.go", 112, 0x5c5 },
};
static const struct fixed main_panicking[] = {
	F("panic", "({0x8a3e40?, 0xb1c2d0?})", "runtime/panic.go", 920, 0x270),
	{ "main.main", "()", APP "cmd/shop/main.go", 109, 0x5e5 },
};
#undef F
#define FIX(a) a, N(a)

static const struct state {
	const char *name;
	uint32_t weight;
	int minutes;		/* may show ", N minutes" */
	const struct fixed *top;
	uint32_t ntop;
} states[] = {
	{ "chan receive", 22, 1, NULL, 0 },
	{ "select", 20, 1, NULL, 0 },
	{ "IO wait", 14, 1, FIX(io_read) },
	{ "IO wait", 2, 1, FIX(io_accept) },
	{ "chan send", 7, 1, NULL, 0 },
	{ "semacquire", 6, 1, FIX(semacquire) },
	{ "sync.Mutex.Lock", 6, 1, FIX(mutex) },
	{ "sync.RWMutex.RLock", 2, 1, FIX(rwmutex) },
	{ "sleep", 5, 1, FIX(sleep_) },
	{ "sync.Cond.Wait", 4, 1, FIX(cond) },
	{ "syscall", 3, 1, FIX(syscall_) },
	{ "running", 2, 0, NULL, 0 },
	{ "runnable", 2, 0, NULL, 0 },
	{ "runnable", 1, 0, FIX(gosched) },
	{ "select (no cases)", 1, 1, NULL, 0 },
	{ "chan receive (nil chan)", 1, 1, NULL, 0 },
};
#define NSTATES N(states)

struct tmpl {
	char *text;		/* frames and "created by", '\n'-terminated */
	uint32_t len, nholes;
	uint32_t *holes;	/* offsets of the 8 random hex digits of a pointer */
	const char *state;
	uint32_t minutes;	/* 0: none */
	int locked;
};

struct textbuf {
	char *b;
	size_t len, cap;
	uint32_t *holes;
	uint32_t nholes, capholes;
};

static void tb_put(struct textbuf *t, const char *s, size_t n)
{
	if (t->len + n + 1 > t->cap) {
		t->cap = (t->len + n + 1) * 2;
		t->b = xrealloc(t->b, t->cap);
	}
	memcpy(t->b + t->len, s, n);
	t->len += n;
	t->b[t->len] = '\0';
}

static void tb_str(struct textbuf *t, const char *s)
{
	tb_put(t, s, strlen(s));
}

static void tb_fmt(struct textbuf *t, const char *fmt, ...)
{
	char buf[512];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	tb_put(t, buf, n < (int)sizeof(buf) ? (size_t)n : sizeof(buf) - 1);
}

/* A heap pointer 0xc0XXXXXXXX whose digits are drawn per goroutine. */
static void tb_hole(struct textbuf *t)
{
	tb_str(t, "0xc0");
	if (t->nholes == t->capholes) {
		t->capholes = t->capholes ? t->capholes * 2 : 16;
		t->holes = xrealloc(t->holes, t->capholes * sizeof(*t->holes));
	}
	t->holes[t->nholes++] = (uint32_t)t->len;
	tb_str(t, "00000000");
}

/* Arguments with '#' for a pointer. */
static void tb_args(struct textbuf *t, const char *args)
{
	for (const char *p = args; *p; p++) {
		if (*p == '#')
			tb_hole(t);
		else
			tb_put(t, p, 1);
	}
}

static void tb_fixed(struct textbuf *t, const struct fixed *f)
{
	tb_str(t, f->name);
	tb_args(t, f->args);
	if (f->off)
		tb_fmt(t, "\n\t%s:%u +0x%x\n", f->file, f->line, f->off);
	else
		tb_fmt(t, "\n\t%s:%u\n", f->file, f->line);
}

static void tb_user(struct textbuf *t, struct rng *r, uint32_t loc, int inlined)
{
	const struct func *f = &funcs[loc_func[loc]];
	const struct site *s = &f->sites[loc - f->first_loc];

	tb_str(t, f->name);
	if (inlined) {
		tb_fmt(t, "(...)\n\t%s:%u\n", f->file, s->line);
		return;
	}
	tb_str(t, "(");
	for (int a = 0; a < f->nargs; a++) {
		if (a)
			tb_str(t, ", ");
		switch (f->argkind[a]) {
		case 0:
			tb_hole(t);
			break;
		case 1:
			tb_fmt(t, "0x%x", rng_below(r, 0x41));
			break;
		case 2:
			tb_str(t, "{");
			tb_hole(t);
			tb_fmt(t, ", 0x%x, 0x%x}", 1 + rng_below(r, 0x40), 0x40);
			break;
		default:
			if (rng_chance(r, 0.5))
				tb_str(t, "0x0?");
			else {
				tb_hole(t);
				tb_str(t, "?");
			}
		}
	}
	if (f->nargs == 6 && rng_chance(r, 0.3))
		tb_str(t, ", ...");
	tb_fmt(t, ")\n\t%s:%u +0x%x\n", f->file, s->line, s->off);
}

static void tmpl_finish(struct tmpl *tp, struct textbuf *t)
{
	tp->text = t->b;
	tp->len = (uint32_t)t->len;
	tp->holes = t->holes;
	tp->nholes = t->nholes;
	memset(t, 0, sizeof(*t));
}

static void tmpl_fixed(struct tmpl *tp, const char *state, const struct fixed *f,
		       uint32_t n, const char *created)
{
	struct textbuf t = {0};
	for (uint32_t i = 0; i < n; i++)
		tb_fixed(&t, &f[i]);
	if (created)
		tb_str(&t, created);
	tp->state = state;
	tmpl_finish(tp, &t);
}

static void tmpl_random(struct tmpl *tp, struct rng *r)
{
	static uint32_t state_total;
	struct textbuf t = {0};
	uint32_t path[64];

	if (!state_total)
		for (uint32_t i = 0; i < NSTATES; i++)
			state_total += states[i].weight;
	uint32_t u = rng_below(r, state_total), si = 0;
	while (u >= states[si].weight)
		u -= states[si++].weight;
	const struct state *st = &states[si];

	tp->state = st->name;
	if (st->minutes && rng_chance(r, 0.4)) {
		double p = pow(1.0 - rng_unit(r), -1.0 / 0.8);
		tp->minutes = (uint32_t)(p < 5000 ? p : 5000);
	}
	tp->locked = !strcmp(st->name, "syscall") && rng_chance(r, 0.15);

	uint32_t depth = pick_depth(r);
	uint32_t user = depth > st->ntop + 2 ? depth - st->ntop : 2;
	walk(r, user, path);
	if (!strcmp(st->name, "running") && rng_chance(r, 0.1)) {
		tb_str(&t, "\tgoroutine running on other thread; stack unavailable\n");
	} else {
		for (uint32_t i = 0; i < st->ntop; i++)
			tb_fixed(&t, &st->top[i]);
		for (uint32_t d = user; d-- > 0;)
			tb_user(&t, r, path[d], d && d + 1 < user && rng_chance(r, 0.04));
	}
	const struct func *root = &funcs[loc_func[path[0]]];
	tb_fmt(&t, "created by %s in goroutine %u\n\t%s:%u +0x%x\n", root->creator,
	       root->creator_goid, root->creator_file, root->creator_line, root->creator_off);
	tmpl_finish(tp, &t);
}

struct out {
	int fd;
	const char *path;
	char *buf;
	size_t len, cap;
	uint64_t written, limit;	/* limit 0: none */
	int full;
};

static int open_out(const char *path)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd < 0)
		die("%s: %s", path, strerror(errno));
	return fd;
}

static void out_flush(struct out *o)
{
	size_t n = o->len;
	if (o->limit && o->written + n >= o->limit) {
		n = (size_t)(o->limit - o->written);
		o->full = 1;
	}
	for (size_t done = 0; done < n;) {
		ssize_t w = write(o->fd, o->buf + done, n - done);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			die("%s: %s", o->path, strerror(errno));
		}
		done += (size_t)w;
	}
	o->written += n;
	o->len = 0;
}

static char *out_room(struct out *o, size_t n)
{
	if (o->len + n > o->cap) {
		out_flush(o);
		if (n > o->cap) {
			o->cap = n * 2;
			o->buf = xrealloc(o->buf, o->cap);
		}
	}
	return o->buf + o->len;
}

static void out_put(struct out *o, const char *s, size_t n)
{
	memcpy(out_room(o, n), s, n);
	o->len += n;
}

static void out_str(struct out *o, const char *s)
{
	out_put(o, s, strlen(s));
}

static void out_u64(struct out *o, uint64_t v)
{
	char tmp[24];
	int n = 0;
	do {
		tmp[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	char *p = out_room(o, (size_t)n);
	for (int i = 0; i < n; i++)
		p[i] = tmp[n - 1 - i];
	o->len += (size_t)n;
}

static void out_goroutine(struct out *o, struct rng *r, const struct tmpl *tp,
			  uint64_t id)
{
	static const char hex[] = "0123456789abcdef";

	out_str(o, "goroutine ");
	out_u64(o, id);
	out_str(o, " [");
	out_str(o, tp->state);
	if (tp->minutes) {
		out_str(o, ", ");
		out_u64(o, tp->minutes + rng_below(r, tp->minutes / 2 + 1));
		out_str(o, " minutes");
	}
	if (tp->locked)
		out_str(o, ", locked to thread");
	out_str(o, "]:\n");
	char *p = out_room(o, tp->len);
	memcpy(p, tp->text, tp->len);
	for (uint32_t h = 0; h < tp->nholes; h++) {
		/* 0xc0 0XXXXXX8: a heap address below 256 MiB, 8-aligned */
		uint64_t v = rng_next(r);
		char *d = p + tp->holes[h];
		d[0] = '0';
		for (int i = 1; i < 7; i++, v >>= 4)
			d[i] = hex[v & 15];
		d[7] = (v & 16) ? '8' : '0';
		if (d[1] == '0' && d[2] == '0' && d[3] == '0')
			d[1] = '1';
	}
	o->len += tp->len;
}

struct dump_opts {
	uint64_t seed, goroutines, stacks, truncate, min_bytes;
	int traceback, explicit_n;
};

static void gen_dump(const struct dump_opts *opt, const char *outpath)
{
	struct rng r, rt;
	uint32_t ntmpl = (uint32_t)opt->stacks;
	struct tmpl *tmpl = xcalloc(ntmpl, sizeof(*tmpl));
	uint8_t *used = xcalloc(ntmpl, 1);
	struct tmpl special = {0};
	struct zipf zt;
	struct out o = {0};
	uint64_t n = 0, id = 1, max = opt->goroutines;
	char *tmp = xprintf("%s.tmp", outpath);
	uint32_t distinct = 0;

	if (!opt->explicit_n && (opt->truncate || opt->min_bytes))
		max = UINT64_MAX;
	rng_seed(&rt, opt->seed ^ 0x746d706cULL);
	for (uint32_t i = 0; i < ntmpl; i++)
		tmpl_random(&tmpl[i], &rt);
	zipf_init(&zt, ntmpl, 1.05);

	o.path = tmp;
	o.cap = 4u << 20;
	o.buf = xmalloc(o.cap);
	o.limit = opt->truncate;
	o.fd = open_out(tmp);
	rng_seed(&r, opt->seed ^ 0x64756d70ULL);

	if (opt->traceback) {
		out_str(&o, "panic: boom\n\n");
		tmpl_fixed(&special, "running", FIX(main_panicking), NULL);
		out_goroutine(&o, &r, &special, 1);
	} else {
		tmpl_fixed(&special, "running", FIX(dumper),
			   "created by net/http.(*Server).Serve in goroutine 1\n\t" GOROOT "net/http/server.go:3086 +0x5cb\n");
		out_goroutine(&o, &r, &special, 4096 + rng_below(&r, 100000));
		out_str(&o, "\n");
		tmpl_fixed(&special, "IO wait", FIX(main_serving), NULL);
		special.minutes = 1440;
		out_goroutine(&o, &r, &special, 1);
		n++;
	}
	n++;
	while (n < max && !(o.limit && o.written + o.len >= o.limit) &&
	       !(opt->min_bytes && o.written + o.len >= opt->min_bytes)) {
		uint32_t t = zipf_pick(&zt, &r);
		id += 1 + (rng_chance(&r, 0.1) ? rng_below(&r, 40) : 0);
		if (!used[t]) {
			used[t] = 1;
			distinct++;
		}
		out_str(&o, "\n");
		out_goroutine(&o, &r, &tmpl[t], id);
		n++;
		if (o.len > o.cap / 2)
			out_flush(&o);
	}
	if (opt->traceback && !o.full)
		out_str(&o, "exit status 2\n");
	out_flush(&o);
	if (close(o.fd) < 0)
		die("%s: %s", tmp, strerror(errno));
	if (rename(tmp, outpath) < 0)
		die("%s: %s", outpath, strerror(errno));
	fprintf(stderr, "%s: wrote %s: %" PRIu64 " goroutines%s, %u distinct stacks of %u, %" PRIu64 " bytes%s\n",
		progname, outpath, n, o.full ? " (the last one cut)" : "", distinct, ntmpl,
		o.written, opt->traceback ? " (traceback)" : "");
	free(tmp);
}

static void usage(int code)
{
	fprintf(code ? stderr : stdout,
		"usage: gen dump [-s SEED] [-n GOROUTINES] [-k STACKS] [-t] [--truncate=BYTES]\n"
		"                [--min-bytes=BYTES] OUT\n"
		"       gen heap [-s SEED] [-k STACKS] [--grown] OUT\n");
	exit(code);
}

static uint64_t number(const char *s, const char *what)
{
	char *end;
	errno = 0;
	unsigned long long v = strtoull(s, &end, 10);
	if (errno || end == s)
		goto bad;
	switch (*end) {	/* k, M, G: powers of 1024 */
	case 'k': case 'K': v <<= 10; end++; break;
	case 'M': v <<= 20; end++; break;
	case 'G': v <<= 30; end++; break;
	}
	if (*end)
		goto bad;
	return v;
bad:
	fprintf(stderr, "%s: %s: not a number: %s\n", progname, what, s);
	usage(2);
	return 0;
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "seed", required_argument, NULL, 's' },
		{ "goroutines", required_argument, NULL, 'n' },
		{ "stacks", required_argument, NULL, 'k' },
		{ "traceback", no_argument, NULL, 't' },
		{ "truncate", required_argument, NULL, 'T' },
		{ "min-bytes", required_argument, NULL, 'B' },
		{ "grown", no_argument, NULL, 'g' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct dump_opts d = { .seed = 1, .goroutines = 100000, .stacks = 0 };
	int grown = 0, c;

	if (argc < 2)
		usage(2);
	if (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help"))
		usage(0);
	const char *mode = argv[1];
	if (strcmp(mode, "dump") && strcmp(mode, "heap")) {
		fprintf(stderr, "%s: unknown mode: %s\n", progname, mode);
		usage(2);
	}
	argv++;
	argc--;
	while ((c = getopt_long(argc, argv, "s:n:k:th", longopts, NULL)) != -1) {
		switch (c) {
		case 's': d.seed = number(optarg, "--seed"); break;
		case 'n': d.goroutines = number(optarg, "--goroutines"); d.explicit_n = 1; break;
		case 'k': d.stacks = number(optarg, "--stacks"); break;
		case 't': d.traceback = 1; break;
		case 'T': d.truncate = number(optarg, "--truncate"); break;
		case 'B': d.min_bytes = number(optarg, "--min-bytes"); break;
		case 'g': grown = 1; break;
		case 'h': usage(0); break;
		default: usage(2);
		}
	}
	if (optind + 1 != argc)
		usage(2);
	universe_init(d.seed);
	locations_init();
	if (!strcmp(mode, "heap")) {
		gen_heap(d.seed, d.stacks ? (uint32_t)d.stacks : 300000, grown, argv[optind]);
	} else {
		if (!d.stacks)
			d.stacks = d.goroutines > 200000 ? 20000 : 5000;
		if (!d.stacks || d.stacks > 10000000)
			die("--stacks: between 1 and 10000000");
		gen_dump(&d, argv[optind]);
	}
	return 0;
}
