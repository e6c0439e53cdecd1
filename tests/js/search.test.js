// Tests for the pure core of themes/default/static/search.js (folding,
// the words of a query, matching and ranking, the marked ranges and the
// snippet), run by `cargo test` (tests/it/js.rs) or directly:
// node --test tests/js/search.test.js.
'use strict';

var test = require('node:test');
var assert = require('assert');
var path = require('path');

var S = require(path.join(__dirname, '..', '..', 'themes', 'default', 'static', 'search.js'));

// An index as search-index.js holds it: one entry per part of a page, the
// page's first entry for its title and opening text.
var INDEX = [
  { t: 'Scope', u: 'scope.html', h: '', a: '', x: 'This policy applies to all staff and volunteers.' },
  { t: 'Scope', u: 'scope.html', h: 'Who it covers', a: 'who', x: 'Every member of staff, including supply staff.' },
  { t: 'Personal use', u: 'personal-use.html', h: '', a: '', x: 'Staff may use social media in their own time.' },
  { t: 'Personal use', u: 'personal-use.html', h: 'Social media accounts', a: 'accounts', x: 'Keep your accounts private.' },
  { t: 'Reporting', u: 'reporting.html', h: 'Reporting concerns', a: 'concerns', x: 'Tell the DSL about any concern on social media.' }
];
var ENTRIES = S.prepare(INDEX);

function where(found) {
  return found.map(function (f) { return f.e.u + (f.e.a ? '#' + f.e.a : ''); });
}

test('folding lowers case and makes quotes and dashes plain, keeping the length', function () {
  assert.strictEqual(S.fold('Staff\u2019s \u201cOwn\u201d Time \u2013 Now'), 'staff\'s "own" time - now');
  assert.strictEqual(S.fold(null), '');
  // "İ" lowers to two characters; without its dot it is one, so
  // positions hold.
  var text = 'İstanbul Trip';
  assert.strictEqual(S.fold(text).length, text.length);
  assert.strictEqual(S.fold(text), 'istanbul trip');
});

test('folding takes accents off, keeping the length', function () {
  assert.strictEqual(S.fold('Ffôn symudol'), 'ffon symudol');
  assert.strictEqual(S.fold('ÉCOLE Ångström naïve'), 'ecole angstrom naive');
  assert.strictEqual(S.fold('Straße'), 'straße', 'a letter with no accent stays');
  var text = 'Ŵyr Ŷ café';
  assert.strictEqual(S.fold(text).length, text.length);
});

test('a search for ffon finds ffôn, and the other way round, whatever the form', function () {
  var entries = S.prepare([
    { t: 'Defnyddio ffôn', u: 'a.html', h: '', a: '', x: 'Peidiwch â defnyddio eich ffôn yn y dosbarth.' },
    // The same word written decomposed (o + U+0302), as some editors save it.
    { t: 'B', u: 'b.html', h: 'Ffo\u0302n', a: 'ffon', x: '' },
    { t: 'C', u: 'c.html', h: 'Fon', a: '', x: 'Nothing here.' }
  ]);
  var urls = function (query) {
    return S.search(entries, query).map(function (r) { return r.e.u; }).sort();
  };
  assert.deepStrictEqual(urls('ffon'), ['a.html', 'b.html']);
  assert.deepStrictEqual(urls('FFÔN'), ['a.html', 'b.html']);
  assert.deepStrictEqual(urls('ffo\u0302n'), ['a.html', 'b.html'], 'a decomposed query');
  assert.deepStrictEqual(urls('ffôn dosbarth'), ['a.html'], 'every word, each folded');
  // The match is marked on the text as written.
  var e = entries[0];
  var r = S.ranges(e.fx, S.termsOf('ffon'));
  assert.strictEqual(e.x.slice(r[0][0], r[0][1]), 'ffôn');
});

test('the words of a query: folded, once each, without punctuation at their ends', function () {
  assert.deepStrictEqual(S.termsOf('Social  MEDIA, social!'), ['social', 'media']);
  assert.deepStrictEqual(S.termsOf('"staff\'s" (own) time...'), ['staff\'s', 'own', 'time']);
  assert.deepStrictEqual(S.termsOf('a staff'), ['staff'], 'one-letter words go when there are longer ones');
  assert.deepStrictEqual(S.termsOf('a'), ['a'], 'and stay when there are not');
  assert.deepStrictEqual(S.termsOf('  ,;  '), []);
});

test('every word must match: title, heading or text', function () {
  assert.deepStrictEqual(where(S.search(ENTRIES, 'supply staff')), ['scope.html#who']);
  assert.deepStrictEqual(where(S.search(ENTRIES, 'supply nothing')), []);
  assert.deepStrictEqual(S.search(ENTRIES, ''), []);
  assert.deepStrictEqual(S.search(null, 'staff'), [], 'no index, no results');
});

test('headings rank above text, and the whole query as a heading above all', function () {
  var found = where(S.search(ENTRIES, 'social media'));
  assert.strictEqual(found[0], 'personal-use.html#accounts', found.join(' '));
  assert.deepStrictEqual(found.slice(1).sort(), ['personal-use.html', 'reporting.html#concerns']);
  var exact = where(S.search(ENTRIES, 'Reporting concerns'));
  assert.strictEqual(exact[0], 'reporting.html#concerns');
  // A heading match outranks many matches in the text.
  assert.strictEqual(where(S.search(ENTRIES, 'accounts'))[0], 'personal-use.html#accounts');
});

test('a page title matches its page once, not every part of it', function () {
  assert.deepStrictEqual(where(S.search(ENTRIES, 'scope')), ['scope.html']);
  // "Personal" is only in the title: the page is listed once.
  assert.deepStrictEqual(where(S.search(ENTRIES, 'personal')), ['personal-use.html']);
});

test('equal scores keep the order of the index', function () {
  var twins = S.prepare([
    { t: 'A', u: 'a.html', h: 'Phones', a: 'p', x: '' },
    { t: 'B', u: 'b.html', h: 'Phones', a: 'p', x: '' },
    { t: 'C', u: 'c.html', h: 'Phones', a: 'p', x: '' }
  ]);
  assert.deepStrictEqual(where(S.search(twins, 'phones')), ['a.html#p', 'b.html#p', 'c.html#p']);
});

test('the marked ranges of every word, overlaps merged', function () {
  assert.deepStrictEqual(S.ranges('social media on social', ['social', 'media']), [[0, 6], [7, 12], [16, 22]]);
  assert.deepStrictEqual(S.ranges('staffroom', ['staff', 'aff', 'room']), [[0, 9]]);
  assert.deepStrictEqual(S.ranges('nothing here', ['staff']), []);
});

test('the snippet starts a little before the first match, at a word, and is not too long', function () {
  var words = [];
  for (var i = 0; i < 80; i++) words.push('word' + i);
  var e = S.prepare([{ t: 'T', u: 't.html', h: '', a: '', x: words.join(' ') }])[0];
  var r = S.snippetRange(e, ['word40']);
  var match = e.x.indexOf('word40');
  assert.ok(r.start > 0 && r.start <= match && match - r.start <= 60, JSON.stringify(r));
  assert.strictEqual(e.x.charAt(r.start - 1), ' ', 'it starts at a word');
  assert.ok(r.end - r.start <= 200, JSON.stringify(r));
  assert.strictEqual(e.x.charAt(r.end), ' ', 'it ends at a word');
  var short = S.prepare([{ t: 'T', u: 't.html', h: '', a: '', x: 'Staff only.' }])[0];
  assert.deepStrictEqual(S.snippetRange(short, ['staff']), { start: 0, end: 11 });
});

test('the query is read from the address: + and %-escapes decoded', function () {
  assert.strictEqual(S.queryParam('?q=social+media', 'q'), 'social media');
  assert.strictEqual(S.queryParam('?x=1&q=caf%C3%A9%20time', 'q'), 'caf\u00e9 time');
  assert.strictEqual(S.queryParam('?q=100%', 'q'), '100%', 'a broken escape is kept as typed');
  assert.strictEqual(S.queryParam('?q=a=b', 'q'), 'a=b');
  assert.strictEqual(S.queryParam('', 'q'), '');
});

test('an index that did not load prepares to nothing', function () {
  assert.strictEqual(S.prepare(undefined), null);
  assert.strictEqual(S.prepare({}), null);
  var e = S.prepare([{ t: 'T', u: 'u.html' }, null])[1];
  assert.strictEqual(e.x, '');
  assert.strictEqual(e.first, true);
});
