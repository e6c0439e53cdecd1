// Tests for themes/default/static/token.js, run by `cargo test` (tests/it/js.rs)
// or directly: node --test tests/js/token.test.js. Uses only node's test,
// assert and vm.
'use strict';

var test = require('node:test');
var assert = require('assert');
var fs = require('fs');
var path = require('path');
var vm = require('vm');

var source = fs.readFileSync(
  path.join(__dirname, '..', '..', 'themes', 'default', 'static', 'token.js'),
  'utf8'
);
// Load it as the browser would: a classic script with a global `window`.
var context = { window: {} };
vm.createContext(context);
// common.js first, with the interface strings the page would carry (en-GB).
vm.runInContext(
  fs.readFileSync(path.join(__dirname, '..', '..', 'themes', 'default', 'static', 'common.js'), 'utf8'),
  context,
  { filename: 'common.js' }
);
context.window.HandbookCommon.setStrings(require('./strings.js').scriptStrings());
vm.runInContext(source, context, { filename: 'token.js' });
var T = context.window.HandbookToken;
assert.ok(T, 'token.js sets window.HandbookToken');

function bytes(n, value) {
  var out = [];
  for (var i = 0; i < n; i++) out.push(value);
  return out;
}
function ascii(s) {
  return T.utf8(s);
}
// Objects made inside the vm context have its own prototypes, so compare
// them as JSON.
function same(actual, expected) {
  assert.strictEqual(JSON.stringify(actual), JSON.stringify(expected));
}
function range(from, to) {
  var out = [];
  for (var i = from; i <= to; i++) out.push(i);
  return out;
}


test('SHA-256 of "abc", "", two blocks and UTF-8 text', function () {
  assert.strictEqual(T.hex(T.sha256(ascii('abc'))),
    'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  assert.strictEqual(T.hex(T.sha256([])),
    'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
  assert.strictEqual(T.hex(T.sha256(ascii('abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq'))),
    '248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1');
  assert.strictEqual(T.hex(T.sha256(T.utf8('Zo\u00eb \ud83d\ude42'))),
    '5e4afbf14a72c1faa82344293b641fa71b451dc4aa44f2549663998c687dbe7f');
});

test('HMAC-SHA256: RFC 4231 test cases 1, 2, 3, 4, 6 and 7', function () {
  var cases = [
    [bytes(20, 0x0b), ascii('Hi There'),
      'b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7'],
    [ascii('Jefe'), ascii('what do ya want for nothing?'),
      '5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843'],
    [bytes(20, 0xaa), bytes(50, 0xdd),
      '773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe'],
    [range(1, 25), bytes(50, 0xcd),
      '82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b'],
    [bytes(131, 0xaa), ascii('Test Using Larger Than Block-Size Key - Hash Key First'),
      '60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54'],
    [bytes(131, 0xaa), ascii('This is a test using a larger than block-size key and a larger ' +
      'than block-size data. The key needs to be hashed before being used by the HMAC algorithm.'),
      '9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2']
  ];
  cases.forEach(function (c, i) {
    assert.strictEqual(T.hex(T.hmacSha256(c[0], c[1])), c[2], 'case ' + i);
  });
});

test('base64url without padding', function () {
  assert.strictEqual(T.base64url([]), '');
  assert.strictEqual(T.base64url(ascii('f')), 'Zg');
  assert.strictEqual(T.base64url(ascii('fo')), 'Zm8');
  assert.strictEqual(T.base64url(ascii('foo')), 'Zm9v');
  assert.strictEqual(T.base64url([0xfb, 0xff, 0xfe]), '-__-');
});

var CODE = '7NF8-7N6S-N3BZ-1R75-K4CC-56KZ-9YDS-C';
var CODE_T043 = '7NF8-7N6S-N3BZ-1R75-K4CC-56KZ-9YPG-*';
var KEY = 'f57a0f5366a35fc3839664630a69fd3e';
var TOKEN = 'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCIsImtpZCI6IlQwNDIifQ.' +
  'eyJpc3MiOiJleGFtcGxlLXNjaG9vbC9zb2NpYWwtbWVkaWEiLCJzdWIiOiJUMDQyIiwiaWF0IjoxNzY3MjI1NjAwLCJwdiI6IjAxMjM0NTY3ODlhYmNkZWYiLCJtb2RzIjp7InNjb3BlIjoxMDAsImJlaGF2aW91ciI6ODB9LCJkZWNsIjp0cnVlfQ.' +
  'AJHXIYBgruQJQEl0-HN6Vgut1XzXS9ju_nErHdUPV4c';
var CLAIMS = {
  iss: 'example-school/social-media',
  sub: 'T042',
  iat: 1767225600,
  pv: '0123456789abcdef',
  mods: { scope: 100, behaviour: 80 },
  decl: true
};

test('SPEC test vector: code -> staff key -> signing key -> token', function () {
  var parsed = T.parseCode(CODE, 'T042');
  assert.strictEqual(parsed.ok, true, parsed.error);
  assert.strictEqual(T.hex(parsed.key), KEY);
  assert.strictEqual(T.idCheck(parsed.key, 'T042'), 441);
  assert.strictEqual(T.formatCode(parsed.key, 'T042'), CODE);
  assert.strictEqual(T.hex(T.signingKey(parsed.key)),
    '9972ce1f8d905b065b3307328e34a7ed2ee885de221ad3a78ce1eceee90af5b4');
  assert.strictEqual(T.claimsJson(CLAIMS),
    '{"iss":"example-school/social-media","sub":"T042","iat":1767225600,' +
    '"pv":"0123456789abcdef","mods":{"scope":100,"behaviour":80},"decl":true}');
  assert.strictEqual(T.makeToken(parsed.key, 'T042', CLAIMS), TOKEN);
});

test('SPEC test vector: the same key issued to T043 has another id check', function () {
  var key = T.parseCode(CODE, 'T042').key;
  assert.strictEqual(T.formatCode(key, 'T043'), CODE_T043);
  var mine = T.parseCode(CODE_T043, 'T043');
  assert.strictEqual(mine.ok, true, mine.error);
  assert.strictEqual(T.hex(mine.key), KEY);
  // T042's code typed with id T043: refused, and said so in plain words.
  var wrong = T.parseCode(CODE, 'T043');
  assert.strictEqual(wrong.ok, false);
  assert.strictEqual(wrong.reason, 'different-id');
  assert.strictEqual(wrong.error,
    'This code belongs to a different staff id; check the id on your letter.');
  assert.strictEqual(T.parseCode(CODE_T043, 'T042').reason, 'different-id');
  // Without an id the code itself is read, and its check reported.
  var bare = T.parseCode(CODE);
  assert.strictEqual(bare.ok, true);
  assert.strictEqual(bare.idCheck, 441);
});

test('the master-key side of the vector (staff key from HMAC of the id)', function () {
  var master = range(0, 31);
  var k = T.hmacSha256(master, T.utf8('handbook/staff-key/v1:T042')).slice(0, 16);
  assert.strictEqual(T.hex(k), KEY);
  // A replaced code: the key and the id check are made for "T042#2".
  var k2 = T.hmacSha256(master, T.utf8('handbook/staff-key/v1:T042#2')).slice(0, 16);
  var code2 = T.formatCode(k2, 'T042#2');
  assert.strictEqual(T.parseCode(code2, 'T042#2').ok, true);
  assert.strictEqual(T.parseCode(code2, 'T042').reason, 'different-id');
});

test('codes are forgiving about form and strict about content', function () {
  ['7nf87n6sn3bz1r75k4cc56kz9ydsc', ' 7nf8 7n6s n3bz ir75 k4cc 56kz 9yds c ',
    '7NF8-7N6S-N3BZ-LR75-K4CC-56KZ-9YDS-C', CODE].forEach(function (typed) {
    var r = T.parseCode(typed, 'T042');
    assert.strictEqual(r.ok, true, typed + ': ' + r.error);
    assert.strictEqual(T.hex(r.key), KEY);
  });
  var typo = T.parseCode('7NF8-7N6S-N3BZ-1R75-K4CC-56KZ-9YDS-D', 'T042');
  assert.strictEqual(typo.ok, false);
  assert.strictEqual(typo.reason, 'mistake');
  assert.ok(/typing mistake/.test(typo.error), typo.error);
  // A typing mistake is reported as such, whatever the id.
  assert.strictEqual(T.parseCode('7NF8-7N6S-N3BZ-1R75-K4CC-56KZ-9YDS-D', 'T043').reason, 'mistake');
  var swapped = T.parseCode('7NF8-7N6S-N3BZ-1R75-K4CC-65KZ-9YDS-C', 'T042');
  assert.strictEqual(swapped.reason, 'mistake');
  var short = T.parseCode('7NF8-7N6S-N3BZ-1R75-K4CC-56KZ-9YDS', 'T042');
  assert.strictEqual(short.reason, 'length');
  assert.ok(/29/.test(short.error) && /28/.test(short.error), short.error);
  // The old 27-symbol format is gone.
  assert.strictEqual(T.parseCode('7NF8-7N6S-N3BZ-1R75-K4CC-56KZ-9Y8', 'T042').reason, 'length');
  assert.ok(/not used/.test(T.parseCode('7NF8-7N6S-N3BZ-1R75-K4CC-56KZ-9!DS-C', 'T042').error));
  assert.strictEqual(T.parseCode('7NF8-7N6S-N3BZ-1R75-K4CC-56KZ-9*DS-C', 'T042').reason, 'character');
  assert.strictEqual(T.parseCode('8NF8-7N6S-N3BZ-1R75-K4CC-56KZ-9YDS-C', 'T042').reason, 'range');
  assert.strictEqual(T.parseCode('', 'T042').ok, false);
  assert.strictEqual(T.parseCode(null, 'T042').ok, false);
});

test('codes round-trip at the edges', function () {
  [bytes(16, 0), bytes(16, 255), bytes(16, 0x80), bytes(16, 1)].forEach(function (key) {
    ['T1', 'jo.smith@school.example#3', 'Zo\u00eb'].forEach(function (kid) {
      var code = T.formatCode(key, kid);
      assert.strictEqual(code.length, 36, code);
      var back = T.parseCode(code, kid);
      assert.strictEqual(back.ok, true, code + ': ' + back.error);
      assert.strictEqual(T.hex(back.key), T.hex(key));
    });
  });
});

test('the progress key: per person and site, never the id or the code', function () {
  var key = T.parseCode(CODE, 'T042').key;
  var mine = T.progressKey(key, 'ppat/social-media');
  assert.ok(/^[0-9a-f]{32}$/.test(mine), mine);
  assert.strictEqual(mine,
    T.hex(T.hmacSha256(key, T.utf8('handbook/progress/v1:ppat/social-media'))).slice(0, 32));
  assert.strictEqual(T.progressKey(key, 'ppat/social-media'), mine, 'the same every visit');
  assert.notStrictEqual(T.progressKey(key, 'other/site'), mine);
  var other = T.hmacSha256(range(0, 31), T.utf8('handbook/staff-key/v1:T043')).slice(0, 16);
  assert.notStrictEqual(T.progressKey(other, 'ppat/social-media'), mine);
  assert.strictEqual(mine.indexOf('T042'), -1);
});

test('ids with a replaced code carry its number', function () {
  same(T.splitId(' T042 '), { id: 'T042', kid: 'T042', generation: 1 });
  same(T.splitId('T042#2'), { id: 'T042', kid: 'T042#2', generation: 2 });
  same(T.splitId('T042#1'), { id: 'T042', kid: 'T042', generation: 1 });
  assert.strictEqual(T.splitId('jo@school.org').id, 'jo@school.org');
});

test('claims must hold whole numbers', function () {
  assert.throws(function () {
    T.claimsJson({ iss: 'a', sub: 'b', iat: 1.5, pv: 'c', mods: {}, decl: true });
  });
  assert.throws(function () {
    T.claimsJson({ iss: 'a', sub: 'b', iat: 1, pv: 'c', mods: { x: 101 }, decl: true });
  });
  assert.strictEqual(
    T.claimsJson({ iss: 'a', sub: 'Zo\u00eb "Z"', iat: 1, pv: 'c', mods: {}, decl: false }),
    '{"iss":"a","sub":"Zo\u00eb \\"Z\\"","iat":1,"pv":"c","mods":{},"decl":false}'
  );
});
