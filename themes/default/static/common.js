/* handbook: the few helpers every page script shares. Loaded before them
   (with defer, first) on every page that has a script; defines
   window.HandbookCommon:
     el(tag, attrs, text) -> a new element: attrs is an object of
       attributes ({"class": "x", id: "y"}) or null, text its textContent
     clear(node)                 removes every child of node
     pageData(id, list) -> the JSON of <script type="application/json"
       id=id>, or null when the page has none, it does not parse, or (with
       list) its member `list` is not a list with something in it
     describedBy(node, id, add)  adds id to (or removes it from) node's
       aria-describedby; idList(list, id, add) is the same on the text
     announce(node, text)        says text in a live region, again even
       when it is the same as last time
     longDate(date, lang) -> "1 March 2025" in the page's language
     printButton(button)         wires a Print button to window.print, or
       hides it where the browser cannot print
     t(key, values) -> the interface string `key` in the page's language
       (the `js` group of the theme's i18n/<language>.yaml, which
       strings.js, loaded just before this file, sets as
       window.HANDBOOK_STRINGS), its {placeholders} filled from
       values; with a number values.count and no string `key`, `key_one`
       (count 1) or `key_other`. An unknown key gives the key itself.
     setStrings(table)           uses table instead of HANDBOOK_STRINGS (tests)
     focusLink({text, target}) -> an <a> that focuses target when followed
     errorSummary(box, headingTag) -> {show(items, heading, intro), hide()}
       the one error summary (GOV.UK's pattern): at the top, a heading
       and a link to each field with a problem; focus moves to it; the
       page title starts with "Error: " while it shows. Each item is
       {text, target}: target is the input the link focuses; its legend
       (in a fieldset) or its label is scrolled into view.
   Plain classic script, ES5: works on https, plain http and file://. It
   builds with createElement and textContent only, never HTML. */
(function (root) {
  "use strict";

  var strings = null;

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    if (attrs) {
      for (var name in attrs) {
        if (Object.prototype.hasOwnProperty.call(attrs, name)) {
          node.setAttribute(name, attrs[name]);
        }
      }
    }
    if (text !== undefined && text !== null) {
      node.textContent = text;
    }
    return node;
  }

  function clear(node) {
    while (node.firstChild) {
      node.removeChild(node.firstChild);
    }
  }

  function pageData(id, list) {
    var node = document.getElementById(id);
    var data = null;
    try {
      data = node ? JSON.parse(node.textContent) : null;
    } catch (e) {
      return null;
    }
    if (list && !(data && data[list] && data[list].length)) {
      return null;
    }
    return data;
  }

  function setStrings(table) {
    strings = table || {};
  }

  function t(key, values) {
    if (strings === null) {
      strings = root.HANDBOOK_STRINGS || {};
    }
    var has = Object.prototype.hasOwnProperty;
    var text = has.call(strings, key) ? strings[key] : undefined;
    if (text === undefined && values && typeof values.count === "number") {
      var form = key + (values.count === 1 ? "_one" : "_other");
      text = has.call(strings, form) ? strings[form] : undefined;
    }
    if (text === undefined) {
      return key;
    }
    return String(text).replace(/\{([A-Za-z0-9_]+)\}/g, function (whole, name) {
      return values && has.call(values, name) ? String(values[name]) : whole;
    });
  }

  /* A space-separated id list (as aria-describedby holds) with id added at
     the end, or removed. */
  function idList(list, id, add) {
    var ids = String(list || "").split(/\s+/);
    var out = [];
    for (var i = 0; i < ids.length; i++) {
      if (ids[i] && ids[i] !== id) {
        out.push(ids[i]);
      }
    }
    if (add) {
      out.push(id);
    }
    return out.join(" ");
  }

  function describedBy(node, id, add) {
    if (!node) {
      return;
    }
    var list = idList(node.getAttribute("aria-describedby"), id, add);
    if (list) {
      node.setAttribute("aria-describedby", list);
    } else {
      node.removeAttribute("aria-describedby");
    }
  }

  function announce(node, text) {
    if (!node) {
      return;
    }
    /* Emptied first, and filled a moment later, so that screen readers
       announce the same sentence twice. */
    node.textContent = "";
    root.setTimeout(function () {
      node.textContent = text;
    }, 50);
  }

  function longDate(date, lang) {
    var d = date instanceof Date ? date : new Date(date);
    if (isNaN(d.getTime())) {
      return "";
    }
    try {
      return d.toLocaleDateString(lang || undefined, { day: "numeric", month: "long", year: "numeric" });
    } catch (e) {
      return d.toISOString().slice(0, 10);
    }
  }

  function printButton(button) {
    if (!button) {
      return;
    }
    if (typeof root.print !== "function") {
      button.hidden = true;
      return;
    }
    button.hidden = false;
    button.addEventListener("click", function () {
      root.print();
    });
  }

  /* What a summary link scrolls into view: the question of a group of
     inputs (the fieldset's legend), or the input's own label, so that the
     reader sees what is asked and not only the box. */
  function questionOf(target) {
    var fieldset = target.closest ? target.closest("fieldset") : null;
    var legend = fieldset ? fieldset.querySelector("legend") : null;
    if (legend) {
      return legend;
    }
    return target.id ? document.querySelector("label[for=\"" + target.id + "\"]") : null;
  }

  function titleWithoutError() {
    var title = document.title;
    var prefix = t("common.error_prefix");
    return title.indexOf(prefix) === 0 ? title.slice(prefix.length) : title;
  }

  /* A link to item.target (an input) with item.text: following it moves
     the focus to the input and scrolls its question (or label) into view,
     as a GOV.UK summary's links do. */
  function focusLink(item) {
    var a = el("a", { href: "#" + item.target.id }, item.text);
    a.addEventListener("click", function (event) {
      event.preventDefault();
      item.target.focus();
      var question = questionOf(item.target);
      if (question && question.scrollIntoView) {
        question.scrollIntoView();
      }
    });
    return a;
  }

  /* box: the summary's element, already in the page (hidden, tabindex -1,
     role alert). Its heading (.error-summary-title) and list
     (.error-summary-list) are used when the page has them, made when not
     (the heading as headingTag, h2 by default). */
  function errorSummary(box, headingTag) {
    function part(className, tag, attrs) {
      var found = box.querySelector("." + className);
      if (!found) {
        attrs["class"] = className;
        found = el(tag, attrs);
        box.appendChild(found);
      }
      return found;
    }

    function link(item) {
      var li = el("li");
      li.appendChild(focusLink(item));
      return li;
    }

    /* items: [{text, target}]; heading and intro replace the heading's
       text and the line under it when given. */
    function show(items, heading, intro) {
      var title = part("error-summary-title", headingTag || "h2", { id: (box.id || "error-summary") + "-title" });
      if (heading) {
        title.textContent = heading;
      }
      var introLine = box.querySelector(".error-summary-intro");
      if (intro && !introLine) {
        introLine = el("p", { "class": "error-summary-intro" });
        box.insertBefore(introLine, title.nextSibling);
      }
      if (introLine) {
        introLine.textContent = intro || "";
        introLine.hidden = !intro;
      }
      var list = part("error-summary-list", "ul", {});
      clear(list);
      for (var i = 0; i < items.length; i++) {
        list.appendChild(link(items[i]));
      }
      box.setAttribute("aria-labelledby", title.id);
      box.hidden = false;
      document.title = t("common.error_prefix") + titleWithoutError();
      box.focus();
    }

    function hide() {
      var list = box.querySelector(".error-summary-list");
      if (list) {
        clear(list);
      }
      box.hidden = true;
      document.title = titleWithoutError();
    }

    return { show: show, hide: hide };
  }

  var HandbookCommon = {
    el: el,
    clear: clear,
    pageData: pageData,
    t: t,
    setStrings: setStrings,
    idList: idList,
    describedBy: describedBy,
    announce: announce,
    longDate: longDate,
    printButton: printButton,
    focusLink: focusLink,
    errorSummary: errorSummary
  };
  root.HandbookCommon = HandbookCommon;
  if (typeof module !== "undefined" && module.exports) {
    module.exports = HandbookCommon;
  }
})(typeof window !== "undefined" ? window : this);
