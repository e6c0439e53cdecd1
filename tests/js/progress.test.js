// Tests for themes/default/static/progress.js on a shared computer: progress
// is kept per person, under a key derived from the staff key, so a second
// person in the same browser never sees, continues or inherits anyone's
// progress (SPEC section 5, "Progress on shared computers"); then the pure
// record logic (HandbookProgress.core: attempts, declarations, versions).
// Run by `cargo test` (tests/it/js.rs) or directly:
// node --test tests/js/progress.test.js. Uses only node's test, assert and vm.
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

var SCOPE = 'ppat/social-media';
var DATA = {
  site: 'ppat',
  policy: 'social-media',
  version: '0123456789abcdef',
  label: 'January 2026',
  modules: [
    { id: 'scope', title: 'Scope', url: 'course/social-media/scope.html', pass_mark: 80 },
    { id: 'behaviour', title: 'Behaviour', url: 'course/social-media/behaviour.html', pass_mark: 80 }
  ]
};

// A localStorage like the browser's: getItem, setItem, removeItem, key(i),
// length. `failing` makes every call throw, as a browser that refuses
// storage does.
function fakeStorage(log, failing) {
  var items = {};
  var store = {
    getItem: function (k) {
      if (failing) throw new Error('SecurityError');
      return Object.prototype.hasOwnProperty.call(items, k) ? items[k] : null;
    },
    setItem: function (k, v) {
      if (failing) throw new Error('QuotaExceededError');
      log.push('setItem ' + k);
      items[k] = String(v);
    },
    removeItem: function (k) {
      delete items[k];
    },
    key: function (i) {
      return Object.keys(items)[i] || null;
    },
    items: items
  };
  Object.defineProperty(store, 'length', {
    get: function () {
      return Object.keys(items).length;
    }
  });
  return store;
}

// The course's scripts in one `window`, as on a course page (without the
// page's own script): common.js, progress.js, token.js, identity.js.
function load(options) {
  options = options || {};
  var log = [];
  var local = options.local || fakeStorage(log, options.failing);
  var context = {
    window: { localStorage: local, sessionStorage: fakeStorage([], false) },
    document: {
      getElementById: function () {
        return null;
      }
    }
  };
  vm.createContext(context);
  ['common.js', 'progress.js', 'token.js', 'identity.js'].forEach(function (name) {
    vm.runInContext(source(name), context, { filename: name });
    if (name === 'common.js') {
      context.window.HandbookCommon.setStrings(STRINGS);
    }
  });
  var w = context.window;
  return { P: w.HandbookProgress, I: w.HandbookIdentity, T: w.HandbookToken, local: local, log: log };
}

function same(actual, expected) {
  assert.strictEqual(JSON.stringify(actual), JSON.stringify(expected));
}

// Two people's codes. Any valid code works in the browser; these are the
// SPEC vector's T042 and a key for T005.
var page0 = load();
var T = page0.T;
var A = { id: 'T042', code: '7NF8-7N6S-N3BZ-1R75-K4CC-56KZ-9YDS-C' };
var KEY_B = T.hmacSha256(T.utf8('another master'), T.utf8('handbook/staff-key/v1:T005')).slice(0, 16);
var B = { id: 'T005', code: T.formatCode(KEY_B, 'T005') };

function signIn(page, who) {
  var identity = page.I.set(DATA, who.id, who.code);
  assert.ok(identity, 'signed in as ' + who.id);
  return identity;
}

function finishCourse(page) {
  page.P.saveModule(DATA, 'scope', 100, true);
  page.P.saveModule(DATA, 'behaviour', 100, true);
  return page.P.saveDeclaration(DATA);
}

test('nobody signed in: an empty record, and nothing is ever saved', function () {
  var page = load();
  assert.strictEqual(page.P.signedIn(DATA), false);
  assert.strictEqual(page.P.key(DATA), null);
  assert.strictEqual(page.P.person(DATA), null);
  var record = page.P.load(DATA);
  same(record.modules, {});
  assert.strictEqual(record.declaration, null);
  assert.strictEqual(record.person, null);
  assert.strictEqual(page.P.saveModule(DATA, 'scope', 100, true), null);
  assert.strictEqual(page.P.saveDeclaration(DATA), null);
  assert.strictEqual(page.P.allPassed(DATA), false);
  same(page.log, [], 'no write to localStorage');
});

test("the storage key is derived from the staff key: never the id, never the code", function () {
  var page = load();
  var who = signIn(page, A);
  finishCourse(page);
  var keys = Object.keys(page.local.items);
  assert.strictEqual(keys.length, 1, keys.join(', '));
  var person = T.progressKey(who.key, SCOPE);
  assert.strictEqual(keys[0], 'handbook:' + SCOPE + ':' + person + ':' + DATA.version);
  assert.strictEqual(page.P.key(DATA), keys[0]);
  assert.ok(/^[0-9a-f]{32}$/.test(person), person);
  var stored = keys[0] + page.local.items[keys[0]];
  assert.strictEqual(stored.indexOf('T042'), -1, 'no id: ' + stored);
  assert.strictEqual(stored.replace(/-/g, '').indexOf(A.code.replace(/-/g, '').slice(0, 10)), -1, 'no code');
  var value = JSON.parse(page.local.items[keys[0]]);
  assert.strictEqual(value.person, undefined, 'the person is in the key only');
  assert.strictEqual(value.modules.scope.passed, true);
});

test("a second person in the same browser sees a course not started and no declaration", function () {
  var page = load();
  signIn(page, A);
  finishCourse(page);
  assert.strictEqual(page.P.allPassed(DATA), true);
  var aRecord = JSON.stringify(page.P.load(DATA));

  // B signs in on the same page (the same browser, A never signed out).
  signIn(page, B);
  var record = page.P.load(DATA);
  same(record.modules, {});
  assert.strictEqual(record.declaration, null);
  assert.strictEqual(page.P.allPassed(DATA), false);
  assert.strictEqual(page.P.remaining(DATA).length, 2);
  assert.strictEqual(page.P.get(DATA, 'scope'), null);
  same(page.P.otherVersions(DATA), []);

  // B's attempts are B's only, and A's record is untouched.
  var m = page.P.saveModule(DATA, 'scope', 60, false);
  same([m.attempts, m.best, m.passed], [1, 60, false]);
  signIn(page, A);
  assert.strictEqual(JSON.stringify(page.P.load(DATA)), aRecord, "A's progress as A left it");
  signIn(page, B);
  assert.strictEqual(page.P.load(DATA).modules.scope.best, 60);
  assert.strictEqual(Object.keys(page.local.items).length, 2);
});

test('one sign-in for every policy; progress in one policy never shows in another', function () {
  var page = load();
  signIn(page, A);
  finishCourse(page);
  var other = {
    site: 'ppat',
    policy: 'behaviour',
    version: 'fedcba9876543210',
    label: 'September 2025',
    modules: [{ id: 'scope', title: 'Scope', url: 'course/behaviour/scope.html', pass_mark: 80 }]
  };
  assert.strictEqual(page.P.signedIn(other), true, 'the same sign-in counts for the other policy');
  var record = page.P.load(other);
  same(record.modules, {}, 'no module of the first policy counts in the second');
  assert.strictEqual(record.declaration, null);
  assert.strictEqual(record.site, 'ppat/behaviour');
  assert.notStrictEqual(page.P.key(other), page.P.key(DATA));
  assert.strictEqual(page.P.allPassed(DATA), true);
  assert.strictEqual(page.P.scopeOf(other), 'ppat/behaviour');
});

test('signing out shows a clean course, and a new page load still knows nobody', function () {
  var page = load();
  signIn(page, A);
  finishCourse(page);
  page.I.clear(DATA);
  assert.strictEqual(page.P.signedIn(DATA), false);
  same(page.P.load(DATA).modules, {});
  assert.strictEqual(page.P.load(DATA).declaration, null);
  // Another page of the course in the same browser (same localStorage, a
  // new session): still nobody, and A's progress is there for A.
  var next = load({ local: page.local });
  same(next.P.load(DATA).modules, {});
  signIn(next, A);
  assert.strictEqual(next.P.allPassed(DATA), true);
  assert.ok(next.P.load(DATA).declaration);
});

test("each record names its person, and saving refuses once somebody else is signed in", function () {
  var page = load();
  signIn(page, A);
  var mine = page.P.load(DATA);
  assert.strictEqual(mine.person, page.P.person(DATA));
  signIn(page, B);
  assert.notStrictEqual(page.P.load(DATA).person, mine.person);
  // A new code for the same person (a replaced code) is a new person: the
  // old code, perhaps seen by someone else, opens nothing of the new one's.
  var key2 = T.hmacSha256(T.utf8('another master'), T.utf8('handbook/staff-key/v1:T005#2')).slice(0, 16);
  signIn(page, { id: 'T005#2', code: T.formatCode(key2, 'T005#2') });
  same(page.P.load(DATA).modules, {});
});

test('earlier versions: only the signed-in person\'s own are listed', function () {
  var page = load();
  var old = JSON.parse(JSON.stringify(DATA));
  old.version = 'fedcba9876543210';
  old.label = 'January 2025';
  signIn(page, A);
  page.P.saveModule(old, 'scope', 100, true);
  page.P.saveDeclaration(old);
  var listed = page.P.otherVersions(DATA);
  assert.strictEqual(listed.length, 1);
  assert.strictEqual(listed[0].version, old.version);
  assert.ok(listed[0].record.declaration);
  signIn(page, B);
  same(page.P.otherVersions(DATA), [], "B is not told about A's earlier course");
  page.I.clear(DATA);
  same(page.P.otherVersions(DATA), []);
});

test('when the browser refuses storage, progress is kept in memory, still per person', function () {
  var page = load({ failing: true });
  signIn(page, A);
  page.P.saveModule(DATA, 'scope', 100, true);
  assert.strictEqual(page.P.storageWorks(), false);
  assert.strictEqual(page.P.get(DATA, 'scope').passed, true);
  signIn(page, B);
  assert.strictEqual(page.P.get(DATA, 'scope'), null);
  signIn(page, A);
  assert.strictEqual(page.P.get(DATA, 'scope').passed, true);
});

// ----- The pure core (HandbookProgress.core): records without storage -----

var core = require(path.join(STATIC, 'progress.js')).core;

test('core: the storage key and the version read back from it', function () {
  var k = core.storageKey('ppat/social-media', 'ab12', 'v1');
  assert.strictEqual(k, 'handbook:ppat/social-media:ab12:v1');
  assert.strictEqual(core.versionOf(k, 'ppat/social-media', 'ab12'), 'v1');
  assert.strictEqual(core.versionOf(k, 'ppat/social-media', 'cd34'), null, "another person's");
  assert.strictEqual(core.versionOf(k, 'ppat/other', 'ab12'), null, "another site's");
  assert.strictEqual(core.versionOf('handbook:ppat/social-media:ab12:checklist:x', 'ppat/social-media', 'ab12'),
    null, 'not a version id');
  assert.strictEqual(core.versionOf('handbook:ppat/social-media:ab12:', 'ppat/social-media', 'ab12'), null);
  assert.strictEqual(core.versionOf(null, 'ppat/social-media', 'ab12'), null);
});

test('core: an attempt keeps the best score and a pass, and counts', function () {
  var first = core.attempt(null, 60, false, '2025-03-01T10:00:00.000Z');
  assert.deepStrictEqual(first, { best: 60, last: 60, passed: false, attempts: 1, at: '2025-03-01T10:00:00.000Z' });
  var second = core.attempt(first, 90, true, '2025-03-02T10:00:00.000Z');
  assert.deepStrictEqual(second, { best: 90, last: 90, passed: true, attempts: 2, at: '2025-03-02T10:00:00.000Z' });
  var third = core.attempt(second, 40, false, '2025-03-03T10:00:00.000Z');
  assert.deepStrictEqual([third.best, third.last, third.passed, third.attempts], [90, 40, true, 3],
    'a later fail keeps the pass and the best score');
  assert.strictEqual(core.attempt(null, 250, 'yes', 'x').best, 100, 'scores are 0 to 100');
  assert.strictEqual(core.attempt(null, 250, 'yes', 'x').passed, false, 'only true passes');
  assert.strictEqual(core.attempt(null, -3.5, false, 'x').last, 0);
});

test('core: scores are whole numbers from 0 to 100', function () {
  same([core.toScore(66.9), core.toScore('80'), core.toScore(-1), core.toScore(101), core.toScore('x')],
    [66, 80, 0, 100, 0]);
});

test('core: whatever was stored is read as a well-formed record', function () {
  var rec = core.clean(DATA, {
    label: 'Old label',
    modules: {
      scope: { best: '95', last: 200, passed: 'true', attempts: '2', at: 5 },
      behaviour: null
    },
    declaration: { at: '2025-03-01T10:30:00.000Z' }
  }, 'ab12');
  same(rec, {
    site: SCOPE,
    version: DATA.version,
    label: 'Old label',
    person: 'ab12',
    modules: {
      scope: { best: 95, last: 100, passed: false, attempts: 2, at: '5' },
      behaviour: { best: 0, last: 0, passed: false, attempts: 0, at: null }
    },
    declaration: { at: '2025-03-01T10:30:00.000Z', iat: 1740825000 }
  });
  same(core.clean(DATA, 'junk', null), core.emptyRecord(DATA, null));
  same(core.clean(DATA, { modules: [], declaration: { iat: 5 } }, 'p').declaration, null, 'a declaration needs its time');
});

test('core: the declaration time, in ISO 8601 and whole Unix seconds', function () {
  same(core.declarationAt(1740825000), { at: '2025-03-01T10:30:00.000Z', iat: 1740825000 });
  same(core.declarationOf({ at: '2025-03-01T10:30:00.000Z', iat: 1740825001 }),
    { at: '2025-03-01T10:30:00.000Z', iat: 1740825001 }, 'a stored iat is kept');
  same(core.declarationOf({ at: 'not a date', iat: 1.5 }), { at: 'not a date', iat: 0 });
});

test('core: the modules still to pass, and when all are passed', function () {
  var rec = core.emptyRecord(DATA, 'p');
  same(core.remaining(DATA.modules, rec).map(function (m) { return m.id; }), ['scope', 'behaviour']);
  rec.modules.behaviour = core.attempt(null, 100, true, 'x');
  same(core.remaining(DATA.modules, rec).map(function (m) { return m.id; }), ['scope']);
  assert.strictEqual(core.allPassed(DATA.modules, rec), false);
  rec.modules.scope = core.attempt(null, 40, false, 'x');
  assert.strictEqual(core.allPassed(DATA.modules, rec), false, 'tried is not passed');
  rec.modules.scope = core.attempt(rec.modules.scope, 100, true, 'x');
  assert.strictEqual(core.allPassed(DATA.modules, rec), true);
  assert.strictEqual(core.allPassed([], rec), false, 'a course without modules is never complete');
});

test('core: records of other versions, the most recently used first', function () {
  function withTimes(version, moduleAt, declAt) {
    var rec = core.emptyRecord({ site: SCOPE, version: version, label: version }, 'p');
    if (moduleAt) rec.modules.scope = core.attempt(null, 50, false, moduleAt);
    if (declAt) rec.declaration = { at: declAt, iat: 1 };
    return { version: version, record: rec };
  }
  var list = [
    withTimes('a', '2025-01-01T00:00:00.000Z', null),
    withTimes('b', '2025-01-01T00:00:00.000Z', '2025-06-01T00:00:00.000Z'),
    withTimes('c', '2025-03-01T00:00:00.000Z', null),
    withTimes('d', null, null)
  ];
  assert.strictEqual(core.latest(list[1].record), '2025-06-01T00:00:00.000Z');
  assert.strictEqual(core.latest(list[3].record), '');
  same(core.newestFirst(list).map(function (x) { return x.version; }), ['b', 'c', 'a', 'd']);
});
