/* handbook course: the declaration page (course/declaration.html).
   Shows, from the progress saved in this browser:
   - #declaration-locked, listing the modules still to pass, or
   - #declaration-form (every module passed): the reader ticks
     #declaration-confirm and presses #declaration-submit, or
   - #course-complete (declaration signed), with the date and the scores.
   Needs progress.js loaded first. Plain classic script, ES5. */
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
    if (moveFocus && completeHeading) {
      completeHeading.focus();
    }
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
