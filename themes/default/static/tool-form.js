/* handbook tools: the form (e.g. the social media account application).

   The form is already in the page, so without JavaScript it can still be
   filled in and printed. This script:
   - checks the answers when the form is submitted (nothing is sent: the
     submit is always stopped here): a GOV.UK-style error summary at the top
     (#form-errors, focused) with a link to each field, and an error message
     above each field with a problem;
   - lets a "names" field grow ("Add another name");
   - when all is well, hides the form and shows the application
     (#application-summary) with every answer, a Print button and a
     "Download as a text file" link (a Blob URL named by the link's download
     attribute; the file ends with the text of #application-note; nothing
     leaves the browser). "Change my answers" shows the form again.

   Field definitions come from the JSON in #tool-data: { title, fields: [
   {id, label, kind: text|textarea|names|choice, required, min, options} ] }.
   Inputs are #field-<id>; names and choice inputs are #field-<id>-1, -2 …

   Plain classic script, ES5: works on https, plain http and file://.
   Builds everything with createElement and textContent. */
(function () {
  "use strict";

  var box = document.getElementById("tool-form");
  var form = document.getElementById("account-form");
  var dataEl = document.getElementById("tool-data");
  if (!box || !form || !dataEl) {
    return;
  }
  var data;
  try {
    data = JSON.parse(dataEl.textContent);
  } catch (e) {
    return;
  }
  if (!data || !data.fields || !data.fields.length) {
    return;
  }
  var fields = data.fields;

  var submitButton = document.getElementById("form-submit");
  var errorBox = document.getElementById("form-errors");
  var errorList = document.getElementById("form-errors-list");
  var summary = document.getElementById("application-summary");
  var summaryHeading = document.getElementById("application-summary-title");
  var summaryMeta = document.getElementById("application-meta");
  var answersList = document.getElementById("application-answers");
  var printButton = document.getElementById("print-application");
  var downloadLink = document.getElementById("download-application");
  var editButton = document.getElementById("edit-application");
  var noJs = document.getElementById("form-nojs");
  var pageTitle = document.title;
  var blobUrl = null;
  var MAX_NAMES = 30;

  var NUMBERS = ["no", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten"];

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
    var item = el("li", "names-item");
    var label = el("label", "names-label", "Name " + n);
    label.htmlFor = "field-" + id + "-" + n;
    var input = el("input", "field-input");
    input.type = "text";
    input.id = "field-" + id + "-" + n;
    input.name = id;
    input.spellcheck = false;
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
    var who = /staff/i.test(label) ? (min === 1 ? "staff member" : "staff members") : (min === 1 ? "person" : "people");
    var m = /^(who will .+?)\s*(\(.*\))?\s*[?.]?$/i.exec(label);
    return "Name at least " + numberWord(min) + " " + who + (m ? " " + lowerFirst(m[1]) : "") + ".";
  }

  // The problem with one field, or "" when there is none.
  function problem(field, value) {
    if (field.kind === "names") {
      var min = Number(field.min) || 0;
      if (min > 0 && value.length < min) {
        return namesMessage(field);
      }
      if (field.required && !value.length) {
        return "Enter at least one name.";
      }
      return "";
    }
    if (!field.required || value) {
      return "";
    }
    if (field.kind === "choice") {
      return "Choose an answer to “" + field.label + "”";
    }
    return "Enter " + lowerFirst(withoutEnd(field.label)) + ".";
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

  function describedBy(node, id, add) {
    if (!node) {
      return;
    }
    var list = (node.getAttribute("aria-describedby") || "").split(/\s+/);
    var out = [];
    for (var i = 0; i < list.length; i++) {
      if (list[i] && list[i] !== id) {
        out.push(list[i]);
      }
    }
    if (add) {
      out.push(id);
    }
    if (out.length) {
      node.setAttribute("aria-describedby", out.join(" "));
    } else {
      node.removeAttribute("aria-describedby");
    }
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
        while (message.firstChild) {
          message.removeChild(message.firstChild);
        }
      }
      var inputs = group ? group.querySelectorAll("input, textarea") : [];
      for (var j = 0; j < inputs.length; j++) {
        inputs[j].removeAttribute("aria-invalid");
        if (field.kind !== "names" && field.kind !== "choice") {
          describedBy(inputs[j], "error-" + field.id, false);
        }
      }
      if (field.kind === "names" || field.kind === "choice") {
        describedBy(group, "error-" + field.id, false);
      }
    }
    if (errorList) {
      while (errorList.firstChild) {
        errorList.removeChild(errorList.firstChild);
      }
    }
    if (errorBox) {
      errorBox.hidden = true;
    }
    document.title = pageTitle;
  }

  function showError(field, text) {
    var group = groupOf(field);
    var message = byId("error-" + field.id);
    if (group) {
      group.classList.add("field--error");
    }
    if (message) {
      message.appendChild(el("span", "visually-hidden", "Error: "));
      message.appendChild(document.createTextNode(text));
      message.hidden = false;
    }
    if (field.kind === "names" || field.kind === "choice") {
      describedBy(group, "error-" + field.id, true);
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
        describedBy(input, "error-" + field.id, true);
      }
    }
    if (errorList) {
      var target = targetOf(field);
      var item = el("li");
      var link = el("a", null, text);
      link.href = "#" + (target ? target.id : "field-" + field.id);
      link.setAttribute("data-field", field.id);
      item.appendChild(link);
      errorList.appendChild(item);
    }
  }

  // An error summary link moves focus to the field and shows its question.
  if (errorList) {
    errorList.addEventListener("click", function (event) {
      var link = event.target;
      while (link && link !== errorList && link.tagName !== "A") {
        link = link.parentNode;
      }
      if (!link || link === errorList) {
        return;
      }
      var target = byId((link.getAttribute("href") || "").slice(1));
      if (!target) {
        return;
      }
      event.preventDefault();
      var group = target.closest ? target.closest(".field") : null;
      var label = group ? group.querySelector("legend, .field-label") : null;
      target.focus();
      if (label && label.scrollIntoView) {
        label.scrollIntoView();
      }
    });
  }

  // ----- the application -----

  function today() {
    var now = new Date();
    var lang = box.getAttribute("data-language") || document.documentElement.lang || "en-GB";
    try {
      return now.toLocaleDateString(lang, { day: "numeric", month: "long", year: "numeric" });
    } catch (e) {
      return now.toISOString().slice(0, 10);
    }
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
      parts.push("policy version " + version);
    }
    return parts.join(", ");
  }

  function textFile(title, date, answers) {
    var lines = [title];
    var meta = metaLine();
    if (meta) {
      lines.push(meta);
    }
    lines.push("Date: " + date);
    lines.push("");
    for (var i = 0; i < answers.length; i++) {
      lines.push(answers[i].label);
      if (answers[i].list) {
        if (!answers[i].list.length) {
          lines.push("  Not answered");
        }
        for (var j = 0; j < answers[i].list.length; j++) {
          lines.push("  - " + answers[i].list[j]);
        }
      } else {
        var text = answers[i].text || "Not answered";
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
    var title = data.title || box.getAttribute("data-page-title") || "Application";
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

    while (answersList.firstChild) {
      answersList.removeChild(answersList.firstChild);
    }
    for (var n = 0; n < answers.length; n++) {
      var row = el("div", "application-row");
      row.appendChild(el("dt", null, answers[n].label));
      var dd = el("dd");
      if (answers[n].list) {
        if (answers[n].list.length) {
          var ul = el("ul", "application-names");
          for (var m = 0; m < answers[n].list.length; m++) {
            ul.appendChild(el("li", null, answers[n].list[m]));
          }
          dd.appendChild(ul);
        } else {
          dd.textContent = "Not answered";
        }
      } else {
        dd.className = "application-text";
        dd.textContent = answers[n].text || "Not answered";
      }
      row.appendChild(dd);
      answersList.appendChild(row);
    }
    if (summaryMeta) {
      var meta = metaLine();
      summaryMeta.textContent = title + (meta ? " – " + meta : "") + ". Prepared on " + date + ".";
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
    var problems = 0;
    for (var i = 0; i < fields.length; i++) {
      var text = problem(fields[i], valueOf(fields[i]));
      if (text) {
        problems++;
        showError(fields[i], text);
      }
    }
    if (problems) {
      document.title = "Error: " + pageTitle;
      if (errorBox) {
        errorBox.hidden = false;
        errorBox.focus();
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

  if (printButton) {
    if (typeof window.print === "function") {
      printButton.addEventListener("click", function () {
        window.print();
      });
    } else {
      printButton.hidden = true;
    }
  }
})();
