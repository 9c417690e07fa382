// Coding a study's texts: select words in a text, tick codes (click, or number keys 1-9 for the
// codes listed first; the filter box narrows the list and Enter there applies its first code),
// press Enter or "Apply codes". The page posts the selection's character offsets, counted in
// code points as the server counts them: each run of text carries its start offset, so an
// offset is the run's start plus the characters before the boundary inside the run.
// Without JavaScript the form still codes the words typed into it.
(function () {
  "use strict";
  const form = document.getElementById("apply-form");
  if (!form) return;
  const shown = document.getElementById("selection");
  const filter = document.getElementById("code-filter");
  const entries = Array.from(form.querySelectorAll(".code-entry"));

  function elementOf(node) {
    return node.nodeType === Node.TEXT_NODE ? node.parentElement : node;
  }

  function blockOf(node) {
    const element = elementOf(node);
    return element && element.closest(".source-text");
  }

  // Code points in the first `units` UTF-16 units of `text` (an emoji is one, not two).
  function points(text, units) {
    return Array.from(text.slice(0, units)).length;
  }

  // The offset in the block's text of a selection boundary (node, offset).
  function offsetAt(block, node, offset) {
    if (node.nodeType === Node.TEXT_NODE) {
      const run = node.parentElement.closest("[data-start]");
      if (run && block.contains(run)) return Number(run.dataset.start) + points(node.data, offset);
    }
    const point = document.createRange();
    point.setStart(node, offset);
    for (const run of block.querySelectorAll("[data-start]")) {
      if (point.comparePoint(run, 0) >= 0) return Number(run.dataset.start);
    }
    return Number(block.dataset.length);
  }

  function say(message) {
    shown.textContent = message;
  }

  function remember() {
    const selection = window.getSelection();
    if (!selection || selection.rangeCount === 0 || selection.isCollapsed) return;
    const range = selection.getRangeAt(0);
    const block = blockOf(range.startContainer);
    if (!block || blockOf(range.endContainer) !== block) {
      if (block || blockOf(range.endContainer)) say("Select words within one text.");
      return;
    }
    const start = offsetAt(block, range.startContainer, range.startOffset);
    const end = offsetAt(block, range.endContainer, range.endOffset);
    if (end <= start) return;
    form.elements.start.value = String(start);
    form.elements.end.value = String(end);
    form.elements.source.value = block.dataset.key;
    const words = range.toString().trim();
    const preview = words.length > 160 ? words.slice(0, 159) + "…" : words;
    say("Selected in " + block.dataset.label + " (characters " + start + "–" + end + "): “" + preview + "”");
    shown.dataset.start = String(start);
    shown.dataset.end = String(end);
  }

  document.addEventListener("selectionchange", remember);
  form.elements.source.addEventListener("change", function () {
    form.elements.start.value = "";
    form.elements.end.value = "";
    say("Select words in the text again.");
  });

  function visible() {
    return entries.filter(function (entry) { return !entry.hidden; });
  }

  function renumber() {
    visible().forEach(function (entry, n) {
      entry.querySelector("kbd.key").textContent = n < 9 ? String(n + 1) : "";
    });
    entries.filter(function (entry) { return entry.hidden; }).forEach(function (entry) {
      entry.querySelector("kbd.key").textContent = "";
    });
  }

  function hasSomethingToCode() {
    return form.elements.start.value !== "" || form.elements.text.value.trim() !== "";
  }

  function apply() {
    if (!hasSomethingToCode()) {
      say("Select the words to code first.");
      return;
    }
    if (!form.querySelector("input[name=code]:checked")) {
      say("Tick at least one code (or press its number).");
      return;
    }
    form.requestSubmit();
  }

  filter.addEventListener("input", function () {
    const wanted = filter.value.trim().toLowerCase();
    entries.forEach(function (entry) {
      entry.hidden = wanted !== "" && !entry.dataset.path.includes(wanted);
    });
    renumber();
  });

  filter.addEventListener("keydown", function (event) {
    if (event.key === "Escape") {
      filter.value = "";
      filter.dispatchEvent(new Event("input"));
    }
    if (event.key !== "Enter") return;
    event.preventDefault();
    const first = visible()[0];
    if (first) first.querySelector("input[type=checkbox]").checked = true;
    apply();
  });

  document.addEventListener("keydown", function (event) {
    const target = event.target;
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    if (target.closest && target.closest("input, textarea, select, button, a, summary")) {
      if (!(target.type === "checkbox" && event.key === "Enter")) return;
    }
    if (/^[1-9]$/.test(event.key)) {
      const entry = visible()[Number(event.key) - 1];
      if (!entry) return;
      const box = entry.querySelector("input[type=checkbox]");
      box.checked = !box.checked;
      event.preventDefault();
    } else if (event.key === "Enter") {
      event.preventDefault();
      apply();
    }
  });

  // A click on highlighted words (not the end of a selection) shows their excerpts.
  document.addEventListener("click", function (event) {
    const run = event.target.closest && event.target.closest("[data-excerpts]");
    const selection = window.getSelection();
    if (!run || (selection && !selection.isCollapsed)) return;
    const first = document.getElementById("excerpt-" + run.dataset.excerpts.split(" ")[0]);
    if (first) first.scrollIntoView({ block: "nearest" });
  });
})();
