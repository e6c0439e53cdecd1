// The interface strings the scripts read (the `js` group of a theme's
// i18n/<language>.yaml), for the node tests: a site gives them in its
// strings.js; here they are read from the file itself. Reads the plain
// subset of YAML the theme's files are written in: nested `key: text`
// groups, two spaces deep, text plain or in double quotes; comments.
'use strict';

var fs = require('fs');
var path = require('path');

var I18N = path.join(__dirname, '..', '..', 'themes', 'default', 'i18n');
var STATIC = path.join(__dirname, '..', '..', 'themes', 'default', 'static');

// Every string of a translation file by its dotted key.
function flatten(text) {
  var table = {};
  var stack = [];
  text.split(/\r?\n/).forEach(function (line, n) {
    if (/^\s*(#.*)?$/.test(line)) {
      return;
    }
    var m = /^( *)([A-Za-z0-9_]+):(?: (.*))?$/.exec(line);
    if (!m) {
      throw new Error('line ' + (n + 1) + ' is not `key: text`: ' + line);
    }
    var depth = m[1].length / 2;
    stack.length = depth;
    var value = m[3] === undefined ? '' : m[3].trim();
    if (value === '') {
      stack.push(m[2]);
      return;
    }
    if (value.charAt(0) === '"') {
      value = JSON.parse(value);
    }
    table[stack.concat(m[2]).join('.')] = value;
  });
  return table;
}

// The `js` group of language `tag` (en-GB by default), without `js.`.
function scriptStrings(tag) {
  var table = flatten(fs.readFileSync(path.join(I18N, (tag || 'en-GB') + '.yaml'), 'utf8'));
  var out = {};
  Object.keys(table).forEach(function (key) {
    if (key.indexOf('js.') === 0) {
      out[key.slice(3)] = table[key];
    }
  });
  return out;
}

// Gives common.js (as the other scripts require it under node) the
// strings of `table`, en-GB's by default; returns common.js.
function useStrings(table) {
  var C = require(path.join(STATIC, 'common.js'));
  C.setStrings(table || scriptStrings());
  return C;
}

module.exports = { flatten: flatten, scriptStrings: scriptStrings, useStrings: useStrings };
