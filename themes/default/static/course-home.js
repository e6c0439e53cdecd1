/* handbook course: the course home (course/index.html), with every
   policy's course (each a [data-course] section with its own
   #course-data-<policy>; #course-data names them).
   Fills in, for the person signed in (identity.js), in each course, each module's status
   ([data-module-status]), the course's progress ([data-course-progress],
   [data-course-progress-bar], and data-course-state on the section:
   "complete" or "<passed>/<total>"), a "Start with" / "Continue with"
   link to the first module not yet passed, and the state of the
   declaration ([data-declaration-state], [data-declaration-link]). With nobody signed in it shows
   no progress at all (the identity step asks them to sign in first), and
   it redraws whenever somebody signs in or out, so each person only ever
   sees their own progress.
   Needs common.js and progress.js loaded first. Plain classic script,
   ES5. */
(function (C, Progress) {
  "use strict";

  var home = C && Progress ? C.pageData("course-data") : null;
  if (!home || !home.policies) {
    return;
  }
  /* Each policy's course: its data and its part of the page. */
  var courses = [];
  for (var c = 0; c < home.policies.length; c++) {
    var policyData = Progress.readData("course-data-" + home.policies[c]);
    var box = document.getElementById("course-" + home.policies[c]);
    if (policyData && box) {
      courses.push({ data: policyData, box: box });
    }
  }
  if (!courses.length) {
    return;
  }
  var lang = document.documentElement.getAttribute("lang") || undefined;
  var STATES = ["passed", "failed", "not-started"];

  function byAttribute(box, name, value) {
    var all = box.querySelectorAll("[" + name + "]");
    var found = [];
    for (var i = 0; i < all.length; i++) {
      if (value === undefined || all[i].getAttribute(name) === value) {
        found.push(all[i]);
      }
    }
    return found;
  }

  function first(box, name) {
    return byAttribute(box, name)[0] || null;
  }

  /* Nobody signed in: no progress to show, and nothing to continue. */
  function showSignedOut(box) {
    var statuses = byAttribute(box, "data-module-status");
    for (var i = 0; i < statuses.length; i++) {
      statuses[i].textContent = "";
      statuses[i].removeAttribute("data-state");
      statuses[i].hidden = true;
    }
    var items = byAttribute(box, "data-module");
    for (var k = 0; k < items.length; k++) {
      for (var s = 0; s < STATES.length; s++) {
        items[k].classList.remove("module-item--" + STATES[s]);
      }
    }
    var panel = first(box, "data-course-progress-panel");
    if (panel) {
      panel.hidden = true;
    }
    var cont = first(box, "data-course-continue");
    if (cont) {
      cont.hidden = true;
    }
    var declState = first(box, "data-declaration-state");
    if (declState) {
      declState.textContent = C.t("course.sign_in_first");
      declState.setAttribute("data-state", "signed-out");
      declState.hidden = false;
    }
    var declLink = first(box, "data-declaration-link");
    if (declLink) {
      declLink.textContent = C.t("course.go_to_declaration");
    }
  }

  function updateCourse(data, box) {
    if (!Progress.signedIn(data)) {
      showSignedOut(box);
      return;
    }
    var record = Progress.load(data);
    var total = data.modules.length;
    var passed = 0;
    var firstOpen = null;

    /* Each module's status. */
    for (var i = 0; i < total; i++) {
      var mod = data.modules[i];
      var m = Object.prototype.hasOwnProperty.call(record.modules, mod.id) ? record.modules[mod.id] : null;
      var state;
      var text;
      if (m && m.passed) {
        state = "passed";
        text = C.t("course.status_passed", { best: m.best });
        passed++;
      } else if (m && m.attempts > 0) {
        state = "failed";
        text = C.t("course.status_failed", { best: m.best });
      } else {
        state = "not-started";
        text = C.t("course.status_not_started");
      }
      if (state !== "passed" && !firstOpen) {
        firstOpen = { module: mod, started: state === "failed" };
      }
      var els = byAttribute(box, "data-module-status", mod.id);
      for (var j = 0; j < els.length; j++) {
        els[j].textContent = text;
        els[j].setAttribute("data-state", state);
        els[j].hidden = false;
      }
      var items = byAttribute(box, "data-module", mod.id);
      for (var k = 0; k < items.length; k++) {
        for (var s = 0; s < STATES.length; s++) {
          items[k].classList.remove("module-item--" + STATES[s]);
        }
        items[k].classList.add("module-item--" + state);
      }
    }

    /* Overall progress. */
    var summary = first(box, "data-course-progress");
    if (summary) {
      summary.textContent = C.t("course.progress", { passed: passed, count: total });
    }
    var bar = first(box, "data-course-progress-bar");
    if (bar) {
      bar.max = total || 1;
      bar.value = passed;
    }
    var cont = first(box, "data-course-continue");
    if (cont) {
      cont.hidden = true;
      var link = cont.querySelector("a");
      // The module list's own link already has the right relative address.
      var target = firstOpen ? byAttribute(box, "data-module", firstOpen.module.id)[0] : null;
      var targetLink = target ? target.querySelector("a[href]") : null;
      if (link && targetLink) {
        link.href = targetLink.getAttribute("href");
        link.textContent = C.t(passed === 0 && !firstOpen.started ? "course.start_with" : "course.continue_with",
          { module: firstOpen.module.title });
        cont.hidden = false;
      }
    }
    var panel = first(box, "data-course-progress-panel");
    if (panel) {
      panel.hidden = false;
    }

    /* The declaration. */
    var declState = first(box, "data-declaration-state");
    var declLink = first(box, "data-declaration-link");
    var left = total - passed;
    var stateName;
    var stateText;
    var linkText;
    if (record.declaration) {
      var when = C.longDate(record.declaration.at, lang);
      stateName = "signed";
      stateText = when ? C.t("course.state_signed_on", { date: when }) : C.t("course.state_signed");
      linkText = C.t("course.see_declaration");
    } else if (left === 0 && total > 0) {
      stateName = "ready";
      stateText = C.t("course.state_ready");
      linkText = C.t("course.sign_declaration");
    } else {
      stateName = "locked";
      stateText = C.t("course.state_locked", { count: left });
      linkText = C.t("course.go_to_declaration");
    }
    box.setAttribute("data-course-state", record.declaration ? "complete" : passed + "/" + total);
    if (declState) {
      declState.textContent = stateText;
      declState.setAttribute("data-state", stateName);
      declState.hidden = false;
    }
    if (declLink) {
      declLink.textContent = linkText;
    }
  }

  function update() {
    for (var i = 0; i < courses.length; i++) {
      updateCourse(courses[i].data, courses[i].box);
    }
  }

  update();
  Progress.watch(update);
})(window.HandbookCommon, window.HandbookProgress);
