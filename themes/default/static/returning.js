/* handbook course: the "what changed since you last did the course" notice
   on the course home (#returning-notice). When this browser holds the
   signed-in person's progress for an earlier version of the policy (only
   theirs: progress is kept per person), it names that version and links to
   the "what changed" page of every version published since, saying whether
   a major change means the course must be done again. It is drawn again
   when somebody signs in or out.
   Needs common.js and progress.js loaded first. Plain classic script,
   ES5. */
(function (C, Progress) {
  "use strict";

  var notice = document.getElementById("returning-notice");
  var data = C && Progress && notice ? Progress.readData() : null;
  var home = !data && C && notice ? C.pageData("course-data") : null;
  /* On the course home, every policy's course: the notice is about the
     first that has progress in an earlier version. */
  var all = [];
  if (data) {
    all.push(data);
  } else if (home && home.policies) {
    for (var p = 0; p < home.policies.length; p++) {
      var one = Progress.readData("course-data-" + home.policies[p]);
      if (one) {
        all.push(one);
      }
    }
  }
  if (!all.length) {
    return;
  }
  var root = notice.getAttribute("data-root") || "../";
  var el = C.el;

  function clear() {
    notice.hidden = true;
    notice.removeAttribute("aria-labelledby");
    C.clear(notice);
  }

  function render() {
    clear();
    var others = [];
    for (var a = 0; a < all.length && !others.length; a++) {
      data = all[a];
      others = data.history && data.history.length ? Progress.otherVersions(data) : [];
    }
    if (!others.length) {
      return;
    }

    // The newest earlier version this browser has progress for, that is in
    // the published history before the current one.
    var position = {};
    for (var i = 0; i < data.history.length; i++) {
      position[data.history[i].id] = i;
    }
    var current = position[data.version];
    var previous = null;
    for (var j = 0; j < others.length; j++) {
      var at = position[others[j].version];
      if (at !== undefined && current !== undefined && at < current &&
          (previous === null || at > position[previous.version])) {
        previous = others[j];
      }
    }
    if (previous === null) {
      return;
    }
    var since = data.history.slice(position[previous.version] + 1, current + 1);
    var major = false;
    for (var k = 0; k < since.length; k++) {
      if (!since[k].minor) {
        major = true;
      }
    }
    var old = data.history[position[previous.version]];
    var completed = previous.record && previous.record.declaration;

    notice.appendChild(el("h2", { id: "returning-heading" },
      C.t("returning.heading")));
    notice.appendChild(el("p", null,
      C.t(completed ? "returning.held_completed" : "returning.held", { old: old.label, label: data.label })));
    notice.appendChild(el("p", null, major
      ? C.t("returning.major")
      : C.t("returning.minor", { old: old.label })));
    var list = el("ul");
    for (var m = 0; m < since.length; m++) {
      if (!since[m].changes_url) {
        continue;
      }
      var item = el("li");
      item.appendChild(el("a", { href: root + since[m].changes_url, "class": "changes-link" },
        C.t(since[m].minor ? "returning.changes_minor" : "returning.changes_major", { label: since[m].label })));
      list.appendChild(item);
    }
    notice.appendChild(list);
    notice.setAttribute("aria-labelledby", "returning-heading");
    notice.hidden = false;
  }

  render();
  Progress.watch(render);
})(window.HandbookCommon, window.HandbookProgress);
