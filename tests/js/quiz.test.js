// Tests for the pure core of themes/default/static/quiz.js (scoring, the
// order of the options, and what the page says), run by `cargo test`
// (tests/it/js.rs) or directly: node --test tests/js/quiz.test.js.
'use strict';

var test = require('node:test');
var assert = require('assert');
var path = require('path');

// quiz.js reads its words through common.js: give it en-GB's.
require('./strings.js').useStrings();
var Q = require(path.join(__dirname, '..', '..', 'themes', 'default', 'static', 'quiz.js'));

function options(correct, count) {
  var list = [];
  for (var i = 0; i < count; i++) {
    list.push({ text: 'option ' + i, correct: correct.indexOf(i) !== -1 });
  }
  return list;
}

var SINGLE = { kind: 'single', options: options([1], 3) };
var MULTIPLE = { kind: 'multiple', options: options([0, 2], 4) };
var TRUE_FALSE = { kind: 'true_false', options: options([0], 2) };

test('the pass mark is the quiz\'s own, or 80 when it has none', function () {
  assert.strictEqual(Q.passMarkOf({ pass_mark: 60 }), 60);
  assert.strictEqual(Q.passMarkOf({ pass_mark: '70' }), 70);
  assert.strictEqual(Q.passMarkOf({}), 80);
  assert.strictEqual(Q.passMarkOf({ pass_mark: 'most' }), 80);
  assert.strictEqual(Q.passMarkOf(null), 80);
});

test('a question is right only when exactly its correct options are chosen', function () {
  assert.strictEqual(Q.isCorrect(SINGLE.options, [1]), true);
  assert.strictEqual(Q.isCorrect(SINGLE.options, [0]), false);
  assert.strictEqual(Q.isCorrect(MULTIPLE.options, [0, 2]), true);
  assert.strictEqual(Q.isCorrect(MULTIPLE.options, [2, 0]), true, 'the order chosen does not matter');
  assert.strictEqual(Q.isCorrect(MULTIPLE.options, [0]), false, 'some of the right ones');
  assert.strictEqual(Q.isCorrect(MULTIPLE.options, [0, 1, 2]), false, 'the right ones and a wrong one');
  assert.strictEqual(Q.isCorrect(MULTIPLE.options, [0, 1, 2, 3]), false, 'everything');
  assert.strictEqual(Q.isCorrect(SINGLE.options, []), false, 'nothing');
  assert.strictEqual(Q.isCorrect(options([], 2), []), false, 'nothing is never right, even with no correct option');
});

test('the score is the share of questions right, rounded down, against the pass mark', function () {
  var questions = [SINGLE, MULTIPLE, TRUE_FALSE];
  var all = Q.mark(questions, [[1], [0, 2], [0]], 80);
  assert.deepStrictEqual(all, { right: 3, total: 3, score: 100, passed: true, correct: [true, true, true] });
  var two = Q.mark(questions, [[1], [0], [0]], 60);
  assert.deepStrictEqual(two, { right: 2, total: 3, score: 66, passed: true, correct: [true, false, true] });
  assert.strictEqual(Q.mark(questions, [[1], [0], [0]], 67).passed, false, '66% is under 67%');
  var four = [SINGLE, SINGLE, SINGLE, SINGLE, SINGLE];
  assert.strictEqual(Q.mark(four, [[1], [1], [1], [1], [0]], 80).score, 80);
  assert.strictEqual(Q.mark(four, [[1], [1], [1], [1], [0]], 80).passed, true, 'the pass mark itself passes');
  assert.strictEqual(Q.mark([SINGLE], [], 80).score, 0, 'a question without an answer is wrong');
});

test('unanswered questions are found by their place in the quiz', function () {
  assert.deepStrictEqual(Q.unanswered([[1], [], [0, 2], undefined]), [1, 3]);
  assert.deepStrictEqual(Q.unanswered([[0]]), []);
});

test('options are shuffled for each attempt, true/false keeps True first', function () {
  // random() near 1 keeps every place; random() = 0 moves each to the front.
  assert.deepStrictEqual(Q.order('single', [0, 1, 2, 3], function () { return 0.999; }), [0, 1, 2, 3]);
  assert.deepStrictEqual(Q.order('single', [0, 1, 2, 3], function () { return 0; }), [1, 2, 3, 0]);
  assert.deepStrictEqual(Q.order('true_false', [1, 0], function () { return 0; }), [0, 1]);
  var given = [0, 1, 2, 3, 4];
  var seen = {};
  for (var n = 0; n < 200; n++) {
    var order = Q.order('multiple', given);
    assert.deepStrictEqual(order.slice().sort(), given, 'every option once');
    seen[order.join()] = true;
  }
  assert.deepStrictEqual(given, [0, 1, 2, 3, 4], 'the list given is not changed');
  assert.ok(Object.keys(seen).length > 10, 'Math.random gives many orders: ' + Object.keys(seen).length);
});

test('what the error summary and the question say when answers are missing', function () {
  assert.strictEqual(Q.summaryHeading(1), 'There is a problem: 1 question is not answered');
  assert.strictEqual(Q.summaryHeading(3), 'There is a problem: 3 questions are not answered');
  assert.strictEqual(Q.missingMessage('multiple'), 'choose at least one answer.');
  assert.strictEqual(Q.missingMessage('single'), 'choose an answer.');
  assert.strictEqual(Q.missingMessage('true_false'), 'choose an answer.');
});

test('the result in words: passed, not passed, and a pass kept from before', function () {
  var pass = Q.resultWords({ right: 4, total: 5, score: 80, passed: true }, 80, 'Scope', false);
  assert.strictEqual(pass.heading, 'Passed: well done');
  assert.strictEqual(pass.sentence, 'You scored 4 of 5 (80%). The pass mark is 80%.');
  assert.strictEqual(pass.verdict, ' You have passed Scope.');
  assert.ok(/saved in this browser/.test(pass.advice), pass.advice);
  var fail = Q.resultWords({ right: 1, total: 3, score: 33, passed: false }, 80, 'Scope', false);
  assert.strictEqual(fail.heading, 'Not passed yet');
  assert.strictEqual(fail.verdict, ' You have not passed yet.');
  assert.ok(/right answers are kept/.test(fail.advice) && /new order/.test(fail.advice), fail.advice);
  var kept = Q.resultWords({ right: 1, total: 3, score: 33, passed: false }, 80, 'Scope', true);
  assert.ok(/passed this module before, so it stays passed/.test(kept.verdict), kept.verdict);
});

test('the line about earlier attempts', function () {
  assert.strictEqual(Q.previousWords(null, 80), null);
  assert.strictEqual(Q.previousWords({ attempts: 0, best: 0, passed: false }, 80), null);
  assert.strictEqual(Q.previousWords({ attempts: 1, best: 40, passed: false }, 80),
    'You have tried this quiz once (best score 40%). The pass mark is 80%.');
  assert.strictEqual(Q.previousWords({ attempts: 3, best: 60, passed: false }, 80),
    'You have tried this quiz 3 times (best score 60%). The pass mark is 80%.');
  assert.ok(/^You have passed this module \(best score 90%\)/.test(
    Q.previousWords({ attempts: 2, best: 90, passed: true }, 80)));
});

test('the questions marked wrong are found by their place in the quiz', function () {
  var marked = Q.mark([SINGLE, MULTIPLE, TRUE_FALSE, SINGLE], [[1], [0], [1], [2]], 80);
  assert.deepStrictEqual(Q.wrongOnes(marked), [1, 2, 3]);
  assert.deepStrictEqual(Q.wrongOnes(Q.mark([SINGLE], [[1]], 80)), [], 'none when all are right');
});

test('after a pass the way on comes first and "Try again" after it; after a fail "Try again" first', function () {
  assert.deepStrictEqual(Q.actions(true, true, false), ['next', 'retry', 'home']);
  assert.deepStrictEqual(Q.actions(true, false, true), ['declaration', 'retry', 'home'],
    'the last module, every module passed: sign the declaration');
  assert.deepStrictEqual(Q.actions(true, false, false), ['home', 'retry'],
    'the last module with others still to pass: back to the course home');
  assert.deepStrictEqual(Q.actions(true, true, true), ['next', 'declaration', 'retry', 'home']);
  assert.deepStrictEqual(Q.actions(false, true, false), ['retry', 'next', 'home']);
  assert.deepStrictEqual(Q.actions(false, false, true), ['retry', 'declaration', 'home'],
    'a pass kept from before still offers the declaration');
});

test('the result and a retry say how many answers to look at again', function () {
  assert.strictEqual(Q.wrongHeading(1), '1 answer to look at again');
  assert.strictEqual(Q.wrongHeading(3), '3 answers to look at again');
  assert.strictEqual(Q.retryWords(4, 1), 'Your right answers are kept. Answer the 1 other question again.');
  assert.strictEqual(Q.retryWords(2, 3), 'Your right answers are kept. Answer the 3 other questions again.');
  assert.strictEqual(Q.retryWords(0, 2), 'Answer the 2 questions again.');
  assert.strictEqual(Q.retryWords(5, 0), 'Your answers are kept. Change any you like, then check them again.');
});
