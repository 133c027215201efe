/* test_input.c - reading files and stdin, gzip inflated transparently */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>
#include <zlib.h>

#include "input.h"

static char path[64];

static void write_file(const void *data, size_t len)
{
	int fd;

	strcpy(path, "/tmp/leakscope-test-input-XXXXXX");
	fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, data, len), (ssize_t)len);
	close(fd);
}

/* gzip of data, into out (caller frees). */
static size_t gzip(const char *data, size_t len, unsigned char **out)
{
	z_stream z;
	size_t cap = len + 1024;

	memset(&z, 0, sizeof(z));
	*out = malloc(cap);
	assert_int_equal(deflateInit2(&z, 6, Z_DEFLATED, 31, 8,
				      Z_DEFAULT_STRATEGY), Z_OK);
	z.next_in = (unsigned char *)data;
	z.avail_in = (unsigned)len;
	z.next_out = *out;
	z.avail_out = (unsigned)cap;
	assert_int_equal(deflate(&z, Z_FINISH), Z_STREAM_END);
	deflateEnd(&z);
	return cap - z.avail_out;
}

static void test_input__plain_and_gzip_read_the_same(void **state)
{
	const char text[] = "goroutine 1 [running]:\nmain.main()\n\t/x.go:3\n";
	struct strbuf sb = STRBUF_INIT;
	struct ls_error err;
	unsigned char *gz;
	size_t n;

	(void)state;
	write_file(text, sizeof(text) - 1);
	assert_int_equal(input_slurp(path, 0, &sb, &err), 0);
	assert_string_equal(sb.buf, text);
	unlink(path);

	n = gzip(text, sizeof(text) - 1, &gz);
	write_file(gz, n);
	strbuf_reset(&sb);
	assert_int_equal(input_slurp(path, 0, &sb, &err), 0);
	assert_string_equal(sb.buf, text);
	unlink(path);
	free(gz);
	strbuf_release(&sb);
}

static void test_input__truncated_gzip_is_an_error(void **state)
{
	char text[4096];
	struct strbuf sb = STRBUF_INIT;
	struct ls_error err;
	unsigned char *gz;
	size_t n, i;

	(void)state;
	for (i = 0; i < sizeof(text); i++)
		text[i] = (char)('a' + (i * 7919) % 26);
	n = gzip(text, sizeof(text), &gz);
	write_file(gz, n - 10);	/* cut the trailer and some data */
	assert_int_equal(input_slurp(path, 0, &sb, &err), -1);
	assert_non_null(strstr(err.msg, "truncated"));
	assert_string_equal(err.subject, path);
	unlink(path);
	free(gz);
	strbuf_release(&sb);
}

static void test_input__limit(void **state)
{
	char text[1000];
	struct strbuf sb = STRBUF_INIT;
	struct ls_error err;

	(void)state;
	memset(text, 'x', sizeof(text));
	write_file(text, sizeof(text));
	assert_int_equal(input_slurp(path, 999, &sb, &err), -1);
	assert_non_null(strstr(err.msg, "larger than --max-input-size=999 once decompressed"));
	strbuf_reset(&sb);
	assert_int_equal(input_slurp(path, 1000, &sb, &err), 0);
	assert_int_equal(sb.len, 1000);
	unlink(path);
	strbuf_release(&sb);
}

static void test_input__getline(void **state)
{
	const char text[] = "one\r\ntwo\n\nlast without newline";
	struct strbuf line = STRBUF_INIT;
	struct ls_error err;
	struct input in;

	(void)state;
	write_file(text, sizeof(text) - 1);
	assert_int_equal(input_open(&in, path, 0, &err), 0);
	assert_int_equal(input_getline(&in, &line, &err), 1);
	assert_string_equal(line.buf, "one\r\n");
	assert_int_equal(input_getline(&in, &line, &err), 1);
	assert_string_equal(line.buf, "two\n");
	assert_int_equal(input_getline(&in, &line, &err), 1);
	assert_string_equal(line.buf, "\n");
	assert_int_equal(input_getline(&in, &line, &err), 1);
	assert_string_equal(line.buf, "last without newline");
	assert_int_equal(in.lineno, 4);
	assert_int_equal(input_getline(&in, &line, &err), 0);
	input_close(&in);
	input_close(&in);	/* twice is fine */
	unlink(path);
	strbuf_release(&line);
}

static void test_input__missing_file(void **state)
{
	struct strbuf sb = STRBUF_INIT;
	struct ls_error err;

	(void)state;
	assert_int_equal(input_slurp("/nonexistent/heap.pb.gz", 0, &sb, &err), -1);
	assert_string_equal(err.subject, "/nonexistent/heap.pb.gz");
	assert_string_equal(err.msg, "cannot open: No such file or directory");
	strbuf_release(&sb);
}

static void test_input__parse_size(void **state)
{
	static const struct {
		const char *s;
		uint64_t want;
	} good[] = {
		{ "0", 0 }, { "1048576", 1048576 }, { "100k", 102400 },
		{ "512MB", 512ULL << 20 }, { "4GiB", 4ULL << 30 },
		{ "4g", 4ULL << 30 }, { "1TB", 1ULL << 40 }, { "10b", 10 },
	};
	static const char *bad[] = {
		"", "k", "-1", "1.5GB", "4GX", "4 GB", "99999999999999999999",
		"17179869184TB",
	};
	uint64_t v;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		assert_int_equal(parse_size(good[i].s, &v), 0);
		assert_int_equal(v, good[i].want);
	}
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(parse_size(bad[i], &v), -1);
}

/* Every line of path (or its error) as input_getline_ref gives them,
 * with or without a read-ahead thread, and where an error came. */
static void read_lines(const char *file, uint64_t max, bool ahead,
		       struct strbuf *out, struct ls_error *err)
{
	struct strbuf spill = STRBUF_INIT;
	struct input in;
	const char *line;
	size_t len;
	int r;

	assert_int_equal(input_open(&in, file, max, err), 0);
	if (ahead) {
		input_read_ahead(&in);
		usleep(100000);	/* let the thread get ahead, or to the end */
	}
	while ((r = input_getline_ref(&in, &line, &len, &spill, err)) > 0)
		assert_int_equal(strbuf_add(out, line, len), 0);
	if (r < 0)
		strbuf_addf(out, "error at line %lld: %s", in.lineno, err->msg);
	input_close(&in);
	strbuf_release(&spill);
}

static void check_read_ahead(uint64_t max)
{
	struct strbuf a = STRBUF_INIT, b = STRBUF_INIT;
	struct ls_error err;

	read_lines(path, max, false, &a, &err);
	read_lines(path, max, true, &b, &err);
	assert_int_equal(a.len, b.len);
	assert_memory_equal(a.buf, b.buf, a.len);
	strbuf_release(&a);
	strbuf_release(&b);
}

static void test_input__read_ahead_same_lines_and_errors(void **state)
{
	struct strbuf text = STRBUF_INIT;
	unsigned char *gz;
	size_t n, i;

	(void)state;
	/* 5 MB: lines across many blocks, one longer than a block */
	for (i = 0; text.len < 5000000; i++) {
		strbuf_addf(&text, "line %zu ", i);
		while (i == 7000 && text.len < 1500000)
			strbuf_addch(&text, 'y');
		strbuf_addch(&text, '\n');
	}
	strbuf_addstr(&text, "no newline at the end");
	write_file(text.buf, text.len);
	check_read_ahead(0);
	check_read_ahead(3000000);	/* over the limit: error at the same line */
	unlink(path);

	n = gzip(text.buf, text.len, &gz);
	write_file(gz, n);
	check_read_ahead(0);
	check_read_ahead(3000000);
	unlink(path);
	write_file(gz, n / 2);		/* truncated: error after as many bytes */
	check_read_ahead(0);
	unlink(path);
	free(gz);
	/* all of it read ahead before the first line is taken */
	n = gzip(text.buf, 300000, &gz);
	write_file(gz, n / 2);
	check_read_ahead(0);
	unlink(path);
	free(gz);
	strbuf_release(&text);
}

/* input_close with the read-ahead thread blocked in read(2) on a pipe
 * that is open but silent (`producer | leakscope ...` stopping early):
 * it returns, and twice over, so that a stop that only works once fails
 * the second time. Under ASan, a thread unwound by pthread_cancel left
 * poisoned stack behind and aborted here. zlib fills its whole buffer
 * before it returns anything, so a child writes more than that, exits,
 * and leaves the pipe open in this process. */
static void test_input__close_while_reader_waits_on_a_pipe(void **state)
{
	int round;

	(void)state;
	for (round = 0; round < 2; round++) {
		struct strbuf spill = STRBUF_INIT;
		struct ls_error err;
		struct input in;
		char name[32];
		const char *line;
		size_t len;
		int fds[2], status;
		pid_t child;

		assert_int_equal(pipe(fds), 0);
		child = fork();
		assert_true(child >= 0);
		if (child == 0) {
			static char text[1 << 20];

			memset(text, 'x', sizeof(text));
			text[3] = '\n';
			close(fds[0]);
			_exit(write(fds[1], text, sizeof(text)) ==
			      (ssize_t)sizeof(text) ? 0 : 1);
		}
		snprintf(name, sizeof(name), "/dev/fd/%d", fds[0]);
		assert_int_equal(input_open(&in, name, 0, &err), 0);
		input_read_ahead(&in);
		assert_int_equal(input_getline_ref(&in, &line, &len, &spill,
						   &err), 1);
		assert_memory_equal(line, "xxx", 3);
		assert_int_equal(waitpid(child, &status, 0), child);
		assert_int_equal(status, 0);
		usleep(50000);	/* the thread is in read(2) by now */
		input_close(&in);
		strbuf_release(&spill);
		close(fds[0]);
		close(fds[1]);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_input__read_ahead_same_lines_and_errors),
		cmocka_unit_test(test_input__close_while_reader_waits_on_a_pipe),
		cmocka_unit_test(test_input__plain_and_gzip_read_the_same),
		cmocka_unit_test(test_input__truncated_gzip_is_an_error),
		cmocka_unit_test(test_input__limit),
		cmocka_unit_test(test_input__getline),
		cmocka_unit_test(test_input__missing_file),
		cmocka_unit_test(test_input__parse_size),
	};

	/* the read-ahead thread needs more than one */
	setenv("LEAKSCOPE_THREADS", "2", 1);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
