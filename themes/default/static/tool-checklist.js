/* handbook tools: the checklist (e.g. the Appendix A personal-use check).

   The checkboxes are real ones in the page, so they work (and print)
   without JavaScript. This script remembers which are ticked in this
   browser only (localStorage, key from #tool-checklist's
   data-storage-key: "handbook:<site id>:checklist:<page url>", value a JSON
   list of item ids), shows the count ("3 of 11 done", a polite live
   region), and wires the Reset and Print buttons. Nothing is sent
   anywhere. If storage is not available (private mode, blocked), ticking
   still works for as long as the page is open.

   Needs common.js. Plain classic script, ES5: works on https, plain http
   and file://. */
(function (C) {
  "use strict";

  var box = document.getElementById("tool-checklist");
  if (!box || !C) {
    return;
  }
  var key = box.getAttribute("data-storage-key") || "handbook:checklist:" + window.location.pathname;
  var inputs = box.querySelectorAll("input[data-item]");
  var count = document.getElementById("checklist-count");
  var actions = document.getElementById("checklist-actions");
  var resetButton = document.getElementById("checklist-reset");
  var printButton = document.getElementById("checklist-print");
  if (!inputs.length) {
    return;
  }

  function load() {
    try {
      var raw = window.localStorage.getItem(key);
      var list = raw ? JSON.parse(raw) : [];
      return list && list.length !== undefined ? list : [];
    } catch (e) {
      return [];
    }
  }

  function save() {
    var ids = [];
    for (var i = 0; i < inputs.length; i++) {
      if (inputs[i].checked) {
        ids.push(inputs[i].getAttribute("data-item"));
      }
    }
    try {
      if (ids.length) {
        window.localStorage.setItem(key, JSON.stringify(ids));
      } else {
        window.localStorage.removeItem(key);
      }
    } catch (e) {
      // Storage full or blocked: the ticks last until the page is closed.
    }
  }

  function updateCount() {
    var done = 0;
    for (var i = 0; i < inputs.length; i++) {
      if (inputs[i].checked) {
        done++;
      }
      var item = inputs[i].closest ? inputs[i].closest(".checklist-item") : null;
      if (item) {
        if (inputs[i].checked) {
          item.classList.add("is-done");
        } else {
          item.classList.remove("is-done");
        }
      }
    }
    if (count) {
      count.textContent = C.t("checklist.count", { done: done, total: inputs.length });
    }
  }

  // Restore the saved ticks (and only those: a form the browser refilled
  // on "back" is set to what was saved).
  var saved = load();
  for (var i = 0; i < inputs.length; i++) {
    inputs[i].checked = saved.indexOf(inputs[i].getAttribute("data-item")) !== -1;
  }
  // Fill in the count before showing it, so it is not announced on load.
  updateCount();
  if (count) {
    count.hidden = false;
  }
  if (actions) {
    actions.hidden = false;
  }

  box.addEventListener("change", function (event) {
    var target = event.target;
    if (!target || !target.getAttribute || !target.getAttribute("data-item")) {
      return;
    }
    save();
    updateCount();
  });

  if (resetButton) {
    resetButton.addEventListener("click", function () {
      for (var i = 0; i < inputs.length; i++) {
        inputs[i].checked = false;
      }
      save();
      updateCount();
    });
  }

  C.printButton(printButton);
})(window.HandbookCommon);
