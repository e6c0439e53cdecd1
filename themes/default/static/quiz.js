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
   to the paragraph of the policy it comes from. "Try again" starts a new
   attempt. Scores are saved by progress.js, for the person signed in.

   The quiz can only be taken by somebody signed in (the #identity step
   above it, identity.js): progress is kept per person, and nothing is
   kept for "whoever signs in next". Until then the questions can be read
   but not answered (#quiz-locked says why); signing out, or in as
   somebody else, starts a clean attempt with that person's own record.

   Needs progress.js loaded first. Plain classic script, ES5: works on
   https, plain http and file://. Builds everything with createElement and
   textContent. */
(function () {
  "use strict";

  var form = document.getElementById("quiz");
  var dataEl = document.getElementById("quiz-data");
  if (!form || !dataEl) {
    return;
  }
  var quiz;
  try {
    quiz = JSON.parse(dataEl.textContent);
  } catch (e) {
    return;
  }
  if (!quiz || !quiz.questions || !quiz.questions.length) {
    return;
  }

  var Progress = window.HandbookProgress || null;
  var course = Progress ? Progress.readData() : null;
  var root = form.getAttribute("data-root") || "";
  var passMark = Number(quiz.pass_mark);
  if (!isFinite(passMark)) {
    passMark = 80;
  }

  var submitButton = document.getElementById("quiz-submit");
  var errorBox = document.getElementById("quiz-errors");
  var live = document.getElementById("quiz-live");
  var result = document.getElementById("quiz-result");
  var resultHeading = document.getElementById("quiz-result-heading");
  var resultText = document.getElementById("quiz-result-text");
  var resultAdvice = document.getElementById("quiz-result-advice");
  var retryButton = document.getElementById("quiz-retry");
  var declarationLink = document.getElementById("quiz-declaration");
  var previous = document.getElementById("quiz-previous");
  var lockedNote = document.getElementById("quiz-locked");
  var Identity = window.HandbookIdentity || null;

  var questions = [];   // { data, fieldset, optionsBox, items: [ {index, wrapper, input} ] }
  var checked = false;  // true between "Check my answers" and "Try again"

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
      questions.push({ data: q, prompt: prompt, fieldset: fieldset, optionsBox: optionsBox, items: items });
    }
    return true;
  }

  function shuffled(list) {
    var a = list.slice();
    for (var i = a.length - 1; i > 0; i--) {
      var j = Math.floor(Math.random() * (i + 1));
      var t = a[i];
      a[i] = a[j];
      a[j] = t;
    }
    return a;
  }

  /* Puts each question's options in a new random order. The elements are
     moved, not recreated, so each input keeps its id, name and label. */
  function shuffleAll() {
    for (var i = 0; i < questions.length; i++) {
      var q = questions[i];
      var order = q.data.kind === "true_false" ?
        q.items.slice().sort(function (a, b) { return a.index - b.index; }) :
        shuffled(q.items);
      for (var j = 0; j < order.length; j++) {
        q.optionsBox.appendChild(order[j].wrapper);
      }
    }
  }

  function clear(el) {
    while (el.firstChild) {
      el.removeChild(el.firstChild);
    }
  }

  function el(tag, className, text) {
    var e = document.createElement(tag);
    if (className) {
      e.className = className;
    }
    if (text !== undefined && text !== null) {
      e.textContent = text;
    }
    return e;
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

  function isCorrect(q, picked) {
    var options = q.data.options || [];
    for (var k = 0; k < options.length; k++) {
      var wanted = options[k].correct === true;
      var got = picked.indexOf(k) !== -1;
      if (wanted !== got) {
        return false;
      }
    }
    return picked.length > 0;
  }

  function describedBy(fieldset, id, add) {
    var ids = (fieldset.getAttribute("aria-describedby") || "").split(/\s+/);
    var out = [];
    for (var i = 0; i < ids.length; i++) {
      if (ids[i] && ids[i] !== id) {
        out.push(ids[i]);
      }
    }
    if (add) {
      out.push(id);
    }
    if (out.length) {
      fieldset.setAttribute("aria-describedby", out.join(" "));
    } else {
      fieldset.removeAttribute("aria-describedby");
    }
  }

  function removeInlineErrors() {
    for (var i = 0; i < questions.length; i++) {
      var q = questions[i];
      var old = q.fieldset.querySelector(".question-error");
      if (old) {
        old.parentNode.removeChild(old);
      }
      describedBy(q.fieldset, "q-" + q.data.id + "-error", false);
      q.fieldset.classList.remove("question--invalid");
    }
  }

  function hideErrors() {
    removeInlineErrors();
    if (errorBox) {
      clear(errorBox);
      errorBox.hidden = true;
    }
  }

  function focusQuestion(q) {
    var target = q.optionsBox.querySelector("input");
    if (target) {
      target.focus();
    }
    if (q.fieldset.scrollIntoView) {
      q.fieldset.scrollIntoView({ block: "center" });
    }
  }

  /* The error summary at the top of the quiz, listing each unanswered
     question as a link to it; focus moves to the summary. */
  function showErrors(missing) {
    removeInlineErrors();
    for (var i = 0; i < missing.length; i++) {
      var q = missing[i];
      var msg = el("p", "question-error");
      msg.id = "q-" + q.data.id + "-error";
      var strong = el("strong", null, "Error: ");
      msg.appendChild(strong);
      msg.appendChild(document.createTextNode(q.data.kind === "multiple" ?
        "choose at least one answer." : "choose an answer."));
      var legend = q.fieldset.querySelector("legend");
      q.fieldset.insertBefore(msg, legend ? legend.nextSibling : q.fieldset.firstChild);
      describedBy(q.fieldset, msg.id, true);
      q.fieldset.classList.add("question--invalid");
    }
    if (!errorBox) {
      focusQuestion(missing[0]);
      return;
    }
    clear(errorBox);
    var heading = el("h3", "error-summary-title",
      missing.length === 1 ? "There is a problem: 1 question is not answered" :
        "There is a problem: " + missing.length + " questions are not answered");
    heading.id = "quiz-errors-title";
    errorBox.appendChild(heading);
    errorBox.appendChild(el("p", null, "Answer every question, then check your answers again."));
    var list = el("ul", "error-summary-list");
    for (var k = 0; k < missing.length; k++) {
      (function (q) {
        var li = el("li");
        var a = el("a", null, "Question " + q.number + (q.prompt ? ": " + q.prompt : ""));
        a.href = "#q-" + q.data.id;
        a.addEventListener("click", function (event) {
          event.preventDefault();
          focusQuestion(q);
        });
        li.appendChild(a);
        list.appendChild(li);
      })(missing[k]);
    }
    errorBox.appendChild(list);
    errorBox.hidden = false;
    errorBox.focus();
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
      describedBy(q.fieldset, "q-" + q.data.id + "-feedback", false);
      q.fieldset.classList.remove("question--correct", "question--incorrect");
      for (var j = 0; j < q.items.length; j++) {
        q.items[j].wrapper.classList.remove("option--chosen");
      }
    }
  }

  function showFeedback(q, correct) {
    var box = el("div", "feedback " + (correct ? "feedback--correct" : "feedback--incorrect"));
    box.id = "q-" + q.data.id + "-feedback";
    var verdict = el("p", "feedback-verdict");
    var icon = el("span", "feedback-icon", correct ? "\u2713" : "\u2717");
    icon.setAttribute("aria-hidden", "true");
    verdict.appendChild(icon);
    verdict.appendChild(document.createTextNode(correct ? " Correct" : " Not quite"));
    box.appendChild(verdict);
    if (q.data.explain) {
      box.appendChild(el("p", "feedback-explain", q.data.explain));
    }
    if (q.data.policy_url) {
      var p = el("p", "feedback-link");
      var a = el("a", "policy-link", "Read this in the policy: " + (q.data.policy_title || "the policy"));
      a.href = root + q.data.policy_url;
      p.appendChild(a);
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
    return "this module";
  }

  function check() {
    var missing = [];
    for (var i = 0; i < questions.length; i++) {
      if (chosen(questions[i]).length === 0) {
        missing.push(questions[i]);
      }
    }
    if (missing.length) {
      showErrors(missing);
      return;
    }
    hideErrors();
    var right = 0;
    for (var k = 0; k < questions.length; k++) {
      var q = questions[k];
      var ok = isCorrect(q, chosen(q));
      if (ok) {
        right++;
      }
      showFeedback(q, ok);
    }
    var total = questions.length;
    var score = Math.floor(right * 100 / total);
    var passed = score >= passMark;

    var saved = null;
    if (Progress && course) {
      saved = Progress.saveModule(course, quiz.module, score, passed);
    }

    checked = true;
    setInputsDisabled(true);
    if (submitButton) {
      submitButton.hidden = true;
    }
    showResult(right, total, score, passed, saved);
  }

  function showResult(right, total, score, passed, saved) {
    var sentence = "You scored " + right + " of " + total + " (" + score + "%). " +
      "The pass mark is " + passMark + "%.";
    var verdict = passed ?
      " You have passed " + moduleTitle() + "." :
      " You have not passed yet.";
    if (!passed && saved && saved.passed) {
      verdict = " You did not reach the pass mark this time, but you passed this module before, so it stays passed.";
    }
    if (result) {
      result.setAttribute("data-passed", passed ? "true" : "false");
      result.setAttribute("data-score", String(score));
      result.classList.remove("quiz-result--passed", "quiz-result--failed");
      result.classList.add(passed ? "quiz-result--passed" : "quiz-result--failed");
      if (resultHeading) {
        resultHeading.textContent = passed ? "Passed: well done" : "Not passed yet";
      }
      if (resultText) {
        resultText.textContent = sentence + verdict;
      }
      if (resultAdvice) {
        resultAdvice.textContent = passed ?
          "Your result is saved in this browser. The feedback under each question explains every answer." :
          "Read the feedback under each question and the parts of the policy it links to, then try again. " +
          "The options will be in a different order.";
      }
      if (declarationLink && Progress && course) {
        declarationLink.hidden = !Progress.allPassed(course);
      }
      result.hidden = false;
    }
    if (live) {
      // Cleared first so that the same sentence twice is still announced.
      live.textContent = "";
      window.setTimeout(function () {
        live.textContent = sentence + verdict;
      }, 50);
    }
    if (resultHeading) {
      resultHeading.focus();
    }
    showPrevious();
  }

  function retry() {
    resetAttempt();
    shuffleAll();
    applyIdentity();
    if (!locked()) {
      focusQuestion(questions[0]);
    }
  }

  /* "You passed this module before with 90%." above the quiz. */
  function showPrevious() {
    if (!previous || !Progress || !course) {
      return;
    }
    var m = locked() ? null : Progress.get(course, quiz.module);
    if (!m || !m.attempts) {
      previous.hidden = true;
      return;
    }
    previous.textContent = m.passed ?
      "You have passed this module (best score " + m.best + "%). You can take the quiz again if you like; your pass is kept." :
      "You have tried this quiz " + (m.attempts === 1 ? "once" : m.attempts + " times") +
        " (best score " + m.best + "%). The pass mark is " + passMark + "%.";
    previous.hidden = false;
  }

  /* True when a result could not be kept for anybody: nobody signed in. */
  function locked() {
    return !!(Progress && course && !Progress.signedIn(course));
  }

  /* Clears the attempt on screen (answers, feedback, result). */
  function resetAttempt() {
    checked = false;
    removeFeedback();
    hideErrors();
    for (var i = 0; i < questions.length; i++) {
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
  for (var n = 0; n < questions.length; n++) {
    questions[n].number = n + 1;
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
  window.addEventListener("pageshow", function (event) {
    if (event.persisted) {
      showPrevious();
    }
  });
  if (Identity && Identity.onChange) {
    /* Somebody signed in or out: whatever is on screen was not theirs. */
    Identity.onChange(function () {
      resetAttempt();
      applyIdentity();
    });
  }
  form.classList.add("quiz--ready");
})();
