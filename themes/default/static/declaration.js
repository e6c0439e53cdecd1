/* handbook course: the declaration page (course/declaration.html).
   Shows, from the progress of the person signed in (the #identity step at
   the top, identity.js; progress is kept per person):
   - nothing but the identity step while nobody is signed in, or
   - #declaration-locked, listing the modules still to pass, or
   - #declaration-form (every module passed): the reader ticks
     #declaration-confirm and presses #declaration-submit, or
   - #course-complete (declaration signed), with the date and the scores,
     then the completion token (#token, from completion.js).
   After signing, focus moves to the token's heading (#token-heading).
   Signing in or out, or as somebody else, redraws the page for that
   person. Needs common.js and progress.js first, then token.js,
   identity.js and completion.js. Plain classic script, ES5. */
(function (C, Progress) {
  "use strict";

  var data = C && Progress ? Progress.readData() : null;
  if (!data) {
    return;
  }
  var locked = document.getElementById("declaration-locked");
  var form = document.getElementById("declaration-form");
  var box = document.getElementById("declaration-confirm");
  var error = document.getElementById("declaration-error");
  var field = document.getElementById("declaration-field");
  var complete = document.getElementById("course-complete");
  var completeHeading = document.getElementById("course-complete-heading");
  var dateEl = document.getElementById("course-complete-date");
  var scores = document.getElementById("course-complete-scores");
  var lang = document.documentElement.getAttribute("lang") || undefined;
  var Identity = window.HandbookIdentity;
  var Completion = window.HandbookCompletion;
  var tokenSection = document.getElementById("token");

  function showLocked() {
    if (!locked) {
      return;
    }
    var remaining = Progress.remaining(data);
    var open = {};
    for (var i = 0; i < remaining.length; i++) {
      open[remaining[i].id] = true;
    }
    var items = locked.querySelectorAll("[data-remaining]");
    for (var j = 0; j < items.length; j++) {
      items[j].hidden = !open[items[j].getAttribute("data-remaining")];
    }
    var text = document.getElementById("declaration-locked-text");
    if (text) {
      text.textContent = C.t("declaration.still_to_pass", { count: remaining.length });
    }
    locked.hidden = false;
  }

  function showComplete(declaration, moveFocus) {
    var record = Progress.load(data);
    if (dateEl) {
      dateEl.textContent = C.longDate(declaration.at, lang);
      dateEl.setAttribute("datetime", declaration.at);
    }
    if (scores) {
      C.clear(scores);
      for (var i = 0; i < data.modules.length; i++) {
        var mod = data.modules[i];
        var m = record.modules[mod.id];
        scores.appendChild(C.el("li", null,
          m ? C.t("declaration.score", { module: mod.title, best: m.best }) :
            C.t("declaration.not_recorded", { module: mod.title })));
      }
    }
    if (form) {
      form.hidden = true;
    }
    if (locked) {
      locked.hidden = true;
    }
    if (complete) {
      complete.hidden = false;
    }
    if (!showToken(moveFocus) && moveFocus && completeHeading) {
      completeHeading.focus();
    }
  }

  /* The token of the person signed in. Returns true when it moved the
     focus. */
  function showToken(moveFocus) {
    if (!Identity || !Completion || !tokenSection) {
      return false;
    }
    var who = Identity.get(data);
    var record = Progress.load(data);
    var token = who && record.declaration ? Completion.render(tokenSection, data, record, who) : null;
    if (!token) {
      Completion.hide(tokenSection);
      return false;
    }
    var target = document.getElementById("token-heading");
    if (moveFocus && target) {
      target.focus();
      return true;
    }
    return false;
  }

  function setError(on) {
    if (!error || !box) {
      return;
    }
    error.hidden = !on;
    if (on) {
      box.setAttribute("aria-invalid", "true");
      box.setAttribute("aria-describedby", error.id);
      if (field) {
        field.classList.add("declaration-field--invalid");
      }
    } else {
      box.removeAttribute("aria-invalid");
      box.removeAttribute("aria-describedby");
      if (field) {
        field.classList.remove("declaration-field--invalid");
      }
    }
  }

  function showForm() {
    setError(false);
    if (box) {
      box.checked = false;
    }
    if (form) {
      form.hidden = false;
    }
  }

  if (form) {
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      if (!box || !box.checked) {
        setError(true);
        if (box) {
          box.focus();
        }
        return;
      }
      setError(false);
      var declaration = Progress.saveDeclaration(data);
      if (!declaration) {
        // Nobody is signed in any more (signed out in the meantime).
        update();
        return;
      }
      showComplete(declaration, true);
    });
  }
  if (box) {
    box.addEventListener("change", function () {
      if (box.checked) {
        setError(false);
      }
    });
  }

  function update() {
    var record = Progress.load(data);
    if (locked) {
      locked.hidden = true;
    }
    if (form) {
      form.hidden = true;
    }
    if (complete) {
      complete.hidden = true;
    }
    if (tokenSection && Completion) {
      Completion.hide(tokenSection);
    }
    if (!Progress.signedIn(data)) {
      // The identity step at the top asks them to sign in first.
      return;
    }
    if (record.declaration) {
      showComplete(record.declaration, false);
    } else if (Progress.allPassed(data)) {
      showForm();
    } else {
      showLocked();
    }
  }

  update();
  Progress.watch(update);
})(window.HandbookCommon, window.HandbookProgress);
