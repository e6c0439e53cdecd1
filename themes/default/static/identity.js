/* handbook course: who is taking the course (SPEC section 5).
   Loaded on every course page after common.js, progress.js and token.js;
   defines window.HandbookIdentity.

   The staff id and personal code come from the personal link
   (course/index.html#id=T042&code=7NF8-...) or are typed into the
   #identity section. They are kept for this browser session only, in
   sessionStorage under "handbook-identity:<site id>" (never localStorage:
   staffroom computers are shared), and the code is removed from the
   address bar at once (history.replaceState). Nothing is ever sent
   anywhere: the code only signs the completion token in this page.

   The code carries a check of the id it was issued to (SPEC section 5), so
   a code typed with someone else's id is refused here, at once, before
   the course starts ("This code belongs to a different staff id"), and a
   wrong check symbol is reported as a typing mistake.

   - On any page that loads this script, a "#id=...&code=..." fragment is
     read, checked and removed from the address bar (also when it arrives
     later, by "hashchange": a link opened in a tab already on the page).
     A personal link always replaces whoever was signed in: if its code is
     not usable, nobody is signed in and the form shows what is wrong.
   - An #identity section with a data-identity-auto attribute (the course
     home, module pages, the declaration) is filled in at once: the form,
     or "Signed in for this browser session as T042 - not you? Sign out".
   - Pages that show progress call HandbookIdentity.onChange(fn): progress
     is kept per person (progress.js), so signing in, out or as somebody
     else redraws the page with that person's own progress, or none.

   Pure helpers (no DOM; tested under node by tests/js/identity.test.js):
     parseFragment(hash) -> null or {id, code} (either may be null)
     checkCode(text, idText) -> {state, message, missing, key}
       state: "empty", "incomplete", "too-long", "invalid", "mistake",
       "different-id" or "ok" (without an id, "ok" means the code itself
       is well typed)
     describe(idText, codeText) -> identity {id, sub, kid, generation,
       code, key} or null (also null when the code is not this id's)
   Plain classic script, ES5: works on https, plain http and file://. */
(function (root) {
  "use strict";

  var PREFIX = "handbook-identity:";
  var CODE_LENGTH = 29;
  var memory = {};            // key -> stored value, when storage fails
  var storageFailed = false;
  var listeners = [];         // onChange(fn): called when the identity changes

  function Token() {
    return root.HandbookToken;
  }

  /* The interface's words, from common.js (under node, common.js itself,
     whose strings a test sets). */
  function t(key, values) {
    var C = root.HandbookCommon ||
      (typeof require === "function" ? require("./common.js") : null);
    return C ? C.t(key, values) : key;
  }

  /* ---------- Pure helpers ---------- */

  function decode(text) {
    try {
      return decodeURIComponent(text);
    } catch (e) {
      return text;
    }
  }

  /* Reads "#id=T042%232&code=7NF8-..." (the leading "#" is optional).
     Returns null when the fragment names neither an id nor a code (an
     ordinary "#heading" link). */
  function parseFragment(hash) {
    var text = String(hash || "");
    if (text.charAt(0) === "#") {
      text = text.slice(1);
    }
    var found = { id: null, code: null };
    var any = false;
    var parts = text.split("&");
    for (var i = 0; i < parts.length; i++) {
      var eq = parts[i].indexOf("=");
      if (eq < 0) {
        continue;
      }
      var name = decode(parts[i].slice(0, eq)).toLowerCase();
      if (name === "id" || name === "code") {
        found[name] = decode(parts[i].slice(eq + 1));
        any = true;
      }
    }
    return any ? found : null;
  }

  /* The characters of a code as typed, without "-" and spaces. */
  function symbolCount(text) {
    return String(text || "").replace(/[\s-]+/g, "").length;
  }

  /* Checks a code as it is being typed, in words a reader understands.
     With an id, also that the code was issued to that id. */
  function checkCode(text, idText) {
    var count = symbolCount(text);
    if (count === 0) {
      return { state: "empty", message: "", missing: CODE_LENGTH, key: null };
    }
    var who = idText === undefined || idText === null ? null : Token().splitId(idText);
    var kid = who && who.id ? who.kid : null;
    var parsed = Token().parseCode(text, kid);
    if (parsed.ok) {
      return { state: "ok", message: t("identity.code_ok"), missing: 0, key: parsed.key };
    }
    if (parsed.reason === "mistake") {
      return {
        state: "mistake",
        message: t("identity.code_mistake"),
        missing: 0,
        key: null
      };
    }
    if (parsed.reason === "different-id") {
      return {
        state: "different-id",
        message: t("identity.code_other_id"),
        missing: 0,
        key: null
      };
    }
    if (parsed.reason === "character" || parsed.reason === "range") {
      return { state: "invalid", message: parsed.error, missing: 0, key: null };
    }
    if (count < CODE_LENGTH) {
      var missing = CODE_LENGTH - count;
      return {
        state: "incomplete",
        message: t("identity.code_incomplete", { count: missing, length: CODE_LENGTH }),
        missing: missing,
        key: null
      };
    }
    return {
      state: "too-long",
      message: t("identity.code_too_long", { count: count - CODE_LENGTH, length: CODE_LENGTH }),
      missing: 0,
      key: null
    };
  }

  /* The identity for an id and a code as typed, or null if either is not
     usable, or the code was not issued to this id. kid is the id with
     "#n" for a replaced code; sub without. */
  function describe(idText, codeText) {
    var T = Token();
    var who = T.splitId(idText);
    if (!who.id) {
      return null;
    }
    var parsed = T.parseCode(codeText, who.kid);
    if (!parsed.ok) {
      return null;
    }
    return {
      id: who.kid,
      sub: who.id,
      kid: who.kid,
      generation: who.generation,
      code: T.formatCode(parsed.key, who.kid),
      key: parsed.key
    };
  }

  /* ---------- Session storage ---------- */

  function storageKey(data) {
    return PREFIX + data.site;
  }

  function session() {
    try {
      return root.sessionStorage || null;
    } catch (e) {
      return null;
    }
  }

  function readStored(data) {
    var k = storageKey(data);
    var s = session();
    var text = null;
    if (s && !storageFailed) {
      try {
        text = s.getItem(k);
      } catch (e) {
        storageFailed = true;
      }
    }
    if (text === null && Object.prototype.hasOwnProperty.call(memory, k)) {
      text = memory[k];
    }
    if (!text) {
      return null;
    }
    try {
      var value = JSON.parse(text);
      return value && typeof value === "object" ? describe(value.id, value.code) : null;
    } catch (e) {
      return null;
    }
  }

  /* Tells the page (progress, quiz, declaration) that somebody else, or
     nobody, is signed in now. */
  function notify(data) {
    var identity = readStored(data);
    for (var i = 0; i < listeners.length; i++) {
      try {
        listeners[i](identity);
      } catch (e) {
        /* One broken listener must not stop the others. */
      }
    }
  }

  function writeStored(data, identity) {
    var k = storageKey(data);
    var text = identity ? JSON.stringify({ id: identity.id, code: identity.code }) : null;
    if (text === null) {
      delete memory[k];
    } else {
      memory[k] = text;
    }
    var s = session();
    if (!s || storageFailed) {
      storageFailed = true;
      return false;
    }
    try {
      if (text === null) {
        s.removeItem(k);
      } else {
        s.setItem(k, text);
      }
      return true;
    } catch (e) {
      storageFailed = true;
      return false;
    }
  }

  /* ---------- The address bar ---------- */

  /* Removes the fragment from the address bar without a new history entry
     (so Back does not bring the code back either). */
  function clearFragment() {
    var loc = root.location;
    if (!loc || !loc.hash) {
      return;
    }
    try {
      root.history.replaceState(root.history.state, "", loc.pathname + loc.search);
      if (!loc.hash) {
        return;
      }
    } catch (e) {
      /* Fall through. */
    }
    try {
      loc.replace("#");
    } catch (e2) {
      /* Nothing more can be done. */
    }
  }

  /* What the fragment held when it was not usable, for the form. */
  var pending = null;

  function readFragment(data) {
    var loc = root.location;
    var found = loc ? parseFragment(loc.hash) : null;
    if (!found) {
      return;
    }
    clearFragment();
    var identity = found.id !== null && found.code !== null ? describe(found.id, found.code) : null;
    /* A personal link says who is at the keyboard now: it replaces whoever
       was signed in, even when its code turns out not to be usable. */
    writeStored(data, identity);
    pending = identity ? null : { id: found.id || "", code: found.code || "" };
    notify(data);
  }

  /* ---------- The #identity section ---------- */

  /* Why the code is asked for, and what signing in is for here. */
  function explain() {
    return t("identity.explain");
  }

  function purposeText(purpose) {
    if (purpose === "quiz") {
      return t("identity.purpose_quiz");
    }
    return purpose === "token" ? t("identity.purpose_token") : t("identity.purpose_course");
  }

  function focusLater(node) {
    if (node && typeof node.focus === "function") {
      node.focus();
    }
  }

  /* Fills `section` with the form or the signed-in line.
     options: {headingLevel (2), purpose ("course", "quiz" or "token"),
               onSaved(identity), onCleared()}.
     Returns {refresh(), identity()}. */
  function mount(section, data, options) {
    options = options || {};
    var el = root.HandbookCommon.el;
    var empty = root.HandbookCommon.clear;
    var level = options.headingLevel || parseInt(section.getAttribute("data-heading-level"), 10) || 2;
    var purpose = options.purpose || section.getAttribute("data-identity-purpose") || "course";

    function heading(text) {
      return el("h" + level, { id: "identity-heading", "class": "identity-heading", tabindex: "-1" }, text);
    }

    function renderKnown(identity) {
      empty(section);
      section.appendChild(heading(t("identity.heading_known")));
      var status = el("p", { id: "identity-status", "class": "identity-status", tabindex: "-1" });
      status.appendChild(document.createTextNode(t("identity.signed_in_as") + " "));
      status.appendChild(el("strong", { id: "identity-who" }, identity.id));
      status.appendChild(document.createTextNode(" \u2014 " + t("identity.not_you") + " "));
      var change = el("button", { type: "button", id: "identity-change", "class": "button button--secondary identity-change" }, t("identity.sign_out"));
      status.appendChild(change);
      section.appendChild(status);
      section.appendChild(el("p", { "class": "identity-why" }, explain()));
      if (storageFailed) {
        section.appendChild(el("p", { "class": "identity-note" }, t("identity.not_kept")));
      }
      change.addEventListener("click", function () {
        writeStored(data, null);
        pending = null;
        renderForm(null);
        focusLater(document.getElementById("identity-id"));
        if (options.onCleared) {
          options.onCleared();
        }
        notify(data);
      });
    }

    function field(name, labelText, hintText) {
      var wrap = el("div", { "class": "identity-field", id: "identity-" + name + "-field" });
      wrap.appendChild(el("label", { "for": "identity-" + name }, labelText));
      wrap.appendChild(el("p", { "class": "hint", id: "identity-" + name + "-hint" }, hintText));
      var input = el("input", {
        type: "text",
        id: "identity-" + name,
        name: name,
        autocomplete: "off",
        autocapitalize: "off",
        autocorrect: "off",
        spellcheck: "false",
        "aria-describedby": "identity-" + name + "-hint identity-" + name + "-status"
      });
      wrap.appendChild(input);
      wrap.appendChild(el("p", {
        id: "identity-" + name + "-status",
        "class": "field-status",
        "aria-live": "polite"
      }));
      return { wrap: wrap, input: input, status: wrap.lastChild };
    }

    function setStatus(f, message, isError) {
      f.status.textContent = message || "";
      f.status.className = "field-status" + (message ? (isError ? " field-status--error" : " field-status--ok") : "");
      if (isError) {
        f.input.setAttribute("aria-invalid", "true");
        f.wrap.className = "identity-field identity-field--invalid";
      } else {
        f.input.removeAttribute("aria-invalid");
        f.wrap.className = "identity-field";
      }
    }

    function renderForm(prefill) {
      empty(section);
      section.appendChild(heading(t("identity.heading_form")));
      section.appendChild(el("p", { "class": "identity-why" }, explain()));
      section.appendChild(el("p", { "class": "identity-purpose" }, purposeText(purpose)));
      var form = el("form", { id: "identity-form", "class": "identity-form", novalidate: "novalidate" });
      var idField = field("id", t("identity.id_label"), t("identity.id_hint"));
      var codeField = field("code", t("identity.code_label"), t("identity.code_hint", { length: CODE_LENGTH }));
      form.appendChild(idField.wrap);
      form.appendChild(codeField.wrap);
      var actions = el("p", { "class": "identity-actions" });
      actions.appendChild(el("button", { type: "submit", id: "identity-submit", "class": "button" }, t("identity.submit")));
      form.appendChild(actions);
      section.appendChild(form);

      /* Checks the code against the id typed: a mistake, or a code that
         belongs to another id, is said at once; an incomplete code only
         when the reader leaves the field (or submits). */
      function checkNow(final) {
        var result = checkCode(codeField.input.value, idField.input.value);
        if (result.state === "ok") {
          setStatus(codeField, result.message, false);
        } else if (result.state === "empty" || (result.state === "incomplete" && !final)) {
          setStatus(codeField, final && result.state === "empty" ?
            t("identity.enter_code") : "", final);
        } else {
          setStatus(codeField, result.message, true);
        }
        if (result.state === "different-id") {
          idField.input.setAttribute("aria-invalid", "true");
        } else if (!idField.status.textContent) {
          idField.input.removeAttribute("aria-invalid");
        }
        return result;
      }
      codeField.input.addEventListener("input", function () {
        checkNow(false);
      });
      codeField.input.addEventListener("blur", function () {
        if (codeField.input.value) {
          checkNow(true);
        }
      });
      idField.input.addEventListener("input", function () {
        if (idField.status.textContent && root.HandbookToken.splitId(idField.input.value).id) {
          setStatus(idField, "", false);
        }
        /* The code is checked against the id: check it again. */
        if (codeField.input.value) {
          checkNow(false);
        }
      });
      form.addEventListener("submit", function (event) {
        event.preventDefault();
        var idOk = !!Token().splitId(idField.input.value).id;
        setStatus(idField, idOk ? "" : t("identity.enter_id"), !idOk);
        var code = checkNow(true);
        if (!idOk) {
          idField.input.focus();
          return;
        }
        if (code.state !== "ok") {
          codeField.input.focus();
          return;
        }
        var identity = describe(idField.input.value, codeField.input.value);
        writeStored(data, identity);
        pending = null;
        renderKnown(identity);
        notify(data);
        if (options.onSaved) {
          options.onSaved(identity);
        } else {
          focusLater(document.getElementById("identity-status"));
        }
      });

      if (prefill) {
        idField.input.value = prefill.id || "";
        codeField.input.value = prefill.code || "";
        if (prefill.code) {
          checkNow(true);
        }
      }
    }

    function refresh() {
      section.setAttribute("aria-labelledby", "identity-heading");
      var identity = readStored(data);
      if (identity) {
        renderKnown(identity);
      } else {
        renderForm(pending);
      }
      section.hidden = false;
      return identity;
    }

    refresh();
    return {
      refresh: refresh,
      identity: function () {
        return readStored(data);
      }
    };
  }

  /* The page's course data: one policy's, or on the course home the
     site's (one sign-in counts for every policy: it is kept per site). */
  function readData() {
    var data = root.HandbookProgress ? root.HandbookProgress.readData() : null;
    return data || root.HandbookCommon.pageData("course-data");
  }

  var HandbookIdentity = {
    parseFragment: parseFragment,
    checkCode: checkCode,
    describe: describe,
    /* The identity kept for this session, or null. */
    get: function (data) {
      return readStored(data);
    },
    /* Keeps id and code for this session; returns the identity or null. */
    set: function (data, idText, codeText) {
      var identity = describe(idText, codeText);
      if (identity) {
        writeStored(data, identity);
        notify(data);
      }
      return identity;
    },
    clear: function (data) {
      writeStored(data, null);
      notify(data);
    },
    /* Calls fn(identity or null) whenever somebody signs in or out. */
    onChange: function (fn) {
      listeners.push(fn);
    },
    mount: mount,
    /* False once the browser has refused sessionStorage on this page. */
    storageWorks: function () {
      return !storageFailed;
    },
    storageKey: storageKey
  };
  root.HandbookIdentity = HandbookIdentity;

  /* In the browser: read the personal link, then fill in the course home. */
  if (typeof document !== "undefined" && document.getElementById && root.HandbookToken && root.HandbookCommon) {
    var data = readData();
    if (data && data.site) {
      readFragment(data);
      var section = document.getElementById("identity");
      var form = section && section.hasAttribute("data-identity-auto") ? mount(section, data, {}) : null;
      /* A personal link opened in a tab that already shows this page only
         changes the fragment: the page is not loaded again. */
      if (root.addEventListener) {
        root.addEventListener("hashchange", function () {
          if (parseFragment(root.location.hash)) {
            readFragment(data);
            if (form) {
              form.refresh();
            }
          }
        });
      }
    }
  }
})(typeof window !== "undefined" ? window : this);
