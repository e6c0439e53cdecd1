/* handbook course: the declaration page (course/declaration.html).
   Shows, from the progress saved in this browser:
   - #declaration-locked, listing the modules still to pass, or
   - #declaration-form (every module passed): the reader ticks
     #declaration-confirm and presses #declaration-submit, or
   - #course-complete (declaration signed), with the date and the scores,
     then the completion token (#token, from completion.js) once the staff
     id and personal code are known, or else the identity form (#identity,
     from identity.js) that asks for them.
   After signing, focus moves to the token's heading (#token-heading), or to
   the identity form's heading (#identity-heading) when it is needed first.
   Needs progress.js first, then token.js, identity.js and completion.js
   (without them the page works as before, without a token).
   Plain classic script, ES5. */
(function () {
  "use strict";

  var Progress = window.HandbookProgress;
  if (!Progress) {
    return;
  }
  var data = Progress.readData();
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
  var identitySection = document.getElementById("identity");
  var tokenSection = document.getElementById("token");
  var identityNote = document.getElementById("declaration-identity-note");

  function formatDate(iso) {
    var d = new Date(iso);
    if (isNaN(d.getTime())) {
      return "";
    }
    try {
      return d.toLocaleDateString(lang, { day: "numeric", month: "long", year: "numeric" });
    } catch (e) {
      return d.toDateString();
    }
  }

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
      text.textContent = "You can sign the declaration once you have passed every module of the course. " +
        (remaining.length === 1 ? "1 module is" : remaining.length + " modules are") + " still to pass:";
    }
    locked.hidden = false;
  }

  function showComplete(declaration, moveFocus) {
    var record = Progress.load(data);
    if (dateEl) {
      dateEl.textContent = formatDate(declaration.at);
      dateEl.setAttribute("datetime", declaration.at);
    }
    if (scores) {
      while (scores.firstChild) {
        scores.removeChild(scores.firstChild);
      }
      for (var i = 0; i < data.modules.length; i++) {
        var mod = data.modules[i];
        var m = record.modules[mod.id];
        var li = document.createElement("li");
        li.textContent = mod.title + ": " + (m ? "passed, best score " + m.best + "%" : "not recorded");
        scores.appendChild(li);
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

  /* The token, or the identity form when the id and code are not known
     yet. Returns true when it moved the focus. */
  function showToken(moveFocus) {
    if (!Identity || !Completion || !identitySection || !tokenSection) {
      return false;
    }
    var who = null;
    Identity.mount(identitySection, data, {
      headingLevel: 3,
      purpose: "token",
      onSaved: function () {
        showToken(true);
      },
      onCleared: function () {
        Completion.hide(tokenSection);
      }
    });
    who = Identity.get(data);
    var record = Progress.load(data);
    var token = who && record.declaration ? Completion.render(tokenSection, data, record, who) : null;
    if (!token) {
      Completion.hide(tokenSection);
    }
    if (!moveFocus) {
      return false;
    }
    var target = document.getElementById(token ? "token-heading" : "identity-heading");
    if (target) {
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
    if (form) {
      form.hidden = false;
    }
    if (identityNote) {
      identityNote.hidden = !(Identity && !Identity.get(data));
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
    if (record.declaration) {
      showComplete(record.declaration, false);
    } else if (Progress.allPassed(data)) {
      showForm();
    } else {
      showLocked();
    }
  }

  update();
  /* Coming back with the Back button can show this page as it was left
     (the back/forward cache): show the current state. */
  window.addEventListener("pageshow", function (event) {
    if (event.persisted) {
      update();
    }
  });
})();
