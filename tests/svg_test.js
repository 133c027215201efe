// svg_test.js - run inside a leakscope flame graph by tests/svg.sh: drives
// it with DOM events as a user would and writes one line per check into
// <text id="testresult">, "ok NAME" or "not ok NAME: why".
window.addEventListener("load", function () {
	var out = [], W = WIDTH, X = XPAD;
	function check(name, cond, why) {
		out.push((cond ? "ok " : "not ok ") + name + (cond ? "" : ": " + why));
	}
	function frame(name) {
		var gs = document.querySelectorAll("#frames > g");
		for (var i = 0; i < gs.length; i++)
			if (gs[i].getAttribute("data-n") === name) return gs[i];
		return null;
	}
	function width(g) { return parseFloat(g.querySelector("rect").getAttribute("width")); }
	function click(el) {
		el.dispatchEvent(new MouseEvent("click", { bubbles: true, cancelable: true, view: window }));
	}
	var p = new URLSearchParams(document.location.search);
	var root = frame("all"), zname = p.get("zoom"), other = p.get("other");
	var expect = (p.get("expect") || "").split(",").filter(function (s) { return s; });
	var term = p.get("term"), matched = p.get("matched");
	try {
		// 1. drawn: every expected frame, widths proportional to values
		check("root drawn", root && Math.abs(width(root) - (W - 2 * X)) < 0.01, "no full-width root");
		expect.forEach(function (n) {
			var g = frame(n);
			check("frame " + n + " drawn", g !== null, "missing");
			if (!g) return;
			var want = (W - 2 * X) * parseFloat(g.getAttribute("data-v")) /
				parseFloat(root.getAttribute("data-v"));
			check("frame " + n + " width by value", Math.abs(width(g) - want) < 0.05,
			      "width " + width(g) + ", want " + want);
			check("frame " + n + " has a tooltip",
			      g.querySelector("title").textContent.indexOf(n + " (") === 0, "title " + g.querySelector("title").textContent);
		});
		// 2. hover: the details line names the frame, its value and percent
		var z = frame(zname), o = frame(other);
		z.querySelector("rect").dispatchEvent(new MouseEvent("mouseover", { bubbles: true }));
		var det = document.getElementById("details").textContent;
		check("hover details", det.indexOf(zname + " (") === 0 && /%/.test(det), "details '" + det + "'");
		// 3. click zooms: the frame fills the width, others outside hide,
		// ancestors stay as parents
		var before = width(z), obefore = width(o);
		click(z.querySelector("rect"));
		check("zoom widens the frame", Math.abs(width(z) - (W - 2 * X)) < 0.01,
		      "width " + before + " -> " + width(z));
		check("zoom hides a frame outside", o.classList.contains("hide"), "class " + o.getAttribute("class"));
		check("zoom keeps the root as parent", root.classList.contains("parent"), "class " + root.getAttribute("class"));
		check("reset zoom shown", !document.getElementById("unzoom").classList.contains("hide"), "hidden");
		// 4. reset zoom restores
		click(document.getElementById("unzoom"));
		check("reset zoom restores", Math.abs(width(z) - before) < 0.01 &&
		      Math.abs(width(o) - obefore) < 0.01 && !o.classList.contains("hide"),
		      "widths " + width(z) + ", " + width(o));
		// 5. search through the Search button (prompt answered)
		window.prompt = function () { return term; };
		click(document.getElementById("search"));
		var m = document.getElementById("matched").textContent;
		check("search matched percentage", m === "Matched: " + matched + "%", "got '" + m + "'");
		var hl = document.querySelectorAll("#frames > g.match").length, bad = 0;
		document.querySelectorAll("#frames > g").forEach(function (g) {
			var is = new RegExp(term).test(g.getAttribute("data-n"));
			var fill = g.querySelector("rect").getAttribute("fill");
			if (is !== (fill === "rgb(230,0,230)")) bad++;
		});
		check("search highlights exactly the matches", hl > 0 && bad === 0, hl + " highlighted, " + bad + " wrong");
		click(document.getElementById("search"));
		check("search reset", document.querySelectorAll("#frames > g.match").length === 0 &&
		      document.getElementById("search").textContent === "Search", "still highlighted");
		// 6. Ctrl-F opens the search too
		var asked = false;
		window.prompt = function () { asked = true; return null; };
		window.dispatchEvent(new KeyboardEvent("keydown", { keyCode: 70, ctrlKey: true, bubbles: true }));
		check("ctrl-f searches", asked, "no prompt");
	} catch (e) {
		out.push("not ok exception: " + e);
	}
	var t = document.createElementNS("http://www.w3.org/2000/svg", "text");
	t.setAttribute("id", "testresult");
	t.textContent = "\n" + out.join("\n") + "\n";
	document.documentElement.appendChild(t);
}, false);
