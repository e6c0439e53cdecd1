/* handbook course: the reader's progress, kept in this browser only, per
   person. The one file that touches the course's long-term storage. Loaded
   on every course page before the page's own script; defines
   window.HandbookProgress.

   Staffroom computers are shared (SPEC section 5, "Progress on shared
   computers"), so progress belongs to the person signed in
   (HandbookIdentity, identity.js) and to nobody else:
   - it is stored under a key derived from that person's staff key,
       "handbook:<site id>/<policy id>:<person>:<policy version id>"
     where <person> is HandbookToken.progressKey(K, "<site id>/<policy id>"), 32 hex digits
     of an HMAC under K: never the bare id, never the code, and nobody
     without the code can tell whose it is or find it;
   - when nobody is signed in, load() gives an empty record and nothing is
     saved (saveModule and saveDeclaration return null): the pages ask the
     reader to sign in first, so no result is ever kept for "whoever signs
     in next";
   - each record names its person ("person"), and completion.js makes a
     token only from a record of the person signed in.
   A new version of the policy starts a fresh course. The value is JSON:
     { "site": "...", "version": "...", "label": "January 2025",
       "modules": { "<module id>": { "best": 90, "last": 60, "passed": true,
                                     "attempts": 2, "at": "2025-03-01T10:00:00.000Z" } },
       "declaration": { "at": "2025-03-01T10:30:00.000Z", "iat": 1740825000 } | null }
   A passed module stays passed even if a later attempt fails; "best" is the
   best score, "last" the latest one, "at" the time of the latest attempt.

   ("person" is added when the record is read, not stored.)

   If the browser refuses storage (some browsers on file://, private
   browsing, storage full or turned off), progress is kept in memory, still
   per person, for as long as the page is open and a note on the page says
   so.

   "data" below is the parsed #course-data object:
     { site, policy, policy_title, version, label, site_title, office_email, history,
       modules: [ { id, title, url, pass_mark } ] }

   What a record holds and how an attempt or the declaration changes it is
   a pure core, HandbookProgress.core (no storage, no page; tested under
   node by tests/js/progress.test.js):
     storageKey(site, person, version)   versionOf(key, site, person)
     emptyRecord(data, person)           clean(data, value, person)
     toScore(n) -> a whole 0-100         declarationOf(value) -> {at, iat}
     attempt(old, score, passed, at) -> the module's record after an attempt
     declarationAt(seconds) -> {at, iat}
     remaining(modules, record)          allPassed(modules, record)
     latest(record) -> the time of its latest change (ISO 8601)
     newestFirst(list of {record}) -> sorted by latest(record), newest first
   Needs common.js. Plain classic script, ES5: works on https, plain http
   and file://. */
(function (root) {
  "use strict";

  var PREFIX = "handbook:";

  /* ---------- The pure core ---------- */

  function storageKey(site, personId, version) {
    return PREFIX + site + ":" + personId + ":" + version;
  }

  /* The version of one of this person's keys, or null when the key is
     somebody else's, another site's, or not a progress key at all. */
  function versionOf(key, site, personId) {
    var mine = storageKey(site, personId, "");
    if (!key || key.indexOf(mine) !== 0) {
      return null;
    }
    var version = key.slice(mine.length);
    return version && version.indexOf(":") === -1 ? version : null;
  }

  /* What a record belongs to: "<site id>/<policy id>", the tokens' iss
     (or the bare site id for data that names no policy). Progress in one
     policy never shows in another. */
  function scopeOf(data) {
    return data.policy ? String(data.site) + "/" + String(data.policy) : String(data.site);
  }

  function emptyRecord(data, personId) {
    return {
      site: scopeOf(data),
      version: data.version,
      label: data.label,
      person: personId || null,
      modules: {},
      declaration: null
    };
  }

  function toScore(n) {
    n = Number(n);
    if (!isFinite(n)) {
      return 0;
    }
    return Math.max(0, Math.min(100, Math.floor(n)));
  }

  /* The declaration as stored: "at" (ISO 8601) and "iat", the same time in
     whole Unix seconds, which the completion token carries. Records saved
     before "iat" existed get it from "at", so the token stays the same. */
  function declarationOf(value) {
    var at = String(value.at);
    var iat = Number(value.iat);
    if (!isFinite(iat) || Math.floor(iat) !== iat || iat <= 0) {
      var ms = Date.parse(at);
      iat = isNaN(ms) ? 0 : Math.floor(ms / 1000);
    }
    return { at: at, iat: iat };
  }

  /* Makes any parsed value into a well-formed record of personId. */
  function clean(data, value, personId) {
    var record = emptyRecord(data, personId);
    if (!value || typeof value !== "object") {
      return record;
    }
    if (value.label) {
      record.label = String(value.label);
    }
    var modules = value.modules && typeof value.modules === "object" ? value.modules : {};
    for (var id in modules) {
      if (Object.prototype.hasOwnProperty.call(modules, id)) {
        var m = modules[id] || {};
        record.modules[id] = {
          best: toScore(m.best),
          last: toScore(m.last),
          passed: m.passed === true,
          attempts: Math.max(0, parseInt(m.attempts, 10) || 0),
          at: m.at ? String(m.at) : null
        };
      }
    }
    if (value.declaration && typeof value.declaration === "object" && value.declaration.at) {
      record.declaration = declarationOf(value.declaration);
    }
    return record;
  }

  /* A module's record after one more attempt (old: before it, or null): the
     best score is kept, and a pass stays a pass. */
  function attempt(old, score, passed, at) {
    score = toScore(score);
    return {
      best: old ? Math.max(old.best, score) : score,
      last: score,
      passed: !!(old && old.passed) || passed === true,
      attempts: (old ? old.attempts : 0) + 1,
      at: at
    };
  }

  /* The declaration signed at `seconds` (Unix time). */
  function declarationAt(seconds) {
    return { at: new Date(seconds * 1000).toISOString(), iat: seconds };
  }

  /* The modules (of the course's list) not yet passed, in course order. */
  function remaining(modules, record) {
    var list = [];
    for (var i = 0; i < modules.length; i++) {
      var m = record.modules[modules[i].id];
      if (!m || !m.passed) {
        list.push(modules[i]);
      }
    }
    return list;
  }

  function allPassed(modules, record) {
    return modules.length > 0 && remaining(modules, record).length === 0;
  }

  function latest(record) {
    var at = record.declaration ? record.declaration.at : "";
    for (var id in record.modules) {
      if (Object.prototype.hasOwnProperty.call(record.modules, id) &&
          record.modules[id].at && record.modules[id].at > at) {
        at = record.modules[id].at;
      }
    }
    return at || "";
  }

  function newestFirst(list) {
    return list.sort(function (a, b) {
      return latest(b.record) < latest(a.record) ? -1 : 1;
    });
  }

  var core = {
    storageKey: storageKey,
    versionOf: versionOf,
    emptyRecord: emptyRecord,
    clean: clean,
    toScore: toScore,
    declarationOf: declarationOf,
    attempt: attempt,
    declarationAt: declarationAt,
    remaining: remaining,
    allPassed: allPassed,
    latest: latest,
    newestFirst: newestFirst
  };

  /* ---------- Storage, for the person signed in ---------- */

  var memory = {};          // key -> record, used when storage fails
  var storageFailed = false;
  var personCache = { code: null, site: null, person: null };

  /* The person signed in on this page, as identity.js keeps them, or null.
     identity.js is loaded after this file; it is only asked at run time. */
  function identity(data) {
    var Identity = root.HandbookIdentity;
    return Identity && typeof Identity.get === "function" ? Identity.get(data) : null;
  }

  /* The person part of the storage key for the one signed in, or null. */
  function person(data) {
    var who = identity(data);
    var Token = root.HandbookToken;
    if (!who || !who.key || !Token) {
      return null;
    }
    /* The HMAC is cheap, but pages ask often: remember the last one. */
    if (personCache.code !== who.code + "|" + who.kid || personCache.site !== scopeOf(data)) {
      personCache = {
        code: who.code + "|" + who.kid,
        site: scopeOf(data),
        person: Token.progressKey(who.key, scopeOf(data))
      };
    }
    return personCache.person;
  }

  /* The storage key for the person signed in, or null when nobody is. */
  function key(data) {
    var personId = person(data);
    return personId ? storageKey(scopeOf(data), personId, data.version) : null;
  }

  function storage() {
    try {
      var s = root.localStorage;
      return s || null;
    } catch (e) {
      return null;
    }
  }

  function noteFailure() {
    storageFailed = true;
    showNote();
  }

  /* Shows the gentle note in #storage-note (if the page has one). */
  function showNote() {
    var C = root.HandbookCommon;
    var note = document.getElementById("storage-note");
    if (!C || !note || !note.hidden) {
      return;
    }
    C.clear(note);
    note.appendChild(C.el("p", null, C.t("progress.not_saved")));
    note.hidden = false;
  }

  /* The record of the person signed in (an empty one, never stored, when
     nobody is). */
  function read(data) {
    var personId = person(data);
    if (!personId) {
      return emptyRecord(data, null);
    }
    var k = storageKey(scopeOf(data), personId, data.version);
    var s = storage();
    if (s && !storageFailed) {
      try {
        var text = s.getItem(k);
        var record = text ? clean(data, JSON.parse(text), personId) : emptyRecord(data, personId);
        memory[k] = record;
        return record;
      } catch (e) {
        noteFailure();
      }
    } else if (!s) {
      noteFailure();
    }
    if (!memory[k]) {
      memory[k] = emptyRecord(data, personId);
    }
    return memory[k];
  }

  /* Saves the record of the person it belongs to; false when nobody, or
     somebody else, is signed in now (nothing is written then). */
  function write(data, record) {
    var personId = person(data);
    if (!personId || record.person !== personId) {
      return false;
    }
    var k = storageKey(scopeOf(data), personId, data.version);
    memory[k] = record;
    var s = storage();
    if (!s || storageFailed) {
      noteFailure();
      return false;
    }
    var stored = {
      site: record.site,
      version: record.version,
      label: record.label,
      modules: record.modules,
      declaration: record.declaration
    };
    try {
      s.setItem(k, JSON.stringify(stored));
      return true;
    } catch (e) {
      noteFailure();
      return false;
    }
  }

  var HandbookProgress = {
    core: core,

    /* "<site id>/<policy id>" of a course's data: its tokens' iss. */
    scopeOf: scopeOf,

    /* Parses the #course-data element (or the one with id `id`, e.g. a
       policy's #course-data-<policy> on the course home); null when the
       page has none. */
    readData: function (id) {
      var data = root.HandbookCommon ? root.HandbookCommon.pageData(id || "course-data") : null;
      if (!data || !data.site || !data.version) {
        return null;
      }
      if (!data.modules || typeof data.modules.length !== "number") {
        data.modules = [];
      }
      return data;
    },

    /* The storage key for this site and version and the person signed
       in, or null when nobody is. */
    key: key,

    /* The person part of the key for the one signed in, or null. */
    person: person,

    /* True when somebody is signed in, so progress can be kept. */
    signedIn: function (data) {
      return person(data) !== null;
    },

    /* The whole record for this site and version and the person signed
       in (a fresh one if none; an empty one when nobody is signed in). */
    load: function (data) {
      return read(data);
    },

    /* With a module id: that module's record or null.
       Without: the whole record, like load(). */
    get: function (data, moduleId) {
      var record = read(data);
      if (moduleId === undefined) {
        return record;
      }
      return Object.prototype.hasOwnProperty.call(record.modules, moduleId) ?
        record.modules[moduleId] : null;
    },

    /* Records one attempt at a module's quiz for the person signed in.
       Returns the module's record, or null when nobody is signed in. */
    saveModule: function (data, moduleId, score, passed) {
      var record = read(data);   // read again: another tab may have saved
      if (!record.person) {
        return null;
      }
      var m = attempt(record.modules[moduleId] || null, score, passed, new Date().toISOString());
      record.modules[moduleId] = m;
      write(data, record);
      return m;
    },

    /* Records that the person signed in signed the declaration now (once).
       Returns {at, iat}: the time as ISO 8601 and in whole Unix seconds;
       null when nobody is signed in. */
    saveDeclaration: function (data) {
      var record = read(data);
      if (!record.person) {
        return null;
      }
      if (!record.declaration) {
        record.declaration = declarationAt(Math.floor(new Date().getTime() / 1000));
      }
      write(data, record);
      return record.declaration;
    },

    /* The modules (from data.modules) not yet passed, in course order. */
    remaining: function (data) {
      return remaining(data.modules, read(data));
    },

    /* True when every module of the course is passed. */
    allPassed: function (data) {
      return allPassed(data.modules, read(data));
    },

    /* The signed-in person's progress stored for other versions of the
       same site, newest first: [ { key, version, label, record } ]. For
       the "what changed since your last version" notice. Empty when
       storage is unavailable or nobody is signed in. */
    otherVersions: function (data) {
      var s = storage();
      var list = [];
      var personId = person(data);
      if (!s || !personId) {
        return list;
      }
      try {
        for (var i = 0; i < s.length; i++) {
          var k = s.key(i);
          var version = versionOf(k, scopeOf(data), personId);
          if (version === null || version === data.version) {
            continue;
          }
          var record = null;
          try {
            record = clean({ site: data.site, policy: data.policy, version: version, label: "" }, JSON.parse(s.getItem(k)), personId);
          } catch (e) {
            continue;
          }
          list.push({ key: k, version: version, label: record.label, record: record });
        }
      } catch (e) {
        return list;
      }
      return newestFirst(list);
    },

    /* False once the browser has refused storage on this page. */
    storageWorks: function () {
      return !storageFailed;
    },

    /* Calls fn() whenever the progress on screen may be somebody else's
       or out of date: somebody signed in or out (identity.js), or the page
       came back with the Back button as it was left (the back/forward
       cache). */
    watch: function (fn) {
      if (root.HandbookIdentity && root.HandbookIdentity.onChange) {
        root.HandbookIdentity.onChange(function () {
          fn();
        });
      }
      root.addEventListener("pageshow", function (event) {
        if (event.persisted) {
          fn();
        }
      });
    }
  };

  root.HandbookProgress = HandbookProgress;
  if (typeof module !== "undefined" && module.exports) {
    module.exports = HandbookProgress;
  }
})(typeof window !== "undefined" ? window : this);
