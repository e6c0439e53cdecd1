/* handbook tools: the step-by-step decision tree ("Who do I tell?").

   The page already holds the whole tree as a nested list (#tree-outline),
   so without JavaScript it can still be read. This script hides that list
   and shows one question at a time instead, built from the JSON in
   #tool-data: { start, nodes: [ {id, question, help, choices: [{label,
   next}]} | {id, answer, quote, policy_ref, policy_url, policy_title} ] }.

   Each choice is a <button data-next="…">. Back goes to the previous
   question, Start again to the first. Focus moves to the heading of each
   new question or answer, and the step is announced through #tree-live.
   The whole list can still be shown with "Show the whole guide as a list".

   Plain classic script, ES5: works on https, plain http and file://.
   Builds everything with createElement and textContent. */
(function () {
  "use strict";

  var box = document.getElementById("tool-tree");
  var dataEl = document.getElementById("tool-data");
  var outline = document.getElementById("tree-outline");
  var app = document.getElementById("tree-app");
  var live = document.getElementById("tree-live");
  if (!box || !dataEl || !app) {
    return;
  }
  var data;
  try {
    data = JSON.parse(dataEl.textContent);
  } catch (e) {
    return;
  }
  if (!data || !data.nodes || !data.nodes.length) {
    return;
  }

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

  var progress = el("p", "tree-progress");
  progress.id = "tree-progress";
  var step = el("div", "tree-step");
  step.id = "tree-step";

  var controls = el("div", "tool-actions tree-controls");
  var backButton = el("button", "button-secondary", "Back");
  backButton.type = "button";
  backButton.id = "tree-back";
  var restartButton = el("button", "button-secondary", "Start again");
  restartButton.type = "button";
  restartButton.id = "tree-restart";
  controls.appendChild(backButton);
  controls.appendChild(restartButton);

  var showAll = null;
  if (outline) {
    var showAllWrap = el("p", "tree-show-all");
    showAll = el("button", "button-secondary", "Show the whole guide as a list");
    showAll.type = "button";
    showAll.id = "tree-show-all";
    showAll.setAttribute("aria-expanded", "false");
    showAll.setAttribute("aria-controls", "tree-outline");
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

  function announce(text) {
    if (!live) {
      return;
    }
    live.textContent = "";
    window.setTimeout(function () {
      live.textContent = text;
    }, 50);
  }

  function clear(node) {
    while (node.firstChild) {
      node.removeChild(node.firstChild);
    }
  }

  function renderQuestion(node) {
    var fieldset = el("fieldset", "tree-fieldset");
    var legend = el("legend", "tree-legend");
    var heading = el(headingTag, "tree-question", node.question || "");
    heading.id = "tree-question";
    heading.tabIndex = -1;
    legend.appendChild(heading);
    fieldset.appendChild(legend);
    if (node.help) {
      var help = el("p", "tree-help", node.help);
      help.id = "tree-help";
      fieldset.appendChild(help);
    }
    var list = el("ul", "tree-choices");
    for (var c = 0; c < node.choices.length; c++) {
      var choice = node.choices[c];
      var item = el("li", "tree-choice-item");
      var button = el("button", "tree-choice", choice.label);
      button.type = "button";
      button.setAttribute("data-next", choice.next);
      button.setAttribute("data-index", String(c));
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

  function renderAnswer(node) {
    var panel = el("div", "tree-answer");
    panel.id = "tree-answer";
    var heading = el(headingTag, "tree-answer-heading", "What to do");
    heading.id = "tree-answer-heading";
    heading.tabIndex = -1;
    panel.appendChild(heading);
    panel.appendChild(el("p", "tree-answer-text", node.answer || ""));
    if (node.quote) {
      panel.appendChild(el("p", "tree-quote-intro", "The policy says:"));
      var quote = el("blockquote", "tree-quote");
      quote.appendChild(el("p", null, node.quote));
      panel.appendChild(quote);
    }
    var url = policyUrl(node);
    if (url) {
      var source = el("p", "tree-source");
      var link = el("a", "policy-link", "Read this in the policy");
      link.href = root + url;
      if (node.policy_title) {
        link.appendChild(el("span", "policy-source", " (" + node.policy_title + ")"));
      }
      source.appendChild(link);
      panel.appendChild(source);
    }
    // Further lines of the policy the answer rests on.
    var also = node.also || [];
    for (var m = 0; m < also.length; m++) {
      panel.appendChild(el("p", "tree-quote-intro", "The policy also says:"));
      var more = el("blockquote", "tree-quote");
      more.appendChild(el("p", null, also[m].quote));
      panel.appendChild(more);
      if (also[m].policy_url) {
        var moreSource = el("p", "tree-source");
        var moreLink = el("a", "policy-link", "Read this in the policy");
        moreLink.href = root + also[m].policy_url;
        if (also[m].policy_title) {
          moreLink.appendChild(el("span", "policy-source", " (" + also[m].policy_title + ")"));
        }
        moreSource.appendChild(moreLink);
        panel.appendChild(moreSource);
      }
    }
    if (path.length) {
      var summaryHeading = el(headingTag === "h2" ? "h3" : "h4", "tree-path-heading", "Your answers");
      panel.appendChild(summaryHeading);
      var list = el("ol", "tree-path");
      for (var p = 0; p < path.length; p++) {
        var li = el("li");
        li.appendChild(el("span", "tree-path-question", path[p].node.question + " "));
        li.appendChild(el("strong", "tree-path-choice", path[p].choice.label));
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
    clear(step);
    var heading;
    var stepNumber = path.length + 1;
    if (isQuestion(node)) {
      progress.textContent = "Question " + stepNumber;
      progress.hidden = false;
      heading = renderQuestion(node);
      if (!quiet) {
        announce("Question " + stepNumber + ": " + node.question);
      }
    } else {
      progress.hidden = true;
      heading = renderAnswer(node);
      if (!quiet) {
        announce("Answer: " + (node.answer || ""));
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
      showAll.textContent = open ? "Hide the whole guide" : "Show the whole guide as a list";
    });
  }

  show(start, true);
})();
