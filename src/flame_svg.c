/* flame_svg.c - a flame graph as a self-contained, interactive SVG */
#include "flame.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "units.h"

#define FRAME_H 16
#define XPAD 10
#define FONT_SIZE 12
#define FONT_W 0.59		/* average glyph width / font size, Verdana */
#define YPAD_BOTTOM 34

/* One UTF-8 sequence at s: its length, or 0 when invalid. */
static size_t utf8_len(const unsigned char *s)
{
	size_t n, i;
	uint32_t c;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		n = 2, c = s[0] & 0x1f;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		n = 3, c = s[0] & 0x0f;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		n = 4, c = s[0] & 0x07;
	else
		return 0;
	for (i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		c = (c << 6) | (s[i] & 0x3f);
	}
	if ((n == 3 && c < 0x800) || (n == 4 && (c < 0x10000 || c > 0x10ffff)) ||
	    (c >= 0xd800 && c <= 0xdfff) || c == 0xfffe || c == 0xffff)
		return 0;
	return n;
}

static size_t utf8_count(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n = 0, l;

	while (*p) {
		l = utf8_len(p);
		p += l ? l : 1;
		n++;
	}
	return n;
}

void flame_xml_escape(FILE *fp, const char *s, size_t max)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t total = max ? utf8_count(s) : 0, k = 0, l;

	while (*p) {
		if (max && total > max && k == max - 2) {
			fputs("..", fp);
			return;
		}
		l = utf8_len(p);
		if (!l) {
			fputs("\xef\xbf\xbd", fp);
			p++;
		} else if (l > 1) {
			fwrite(p, 1, l, fp);
			p += l;
		} else {
			switch (*p) {
			case '&': fputs("&amp;", fp); break;
			case '<': fputs("&lt;", fp); break;
			case '>': fputs("&gt;", fp); break;
			case '"': fputs("&quot;", fp); break;
			case '\'': fputs("&#39;", fp); break;
			default:
				if (*p < 0x20 || *p == 0x7f)
					fputs("\xef\xbf\xbd", fp);
				else
					fputc(*p, fp);
			}
			p++;
		}
		k++;
	}
}

/* Three numbers in [0, 1) from a name, the same on every run. */
static void name_hash(const char *name, double v[3])
{
	uint64_t h = 0xcbf29ce484222325ULL;
	int i;

	for (; *name; name++) {
		h ^= (unsigned char)*name;
		h *= 0x100000001b3ULL;
	}
	for (i = 0; i < 3; i++) {
		h ^= h >> 33;
		h *= 0xff51afd7ed558ccdULL;
		h ^= h >> 33;
		v[i] = (double)(h & 0xffff) / 65536.0;
	}
}

/* flamegraph.pl's palettes: hot (library), green (the service's own
 * code, as its java palette shows application code), light blue (states,
 * apart from the search's magenta). */
static void kind_color(char *buf, size_t size, const struct flame_node *nd)
{
	double v[3];

	name_hash(nd->name, v);
	switch (nd->kind) {
	case FLAME_USER:
		snprintf(buf, size, "rgb(%d,%d,%d)", 50 + (int)(60 * v[0]),
			 200 + (int)(55 * v[0]), 50 + (int)(60 * v[0]));
		break;
	case FLAME_STATE:
		snprintf(buf, size, "rgb(%d,%d,%d)", 110 + (int)(50 * v[0]),
			 150 + (int)(50 * v[0]), 230 + (int)(25 * v[0]));
		break;
	default:
		snprintf(buf, size, "rgb(%d,%d,%d)", 205 + (int)(50 * v[2]),
			 (int)(230 * v[0]), (int)(55 * v[1]));
	}
}

/* flamegraph.pl's color_scale for differentials: red grew, blue shrank,
 * white unchanged, the intensity |delta| / the largest |delta|. */
static void diff_color(char *buf, size_t size, int64_t delta, int64_t max)
{
	int r = 255, g = 255, b = 255;

	if (max > 0 && delta > 0)
		g = b = (int)(210.0 * (double)(max - delta) / (double)max);
	else if (max > 0 && delta < 0)
		r = g = (int)(210.0 * (double)(max + delta) / (double)max);
	if (r < 0)	/* the root may change more than any frame */
		r = g = 0;
	if (b < 0)
		g = b = 0;
	snprintf(buf, size, "rgb(%d,%d,%d)", r, g, b);
}

static int cmp_children(const void *a, const void *b, void *ctx)
{
	const struct flame *f = ctx;

	return strcmp(f->nodes[*(const uint32_t *)a].name,
		      f->nodes[*(const uint32_t *)b].name);
}

static void pct(char *buf, size_t size, int64_t v, int64_t total)
{
	snprintf(buf, size, "%.2f%%", total ? 100.0 * (double)v / (double)total : 0.0);
}

/* "name (1.50MB, 45.00%)", or for a diff "name (1.50MB, 45.00%; base
 * 1MB, +512kB)": the details line and the tooltip. */
static void write_info(FILE *fp, const struct flame *f, const struct flame_node *nd,
		       const struct flame_svg_options *o)
{
	char v[UNITS_LABEL_MAX], b[UNITS_LABEL_MAX], d[UNITS_LABEL_MAX + 1], p[32];
	int64_t delta = nd->value - nd->base;
	const char *unit = o->unit ? o->unit : "count";

	flame_xml_escape(fp, nd->name, 0);
	units_label(v, nd->value, unit, "auto");
	pct(p, sizeof(p), nd->value, f->nodes[0].value);
	fprintf(fp, " (%s, %s", v, p);
	if (f->diff) {
		units_label(b, nd->base, unit, "auto");
		units_label(d + 1, delta < 0 ? -delta : delta, unit, "auto");
		d[0] = delta < 0 ? '-' : '+';
		fprintf(fp, "; base %s, %s", b, delta ? d : "unchanged");
	}
	fputc(')', fp);
}

static const char script[] =
"\"use strict\";\n"
"var details, searchbtn, unzoombtn, matchedtxt, frames, total, searching = false;\n"
"function init(evt) {\n"
"\tdetails = document.getElementById(\"details\").firstChild;\n"
"\tsearchbtn = document.getElementById(\"search\");\n"
"\tunzoombtn = document.getElementById(\"unzoom\");\n"
"\tmatchedtxt = document.getElementById(\"matched\");\n"
"\tframes = document.getElementById(\"frames\").children;\n"
"\tfor (var i = 0; i < frames.length; i++) {\n"
"\t\tvar r = frames[i].querySelector(\"rect\");\n"
"\t\tframes[i].ox = num(r, \"x\"); frames[i].ow = num(r, \"width\");\n"
"\t\tframes[i].oy = num(r, \"y\"); frames[i].ofill = r.getAttribute(\"fill\");\n"
"\t}\n"
"\ttotal = frames.length ? num(frames[0], \"data-v\") : 0;\n"
"\tvar s = new URLSearchParams(document.location.search).get(\"s\");\n"
"\tif (s) search(s);\n"
"}\n"
"function num(e, a) { return parseFloat(e.getAttribute(a)); }\n"
"function frame_of(e) {\n"
"\tfor (; e && e.classList; e = e.parentNode)\n"
"\t\tif (e.classList.contains(\"f\")) return e;\n"
"\treturn null;\n"
"}\n"
"window.addEventListener(\"click\", function (e) {\n"
"\tvar g = frame_of(e.target);\n"
"\tif (g) zoom(g);\n"
"\telse if (e.target.id == \"unzoom\") unzoom();\n"
"\telse if (e.target.id == \"search\") search_prompt();\n"
"}, false);\n"
"window.addEventListener(\"mouseover\", function (e) {\n"
"\tvar g = frame_of(e.target);\n"
"\tif (g) details.nodeValue = g.getAttribute(\"data-i\");\n"
"}, false);\n"
"window.addEventListener(\"mouseout\", function (e) {\n"
"\tif (frame_of(e.target)) details.nodeValue = \" \";\n"
"}, false);\n"
"window.addEventListener(\"keydown\", function (e) {\n"
"\tif (e.keyCode === 114 || ((e.ctrlKey || e.metaKey) && e.keyCode === 70)) {\n"
"\t\te.preventDefault();\n"
"\t\tsearch_prompt();\n"
"\t} else if (e.key === \"Escape\") {\n"
"\t\tunzoom();\n"
"\t\treset_search();\n"
"\t}\n"
"}, false);\n"
"function fit(g) {\n"
"\tvar r = g.querySelector(\"rect\"), t = g.querySelector(\"text\");\n"
"\tvar w = num(r, \"width\"), name = Array.from(g.getAttribute(\"data-n\"));\n"
"\tvar n = Math.floor((w - 6) / (FONT_W * FONT_SIZE));\n"
"\tt.setAttribute(\"x\", num(r, \"x\") + 3);\n"
"\tif (n < 3) t.textContent = \"\";\n"
"\telse if (name.length <= n) t.textContent = name.join(\"\");\n"
"\telse t.textContent = name.slice(0, n - 2).join(\"\") + \"..\";\n"
"}\n"
"function zoom(z) {\n"
"\tvar ratio = (WIDTH - 2 * XPAD) / z.ow, eps = 1e-6;\n"
"\tunzoombtn.classList.remove(\"hide\");\n"
"\tfor (var i = 0; i < frames.length; i++) {\n"
"\t\tvar g = frames[i], r = g.querySelector(\"rect\");\n"
"\t\tg.classList.remove(\"parent\");\n"
"\t\tg.classList.remove(\"hide\");\n"
"\t\tif (g.oy > z.oy) {\n"
"\t\t\tif (g.ox <= z.ox + eps && g.ox + g.ow >= z.ox + z.ow - eps) {\n"
"\t\t\t\tg.classList.add(\"parent\");\n"
"\t\t\t\tr.setAttribute(\"x\", XPAD);\n"
"\t\t\t\tr.setAttribute(\"width\", WIDTH - 2 * XPAD);\n"
"\t\t\t} else g.classList.add(\"hide\");\n"
"\t\t} else if (g.ox >= z.ox - eps && g.ox + g.ow <= z.ox + z.ow + eps) {\n"
"\t\t\tr.setAttribute(\"x\", XPAD + (g.ox - z.ox) * ratio);\n"
"\t\t\tr.setAttribute(\"width\", g.ow * ratio);\n"
"\t\t} else g.classList.add(\"hide\");\n"
"\t\tfit(g);\n"
"\t}\n"
"}\n"
"function unzoom() {\n"
"\tunzoombtn.classList.add(\"hide\");\n"
"\tfor (var i = 0; i < frames.length; i++) {\n"
"\t\tvar g = frames[i], r = g.querySelector(\"rect\");\n"
"\t\tg.classList.remove(\"parent\");\n"
"\t\tg.classList.remove(\"hide\");\n"
"\t\tr.setAttribute(\"x\", g.ox);\n"
"\t\tr.setAttribute(\"width\", g.ow);\n"
"\t\tfit(g);\n"
"\t}\n"
"}\n"
"function search_prompt() {\n"
"\tif (searching) { reset_search(); return; }\n"
"\tvar term = prompt(\"Enter a search term (regexp allowed, eg: ^main\\\\.)\", \"\");\n"
"\tif (term) search(term);\n"
"}\n"
"function reset_search() {\n"
"\tfor (var i = 0; i < frames.length; i++) {\n"
"\t\tframes[i].classList.remove(\"match\");\n"
"\t\tframes[i].querySelector(\"rect\").setAttribute(\"fill\", frames[i].ofill);\n"
"\t}\n"
"\tsearching = false;\n"
"\tsearchbtn.classList.remove(\"show\");\n"
"\tsearchbtn.firstChild.nodeValue = \"Search\";\n"
"\tmatchedtxt.classList.add(\"hide\");\n"
"}\n"
"function search(term) {\n"
"\tvar re, m = [], sum = 0, end = -Infinity;\n"
"\ttry { re = new RegExp(term); } catch (e) { return; }\n"
"\tfor (var i = 0; i < frames.length; i++) {\n"
"\t\tvar g = frames[i], r = g.querySelector(\"rect\");\n"
"\t\tif (re.test(g.getAttribute(\"data-n\"))) {\n"
"\t\t\tg.classList.add(\"match\");\n"
"\t\t\tr.setAttribute(\"fill\", \"rgb(230,0,230)\");\n"
"\t\t\tm.push(g);\n"
"\t\t} else {\n"
"\t\t\tg.classList.remove(\"match\");\n"
"\t\t\tr.setAttribute(\"fill\", g.ofill);\n"
"\t\t}\n"
"\t}\n"
"\t/* a match inside another match is counted once */\n"
"\tm.sort(function (a, b) { return a.ox - b.ox || b.ow - a.ow; });\n"
"\tfor (i = 0; i < m.length; i++)\n"
"\t\tif (m[i].ox >= end - 1e-6) {\n"
"\t\t\tsum += num(m[i], \"data-v\");\n"
"\t\t\tend = m[i].ox + m[i].ow;\n"
"\t\t}\n"
"\tsearching = true;\n"
"\tsearchbtn.classList.add(\"show\");\n"
"\tsearchbtn.firstChild.nodeValue = \"Reset Search\";\n"
"\tmatchedtxt.classList.remove(\"hide\");\n"
"\tmatchedtxt.firstChild.nodeValue = \"Matched: \" +\n"
"\t\t(total ? 100 * sum / total : 0).toFixed(1) + \"%\";\n"
"}\n";

int flame_write_svg(FILE *fp, const struct flame *f,
		    const struct flame_svg_options *o)
{
	int width = o->width > 0 ? o->width : 1200;
	int ypad_top = o->subtitle ? 60 : 40;
	int height = (int)(f->max_depth + 1) * FRAME_H + ypad_top + YPAD_BOTTOM;
	uint32_t *first = calloc(f->n + 1, sizeof(*first));
	uint32_t *kids = malloc((f->n + 1) * sizeof(*kids));
	uint32_t *fill = calloc(f->n + 1, sizeof(*fill));
	uint32_t *stack = malloc((f->n + 1) * sizeof(*stack));
	double *x = malloc((f->n + 1) * sizeof(*x));
	double scale, minw = 0.1;
	int64_t total = f->nodes[0].value > 0 ? f->nodes[0].value : 0, maxd = 0;
	size_t i, sp = 0;
	char color[40];
	int rc = -1;

	if (!first || !kids || !fill || !stack || !x)
		goto out;
	/* children of each node, in name order (CSR) */
	for (i = 1; i < f->n; i++)
		first[f->nodes[i].parent + 1]++;
	for (i = 0; i < f->n; i++)
		first[i + 1] += first[i];
	for (i = 1; i < f->n; i++) {
		uint32_t p = f->nodes[i].parent;

		kids[first[p] + fill[p]++] = (uint32_t)i;
	}
	for (i = 0; i < f->n; i++)
		if (first[i + 1] - first[i] > 1)
			qsort_r(kids + first[i], first[i + 1] - first[i], sizeof(*kids),
				cmp_children, (void *)f);
	for (i = 1; f->diff && i < f->n; i++) {
		int64_t d = f->nodes[i].value - f->nodes[i].base;

		if ((d < 0 ? -d : d) > maxd)
			maxd = d < 0 ? -d : d;
	}
	scale = total ? (double)(width - 2 * XPAD) / (double)total : 0;

	fprintf(fp, "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"no\"?>\n"
		"<svg version=\"1.1\" width=\"%d\" height=\"%d\" onload=\"init(evt)\" "
		"viewBox=\"0 0 %d %d\" xmlns=\"http://www.w3.org/2000/svg\">\n",
		width, height, width, height);
	fputs("<!-- Flame graph drawn by leakscope; frames root at the bottom, "
	      "widths by value. -->\n", fp);
	fputs("<defs><linearGradient id=\"background\" y1=\"0\" y2=\"1\" x1=\"0\" x2=\"0\">"
	      "<stop stop-color=\"#eeeeee\" offset=\"5%\"/>"
	      "<stop stop-color=\"#eeeeb0\" offset=\"95%\"/>"
	      "</linearGradient></defs>\n", fp);
	fputs("<style type=\"text/css\">\n"
	      "text { font-family: Verdana, sans-serif; font-size: 12px; fill: rgb(0,0,0); }\n"
	      "#title { text-anchor: middle; font-size: 17px; }\n"
	      "#subtitle { text-anchor: middle; fill: rgb(120,120,120); }\n"
	      "#search, #unzoom { cursor: pointer; }\n"
	      "#search { opacity: 0.5; }\n"
	      "#search:hover, #search.show { opacity: 1; }\n"
	      "#frames > *:hover { stroke: black; stroke-width: 0.5; cursor: pointer; }\n"
	      "#frames text { pointer-events: none; }\n"
	      ".hide { display: none; }\n"
	      ".parent { opacity: 0.5; }\n"
	      "</style>\n", fp);
	fprintf(fp, "<script type=\"text/ecmascript\"><![CDATA[\n"
		"var WIDTH = %d, XPAD = %d, FONT_SIZE = %d, FONT_W = %.2f;\n%s]]></script>\n",
		width, XPAD, FONT_SIZE, FONT_W, script);
	fprintf(fp, "<rect x=\"0\" y=\"0\" width=\"%d\" height=\"%d\" fill=\"url(#background)\"/>\n",
		width, height);
	fprintf(fp, "<text id=\"title\" x=\"%d\" y=\"24\">", width / 2);
	flame_xml_escape(fp, o->title ? o->title : "Flame Graph", 0);
	fputs("</text>\n", fp);
	if (o->subtitle) {
		fprintf(fp, "<text id=\"subtitle\" x=\"%d\" y=\"44\">", width / 2);
		flame_xml_escape(fp, o->subtitle, 0);
		fputs("</text>\n", fp);
	}
	fprintf(fp, "<text id=\"details\" x=\"%d\" y=\"%d\"> </text>\n", XPAD, height - 12);
	fprintf(fp, "<text id=\"unzoom\" class=\"hide\" x=\"%d\" y=\"24\">Reset Zoom</text>\n", XPAD);
	fprintf(fp, "<text id=\"search\" x=\"%d\" y=\"24\">Search</text>\n", width - XPAD - 100);
	fprintf(fp, "<text id=\"matched\" class=\"hide\" x=\"%d\" y=\"%d\"> </text>\n",
		width - XPAD - 100, height - 12);
	fputs("<g id=\"frames\">\n", fp);

	/* depth-first from the root: x of each node from its parent's x and
	 * its elder siblings' widths */
	x[0] = XPAD;
	stack[sp++] = 0;
	while (sp) {
		uint32_t id = stack[--sp];
		const struct flame_node *nd = &f->nodes[id];
		double w = nd->value > 0 ? (double)nd->value * scale : 0, cx = x[id];
		double y = height - YPAD_BOTTOM - (double)(nd->depth + 1) * FRAME_H;
		size_t k;

		if (w < minw)
			continue;
		if (f->diff)
			diff_color(color, sizeof(color), nd->value - nd->base, maxd);
		else if (id == 0)
			snprintf(color, sizeof(color), "rgb(220,220,220)");
		else
			kind_color(color, sizeof(color), nd);
		fputs("<g class=\"f\" data-n=\"", fp);
		flame_xml_escape(fp, nd->name, 0);
		fprintf(fp, "\" data-v=\"%" PRId64 "\"", nd->value);
		if (f->diff)
			fprintf(fp, " data-b=\"%" PRId64 "\"", nd->base);
		fputs(" data-i=\"", fp);
		write_info(fp, f, nd, o);
		fputs("\"><title>", fp);
		write_info(fp, f, nd, o);
		fprintf(fp, "</title><rect x=\"%.2f\" y=\"%.0f\" width=\"%.2f\" height=\"%d\" "
			"fill=\"%s\" rx=\"2\" ry=\"2\"/><text x=\"%.2f\" y=\"%.1f\">",
			cx, y, w, FRAME_H - 1, color, cx + 3, y + 10.5);
		{
			long n = (long)((w - 6) / (FONT_W * FONT_SIZE));

			if (n >= 3)
				flame_xml_escape(fp, nd->name, (size_t)n);
		}
		fputs("</text></g>\n", fp);
		/* children left to right from the parent's x; pushed right
		 * to left so that they come out left to right */
		for (k = first[id]; k < first[id + 1]; k++) {
			x[kids[k]] = cx;
			if (f->nodes[kids[k]].value > 0)
				cx += (double)f->nodes[kids[k]].value * scale;
		}
		for (k = first[id + 1]; k-- > first[id]; )
			stack[sp++] = kids[k];
	}
	fputs("</g>\n</svg>\n", fp);
	rc = ferror(fp) ? -1 : 0;
out:
	free(first);
	free(kids);
	free(fill);
	free(stack);
	free(x);
	return rc;
}
