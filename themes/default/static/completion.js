/* handbook course: the signed completion token on the declaration page
   (SPEC section 5). Loaded after common.js, progress.js, token.js and
   identity.js and before declaration.js, which calls
   HandbookCompletion.render() once the declaration is signed and the staff
   id and code are known.

   The token is made here, in this page, with token.js (one code path, no
   crypto.subtle): header {"alg":"HS256","typ":"JWT","kid":"<id or id#n>"},
   claims in this order: iss (site id), sub (staff id without #n), iat (the
   declaration time in Unix seconds, stored with the declaration, so the
   token is the same after a reload), pv (policy version id), mods (module
   id -> best score, in course order), decl: true.

   It is shown in #token with three ways to send it: #token-copy,
   #token-download (a small text file) and #token-email (a mailto: link to
   the office, kept under 1,500 characters).

   A token is only ever made from the signed-in person's own passes:
   tokenFor() refuses a record whose "person" (set by progress.js) is not
   the identity's own progress key.

   Pure helpers (tested under node by tests/js/identity.test.js):
     claims(data, record, identity)      tokenFor(data, record, identity)
     ownRecord(data, record, identity)
     subject(data, identity)             mailto(data, identity, token)
     fileName(identity)                  fileText(data, identity, token)
   "data" is the parsed #course-data ({site, version, label, site_title,
   office_email, modules: [{id, title}]}), "record" what progress.js keeps,
   "identity" what identity.js keeps ({id, sub, kid, key, ...}).
   Plain classic script, ES5: works on https, plain http and file://. */
(function (root) {
  "use strict";

  /* Longest mailto: link offered: some mail programs cut longer ones. */
  var MAILTO_LIMIT = 1500;

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

  function title(data) {
    return data.policy_title ? String(data.policy_title) :
      data.site_title ? String(data.site_title) : t("completion.policy");
  }

  /* The words for `key`, or `key`_version when the course has a version
     label. */
  function withLabel(key, data, values) {
    values.label = data.label;
    return t(key + (data.label ? "_version" : ""), values);
  }

  /* The declaration time in whole Unix seconds. */
  function iatOf(declaration) {
    if (!declaration) {
      return null;
    }
    var iat = Number(declaration.iat);
    if (isFinite(iat) && Math.floor(iat) === iat && iat > 0) {
      return iat;
    }
    var ms = Date.parse(declaration.at);
    return isNaN(ms) ? null : Math.floor(ms / 1000);
  }

  /* The token's claims, as an object whose keys are in signing order. */
  function claims(data, record, identity) {
    var mods = {};
    for (var i = 0; i < data.modules.length; i++) {
      var id = data.modules[i].id;
      var m = record.modules && Object.prototype.hasOwnProperty.call(record.modules, id) ?
        record.modules[id] : null;
      if (m) {
        mods[id] = Math.max(0, Math.min(100, Math.floor(Number(m.best) || 0)));
      }
    }
    return {
      iss: scopeOf(data),
      sub: String(identity.sub),
      iat: iatOf(record.declaration),
      pv: String(data.version),
      mods: mods,
      decl: !!record.declaration
    };
  }

  /* The token's iss: "<site id>/<policy id>" (SPEC section 5). */
  function scopeOf(data) {
    return data.policy ? String(data.site) + "/" + String(data.policy) : String(data.site);
  }

  /* True when `record` is the progress of `identity` (progress.js names
     each record's person): on a shared computer a token must never be made
     from somebody else's passes. */
  function ownRecord(data, record, identity) {
    return !!(record && identity && identity.key && record.person &&
      record.person === Token().progressKey(identity.key, scopeOf(data)));
  }

  /* The completion token, or null when the declaration is not signed, or
     the record is not the progress of the person the token would name. */
  function tokenFor(data, record, identity) {
    if (!ownRecord(data, record, identity)) {
      return null;
    }
    var c = claims(data, record, identity);
    if (!c.decl || c.iat === null) {
      return null;
    }
    return Token().makeToken(identity.key, identity.kid, c);
  }

  function subject(data, identity) {
    return t("completion.subject", { title: title(data), id: identity.id });
  }

  function bodyText(data, identity, token, short) {
    if (short) {
      return token;
    }
    return withLabel("completion.body", data, { id: identity.id, title: title(data) }) +
      "\r\n\r\n" + token + "\r\n";
  }

  /* The address part of a mailto: link (RFC 6068), readable. */
  function encodeAddress(address) {
    return encodeURIComponent(address).replace(/%40/g, "@");
  }

  /* The mailto: link to the office, or null when there is no office
     address or the link would be longer than MAILTO_LIMIT characters even
     with the token alone in the body. */
  function mailto(data, identity, token) {
    var to = data.office_email ? String(data.office_email).replace(/^\s+|\s+$/g, "") : "";
    if (!to) {
      return null;
    }
    var head = "mailto:" + encodeAddress(to) + "?subject=" + encodeURIComponent(subject(data, identity)) + "&body=";
    var full = head + encodeURIComponent(bodyText(data, identity, token, false));
    if (full.length <= MAILTO_LIMIT) {
      return full;
    }
    var short = head + encodeURIComponent(bodyText(data, identity, token, true));
    return short.length <= MAILTO_LIMIT ? short : null;
  }

  /* completion-T042.txt (characters a file name may not hold become "-"). */
  function fileName(identity) {
    return "completion-" + String(identity.id).replace(/[^A-Za-z0-9._-]+/g, "-") + ".txt";
  }

  function fileText(data, identity, token) {
    var key = data.office_email ? "completion.file_to" : "completion.file";
    return withLabel(key, data, { id: identity.id, title: title(data), email: data.office_email }) +
      "\r\n\r\n" + token + "\r\n";
  }

  /* ---------- The #token section ---------- */

  var lastUrl = null;

  function fileUrl(text) {
    if (lastUrl && root.URL && root.URL.revokeObjectURL) {
      root.URL.revokeObjectURL(lastUrl);
      lastUrl = null;
    }
    try {
      if (root.Blob && root.URL && root.URL.createObjectURL) {
        lastUrl = root.URL.createObjectURL(new root.Blob([text], { type: "text/plain;charset=utf-8" }));
        return lastUrl;
      }
    } catch (e) {
      /* Fall back to a data: address. */
    }
    return "data:text/plain;charset=utf-8," + encodeURIComponent(text);
  }

  function copyBySelecting(area) {
    area.focus();
    area.select();
    try {
      area.setSelectionRange(0, area.value.length);
    } catch (e) {
      /* Some browsers do not have it on read-only fields. */
    }
    try {
      return document.execCommand("copy");
    } catch (e2) {
      return false;
    }
  }

  function hide(section) {
    section.hidden = true;
    root.HandbookCommon.clear(section);
  }

  /* Shows the token in `section` (#token). Returns the token, or null. */
  function render(section, data, record, identity) {
    var el = root.HandbookCommon.el;
    var announce = root.HandbookCommon.announce;
    var token = tokenFor(data, record, identity);
    hide(section);
    if (!token) {
      return null;
    }
    section.setAttribute("aria-labelledby", "token-heading");
    section.appendChild(el("h3", { id: "token-heading", "class": "token-heading", tabindex: "-1" },
      t("completion.heading")));
    var link = mailto(data, identity, token);
    section.appendChild(el("p", null,
      t("completion.proof") + " " + (link ? t("completion.send_email") : t("completion.send"))));

    var field = el("div", { "class": "token-field" });
    field.appendChild(el("label", { "for": "token-text" }, t("completion.label", { id: identity.id })));
    var area = el("textarea", {
      id: "token-text",
      "class": "token-text",
      rows: "6",
      readonly: "readonly",
      spellcheck: "false",
      autocomplete: "off",
      "aria-describedby": "token-text-hint"
    });
    area.value = token;
    field.appendChild(area);
    field.appendChild(el("p", { id: "token-text-hint", "class": "hint" },
      t("completion.hint")));
    section.appendChild(field);

    /* With an office address, e-mailing the token is the main action:
       first, and the one filled button; copying and saving follow. */
    var actions = el("ul", { "class": "token-actions" });
    var emailItem = el("li");
    var email = el("a", { id: "token-email", "class": "button" }, t("completion.email"));
    emailItem.appendChild(email);
    if (link) {
      email.setAttribute("href", link);
      actions.appendChild(emailItem);
    }

    var copyItem = el("li");
    var copy = el("button", {
      type: "button",
      id: "token-copy",
      "class": link ? "button button--secondary" : "button"
    }, t("completion.copy"));
    copyItem.appendChild(copy);
    actions.appendChild(copyItem);

    var name = fileName(identity);
    var downloadItem = el("li");
    var download = el("a", {
      id: "token-download",
      "class": "button-link",
      href: fileUrl(fileText(data, identity, token)),
      download: name
    }, t("completion.download", { file: name }));
    downloadItem.appendChild(download);
    actions.appendChild(downloadItem);
    section.appendChild(actions);

    var live = el("p", { id: "token-live", "class": "token-live", role: "status", "aria-live": "polite" });
    section.appendChild(live);

    var where = el("p", { id: "token-office", "class": "token-office" });
    if (link) {
      where.textContent = t("completion.where_link", { email: data.office_email });
    } else if (data.office_email) {
      where.textContent = t("completion.where_email", { email: data.office_email });
    } else {
      where.textContent = t("completion.where_ask");
    }
    section.appendChild(where);

    section.appendChild(el("h4", { id: "token-next-heading" }, t("completion.next_heading")));
    section.appendChild(el("p", { id: "token-next" }, t("completion.next")));

    copy.addEventListener("click", function () {
      function fallback() {
        if (copyBySelecting(area)) {
          announce(live, t("completion.copied"));
        } else {
          announce(live, t("completion.selected"));
        }
      }
      var clip = root.navigator && root.navigator.clipboard;
      if (clip && typeof clip.writeText === "function") {
        try {
          clip.writeText(token).then(function () {
            announce(live, t("completion.copied"));
          }, fallback);
          return;
        } catch (e) {
          /* Fall back below. */
        }
      }
      fallback();
    });

    section.hidden = false;
    return token;
  }

  root.HandbookCompletion = {
    MAILTO_LIMIT: MAILTO_LIMIT,
    iatOf: iatOf,
    ownRecord: ownRecord,
    claims: claims,
    tokenFor: tokenFor,
    subject: subject,
    mailto: mailto,
    fileName: fileName,
    fileText: fileText,
    render: render,
    hide: hide
  };
})(typeof window !== "undefined" ? window : this);
