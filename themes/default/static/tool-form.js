/* handbook tools: the form (e.g. the social media account application).

   The form is already in the page, so without JavaScript it can still be
   filled in and printed. This script:
   - checks the answers when the form is submitted (nothing is sent: the
     submit is always stopped here): the error summary at the top
     (#form-errors, common.js: focused, a link to each field, "Error: " in
     the page title), and an error message above each field with a problem;
   - lets a "names" field grow ("Add another name");
   - when all is well, hides the form and shows the application
     (#application-summary) with every answer, a Print button and a
     "Download as a text file" link (a Blob URL named by the link's download
     attribute; the file ends with the text of #application-note; nothing
     leaves the browser). "Change my answers" shows the form again.

   Field definitions come from the JSON in #tool-data: { title, fields: [
   {id, label, kind: text|textarea|names|choice, required, min, options} ] }.
   Inputs are #field-<id>; names and choice inputs are #field-<id>-1, -2 …

   Needs common.js. Plain classic script, ES5: works on https, plain http
   and file://. Builds everything with createElement and textContent. */
(function (C) {
  "use strict";

  var box = document.getElementById("tool-form");
  var form = document.getElementById("account-form");
  var data = C ? C.pageData("tool-data", "fields") : null;
  if (!box || !form || !data) {
    return;
  }
  var fields = data.fields;
  var el = C.el;

  var submitButton = document.getElementById("form-submit");
  var errorBox = document.getElementById("form-errors");
  var errors = errorBox ? C.errorSummary(errorBox, "h3") : null;
  var summary = document.getElementById("application-summary");
  var summaryHeading = document.getElementById("application-summary-title");
  var summaryMeta = document.getElementById("application-meta");
  var answersList = document.getElementById("application-answers");
  var printButton = document.getElementById("print-application");
  var downloadLink = document.getElementById("download-application");
  var editButton = document.getElementById("edit-application");
  var noJs = document.getElementById("form-nojs");
  var blobUrl = null;
  var MAX_NAMES = 30;

  /* The numbers 0 to 10 in words, from the translation. */
  var NUMBERS = C.t("form.number_words").split(/\s+/);

  function byId(id) {
    return document.getElementById(id);
  }

  function numberWord(n) {
    return n >= 0 && n < NUMBERS.length ? NUMBERS[n] : String(n);
  }

  // "The aim of the account" -> "the aim of the account"; keeps "CEO" etc.
  function lowerFirst(text) {
    if (!text) {
      return "";
    }
    var first = text.charAt(0);
    var second = text.charAt(1);
    if (second && second === second.toUpperCase() && second !== second.toLowerCase()) {
      return text;
    }
    return first.toLowerCase() + text.slice(1);
  }

  function withoutEnd(text) {
    return String(text || "").replace(/\s*\([^)]*\)\s*$/, "").replace(/[\s?.:]+$/, "");
  }

  // ----- set-up -----

  form.noValidate = true;
  if (noJs) {
    noJs.hidden = true;
  }
  if (submitButton) {
    submitButton.disabled = false;
    submitButton.hidden = false;
  }
  var addButtons = form.querySelectorAll("button[data-names]");
  for (var a = 0; a < addButtons.length; a++) {
    addButtons[a].hidden = false;
    addButtons[a].addEventListener("click", addName);
  }

  function namesInputs(field) {
    var list = byId("names-" + field.id);
    return list ? list.querySelectorAll("input") : [];
  }

  function addName(event) {
    var id = event.currentTarget.getAttribute("data-names");
    var list = byId("names-" + id);
    if (!list) {
      return;
    }
    var n = list.querySelectorAll("input").length + 1;
    if (n > MAX_NAMES) {
      return;
    }
    var item = el("li", { "class": "names-item" });
    var label = el("label", { "class": "names-label", "for": "field-" + id + "-" + n }, C.t("form.name_n", { n: n }));
    var input = el("input", {
      "class": "field-input",
      type: "text",
      id: "field-" + id + "-" + n,
      name: id,
      spellcheck: "false"
    });
    item.appendChild(label);
    item.appendChild(input);
    list.appendChild(item);
    input.focus();
  }

  // ----- reading and checking -----

  function valueOf(field) {
    var i, values;
    if (field.kind === "names") {
      values = [];
      var inputs = namesInputs(field);
      for (i = 0; i < inputs.length; i++) {
        var name = inputs[i].value.replace(/\s+/g, " ").replace(/^ | $/g, "");
        if (name) {
          values.push(name);
        }
      }
      return values;
    }
    if (field.kind === "choice") {
      var radios = form.querySelectorAll("input[type=radio][name='" + field.id + "']");
      for (i = 0; i < radios.length; i++) {
        if (radios[i].checked) {
          return radios[i].value;
        }
      }
      return "";
    }
    var input = byId("field-" + field.id);
    return input ? input.value.replace(/^\s+|\s+$/g, "") : "";
  }

  function namesMessage(field) {
    var min = Number(field.min) || 1;
    var label = field.label || "";
    var who = C.t(/staff/i.test(label) ? "form.staff_members" : "form.people", { count: min });
    var m = /^(who will .+?)\s*(\(.*\))?\s*[?.]?$/i.exec(label);
    return C.t("form.name_at_least", {
      number: numberWord(min),
      who: who,
      rest: m ? " " + lowerFirst(m[1]) : ""
    });
  }

  // The problem with one field, or "" when there is none.
  function problem(field, value) {
    if (field.kind === "names") {
      var min = Number(field.min) || 0;
      if (min > 0 && value.length < min) {
        return namesMessage(field);
      }
      if (field.required && !value.length) {
        return C.t("form.enter_a_name");
      }
      return "";
    }
    if (!field.required || value) {
      return "";
    }
    if (field.kind === "choice") {
      return C.t("form.choose", { label: field.label });
    }
    return C.t("form.enter", { label: lowerFirst(withoutEnd(field.label)) });
  }

  // The input an error links to and the element that gets aria-invalid.
  function targetOf(field) {
    if (field.kind === "names") {
      var inputs = namesInputs(field);
      for (var i = 0; i < inputs.length; i++) {
        if (!inputs[i].value.replace(/\s+/g, "")) {
          return inputs[i];
        }
      }
      return inputs[0] || null;
    }
    if (field.kind === "choice") {
      return byId("field-" + field.id + "-1");
    }
    return byId("field-" + field.id);
  }

  function groupOf(field) {
    return field.kind === "names" || field.kind === "choice" ? byId("field-" + field.id) : byId("group-" + field.id);
  }

  function clearErrors() {
    for (var i = 0; i < fields.length; i++) {
      var field = fields[i];
      var group = groupOf(field);
      var message = byId("error-" + field.id);
      if (group) {
        group.classList.remove("field--error");
      }
      if (message) {
        message.hidden = true;
        C.clear(message);
      }
      var inputs = group ? group.querySelectorAll("input, textarea") : [];
      for (var j = 0; j < inputs.length; j++) {
        inputs[j].removeAttribute("aria-invalid");
        if (field.kind !== "names" && field.kind !== "choice") {
          C.describedBy(inputs[j], "error-" + field.id, false);
        }
      }
      if (field.kind === "names" || field.kind === "choice") {
        C.describedBy(group, "error-" + field.id, false);
      }
    }
    if (errors) {
      errors.hide();
    }
  }

  // Shows the field's error; returns the error summary's item for it.
  function showError(field, text) {
    var group = groupOf(field);
    var message = byId("error-" + field.id);
    if (group) {
      group.classList.add("field--error");
    }
    if (message) {
      message.appendChild(el("span", { "class": "visually-hidden" }, C.t("common.error_prefix")));
      message.appendChild(document.createTextNode(text));
      message.hidden = false;
    }
    if (field.kind === "names" || field.kind === "choice") {
      C.describedBy(group, "error-" + field.id, true);
      var inputs = group ? group.querySelectorAll("input") : [];
      for (var j = 0; j < inputs.length; j++) {
        if (field.kind === "choice" || !inputs[j].value.replace(/\s+/g, "")) {
          inputs[j].setAttribute("aria-invalid", "true");
        }
      }
    } else {
      var input = byId("field-" + field.id);
      if (input) {
        input.setAttribute("aria-invalid", "true");
        C.describedBy(input, "error-" + field.id, true);
      }
    }
    return { text: text, target: targetOf(field) || group || box };
  }

  // ----- the application -----

  function today() {
    return C.longDate(new Date(), box.getAttribute("data-language") || document.documentElement.lang || "en-GB");
  }

  function metaLine() {
    var org = box.getAttribute("data-org") || "";
    var site = box.getAttribute("data-site-title") || "";
    var version = box.getAttribute("data-version") || "";
    var parts = [];
    if (org || site) {
      parts.push([org, site].filter(function (x) { return x; }).join(", "));
    }
    if (version) {
      parts.push(C.t("form.policy_version", { version: version }));
    }
    return parts.join(", ");
  }

  function textFile(title, date, answers) {
    var lines = [title];
    var meta = metaLine();
    if (meta) {
      lines.push(meta);
    }
    lines.push(C.t("form.date", { date: date }));
    lines.push("");
    for (var i = 0; i < answers.length; i++) {
      lines.push(answers[i].label);
      if (answers[i].list) {
        if (!answers[i].list.length) {
          lines.push("  " + C.t("form.not_answered"));
        }
        for (var j = 0; j < answers[i].list.length; j++) {
          lines.push("  - " + answers[i].list[j]);
        }
      } else {
        var text = answers[i].text || C.t("form.not_answered");
        var parts = text.split(/\r\n|\r|\n/);
        for (var k = 0; k < parts.length; k++) {
          lines.push("  " + parts[k]);
        }
      }
      lines.push("");
    }
    var note = byId("application-note");
    if (note && note.textContent) {
      lines.push(note.textContent.replace(/\s+/g, " ").replace(/^ | $/g, ""));
    }
    return lines.join("\r\n") + "\r\n";
  }

  function showApplication() {
    var title = data.title || box.getAttribute("data-page-title") || C.t("form.application");
    var date = today();
    var answers = [];
    for (var i = 0; i < fields.length; i++) {
      var value = valueOf(fields[i]);
      if (fields[i].kind === "names") {
        answers.push({ label: fields[i].label, list: value });
      } else {
        answers.push({ label: fields[i].label, text: value });
      }
    }

    C.clear(answersList);
    for (var n = 0; n < answers.length; n++) {
      var row = el("div", { "class": "application-row" });
      row.appendChild(el("dt", null, answers[n].label));
      var dd = el("dd");
      if (answers[n].list) {
        if (answers[n].list.length) {
          var ul = el("ul", { "class": "application-names" });
          for (var m = 0; m < answers[n].list.length; m++) {
            ul.appendChild(el("li", null, answers[n].list[m]));
          }
          dd.appendChild(ul);
        } else {
          dd.textContent = C.t("form.not_answered");
        }
      } else {
        dd.className = "application-text";
        dd.textContent = answers[n].text || C.t("form.not_answered");
      }
      row.appendChild(dd);
      answersList.appendChild(row);
    }
    if (summaryMeta) {
      var meta = metaLine();
      summaryMeta.textContent = meta ? C.t("form.prepared_meta", { title: title, meta: meta, date: date }) :
        C.t("form.prepared", { title: title, date: date });
    }

    if (downloadLink) {
      if (blobUrl && window.URL && URL.revokeObjectURL) {
        URL.revokeObjectURL(blobUrl);
        blobUrl = null;
      }
      if (window.Blob && window.URL && URL.createObjectURL) {
        var blob = new Blob([textFile(title, date, answers)], { type: "text/plain;charset=utf-8" });
        blobUrl = URL.createObjectURL(blob);
        downloadLink.href = blobUrl;
        if (!downloadLink.getAttribute("download")) {
          downloadLink.setAttribute("download", "application.txt");
        }
        downloadLink.hidden = false;
      } else {
        downloadLink.hidden = true;
      }
    }

    form.hidden = true;
    box.classList.add("is-complete");
    summary.hidden = false;
    if (summaryHeading) {
      summaryHeading.focus();
    }
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    clearErrors();
    var problems = [];
    for (var i = 0; i < fields.length; i++) {
      var text = problem(fields[i], valueOf(fields[i]));
      if (text) {
        problems.push(showError(fields[i], text));
      }
    }
    if (problems.length) {
      if (errors) {
        errors.show(problems);
      }
      return;
    }
    showApplication();
  });

  if (editButton) {
    editButton.addEventListener("click", function () {
      summary.hidden = true;
      box.classList.remove("is-complete");
      form.hidden = false;
      var first = form.querySelector("input, textarea");
      if (first) {
        first.focus();
      }
    });
  }

  C.printButton(printButton);
})(window.HandbookCommon);
