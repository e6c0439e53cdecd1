// Tests for themes/default/static/common.js, the helpers every page script
// shares: the aria-describedby list, reading a page's JSON data, the long
// date and the Print button. Run by `cargo test` (tests/it/js.rs) or
// directly: node --test tests/js/common.test.js. The error summary is
// tested in a real browser (tests/it/browser/: the quiz and the form).
'use strict';

var test = require('node:test');
var assert = require('assert');
var fs = require('fs');
var path = require('path');
var vm = require('vm');

var FILE = path.join(__dirname, '..', '..', 'themes', 'default', 'static', 'common.js');

// common.js as a classic script in a page whose elements are `elements`
// (id -> {textContent}); `print` is the window's print function, if any;
// `strings` is what strings.js sets (window.HANDBOOK_STRINGS), if anything.
function page(elements, print, strings) {
  var context = {
    window: { print: print, HANDBOOK_STRINGS: strings },
    document: {
      getElementById: function (id) {
        return Object.prototype.hasOwnProperty.call(elements, id) ? elements[id] : null;
      }
    }
  };
  vm.createContext(context);
  vm.runInContext(fs.readFileSync(FILE, 'utf8'), context, { filename: 'common.js' });
  return context.window.HandbookCommon;
}

test('required with node, it exports the same helpers as window.HandbookCommon', function () {
  var C = require(FILE);
  assert.deepStrictEqual(Object.keys(C).sort(), Object.keys(page({})).sort());
  assert.strictEqual(typeof C.errorSummary, 'function');
});

test('aria-describedby: an id is added once, at the end, and removed', function () {
  var C = require(FILE);
  assert.strictEqual(C.idList('hint', 'err', true), 'hint err');
  assert.strictEqual(C.idList('hint  err', 'err', true), 'hint err', 'not twice');
  assert.strictEqual(C.idList('err hint', 'err', false), 'hint');
  assert.strictEqual(C.idList('err', 'err', false), '');
  assert.strictEqual(C.idList(null, 'err', true), 'err');
});

test('aria-describedby on an element: removed altogether when empty', function () {
  var C = require(FILE);
  var attrs = { 'aria-describedby': 'q-1-hint' };
  var node = {
    getAttribute: function (name) { return Object.prototype.hasOwnProperty.call(attrs, name) ? attrs[name] : null; },
    setAttribute: function (name, value) { attrs[name] = value; },
    removeAttribute: function (name) { delete attrs[name]; }
  };
  C.describedBy(node, 'q-1-error', true);
  assert.strictEqual(attrs['aria-describedby'], 'q-1-hint q-1-error');
  C.describedBy(node, 'q-1-hint', false);
  C.describedBy(node, 'q-1-error', false);
  assert.ok(!('aria-describedby' in attrs), JSON.stringify(attrs));
  C.describedBy(null, 'x', true);
});

test('page data: the JSON of a script element, or null', function () {
  var C = page({
    'tool-data': { textContent: '{"nodes": [{"id": "a"}], "start": "a"}' },
    'empty-list': { textContent: '{"nodes": []}' },
    'broken': { textContent: '{"nodes": [' }
  });
  assert.strictEqual(JSON.stringify(C.pageData('tool-data')), '{"nodes":[{"id":"a"}],"start":"a"}');
  assert.strictEqual(C.pageData('tool-data', 'nodes').start, 'a');
  assert.strictEqual(C.pageData('tool-data', 'fields'), null, 'without the list asked for');
  assert.strictEqual(C.pageData('empty-list', 'nodes'), null, 'with the list empty');
  assert.strictEqual(JSON.stringify(C.pageData('empty-list')), '{"nodes":[]}');
  assert.strictEqual(C.pageData('broken'), null, 'JSON that does not parse');
  assert.strictEqual(C.pageData('missing'), null, 'no such element');
});

test('the long date, in the page\'s language', function () {
  var C = require(FILE);
  assert.strictEqual(C.longDate('2025-03-01T10:30:00.000Z', 'en-GB'), '1 March 2025');
  assert.strictEqual(C.longDate(new Date(Date.UTC(2025, 11, 24, 12)), 'en-GB'), '24 December 2025');
  assert.strictEqual(C.longDate('not a date', 'en-GB'), '');
  assert.strictEqual(C.longDate('2025-03-01T10:30:00.000Z', 'not a language!'), '2025-03-01',
    'a language the browser does not know falls back to ISO 8601');
});

test('a Print button prints, or is hidden where the browser cannot print', function () {
  function button() {
    return {
      hidden: true,
      listeners: {},
      addEventListener: function (name, fn) { this.listeners[name] = fn; }
    };
  }
  var printed = 0;
  var C = page({}, function () { printed++; });
  var b = button();
  C.printButton(b);
  assert.strictEqual(b.hidden, false);
  b.listeners.click();
  assert.strictEqual(printed, 1);
  var none = button();
  none.hidden = false;
  page({}, undefined).printButton(none);
  assert.strictEqual(none.hidden, true);
  assert.deepStrictEqual(Object.keys(none.listeners), []);
  C.printButton(null);
});

test('t(): the site\'s strings from strings.js (HANDBOOK_STRINGS), placeholders filled, one or other by count', function () {
  var table = {
    'quiz.correct': 'Correct',
    'quiz.scored': 'You scored {right} of {total}.',
    'course.progress_one': '{passed} of {count} module passed',
    'course.progress_other': '{passed} of {count} modules passed'
  };
  var C = page({}, undefined, table);
  assert.strictEqual(C.t('quiz.correct'), 'Correct');
  assert.strictEqual(C.t('quiz.scored', { right: 3, total: 4 }), 'You scored 3 of 4.');
  assert.strictEqual(C.t('course.progress', { passed: 1, count: 1 }), '1 of 1 module passed');
  assert.strictEqual(C.t('course.progress', { passed: 0, count: 2 }), '0 of 2 modules passed');
  assert.strictEqual(C.t('course.progress', { passed: 0, count: 0 }), '0 of 0 modules passed');
  // A missing value leaves its placeholder; an unknown key is itself.
  assert.strictEqual(C.t('quiz.scored', { right: 3 }), 'You scored 3 of {total}.');
  assert.strictEqual(C.t('no.such.key'), 'no.such.key');
  // A value is text, never a pattern: "$&" stays as it is.
  assert.strictEqual(C.t('quiz.scored', { right: '$&', total: '{right}' }), 'You scored $& of {right}.');
});

test('t(): without strings.js every key is itself; setStrings replaces the table', function () {
  var C = page({});
  assert.strictEqual(C.t('quiz.correct'), 'quiz.correct');
  C.setStrings({ 'quiz.correct': '⟦Correct⟧' });
  assert.strictEqual(C.t('quiz.correct'), '⟦Correct⟧');
});

test('every string the scripts ask for is in en-GB.yaml', function () {
  var strings = require('./strings.js').scriptStrings();
  var dir = path.join(__dirname, '..', '..', 'themes', 'default', 'static');
  var missing = [];
  var asked = 0;
  fs.readdirSync(dir).filter(function (f) { return /\.js$/.test(f); }).forEach(function (file) {
    var text = fs.readFileSync(path.join(dir, file), 'utf8');
    // Every literal shaped like a key of the `js` group: t("quiz.correct"),
    // and the keys chosen in a condition too.
    var groups = {};
    Object.keys(strings).forEach(function (key) { groups[key.split('.')[0]] = true; });
    var re = /["']([a-z]+)\.([a-z_]+)["']/g;
    var m;
    while ((m = re.exec(text))) {
      if (!groups[m[1]]) {
        continue;
      }
      asked++;
      var key = m[1] + '.' + m[2];
      var forms = [key, key + '_one', key + '_version'];
      if (!forms.some(function (k) { return k in strings; })) {
        missing.push(file + ': ' + key);
      }
    }
  });
  assert.ok(asked > 100, 'the scripts name their strings by key: ' + asked);
  assert.deepStrictEqual(missing, []);
});
