// Tests for themes/default/static/identity.js (the personal link and the
// typed code) and completion.js (the token's claims, the mailto: link and
// the file), run by `cargo test` (tests/it/js.rs) or directly:
// node --test tests/js/identity.test.js. Uses only node's test, assert and
// vm.
'use strict';

var test = require('node:test');
var assert = require('assert');
var fs = require('fs');
var path = require('path');
var vm = require('vm');
// The interface strings the page would carry (en-GB).
var STRINGS = require('./strings.js').scriptStrings();

var STATIC = path.join(__dirname, '..', '..', 'themes', 'default', 'static');
function source(name) {
  return fs.readFileSync(path.join(STATIC, name), 'utf8');
}

// The SPEC section 5 test vector: T042's code, and the code the same key
// would have if it had been issued to T043.
var CODE = '7NF8-7N6S-N3BZ-1R75-K4CC-56KZ-9YDS-C';
var CODE_T043 = '7NF8-7N6S-N3BZ-1R75-K4CC-56KZ-9YPG-*';
var TOKEN = 'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCIsImtpZCI6IlQwNDIifQ.' +
  'eyJpc3MiOiJleGFtcGxlLXNjaG9vbC9zb2NpYWwtbWVkaWEiLCJzdWIiOiJUMDQyIiwiaWF0IjoxNzY3MjI1NjAwLCJwdiI6IjAxMjM0NTY3ODlhYmNkZWYiLCJtb2RzIjp7InNjb3BlIjoxMDAsImJlaGF2aW91ciI6ODB9LCJkZWNsIjp0cnVlfQ.' +
  'AJHXIYBgruQJQEl0-HN6Vgut1XzXS9ju_nErHdUPV4c';
var CLAIMS_JSON = '{"iss":"example-school/social-media","sub":"T042","iat":1767225600,' +
  '"pv":"0123456789abcdef","mods":{"scope":100,"behaviour":80},"decl":true}';

var DATA = {
  site: 'example-school',
  policy: 'social-media',
  policy_title: 'Social Media Policy',
  version: '0123456789abcdef',
  label: 'January 2026',
  site_title: 'Social Media Policy',
  office_email: 'office@example.org',
  modules: [
    { id: 'scope', title: 'Scope', url: 'course/social-media/scope.html', pass_mark: 80 },
    { id: 'behaviour', title: 'Behaviour', url: 'course/social-media/behaviour.html', pass_mark: 80 }
  ]
};

// A storage object like the browser's (getItem, setItem, removeItem).
function fakeStorage(name, log) {
  var items = {};
  return {
    getItem: function (k) {
      return Object.prototype.hasOwnProperty.call(items, k) ? items[k] : null;
    },
    setItem: function (k, v) {
      log.push(name + '.setItem ' + k);
      items[k] = String(v);
    },
    removeItem: function (k) {
      log.push(name + '.removeItem ' + k);
      delete items[k];
    },
    items: items
  };
}

// Loads the scripts as the browser would, as classic scripts sharing one
// `window`. With `page` ({hash, pathname}), a minimal browser: the address,
// history, both storages and a #course-data element.
function load(page) {
  var log = [];
  var context = { window: {}, log: log };
  if (page) {
    var loc = {
      hash: page.hash,
      pathname: page.pathname,
      search: '',
      replace: function (url) {
        log.push('location.replace ' + url);
        loc.hash = '';
      }
    };
    context.window.location = loc;
    context.window.history = {
      state: null,
      replaceState: function (state, title, url) {
        log.push('history.replaceState ' + url);
        loc.hash = '';
      }
    };
    context.window.listeners = {};
    context.window.addEventListener = function (name, fn) {
      context.window.listeners[name] = fn;
    };
    context.window.sessionStorage = fakeStorage('sessionStorage', log);
    context.window.localStorage = fakeStorage('localStorage', log);
    context.document = {
      getElementById: function (id) {
        return id === 'course-data' ? { textContent: JSON.stringify(DATA) } : null;
      }
    };
  }
  vm.createContext(context);
  ['common.js', 'token.js', 'identity.js', 'completion.js'].forEach(function (name) {
    vm.runInContext(source(name), context, { filename: name });
    if (name === 'common.js') {
      context.window.HandbookCommon.setStrings(STRINGS);
    }
  });
  return context;
}

// Objects made inside the vm context have its own prototypes: compare as JSON.
function same(actual, expected) {
  assert.strictEqual(JSON.stringify(actual), JSON.stringify(expected));
}

var W = load().window;
var I = W.HandbookIdentity;
var C = W.HandbookCompletion;
var T = W.HandbookToken;
var KEY = T.parseCode(CODE, 'T042').key;
// The vector's key issued as other ids (the browser accepts any valid
// code; it only imports where the master key matches).
function codeFor(kid) {
  return T.formatCode(KEY, kid);
}
var CODE_2 = codeFor('T042#2');

test('the personal link fragment is read, in any order, percent-decoded', function () {
  same(I.parseFragment('#id=T042&code=' + CODE), { id: 'T042', code: CODE });
  same(I.parseFragment('code=' + CODE + '&id=T042'), { id: 'T042', code: CODE });
  same(I.parseFragment('#id=T042%232&code=' + CODE), { id: 'T042#2', code: CODE });
  same(I.parseFragment('#id=jo.smith%40school.example&code=abc'), { id: 'jo.smith@school.example', code: 'abc' });
  same(I.parseFragment('#ID=T042'), { id: 'T042', code: null });
  same(I.parseFragment('#id=%E0%A4%A&code=x'), { id: '%E0%A4%A', code: 'x' });
});

test('ordinary fragments are not personal links', function () {
  assert.strictEqual(I.parseFragment(''), null);
  assert.strictEqual(I.parseFragment('#'), null);
  assert.strictEqual(I.parseFragment('#course-modules-heading'), null);
  assert.strictEqual(I.parseFragment('#a=1&b=2'), null);
  assert.strictEqual(I.parseFragment(undefined), null);
});

test('the typed code is checked in words', function () {
  var ok = I.checkCode(CODE.toLowerCase().replace(/-/g, ' '), 'T042');
  assert.strictEqual(ok.state, 'ok');
  assert.strictEqual(T.hex(ok.key), 'f57a0f5366a35fc3839664630a69fd3e');

  var typo = I.checkCode('7NF8-7N6S-N3BZ-1R75-K4CC-56KZ-9YDS-D', 'T042');
  assert.strictEqual(typo.state, 'mistake');
  assert.ok(/^This code has a typing mistake: check each character/.test(typo.message), typo.message);

  var oneShort = I.checkCode(CODE.slice(0, -1), 'T042');
  assert.strictEqual(oneShort.state, 'incomplete');
  assert.strictEqual(oneShort.missing, 1);
  assert.ok(/1 character is missing/.test(oneShort.message), oneShort.message);
  assert.ok(/29 letters and digits/.test(oneShort.message), oneShort.message);
  var half = I.checkCode('7NF8-7N6S-N3BZ', 'T042');
  assert.strictEqual(half.missing, 17);
  assert.ok(/17 characters are missing/.test(half.message), half.message);

  var long = I.checkCode(CODE + 'XY', 'T042');
  assert.strictEqual(long.state, 'too-long');
  assert.ok(/2 characters too many/.test(long.message), long.message);

  var bad = I.checkCode('7NF8-7N6S-N3BZ-1R75-K4CC-56KZ-9!DS-C', 'T042');
  assert.strictEqual(bad.state, 'invalid');
  assert.ok(/"!" is not used/.test(bad.message), bad.message);

  assert.strictEqual(I.checkCode('', 'T042').state, 'empty');
  assert.strictEqual(I.checkCode(' - ', 'T042').state, 'empty');
});

test("a code typed with another person's id is refused at once, in plain words", function () {
  var wrong = I.checkCode(CODE, 'T043');
  assert.strictEqual(wrong.state, 'different-id');
  assert.strictEqual(wrong.key, null);
  assert.strictEqual(wrong.message,
    'This code belongs to a different staff id; check the id on your letter.');
  assert.strictEqual(I.describe('T043', CODE), null);
  // The other way round, and a replaced code typed without its #2.
  assert.strictEqual(I.checkCode(CODE_T043, 'T042').state, 'different-id');
  assert.strictEqual(I.checkCode(CODE_2, 'T042').state, 'different-id');
  assert.strictEqual(I.checkCode(CODE_2, 'T042#2').state, 'ok');
  assert.strictEqual(I.checkCode(CODE_T043, ' t043 ').state, 'different-id', 'ids are exact');
  assert.strictEqual(I.checkCode(CODE_T043, 'T043').state, 'ok');
  // A typing mistake is a typing mistake whatever the id.
  assert.strictEqual(I.checkCode('7NF8-7N6S-N3BZ-1R75-K4CC-56KZ-9YDS-D', 'T043').state, 'mistake');
  // Before an id is typed, only the code itself can be checked.
  assert.strictEqual(I.checkCode(CODE, '').state, 'ok');
  assert.strictEqual(I.checkCode(CODE).state, 'ok');
});

test('an identity: id with #n for a replaced code, code tidied', function () {
  var who = I.describe(' T042#2 ', CODE_2.toLowerCase());
  assert.strictEqual(who.id, 'T042#2');
  assert.strictEqual(who.kid, 'T042#2');
  assert.strictEqual(who.sub, 'T042');
  assert.strictEqual(who.generation, 2);
  assert.strictEqual(who.code, CODE_2);
  assert.strictEqual(I.describe('', CODE), null);
  assert.strictEqual(I.describe('T042', CODE.slice(0, -1) + 'D'), null);
  assert.strictEqual(I.describe('T042', CODE).code, CODE);
});

test('opening the personal link: kept in sessionStorage only, removed from the address bar', function () {
  var page = load({ hash: '#id=T042%232&code=' + CODE_2, pathname: '/trust/policy/course/index.html' });
  var w = page.window;
  assert.strictEqual(w.location.hash, '', 'the fragment is gone');
  assert.ok(page.log.indexOf('history.replaceState /trust/policy/course/index.html') >= 0, page.log.join('\n'));
  var stored = w.sessionStorage.getItem('handbook-identity:' + DATA.site);
  same(JSON.parse(stored), { id: 'T042#2', code: CODE_2 });
  assert.strictEqual(Object.keys(w.localStorage.items).length, 0, 'nothing in localStorage');
  assert.ok(!page.log.some(function (l) { return /^localStorage/.test(l); }), page.log.join('\n'));
  var who = w.HandbookIdentity.get(DATA);
  assert.strictEqual(who.kid, 'T042#2');
  w.HandbookIdentity.clear(DATA);
  assert.strictEqual(w.sessionStorage.getItem('handbook-identity:' + DATA.site), null);
  assert.strictEqual(w.HandbookIdentity.get(DATA), null);
});

test('a personal link with a mistyped code is removed too, and nothing is kept', function () {
  var page = load({ hash: '#id=T042&code=' + CODE.slice(0, -1) + 'D', pathname: '/course/index.html' });
  assert.strictEqual(page.window.location.hash, '');
  assert.strictEqual(page.window.HandbookIdentity.get(DATA), null);
  assert.strictEqual(Object.keys(page.window.sessionStorage.items).length, 0);
});

test("a personal link with somebody else's code signs nobody in, and signs out whoever was", function () {
  var page = load({ hash: '', pathname: '/course/index.html' });
  var w = page.window;
  var changes = [];
  w.HandbookIdentity.onChange(function (who) {
    changes.push(who ? who.id : null);
  });
  assert.strictEqual(w.HandbookIdentity.set(DATA, 'T042', CODE).id, 'T042');
  // T042's code with id T043 (the link, or a forwarded letter, is wrong).
  w.location.hash = '#id=T043&code=' + CODE;
  w.listeners.hashchange();
  assert.strictEqual(w.location.hash, '');
  assert.strictEqual(w.HandbookIdentity.get(DATA), null, 'nobody is signed in');
  assert.strictEqual(w.sessionStorage.getItem('handbook-identity:' + DATA.site), null);
  same(changes, ['T042', null]);
  // A good link for somebody else replaces the one signed in.
  w.HandbookIdentity.set(DATA, 'T042', CODE);
  w.location.hash = '#id=T043&code=' + CODE_T043;
  w.listeners.hashchange();
  assert.strictEqual(w.HandbookIdentity.get(DATA).id, 'T043');
  same(changes, ['T042', null, 'T042', 'T043']);
  w.HandbookIdentity.clear(DATA);
  same(changes, ['T042', null, 'T042', 'T043', null]);
});

test('an ordinary fragment is left alone', function () {
  var page = load({ hash: '#course-modules-heading', pathname: '/course/index.html' });
  assert.strictEqual(page.window.location.hash, '#course-modules-heading');
  assert.strictEqual(page.log.length, 0, page.log.join('\n'));
});

test('a personal link opened in a tab already on the page (hashchange)', function () {
  var page = load({ hash: '', pathname: '/course/index.html' });
  var w = page.window;
  assert.strictEqual(w.HandbookIdentity.get(DATA), null);
  w.location.hash = '#id=T042&code=' + CODE;
  w.listeners.hashchange();
  assert.strictEqual(w.location.hash, '');
  assert.strictEqual(w.HandbookIdentity.get(DATA).id, 'T042');
});

var SPEC_RECORD = {
  // T042's own progress (progress.js names each record's person).
  person: T.progressKey(KEY, 'example-school/social-media'),
  // Stored in another order than the course's: the claims follow the course.
  modules: {
    behaviour: { best: 80, last: 80, passed: true, attempts: 1, at: '2025-12-31T23:50:00.000Z' },
    scope: { best: 100, last: 90, passed: true, attempts: 2, at: '2025-12-31T23:40:00.000Z' }
  },
  declaration: { at: '2026-01-01T00:00:00.000Z', iat: 1767225600 }
};

test('claims: iss, sub, iat, pv, mods in course order, decl; exactly the SPEC bytes', function () {
  var who = I.describe('T042', CODE);
  var claims = C.claims(DATA, SPEC_RECORD, who);
  same(Object.keys(claims), ['iss', 'sub', 'iat', 'pv', 'mods', 'decl']);
  same(Object.keys(claims.mods), ['scope', 'behaviour']);
  assert.strictEqual(T.claimsJson(claims), CLAIMS_JSON);
  assert.strictEqual(C.tokenFor(DATA, SPEC_RECORD, who), TOKEN);
});

test('the token is the same after a reload (iat from the stored declaration)', function () {
  var who = I.describe('T042', CODE);
  var older = JSON.parse(JSON.stringify(SPEC_RECORD));
  delete older.declaration.iat;           // saved before iat was stored
  assert.strictEqual(C.tokenFor(DATA, older, who), TOKEN);
  var again = JSON.parse(JSON.stringify(SPEC_RECORD));
  assert.strictEqual(C.tokenFor(DATA, again, who), TOKEN);
  assert.strictEqual(C.tokenFor(DATA, { person: SPEC_RECORD.person, modules: SPEC_RECORD.modules, declaration: null }, who), null);
});

test("a token is never made from somebody else's progress", function () {
  var other = T.hmacSha256(T.utf8('another master key'), T.utf8('handbook/staff-key/v1:T005')).slice(0, 16);
  var t005 = I.describe('T005', T.formatCode(other, 'T005'));
  assert.ok(t005, 'a valid identity for T005');
  // T042's record, shown to T005: no token.
  assert.strictEqual(C.ownRecord(DATA, SPEC_RECORD, t005), false);
  assert.strictEqual(C.tokenFor(DATA, SPEC_RECORD, t005), null);
  // A record that names no person is nobody's.
  var nobody = JSON.parse(JSON.stringify(SPEC_RECORD));
  delete nobody.person;
  assert.strictEqual(C.tokenFor(DATA, nobody, I.describe('T042', CODE)), null);
  // T005's own record makes T005's token, with T005's scores.
  var own = JSON.parse(JSON.stringify(SPEC_RECORD));
  own.person = T.progressKey(other, 'example-school/social-media');
  own.modules.behaviour.best = 90;
  var token = C.tokenFor(DATA, own, t005);
  var claims = JSON.parse(Buffer.from(token.split('.')[1], 'base64').toString());
  assert.strictEqual(claims.sub, 'T005');
  same(claims.mods, { scope: 100, behaviour: 90 });
});

test('a replaced code: kid T042#2, sub T042', function () {
  var who = I.describe('T042#2', CODE_2);
  var token = C.tokenFor(DATA, SPEC_RECORD, who);
  var parts = token.split('.');
  assert.strictEqual(parts.length, 3);
  assert.strictEqual(Buffer.from(parts[0], 'base64').toString(), '{"alg":"HS256","typ":"JWT","kid":"T042#2"}');
  assert.strictEqual(Buffer.from(parts[1], 'base64').toString(), CLAIMS_JSON);
});

test('progress.js stores the declaration time in whole seconds as well', function () {
  var items = {};
  var context = {
    window: {
      localStorage: {
        getItem: function (k) { return items[k] || null; },
        setItem: function (k, v) { items[k] = v; }
      }
    },
    document: { getElementById: function () { return null; } }
  };
  vm.createContext(context);
  ['common.js', 'progress.js', 'token.js', 'identity.js'].forEach(function (name) {
    vm.runInContext(source(name), context, { filename: name });
    if (name === 'common.js') {
      context.window.HandbookCommon.setStrings(STRINGS);
    }
  });
  var P = context.window.HandbookProgress;
  context.window.HandbookIdentity.set(DATA, 'T042', CODE);
  var d = P.saveDeclaration(DATA);
  assert.strictEqual(typeof d.iat, 'number');
  assert.strictEqual(Date.parse(d.at), d.iat * 1000);
  same(P.saveDeclaration(DATA), d);
  same(P.load(DATA).declaration, d);
});

function decodeMailto(link) {
  var m = /^mailto:([^?]*)\?subject=([^&]*)&body=(.*)$/.exec(link);
  assert.ok(m, link);
  return { to: decodeURIComponent(m[1]), subject: decodeURIComponent(m[2]), body: decodeURIComponent(m[3]) };
}

test('mailto: to the office, subject from the site title, body with the token', function () {
  var who = I.describe('T042', CODE);
  var link = C.mailto(DATA, who, TOKEN);
  assert.ok(link.length < 1500, link.length);
  var mail = decodeMailto(link);
  assert.strictEqual(mail.to, 'office@example.org');
  assert.ok(/^mailto:office@example\.org\?/.test(link), link);
  assert.strictEqual(mail.subject, 'Social Media Policy completion \u2013 T042');
  assert.ok(mail.body.indexOf(TOKEN) >= 0);
  assert.ok(/completed/.test(mail.body), mail.body);
  assert.ok(/%0D%0A/.test(link), 'line breaks as CRLF');
  assert.strictEqual(C.mailto({ site: 'a', version: 'b', modules: [], office_email: '' }, who, TOKEN), null);
  assert.strictEqual(C.mailto({ site: 'a', version: 'b', modules: [] }, who, TOKEN), null);
});

test('mailto: under 1,500 characters for a long course, or not offered at all', function () {
  var longId = 'a.very.long.staff.id@primary-school.example.org#3';
  var who = I.describe(longId, codeFor(longId));
  function course(n) {
    var data = JSON.parse(JSON.stringify(DATA));
    var record = JSON.parse(JSON.stringify(SPEC_RECORD));
    record.person = T.progressKey(KEY, data.site + '/' + data.policy);
    data.modules = [];
    record.modules = {};
    for (var i = 0; i < n; i++) {
      var id = 'module-number-' + i;
      data.modules.push({ id: id, title: id });
      record.modules[id] = { best: 100, passed: true };
    }
    return { data: data, token: C.tokenFor(data, record, who) };
  }
  // The real policy has nine modules: the full message fits.
  var nine = course(9);
  var link = C.mailto(nine.data, who, nine.token);
  assert.ok(link && link.length <= 1500, link && link.length);
  assert.ok(/completed/.test(decodeMailto(link).body));
  // A longer course: never a link over the limit.
  for (var n = 10; n <= 40; n++) {
    var c = course(n);
    var l = C.mailto(c.data, who, c.token);
    if (l !== null) {
      assert.ok(l.length <= 1500, n + ' modules: ' + l.length);
      assert.ok(decodeMailto(l).body.indexOf(c.token) >= 0);
    }
  }
  assert.strictEqual(C.mailto(course(40).data, who, course(40).token), null);
});

test('the download file: a safe name, an explanation and the token', function () {
  assert.strictEqual(C.fileName(I.describe('T042', CODE)), 'completion-T042.txt');
  assert.strictEqual(C.fileName(I.describe('T042#2', CODE_2)), 'completion-T042-2.txt');
  assert.strictEqual(C.fileName(I.describe('jo/smith@x', codeFor('jo/smith@x'))), 'completion-jo-smith-x.txt');
  var text = C.fileText(DATA, I.describe('T042', CODE), TOKEN);
  var lines = text.split('\r\n');
  assert.ok(/school office/.test(lines[0]), lines[0]);
  assert.strictEqual(lines[2], TOKEN);
});
