/*
 * token.js: handbook's completion tokens in the browser (SPEC section 5).
 *
 * A plain classic script (no modules, ES5 style) so that it works over
 * https, on a plain-http intranet (where crypto.subtle does not exist) and
 * from a copy opened straight from disk (file://). It carries its own small
 * SHA-256 and HMAC-SHA256, tested against the RFC 4231 vectors and the
 * SPEC test vector (tests/js/token.test.js, run by `cargo test`).
 *
 * Everything is exposed as window.HandbookToken:
 *   sha256(bytes) -> bytes (32)            hmacSha256(key, msg) -> bytes (32)
 *   utf8(string) -> bytes                  base64url(bytes) -> string (no padding)
 *   hex(bytes) -> string
 *   parseCode(text, kid) -> {ok: true, key: bytes (16)} or
 *       {ok: false, reason, error: string}; reason is "character", "length",
 *       "range", "mistake" (wrong check symbol) or "different-id" (a
 *       well-typed code made for another id). Without kid, the id check is
 *       not tested: {ok: true, key, idCheck}.
 *   formatCode(key, kid) -> "XXXX-XXXX-...-XXXX-X" (the code for a 16-byte
 *       key and the id it was issued to)
 *   idCheck(key, kid) -> 0-1023, the code's 10-bit id check
 *   progressKey(key, site) -> 32 hex digits: where the course keeps this
 *       person's progress (never the bare id, never the code)
 *   splitId(text) -> {id, kid, generation}: "T042#2" is id T042, code no. 2
 *   signingKey(K) -> bytes (32) = SHA-256(K)
 *   claimsJson(claims) -> the claims exactly as handbook signs them
 *   makeToken(K, kid, claims) -> the token string
 * "bytes" are plain arrays of numbers 0-255 (Uint8Arrays are accepted too).
 * Claims are {iss, sub, iat, pv, mods: {module: percent}, decl}; they are
 * written in exactly that order, without spaces.
 */
(function (root) {
  'use strict';

  var K = [
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2
  ];

  function toArray(bytes) {
    var out = [];
    for (var i = 0; i < bytes.length; i++) {
      out.push(bytes[i] & 255);
    }
    return out;
  }

  function rotr(x, n) {
    return (x >>> n) | (x << (32 - n));
  }

  /* SHA-256 (FIPS 180-4) of an array of bytes. */
  function sha256(bytes) {
    var msg = toArray(bytes);
    var bitLength = msg.length * 8;
    msg.push(0x80);
    while (msg.length % 64 !== 56) {
      msg.push(0);
    }
    /* The length as a 64-bit big-endian number (messages here are small). */
    var high = Math.floor(bitLength / 0x100000000);
    var low = bitLength >>> 0;
    msg.push((high >>> 24) & 255, (high >>> 16) & 255, (high >>> 8) & 255, high & 255);
    msg.push((low >>> 24) & 255, (low >>> 16) & 255, (low >>> 8) & 255, low & 255);

    var h = [0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
      0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19];
    var w = new Array(64);
    for (var block = 0; block < msg.length; block += 64) {
      var t;
      for (t = 0; t < 16; t++) {
        var j = block + t * 4;
        w[t] = ((msg[j] << 24) | (msg[j + 1] << 16) | (msg[j + 2] << 8) | msg[j + 3]) | 0;
      }
      for (t = 16; t < 64; t++) {
        var s0 = rotr(w[t - 15], 7) ^ rotr(w[t - 15], 18) ^ (w[t - 15] >>> 3);
        var s1 = rotr(w[t - 2], 17) ^ rotr(w[t - 2], 19) ^ (w[t - 2] >>> 10);
        w[t] = (w[t - 16] + s0 + w[t - 7] + s1) | 0;
      }
      var a = h[0], b = h[1], c = h[2], d = h[3], e = h[4], f = h[5], g = h[6], k = h[7];
      for (t = 0; t < 64; t++) {
        var S1 = rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25);
        var ch = (e & f) ^ (~e & g);
        var temp1 = (k + S1 + ch + K[t] + w[t]) | 0;
        var S0 = rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22);
        var maj = (a & b) ^ (a & c) ^ (b & c);
        var temp2 = (S0 + maj) | 0;
        k = g;
        g = f;
        f = e;
        e = (d + temp1) | 0;
        d = c;
        c = b;
        b = a;
        a = (temp1 + temp2) | 0;
      }
      h[0] = (h[0] + a) | 0;
      h[1] = (h[1] + b) | 0;
      h[2] = (h[2] + c) | 0;
      h[3] = (h[3] + d) | 0;
      h[4] = (h[4] + e) | 0;
      h[5] = (h[5] + f) | 0;
      h[6] = (h[6] + g) | 0;
      h[7] = (h[7] + k) | 0;
    }
    var out = [];
    for (var i = 0; i < 8; i++) {
      out.push((h[i] >>> 24) & 255, (h[i] >>> 16) & 255, (h[i] >>> 8) & 255, h[i] & 255);
    }
    return out;
  }

  /* HMAC-SHA256 (RFC 2104) of msg under key, both arrays of bytes. */
  function hmacSha256(key, msg) {
    var k = toArray(key);
    if (k.length > 64) {
      k = sha256(k);
    }
    while (k.length < 64) {
      k.push(0);
    }
    var inner = [];
    var outer = [];
    for (var i = 0; i < 64; i++) {
      inner.push(k[i] ^ 0x36);
      outer.push(k[i] ^ 0x5c);
    }
    return sha256(outer.concat(sha256(inner.concat(toArray(msg)))));
  }

  /* The UTF-8 bytes of a string (lone surrogates become U+FFFD). */
  function utf8(text) {
    var out = [];
    var s = String(text);
    for (var i = 0; i < s.length; i++) {
      var c = s.charCodeAt(i);
      if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
        var next = s.charCodeAt(i + 1);
        if (next >= 0xdc00 && next <= 0xdfff) {
          c = 0x10000 + ((c - 0xd800) << 10) + (next - 0xdc00);
          i++;
        }
      }
      if (c >= 0xd800 && c <= 0xdfff) {
        c = 0xfffd;
      }
      if (c < 0x80) {
        out.push(c);
      } else if (c < 0x800) {
        out.push(0xc0 | (c >> 6), 0x80 | (c & 63));
      } else if (c < 0x10000) {
        out.push(0xe0 | (c >> 12), 0x80 | ((c >> 6) & 63), 0x80 | (c & 63));
      } else {
        out.push(0xf0 | (c >> 18), 0x80 | ((c >> 12) & 63), 0x80 | ((c >> 6) & 63), 0x80 | (c & 63));
      }
    }
    return out;
  }

  var B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

  /* base64url without padding (RFC 4648 section 5), as JWTs use. */
  function base64url(bytes) {
    var b = toArray(bytes);
    var out = '';
    for (var i = 0; i < b.length; i += 3) {
      var n = (b[i] << 16) | ((i + 1 < b.length ? b[i + 1] : 0) << 8) | (i + 2 < b.length ? b[i + 2] : 0);
      out += B64.charAt((n >> 18) & 63) + B64.charAt((n >> 12) & 63);
      if (i + 1 < b.length) {
        out += B64.charAt((n >> 6) & 63);
      }
      if (i + 2 < b.length) {
        out += B64.charAt(n & 63);
      }
    }
    return out;
  }

  function hex(bytes) {
    var out = '';
    for (var i = 0; i < bytes.length; i++) {
      out += (bytes[i] < 16 ? '0' : '') + (bytes[i] & 255).toString(16);
    }
    return out;
  }

  /* Crockford's base32 symbols, then the five extra check symbols. */
  var SYMBOLS = '0123456789ABCDEFGHJKMNPQRSTVWXYZ*~$=U';
  /* 26 symbols of K (130 bits, the top two zero), 2 of the id check, 1
     check symbol (SPEC section 5). */
  var KEY_SYMBOLS = 26;
  var CODE_SYMBOLS = 29;
  var ID_CHECK_CONTEXT = 'handbook/id-check/v1:';
  var PROGRESS_CONTEXT = 'handbook/progress/v1:';

  /* N mod 37 for N = K * 1024 + c, one byte at a time (N has 138 bits). */
  function mod37(key, check) {
    var r = 0;
    for (var i = 0; i < key.length; i++) {
      r = (r * 256 + key[i]) % 37;
    }
    return (r * 1024 + check) % 37;
  }

  /* The first 10 bits of HMAC-SHA256(K, "handbook/id-check/v1:" + kid). */
  function idCheck(key, kid) {
    var mac = hmacSha256(key, utf8(ID_CHECK_CONTEXT + String(kid)));
    return (mac[0] << 2) | (mac[1] >> 6);
  }

  /* Where the course keeps this person's progress: 16 bytes of
     HMAC-SHA256(K, "handbook/progress/v1:" + site id), in hex. Nobody
     without the code can work out whose it is, or find their own. */
  function progressKey(key, site) {
    return hex(hmacSha256(key, utf8(PROGRESS_CONTEXT + String(site))).slice(0, 16));
  }

  /* The personal code for a 16-byte staff key issued to kid: 28 symbols
     and a check symbol, in groups of four joined by "-". */
  function formatCode(key, kid) {
    var k = toArray(key);
    var check = idCheck(k, kid);
    var symbols = '';
    /* 130 bits: two zero bits, then the key's 128 bits, 5 bits a symbol. */
    var acc = 0;
    var bits = 2;
    for (var i = 0; i < 16; i++) {
      acc = ((acc << 8) | k[i]) & 0x1fff;
      bits += 8;
      while (bits >= 5) {
        symbols += SYMBOLS.charAt((acc >> (bits - 5)) & 31);
        bits -= 5;
      }
    }
    symbols += SYMBOLS.charAt(check >> 5) + SYMBOLS.charAt(check & 31);
    symbols += SYMBOLS.charAt(mod37(k, check));
    var groups = [];
    for (var g = 0; g < symbols.length; g += 4) {
      groups.push(symbols.substr(g, 4));
    }
    return groups.join('-');
  }

  /* The interface's words, from common.js (under node, common.js itself,
     whose strings a test sets). */
  function t(key, values) {
    var C = root.HandbookCommon ||
      (typeof require === 'function' ? require('./common.js') : null);
    return C ? C.t(key, values) : key;
  }

  function refuse(reason, error) {
    return { ok: false, reason: reason, error: error };
  }

  /* Reads a code as typed for kid: case does not matter, "-" and spaces
     are ignored, I and L read as 1 and O as 0. A wrong check symbol is a
     typing mistake; a well-typed code whose id check does not match kid
     was made for somebody else. */
  function parseCode(text, kid) {
    var values = [];
    var s = String(text || '');
    for (var i = 0; i < s.length; i++) {
      var c = s.charAt(i).toUpperCase();
      if (c === '-' || /\s/.test(c)) {
        continue;
      }
      if (c === 'I' || c === 'L') {
        c = '1';
      } else if (c === 'O') {
        c = '0';
      }
      var v = SYMBOLS.indexOf(c);
      if (v < 0) {
        return refuse('character', t('identity.char_unused', { char: c }));
      }
      values.push(v);
    }
    if (values.length !== CODE_SYMBOLS) {
      return refuse('length', t('identity.code_length', { length: CODE_SYMBOLS, count: values.length }));
    }
    if (values[0] > 7) {
      return refuse('range', t('identity.code_range'));
    }
    for (var d = 1; d < CODE_SYMBOLS - 1; d++) {
      if (values[d] > 31) {
        return refuse('character', t('identity.char_last_only', { char: SYMBOLS.charAt(values[d]) }));
      }
    }
    var key = [];
    var acc = values[0];
    var bits = 3;
    for (var j = 1; j < KEY_SYMBOLS; j++) {
      acc = ((acc << 5) | values[j]) & 0x1fff;
      bits += 5;
      if (bits >= 8) {
        key.push((acc >> (bits - 8)) & 255);
        bits -= 8;
      }
    }
    var check = (values[KEY_SYMBOLS] << 5) | values[KEY_SYMBOLS + 1];
    if (mod37(key, check) !== values[CODE_SYMBOLS - 1]) {
      return refuse('mistake', t('identity.code_mistake'));
    }
    if (kid === undefined || kid === null) {
      return { ok: true, key: key, idCheck: check };
    }
    if (idCheck(key, kid) !== check) {
      return refuse('different-id', t('identity.code_other_id'));
    }
    return { ok: true, key: key };
  }

  /* "T042#2" (a replaced code, no. 2) -> id "T042", kid "T042#2". */
  function splitId(text) {
    var s = String(text || '').replace(/^\s+|\s+$/g, '');
    var m = /^(.*[^#])#([1-9][0-9]*)$/.exec(s);
    if (m && parseInt(m[2], 10) >= 2) {
      return { id: m[1], kid: s, generation: parseInt(m[2], 10) };
    }
    if (m) {
      return { id: m[1], kid: m[1], generation: 1 };
    }
    return { id: s, kid: s, generation: 1 };
  }

  /* The HS256 signing key S = SHA-256(K). */
  function signingKey(staffKey) {
    return sha256(staffKey);
  }

  function wholeNumber(value, what) {
    if (typeof value !== 'number' || !isFinite(value) || Math.floor(value) !== value) {
      throw new Error(what + ' must be a whole number');
    }
    return String(value);
  }

  /* The claims exactly as handbook signs them:
     {"iss","sub","iat","pv","mods","decl"} in that order, no spaces. */
  function claimsJson(claims) {
    var mods = [];
    for (var module in claims.mods) {
      if (Object.prototype.hasOwnProperty.call(claims.mods, module)) {
        var score = claims.mods[module];
        wholeNumber(score, 'the score for ' + module);
        if (score < 0 || score > 100) {
          throw new Error('the score for ' + module + ' must be 0 to 100');
        }
        mods.push(JSON.stringify(module) + ':' + score);
      }
    }
    return '{"iss":' + JSON.stringify(String(claims.iss)) +
      ',"sub":' + JSON.stringify(String(claims.sub)) +
      ',"iat":' + wholeNumber(claims.iat, 'iat') +
      ',"pv":' + JSON.stringify(String(claims.pv)) +
      ',"mods":{' + mods.join(',') + '}' +
      ',"decl":' + (claims.decl === true ? 'true' : 'false') + '}';
  }

  /* The completion token: a JWT signed with HS256 under SHA-256(K). */
  function makeToken(staffKey, kid, claims) {
    var header = '{"alg":"HS256","typ":"JWT","kid":' + JSON.stringify(String(kid)) + '}';
    var input = base64url(utf8(header)) + '.' + base64url(utf8(claimsJson(claims)));
    return input + '.' + base64url(hmacSha256(signingKey(staffKey), utf8(input)));
  }

  root.HandbookToken = {
    sha256: sha256,
    hmacSha256: hmacSha256,
    utf8: utf8,
    base64url: base64url,
    hex: hex,
    CODE_SYMBOLS: CODE_SYMBOLS,
    parseCode: parseCode,
    formatCode: formatCode,
    idCheck: idCheck,
    progressKey: progressKey,
    splitId: splitId,
    signingKey: signingKey,
    claimsJson: claimsJson,
    makeToken: makeToken
  };
})(typeof window !== 'undefined' ? window : this);
