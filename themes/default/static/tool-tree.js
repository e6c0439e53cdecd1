/* handbook tools: the step-by-step decision tree ("Who do I tell?").

   The page already holds the whole tree as a nested list (#tree-outline),
   so without JavaScript it can still be read. This script hides that list
   and shows one question at a time instead, built from the JSON in
   #tool-data: { start, nodes: [ {id, question, help, choices: [{label,
   next}]} | {id, answer, quote, policy_ref, policy_url, policy_title,
   tell} ] }. An answer that names people shows a copy of the outline's
   list of them at each school ([data-people-for="<id>"]).

   Each choice is a <button data-next="…">. Back goes to the previous
   question, Start again to the first. Focus moves to the heading of each
   new question or answer, and the step is announced through #tree-live.
   The whole list can still be shown with "Show the whole guide as a list".

   Needs common.js. Plain classic script, ES5: works on https, plain http
   and file://. Builds everything with createElement and textContent. */
(function (C) {
  "use strict";

  var data = C ? C.pageData("tool-data", "nodes") : null;
  var box = document.getElementById("tool-tree");
  var app = document.getElementById("tree-app");
  if (!data || !box || !app) {
    return;
  }
  var outline = document.getElementById("tree-outline");
  var live = document.getElementById("tree-live");
  var el = C.el;

  var nodes = {};
  for (var i = 0; i < data.nodes.length; i++) {
    if (data.nodes[i] && data.nodes[i].id) {
      nodes[data.nodes[i].id] = data.nodes[i];
    }
  }
  var start = data.start && nodes[data.start] ? data.start : data.nodes[0].id;
  var root = box.getAttribute("data-root") || "";
  var headingTag = box.getAttribute("data-heading-level") === "3" ? "h3" : "h2";

  // The questions answered so far: [{ node, choice }].
  var path = [];
  var currentId = start;

  function isQuestion(node) {
    return !!(node && node.choices && node.choices.length);
  }

  // The policy paragraph's address from the site root: the generator's
  // policy_url, or made from policy_ref ("page#anchor" -> "page.html#anchor").
  function policyUrl(node) {
    if (node.policy_url) {
      return node.policy_url;
    }
    if (!node.policy_ref) {
      return "";
    }
    var parts = String(node.policy_ref).split("#");
    return parts[0] + ".html" + (parts[1] ? "#" + parts[1] : "");
  }

  // ----- the step-by-step view, made once -----

  var progress = el("p", { "class": "tree-progress", id: "tree-progress" });
  var step = el("div", { "class": "tree-step", id: "tree-step" });

  var controls = el("div", { "class": "tool-actions tree-controls" });
  var backButton = el("button", { "class": "button-secondary", type: "button", id: "tree-back" }, C.t("tree.back"));
  var restartButton = el("button", { "class": "button-secondary", type: "button", id: "tree-restart" }, C.t("tree.restart"));
  controls.appendChild(backButton);
  controls.appendChild(restartButton);

  var showAll = null;
  if (outline) {
    var showAllWrap = el("p", { "class": "tree-show-all" });
    showAll = el("button", {
      "class": "button-secondary",
      type: "button",
      id: "tree-show-all",
      "aria-expanded": "false",
      "aria-controls": "tree-outline"
    }, C.t("tree.show_all"));
    showAllWrap.appendChild(showAll);
  }

  app.appendChild(progress);
  app.appendChild(step);
  app.appendChild(controls);
  if (showAll) {
    app.appendChild(showAll.parentNode);
    // The full list goes after its button, hidden until asked for.
    app.appendChild(outline);
    outline.hidden = true;
  }
  app.hidden = false;
  box.className += " tree-js";

  function renderQuestion(node) {
    var fieldset = el("fieldset", { "class": "tree-fieldset" });
    var legend = el("legend", { "class": "tree-legend" });
    var heading = el(headingTag, { "class": "tree-question", id: "tree-question", tabindex: "-1" }, node.question || "");
    legend.appendChild(heading);
    fieldset.appendChild(legend);
    if (node.help) {
      fieldset.appendChild(el("p", { "class": "tree-help", id: "tree-help" }, node.help));
    }
    var list = el("ul", { "class": "tree-choices" });
    for (var c = 0; c < node.choices.length; c++) {
      var choice = node.choices[c];
      var item = el("li", { "class": "tree-choice-item" });
      var button = el("button", {
        "class": "tree-choice",
        type: "button",
        "data-next": choice.next,
        "data-index": String(c)
      }, choice.label);
      if (node.help) {
        button.setAttribute("aria-describedby", "tree-help");
      }
      item.appendChild(button);
      list.appendChild(item);
    }
    fieldset.appendChild(list);
    step.appendChild(fieldset);
    return heading;
  }

  // "Read this in the policy (title)", a link to the paragraph.
  function sourceLink(url, title) {
    var source = el("p", { "class": "tree-source" });
    var link = el("a", { "class": "policy-link", href: root + url }, C.t("tree.read_in_policy"));
    if (title) {
      link.appendChild(el("span", { "class": "policy-source" }, " (" + title + ")"));
    }
    source.appendChild(link);
    return source;
  }

  // "The policy says:", the quoted lines, and the link to them if known.
  function quoteWithSource(panel, intro, text, url, title) {
    panel.appendChild(el("p", { "class": "tree-quote-intro" }, intro));
    var quote = el("blockquote", { "class": "tree-quote" });
    quote.appendChild(el("p", null, text));
    panel.appendChild(quote);
    if (url) {
      panel.appendChild(sourceLink(url, title));
    }
  }

  // The page's list of the people an answer names at each school (in the
  // outline, as the generator wrote it), or null.
  function peopleFor(id) {
    var blocks = outline ? outline.querySelectorAll("[data-people-for]") : [];
    for (var b = 0; b < blocks.length; b++) {
      if (blocks[b].getAttribute("data-people-for") === id) {
        return blocks[b];
      }
    }
    return null;
  }

  function renderAnswer(node) {
    var panel = el("div", { "class": "tree-answer", id: "tree-answer" });
    var heading = el(headingTag, { "class": "tree-answer-heading", id: "tree-answer-heading", tabindex: "-1" }, C.t("tree.what_to_do"));
    panel.appendChild(heading);
    panel.appendChild(el("p", { "class": "tree-answer-text" }, node.answer || ""));
    var people = peopleFor(node.id);
    if (people) {
      panel.appendChild(people.cloneNode(true));
    }
    if (node.quote) {
      quoteWithSource(panel, C.t("tree.policy_says"), node.quote, policyUrl(node), node.policy_title);
    } else if (policyUrl(node)) {
      panel.appendChild(sourceLink(policyUrl(node), node.policy_title));
    }
    // Further lines of the policy the answer rests on.
    var also = node.also || [];
    for (var m = 0; m < also.length; m++) {
      quoteWithSource(panel, C.t("tree.policy_also_says"), also[m].quote, also[m].policy_url, also[m].policy_title);
    }
    if (path.length) {
      panel.appendChild(el(headingTag === "h2" ? "h3" : "h4", { "class": "tree-path-heading" }, C.t("tree.your_answers")));
      var list = el("ol", { "class": "tree-path" });
      for (var p = 0; p < path.length; p++) {
        var li = el("li");
        li.appendChild(el("span", { "class": "tree-path-question" }, path[p].node.question + " "));
        li.appendChild(el("strong", { "class": "tree-path-choice" }, path[p].choice.label));
        list.appendChild(li);
      }
      panel.appendChild(list);
    }
    step.appendChild(panel);
    return heading;
  }

  // Shows node `id`; moves focus to its heading unless `quiet` (first load).
  function show(id, quiet) {
    var node = nodes[id];
    if (!node) {
      return;
    }
    currentId = id;
    C.clear(step);
    var heading;
    var stepNumber = path.length + 1;
    if (isQuestion(node)) {
      progress.textContent = C.t("tree.question_n", { n: stepNumber });
      progress.hidden = false;
      heading = renderQuestion(node);
      if (!quiet) {
        C.announce(live, C.t("tree.announce_question", { n: stepNumber, question: node.question }));
      }
    } else {
      progress.hidden = true;
      heading = renderAnswer(node);
      if (!quiet) {
        C.announce(live, C.t("tree.announce_answer", { answer: node.answer || "" }));
      }
    }
    // On the first question there is nothing to go back to.
    backButton.hidden = path.length === 0;
    restartButton.hidden = path.length === 0;
    controls.hidden = path.length === 0;
    if (!quiet && heading) {
      heading.focus();
    }
  }

  step.addEventListener("click", function (event) {
    var target = event.target;
    while (target && target !== step && !(target.getAttribute && target.getAttribute("data-next"))) {
      target = target.parentNode;
    }
    if (!target || target === step) {
      return;
    }
    var node = nodes[currentId];
    var index = Number(target.getAttribute("data-index"));
    var next = target.getAttribute("data-next");
    if (!node || !isQuestion(node) || !nodes[next]) {
      return;
    }
    path.push({ node: node, choice: node.choices[index] || { label: target.textContent, next: next } });
    show(next, false);
  });

  backButton.addEventListener("click", function () {
    if (!path.length) {
      return;
    }
    var previous = path.pop();
    show(previous.node.id, false);
  });

  restartButton.addEventListener("click", function () {
    path = [];
    show(start, false);
  });

  if (showAll) {
    showAll.addEventListener("click", function () {
      var open = outline.hidden;
      outline.hidden = !open;
      showAll.setAttribute("aria-expanded", open ? "true" : "false");
      showAll.textContent = open ? C.t("tree.hide_all") : C.t("tree.show_all");
    });
  }

  show(start, true);
})(window.HandbookCommon);
