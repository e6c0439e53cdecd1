/* handbook search page.
   Reads window.HANDBOOK_SEARCH (set by search-index.js, loaded just before
   this file) and the ?q= parameter, and lists matching parts of the site.
   Index entries: {t: page title, u: page url (relative to the site root),
   s: the policy (or section, e.g. family learning) the page is from, or "",
   h: heading text or "", a: heading anchor or "", x: plain text of the part}.

   Matching and ranking are a pure core, window.HandbookSearch (tested under
   node by tests/js/search.test.js):
     fold(text) -> lower case, accents taken off (each character's
       canonical decomposition without its combining marks: "ffôn" folds to
       "ffon", "É" to "e"), curly quotes and dashes made plain, the same
       length as text (so positions in it hold in the original); text is
       in composed form (NFC), as prepare() and termsOf() make it
     prepare(index) -> the entries ready to search, or null when the index
       did not load
     termsOf(query) -> the distinct folded words of a query (one-letter
       words only when there is nothing longer)
     search(entries, query) -> [{e: entry, s: score}], best first: every
       term must be in the title, heading or text; heading and title
       matches rank above text, the whole query as the heading above all
     ranges(folded, terms) -> merged [start, end) of every term
     snippetRange(entry, terms) -> {start, end}: the part of the text shown
     queryParam(search, name) -> the decoded value of ?name= in search
   Needs common.js. Plain classic script, ES5: works on https, plain http
   and file://. */
(function (root) {
  "use strict";

  var SNIPPET_LENGTH = 200;

  /* ---------- The pure core ---------- */

  /* Text in composed form (NFC), where the browser can: a letter and its
     accent as one character, so that folding keeps the length. */
  function composed(s) {
    s = String(s == null ? "" : s);
    return typeof s.normalize === "function" ? s.normalize("NFC") : s;
  }

  var COMBINING = /[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]/g;

  /* One character, lower case and without its accents; the character
     itself (lower case) when that would not be one character. */
  function foldChar(c) {
    var lower = c.toLowerCase();
    if (lower.length !== 1) {
      lower = c;
    }
    if (lower < "\u00c0" || typeof lower.normalize !== "function") {
      return lower;
    }
    var bare = lower.normalize("NFD").replace(COMBINING, "");
    if (bare.length !== 1) {
      return lower;
    }
    var small = bare.toLowerCase();
    return small.length === 1 ? small : bare;
  }

  function fold(s) {
    s = String(s == null ? "" : s);
    var out = "";
    for (var i = 0; i < s.length; i++) {
      out += foldChar(s.charAt(i));
    }
    return out
      .replace(/[\u2018\u2019\u02bc]/g, "'")
      .replace(/[\u201c\u201d]/g, "\"")
      .replace(/[\u2010-\u2014]/g, "-");
  }

  function prepare(data) {
    var list = [];
    var seen = {};
    if (!data || typeof data.length !== "number") {
      return null;
    }
    for (var i = 0; i < data.length; i++) {
      var d = data[i] || {};
      var u = String(d.u || "");
      var t = composed(d.t || "");
      var h = composed(d.h || "");
      var x = composed(d.x || "");
      list.push({
        t: t, u: u, s: String(d.s || ""), h: h, a: String(d.a || ""), x: x,
        ft: fold(t), fh: fold(h), fx: fold(x),
        first: !seen[u],
        order: i
      });
      seen[u] = true;
    }
    return list;
  }

  function decode(s) {
    try {
      return decodeURIComponent(String(s).replace(/\+/g, " "));
    } catch (e) {
      return String(s);
    }
  }

  function queryParam(search, name) {
    var parts = String(search || "").replace(/^\?/, "").split("&");
    for (var i = 0; i < parts.length; i++) {
      var kv = parts[i].split("=");
      if (decode(kv[0]) === name) {
        return decode(kv.slice(1).join("="));
      }
    }
    return "";
  }

  function termsOf(query) {
    var raw = fold(composed(query)).split(/[\s,;:!?()"\[\]{}<>\/\\|]+/);
    var terms = [];
    var seen = {};
    for (var i = 0; i < raw.length; i++) {
      var t = raw[i].replace(/^[.'\-*_]+|[.'\-*_]+$/g, "");
      if (t && !seen[t]) {
        seen[t] = true;
        terms.push(t);
      }
    }
    var longer = [];
    for (var j = 0; j < terms.length; j++) {
      if (terms[j].length > 1) {
        longer.push(terms[j]);
      }
    }
    return longer.length ? longer : terms;
  }

  function trim(s) {
    return s.replace(/^\s+|\s+$/g, "");
  }

  function count(haystack, needle) {
    var n = 0;
    var pos = haystack.indexOf(needle);
    while (pos >= 0 && n < 10) {
      n++;
      pos = haystack.indexOf(needle, pos + needle.length);
    }
    return n;
  }

  function atWordStart(haystack, pos) {
    return pos === 0 || /[^a-z0-9\u00c0-\uffff]/.test(haystack.charAt(pos - 1));
  }

  /* Every term must appear in the title, the heading or the text (AND).
     Heading and title matches rank above matches in the text only. */
  function score(e, terms, phrase) {
    var s = 0;
    var outsideTitle = false;
    for (var i = 0; i < terms.length; i++) {
      var term = terms[i];
      var inT = e.ft.indexOf(term) >= 0;
      var hPos = e.fh.indexOf(term);
      var xPos = e.fx.indexOf(term);
      if (!inT && hPos < 0 && xPos < 0) {
        return 0;
      }
      if (hPos >= 0) {
        s += atWordStart(e.fh, hPos) ? 24 : 16;
        outsideTitle = true;
      }
      if (inT && e.first) {
        s += 12;
      }
      if (xPos >= 0) {
        s += (atWordStart(e.fx, xPos) ? 2 : 1) + count(e.fx, term) * 0.5;
        outsideTitle = true;
      }
    }
    /* A page title matches every part of that page: list the page once. */
    if (!outsideTitle && !e.first) {
      return 0;
    }
    /* The whole query is the heading or the page title: best of all. */
    if (trim(e.fh) === phrase || (e.first && trim(e.ft) === phrase)) {
      s += 40;
    }
    if (terms.length > 1) {
      if (e.fh.indexOf(phrase) >= 0 || (e.first && e.ft.indexOf(phrase) >= 0)) {
        s += 20;
      } else if (e.fx.indexOf(phrase) >= 0) {
        s += 6;
      }
    }
    return s;
  }

  function search(entries, query) {
    var terms = termsOf(query);
    var phrase = terms.join(" ");
    var found = [];
    if (!terms.length || !entries) {
      return found;
    }
    for (var i = 0; i < entries.length; i++) {
      var s = score(entries[i], terms, phrase);
      if (s > 0) {
        found.push({ e: entries[i], s: s });
      }
    }
    found.sort(function (a, b) {
      return b.s - a.s || a.e.order - b.e.order;
    });
    return found;
  }

  function ranges(folded, terms) {
    var list = [];
    for (var i = 0; i < terms.length; i++) {
      var pos = folded.indexOf(terms[i]);
      while (pos >= 0) {
        list.push([pos, pos + terms[i].length]);
        pos = folded.indexOf(terms[i], pos + terms[i].length);
      }
    }
    list.sort(function (a, b) { return a[0] - b[0] || b[1] - a[1]; });
    var merged = [];
    for (var j = 0; j < list.length; j++) {
      var last = merged[merged.length - 1];
      if (last && list[j][0] <= last[1]) {
        last[1] = Math.max(last[1], list[j][1]);
      } else {
        merged.push([list[j][0], list[j][1]]);
      }
    }
    return merged;
  }

  /* Up to SNIPPET_LENGTH characters of the text from a little before the
     first match, cut at spaces. */
  function snippetRange(e, terms) {
    var text = e.x;
    var first = -1;
    for (var i = 0; i < terms.length; i++) {
      var p = e.fx.indexOf(terms[i]);
      if (p >= 0 && (first < 0 || p < first)) {
        first = p;
      }
    }
    var start = first > 60 ? first - 60 : 0;
    if (start > 0) {
      var space = text.indexOf(" ", start);
      start = space >= 0 && space < first ? space + 1 : start;
    }
    var end = Math.min(text.length, start + SNIPPET_LENGTH);
    if (end < text.length) {
      var back = text.lastIndexOf(" ", end);
      end = back > start + SNIPPET_LENGTH / 2 ? back : end;
    }
    return { start: start, end: end };
  }

  var HandbookSearch = {
    fold: fold,
    prepare: prepare,
    termsOf: termsOf,
    search: search,
    ranges: ranges,
    snippetRange: snippetRange,
    queryParam: queryParam
  };
  root.HandbookSearch = HandbookSearch;
  if (typeof module !== "undefined" && module.exports) {
    module.exports = HandbookSearch;
  }

  /* ---------- The page ---------- */

  var MAX_RESULTS = 50;
  var DELAY_MS = 200;

  function run(C) {
    var input = document.getElementById("search-q");
    var region = document.getElementById("search-results");
    if (!input || !region) {
      return;
    }
    var siteRoot = region.getAttribute("data-root") || "";
    var baseTitle = document.title;
    var entries = prepare(root.HANDBOOK_SEARCH);
    var timer = null;
    var lastQuery = null;

    /* Appends text to node with the matched terms in <mark>; text only,
       never HTML. */
    function appendMarked(node, text, folded, terms) {
      var r = ranges(folded, terms);
      var at = 0;
      for (var i = 0; i < r.length; i++) {
        if (r[i][0] > at) {
          node.appendChild(document.createTextNode(text.slice(at, r[i][0])));
        }
        node.appendChild(C.el("mark", null, text.slice(r[i][0], r[i][1])));
        at = r[i][1];
      }
      if (at < text.length) {
        node.appendChild(document.createTextNode(text.slice(at)));
      }
    }

    function snippet(node, e, terms) {
      var r = snippetRange(e, terms);
      if (r.start > 0) {
        node.appendChild(document.createTextNode("… "));
      }
      appendMarked(node, e.x.slice(r.start, r.end), e.fx.slice(r.start, r.end), terms);
      if (r.end < e.x.length) {
        node.appendChild(document.createTextNode(" …"));
      }
    }

    function say(text) {
      region.appendChild(C.el("p", { "class": "search-status" }, text));
    }

    function show(query) {
      var q = trim(query);
      if (q === lastQuery) {
        return;
      }
      lastQuery = q;
      C.clear(region);
      document.title = q ? C.t("search.page_title", { query: q, title: baseTitle }) : baseTitle;
      if (!entries) {
        say(C.t("search.unavailable"));
        return;
      }
      if (!q) {
        say(C.t("search.type_words"));
        return;
      }
      var terms = termsOf(q);
      var found = search(entries, q);
      if (!found.length) {
        say(C.t("search.no_results", { query: q }));
        return;
      }
      if (found.length > MAX_RESULTS) {
        say(C.t("search.best_of", { shown: MAX_RESULTS, total: found.length, query: q }));
      } else {
        say(C.t("search.results", { count: found.length, query: q }));
      }
      /* Only the count above is announced, not the whole list. */
      var list = C.el("ol", { "class": "search-list", "aria-live": "off" });
      for (var i = 0; i < found.length && i < MAX_RESULTS; i++) {
        var e = found[i].e;
        var li = C.el("li");
        var a = C.el("a", { href: siteRoot + e.u + (e.a ? "#" + e.a : "") });
        if (e.h) {
          appendMarked(a, e.h, e.fh, terms);
        } else {
          appendMarked(a, e.t, e.ft, terms);
        }
        li.appendChild(a);
        if (e.h) {
          li.appendChild(C.el("span", { "class": "search-page" }, e.t));
        }
        if (e.s) {
          li.appendChild(C.el("span", { "class": "search-from" }, C.t("search.from", { name: e.s })));
        }
        if (e.x) {
          var p = C.el("p", { "class": "search-snippet" });
          snippet(p, e, terms);
          li.appendChild(p);
        }
        list.appendChild(li);
      }
      region.appendChild(list);
    }

    function remember(q) {
      if (!root.history || typeof root.history.replaceState !== "function") {
        return;
      }
      try {
        var url = q ? "?q=" + encodeURIComponent(q).replace(/%20/g, "+") : root.location.pathname;
        root.history.replaceState(null, "", url);
      } catch (e) {
        /* Some browsers refuse this on file://; the search still works. */
      }
    }

    function update() {
      timer = null;
      show(input.value);
      remember(trim(input.value));
    }

    input.addEventListener("input", function () {
      if (timer) {
        root.clearTimeout(timer);
      }
      timer = root.setTimeout(update, DELAY_MS);
    });

    if (input.form) {
      input.form.addEventListener("submit", function (event) {
        event.preventDefault();
        if (timer) {
          root.clearTimeout(timer);
        }
        update();
      });
    }

    var initial = queryParam(root.location.search, "q");
    input.value = initial;
    show(initial);
  }

  if (typeof document !== "undefined" && root.HandbookCommon) {
    run(root.HandbookCommon);
  }
})(typeof window !== "undefined" ? window : this);
