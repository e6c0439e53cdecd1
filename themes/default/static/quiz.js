/* handbook course: the quiz runner of a module page.
   Reads the questions and answers from #quiz-data and the course from
   #course-data; the questions themselves are already in the page as
   <form id="quiz"> with one <fieldset id="q-<id>"> per question, so without
   JavaScript they can still be read.

   Each attempt shows the options in a new random order (true/false
   questions keep True before False). On "Check my answers" every question
   must be answered; the score is the number of questions answered
   correctly (a "choose all that apply" question only when exactly the right
   options are chosen) as a percentage, rounded down, against the module's
   pass mark. Each question then shows whether it was right, why, and a link
   to the paragraph of the policy it comes from, and the result lists the
   questions that were wrong (#quiz-wrong), each a link to its question.
   After a pass the way on ("Next module", or on the last module "Sign the
   declaration" once every module is passed) is the first, main button and
   "Try again" a secondary one; after a fail "Try again" comes first.
   "Try again" keeps the answers that were right (they can still be
   changed) and clears the wrong ones, whose options get a new order; the
   focus goes to the first of them. Scores are saved by progress.js, for
   the person signed in.
   Unanswered questions are listed in the error summary (#quiz-errors,
   common.js): focused, a link to each question, "Error: " in the title.

   The quiz can only be taken by somebody signed in (the #identity step
   above it, identity.js): progress is kept per person, and nothing is
   kept for "whoever signs in next". Until then the questions can be read
   but not answered (#quiz-locked says why); signing out, or in as
   somebody else, starts a clean attempt with that person's own record.

   The scoring and the words are a pure core, window.HandbookQuiz (tested
   under node by tests/js/quiz.test.js):
     passMarkOf(quiz) -> the pass mark, 80 when the quiz has none
     isCorrect(options, picked) -> true when exactly the correct options
       (by index) are picked
     mark(questions, answers, passMark) -> {right, total, score, passed,
       correct: [true/false per question]}; answers[i] are the option
       indexes picked for questions[i]
     unanswered(answers) -> the indexes of the questions with none picked
     order(kind, indexes, random) -> the option indexes in the order to show
     wrongOnes(marked) -> the indexes of the questions marked wrong
     actions(passed, hasNext, allPassed) -> the result's ways on, in order,
       the first the main one: "next", "declaration", "retry", "home"
     missingMessage(kind), summaryHeading(count), resultWords(...),
     wrongHeading(count), retryWords(kept, cleared),
     previousWords(moduleRecord, passMark): what the page says
   Needs common.js, then progress.js. Plain classic script, ES5: works on
   https, plain http and file://. Builds everything with createElement and
   textContent. */
(function (root) {
  "use strict";

  /* The interface's words, from common.js (under node, common.js itself,
     whose strings a test sets). */
  function t(key, values) {
    var C = root.HandbookCommon ||
      (typeof require === "function" ? require("./common.js") : null);
    return C ? C.t(key, values) : key;
  }

  /* ---------- The pure core ---------- */

  function passMarkOf(quiz) {
    var given = quiz ? quiz.pass_mark : null;
    var passMark = given === null || given === undefined || given === "" ? NaN : Number(given);
    return isFinite(passMark) ? passMark : 80;
  }

  function isCorrect(options, picked) {
    options = options || [];
    for (var k = 0; k < options.length; k++) {
      var wanted = options[k].correct === true;
      var got = picked.indexOf(k) !== -1;
      if (wanted !== got) {
        return false;
      }
    }
    return picked.length > 0;
  }

  function mark(questions, answers, passMark) {
    var right = 0;
    var correct = [];
    for (var i = 0; i < questions.length; i++) {
      var ok = isCorrect(questions[i].options, answers[i] || []);
      correct.push(ok);
      if (ok) {
        right++;
      }
    }
    var total = questions.length;
    var score = total ? Math.floor(right * 100 / total) : 0;
    return { right: right, total: total, score: score, passed: score >= passMark, correct: correct };
  }

  function unanswered(answers) {
    var list = [];
    for (var i = 0; i < answers.length; i++) {
      if (!answers[i] || !answers[i].length) {
        list.push(i);
      }
    }
    return list;
  }

  /* A new random order (Fisher-Yates with random(), Math.random by
     default); true/false questions keep their written order. */
  function order(kind, indexes, random) {
    var a = indexes.slice();
    if (kind === "true_false") {
      return a.sort(function (x, y) { return x - y; });
    }
    random = random || Math.random;
    for (var i = a.length - 1; i > 0; i--) {
      var j = Math.floor(random() * (i + 1));
      var t = a[i];
      a[i] = a[j];
      a[j] = t;
    }
    return a;
  }

  function wrongOnes(marked) {
    var list = [];
    for (var i = 0; i < marked.correct.length; i++) {
      if (!marked.correct[i]) {
        list.push(i);
      }
    }
    return list;
  }

  /* The ways on under the result, the main one first. After a pass: on to
     the next module, or on the last one to the declaration when every
     module is passed (else back to the course home, which says what is
     left); "Try again" after them. After a fail: "Try again" first. The
     declaration is offered whenever every module is passed; the course
     home always, last unless it is the way on. */
  function actions(passed, hasNext, allPassed) {
    var on = [];
    if (hasNext) {
      on.push("next");
    }
    if (allPassed) {
      on.push("declaration");
    }
    if (!passed) {
      return ["retry"].concat(on, ["home"]);
    }
    return on.length ? on.concat(["retry", "home"]) : ["home", "retry"];
  }

  function wrongHeading(count) {
    return t("quiz.wrong_heading", { count: count });
  }

  /* What is announced when "Try again" keeps the right answers. */
  function retryWords(kept, cleared) {
    if (!cleared) {
      return t("quiz.retry_all_kept");
    }
    return kept ?
      t("quiz.retry_kept", { count: cleared, kept: kept }) :
      t("quiz.retry_cleared", { count: cleared });
  }

  function missingMessage(kind) {
    return kind === "multiple" ? t("quiz.missing_multiple") : t("quiz.missing_single");
  }

  function summaryHeading(count) {
    return t("quiz.summary_heading", { count: count });
  }

  /* What the result says: {heading, sentence, verdict, advice}. savedPassed:
     the module was passed before (a pass is kept). */
  function resultWords(marked, passMark, moduleTitle, savedPassed) {
    var passed = marked.passed;
    var verdict = passed ?
      " " + t("quiz.verdict_passed", { module: moduleTitle }) :
      " " + t("quiz.verdict_not_passed");
    if (!passed && savedPassed) {
      verdict = " " + t("quiz.verdict_kept");
    }
    return {
      heading: passed ? t("quiz.heading_passed") : t("quiz.heading_not_passed"),
      sentence: t("quiz.scored", { right: marked.right, total: marked.total, score: marked.score, mark: passMark }),
      verdict: verdict,
      advice: passed ? t("quiz.advice_passed") : t("quiz.advice_not_passed")
    };
  }

  /* "You passed this module before with 90%." above the quiz, or null when
     there is no earlier attempt. */
  function previousWords(m, passMark) {
    if (!m || !m.attempts) {
      return null;
    }
    return m.passed ?
      t("quiz.previous_passed", { best: m.best }) :
      t("quiz.previous_tried", { count: m.attempts, best: m.best, mark: passMark });
  }

  var HandbookQuiz = {
    passMarkOf: passMarkOf,
    isCorrect: isCorrect,
    mark: mark,
    unanswered: unanswered,
    order: order,
    wrongOnes: wrongOnes,
    actions: actions,
    wrongHeading: wrongHeading,
    retryWords: retryWords,
    missingMessage: missingMessage,
    summaryHeading: summaryHeading,
    resultWords: resultWords,
    previousWords: previousWords
  };
  root.HandbookQuiz = HandbookQuiz;
  if (typeof module !== "undefined" && module.exports) {
    module.exports = HandbookQuiz;
  }

  /* ---------- The page ---------- */

  function run(C) {
    var form = document.getElementById("quiz");
    var quiz = C.pageData("quiz-data", "questions");
    if (!form || !quiz) {
      return;
    }

    var Progress = root.HandbookProgress || null;
    var course = Progress ? Progress.readData() : null;
    var siteRoot = form.getAttribute("data-root") || "";
    var passMark = passMarkOf(quiz);
    var el = C.el;

    var submitButton = document.getElementById("quiz-submit");
    var errorBox = document.getElementById("quiz-errors");
    var summary = errorBox ? C.errorSummary(errorBox, "h3") : null;
    var live = document.getElementById("quiz-live");
    var result = document.getElementById("quiz-result");
    var resultHeading = document.getElementById("quiz-result-heading");
    var resultText = document.getElementById("quiz-result-text");
    var resultAdvice = document.getElementById("quiz-result-advice");
    var retryButton = document.getElementById("quiz-retry");
    var declarationLink = document.getElementById("quiz-declaration");
    var nextList = document.getElementById("quiz-next");
    var wrongBox = document.getElementById("quiz-wrong");
    var wrongTitle = document.getElementById("quiz-wrong-heading");
    var wrongList = document.getElementById("quiz-wrong-list");
    var previous = document.getElementById("quiz-previous");
    var lockedNote = document.getElementById("quiz-locked");
    var Identity = root.HandbookIdentity || null;

    var questions = [];   // { data, number, prompt, fieldset, optionsBox, items: [ {index, wrapper, input} ] }
    var checked = false;  // true between "Check my answers" and "Try again"
    var lastMarked = null; // the last attempt's marks, for "Try again"

    function setup() {
      for (var i = 0; i < quiz.questions.length; i++) {
        var q = quiz.questions[i];
        var fieldset = document.getElementById("q-" + q.id);
        if (!fieldset) {
          return false;
        }
        var optionsBox = fieldset.querySelector(".options");
        var inputs = fieldset.querySelectorAll("input[data-option]");
        var items = [];
        for (var j = 0; j < inputs.length; j++) {
          var input = inputs[j];
          items.push({
            index: parseInt(input.getAttribute("data-option"), 10),
            wrapper: input.parentNode,
            input: input
          });
        }
        if (!optionsBox || items.length !== (q.options || []).length) {
          return false;
        }
        // The prompt as shown (the legend without "Question N:").
        var legend = fieldset.querySelector("legend");
        var prompt = q.prompt || "";
        if (!prompt && legend) {
          var number = legend.querySelector(".question-number");
          prompt = legend.textContent.slice(number ? number.textContent.length : 0).replace(/^\s+|\s+$/g, "");
        }
        questions.push({
          data: q,
          number: i + 1,
          prompt: prompt,
          fieldset: fieldset,
          optionsBox: optionsBox,
          items: items
        });
      }
      return true;
    }

    /* Puts each question's options in a new random order (only the
       questions `only` says, when given). The elements are moved, not
       recreated, so each input keeps its id, name, label and state. */
    function shuffleAll(only) {
      for (var i = 0; i < questions.length; i++) {
        var q = questions[i];
        if (only && !only[i]) {
          continue;
        }
        var byIndex = {};
        var indexes = [];
        for (var j = 0; j < q.items.length; j++) {
          byIndex[q.items[j].index] = q.items[j];
          indexes.push(q.items[j].index);
        }
        var shown = order(q.data.kind, indexes);
        for (var k = 0; k < shown.length; k++) {
          q.optionsBox.appendChild(byIndex[shown[k]].wrapper);
        }
      }
    }

    function chosen(q) {
      var list = [];
      for (var j = 0; j < q.items.length; j++) {
        if (q.items[j].input.checked) {
          list.push(q.items[j].index);
        }
      }
      return list;
    }

    function removeInlineErrors() {
      for (var i = 0; i < questions.length; i++) {
        var q = questions[i];
        var old = q.fieldset.querySelector(".question-error");
        if (old) {
          old.parentNode.removeChild(old);
        }
        C.describedBy(q.fieldset, "q-" + q.data.id + "-error", false);
        q.fieldset.classList.remove("question--invalid");
      }
    }

    function hideErrors() {
      removeInlineErrors();
      if (summary) {
        summary.hide();
      }
    }

    function firstInput(q) {
      return q.optionsBox.querySelector("input");
    }

    function focusQuestion(q) {
      var target = firstInput(q);
      if (target) {
        target.focus();
      }
      if (q.fieldset.scrollIntoView) {
        q.fieldset.scrollIntoView({ block: "center" });
      }
    }

    /* An error above each unanswered question, and the error summary at
       the top of the quiz with a link to each. */
    function showErrors(missing) {
      removeInlineErrors();
      var items = [];
      for (var i = 0; i < missing.length; i++) {
        var q = missing[i];
        var msg = el("p", { "class": "question-error", id: "q-" + q.data.id + "-error" });
        msg.appendChild(el("strong", null, t("common.error_label") + " "));
        msg.appendChild(document.createTextNode(missingMessage(q.data.kind)));
        var legend = q.fieldset.querySelector("legend");
        q.fieldset.insertBefore(msg, legend ? legend.nextSibling : q.fieldset.firstChild);
        C.describedBy(q.fieldset, msg.id, true);
        q.fieldset.classList.add("question--invalid");
        items.push({
          text: q.prompt ? t("quiz.summary_item", { n: q.number, prompt: q.prompt }) : t("quiz.summary_item_bare", { n: q.number }),
          target: firstInput(q) || q.fieldset
        });
      }
      if (!summary) {
        focusQuestion(missing[0]);
        return;
      }
      summary.show(items, summaryHeading(missing.length), t("quiz.summary_intro"));
    }

    function setInputsDisabled(disabled) {
      for (var i = 0; i < questions.length; i++) {
        for (var j = 0; j < questions[i].items.length; j++) {
          questions[i].items[j].input.disabled = disabled;
        }
      }
    }

    function removeFeedback() {
      for (var i = 0; i < questions.length; i++) {
        var q = questions[i];
        var old = q.fieldset.querySelector(".feedback");
        if (old) {
          old.parentNode.removeChild(old);
        }
        C.describedBy(q.fieldset, "q-" + q.data.id + "-feedback", false);
        q.fieldset.classList.remove("question--correct", "question--incorrect");
        for (var j = 0; j < q.items.length; j++) {
          q.items[j].wrapper.classList.remove("option--chosen");
        }
      }
    }

    function showFeedback(q, correct) {
      var box = el("div", {
        "class": "feedback " + (correct ? "feedback--correct" : "feedback--incorrect"),
        id: "q-" + q.data.id + "-feedback",
        tabindex: "-1"
      });
      var verdict = el("p", { "class": "feedback-verdict" });
      verdict.appendChild(el("span", { "class": "feedback-icon", "aria-hidden": "true" }, correct ? "\u2713" : "\u2717"));
      verdict.appendChild(document.createTextNode(" " + (correct ? t("quiz.correct") : t("quiz.not_quite"))));
      box.appendChild(verdict);
      if (q.data.explain) {
        box.appendChild(el("p", { "class": "feedback-explain" }, q.data.explain));
      }
      if (q.data.policy_url) {
        var p = el("p", { "class": "feedback-link" });
        p.appendChild(el("a", { "class": "policy-link", href: siteRoot + q.data.policy_url },
          t("quiz.read_in_policy", { title: q.data.policy_title || t("quiz.the_policy") })));
        box.appendChild(p);
      }
      q.fieldset.appendChild(box);
      q.fieldset.classList.add(correct ? "question--correct" : "question--incorrect");
      for (var j = 0; j < q.items.length; j++) {
        if (q.items[j].input.checked) {
          q.items[j].wrapper.classList.add("option--chosen");
        }
      }
    }

    function moduleTitle() {
      if (course) {
        for (var i = 0; i < course.modules.length; i++) {
          if (course.modules[i].id === quiz.module) {
            return course.modules[i].title;
          }
        }
      }
      return t("quiz.this_module");
    }

    function check() {
      var answers = [];
      for (var i = 0; i < questions.length; i++) {
        answers.push(chosen(questions[i]));
      }
      var missing = unanswered(answers);
      if (missing.length) {
        showErrors(missing.map(function (n) { return questions[n]; }));
        return;
      }
      hideErrors();
      var marked = mark(quiz.questions, answers, passMark);
      for (var k = 0; k < questions.length; k++) {
        showFeedback(questions[k], marked.correct[k]);
      }

      var saved = null;
      if (Progress && course) {
        saved = Progress.saveModule(course, quiz.module, marked.score, marked.passed);
      }

      checked = true;
      lastMarked = marked;
      setInputsDisabled(true);
      if (submitButton) {
        submitButton.hidden = true;
      }
      showResult(marked, saved);
    }

    function showResult(marked, saved) {
      var words = resultWords(marked, passMark, moduleTitle(), !!(saved && saved.passed));
      if (result) {
        result.setAttribute("data-passed", marked.passed ? "true" : "false");
        result.setAttribute("data-score", String(marked.score));
        result.classList.remove("quiz-result--passed", "quiz-result--failed");
        result.classList.add(marked.passed ? "quiz-result--passed" : "quiz-result--failed");
        if (resultHeading) {
          resultHeading.textContent = words.heading;
        }
        if (resultText) {
          resultText.textContent = words.sentence + words.verdict;
        }
        if (resultAdvice) {
          resultAdvice.textContent = words.advice;
        }
        showWrong(marked);
        arrangeActions(marked.passed, !!(Progress && course && Progress.allPassed(course)));
        result.hidden = false;
      }
      var wrong = wrongOnes(marked).length;
      C.announce(live, words.sentence + words.verdict + (wrong ? " " + wrongHeading(wrong) + "." : ""));
      if (resultHeading) {
        resultHeading.focus();
      }
      showPrevious();
    }

    /* The questions marked wrong, each a link to its feedback (the options
       cannot take the focus until "Try again": they are disabled). */
    function showWrong(marked) {
      if (!wrongBox || !wrongList) {
        return;
      }
      C.clear(wrongList);
      var wrong = wrongOnes(marked);
      for (var i = 0; i < wrong.length; i++) {
        var q = questions[wrong[i]];
        var li = el("li");
        li.appendChild(C.focusLink({
          text: q.prompt ? t("quiz.summary_item", { n: q.number, prompt: q.prompt }) : t("quiz.summary_item_bare", { n: q.number }),
          target: q.fieldset.querySelector(".feedback") || q.fieldset
        }));
        wrongList.appendChild(li);
      }
      if (wrongTitle) {
        wrongTitle.textContent = wrongHeading(wrong.length);
      }
      wrongBox.hidden = !wrong.length;
    }

    /* Puts the result's ways on in order (actions()), the first as the
       main button and the others as secondary ones. */
    function arrangeActions(passed, allPassed) {
      if (!nextList) {
        return;
      }
      var byName = {};
      var items = nextList.querySelectorAll("[data-action]");
      for (var i = 0; i < items.length; i++) {
        byName[items[i].getAttribute("data-action")] = items[i];
        items[i].hidden = true;
      }
      var wanted = actions(passed, !!byName.next, allPassed);
      for (var k = 0; k < wanted.length; k++) {
        var item = byName[wanted[k]];
        if (!item) {
          continue;
        }
        item.hidden = false;
        var control = item.querySelector("a, button");
        if (control) {
          control.hidden = false;
          control.classList.toggle("button", k === 0 || control.tagName === "BUTTON");
          control.classList.toggle("button--secondary", k !== 0 && control.tagName === "BUTTON");
          control.classList.toggle("button-link", k !== 0 && control.tagName !== "BUTTON");
        }
        nextList.appendChild(item);
      }
    }

    /* A new attempt: the right answers stay chosen (and can be changed),
       the wrong ones are cleared and their options get a new order; the
       focus goes to the first question to answer again. */
    function retry() {
      var keep = lastMarked ? lastMarked.correct : null;
      resetAttempt(keep);
      var redo = keep ? keep.map(function (right) { return !right; }) : null;
      shuffleAll(redo);
      applyIdentity();
      if (locked()) {
        return;
      }
      var first = redo ? redo.indexOf(true) : 0;
      focusQuestion(questions[first === -1 ? 0 : first]);
      if (keep) {
        var cleared = wrongOnes(lastMarked).length;
        C.announce(live, retryWords(keep.length - cleared, cleared));
      }
      lastMarked = null;
    }

    function showPrevious() {
      if (!previous || !Progress || !course) {
        return;
      }
      var text = previousWords(locked() ? null : Progress.get(course, quiz.module), passMark);
      previous.textContent = text || "";
      previous.hidden = !text;
    }

    /* True when a result could not be kept for anybody: nobody signed in. */
    function locked() {
      return !!(Progress && course && !Progress.signedIn(course));
    }

    /* Clears the attempt on screen (feedback, result, and the answers of
       every question but those `keep` says). */
    function resetAttempt(keep) {
      checked = false;
      removeFeedback();
      hideErrors();
      for (var i = 0; i < questions.length; i++) {
        if (keep && keep[i]) {
          continue;
        }
        for (var j = 0; j < questions[i].items.length; j++) {
          questions[i].items[j].input.checked = false;
        }
      }
      if (result) {
        result.hidden = true;
        result.removeAttribute("data-passed");
        result.removeAttribute("data-score");
      }
      if (live) {
        live.textContent = "";
      }
    }

    /* Shows the quiz ready for the person signed in, or locked. */
    function applyIdentity() {
      var isLocked = locked();
      setInputsDisabled(isLocked);
      if (submitButton) {
        submitButton.hidden = isLocked;
      }
      if (lockedNote) {
        lockedNote.hidden = !isLocked;
      }
      form.classList.toggle("quiz--locked", isLocked);
      showPrevious();
    }

    if (!setup()) {
      return;
    }

    form.addEventListener("submit", function (event) {
      event.preventDefault();
      if (!checked && !locked()) {
        check();
      }
    });
    if (retryButton) {
      retryButton.addEventListener("click", retry);
    }

    shuffleAll();
    applyIdentity();
    root.addEventListener("pageshow", function (event) {
      if (event.persisted) {
        showPrevious();
      }
    });
    if (Identity && Identity.onChange) {
      /* Somebody signed in or out: whatever is on screen was not theirs. */
      Identity.onChange(function () {
        lastMarked = null;
        resetAttempt();
        applyIdentity();
      });
    }
    form.classList.add("quiz--ready");
  }

  if (typeof document !== "undefined" && root.HandbookCommon) {
    run(root.HandbookCommon);
  }
})(typeof window !== "undefined" ? window : this);
