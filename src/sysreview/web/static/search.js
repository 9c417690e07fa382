// Shows every database's version of the strategy while its blocks are edited: the form's
// blocks go to the translate endpoint (with the session's CSRF token) and the answer replaces
// the versions below. Without JavaScript the form still saves and the page shows them.
(function () {
  const form = document.getElementById("search-form");
  const versions = document.getElementById("versions");
  const version = document.getElementById("strategy-version");
  const problem = document.getElementById("live-error");
  const addBlock = document.getElementById("add-block");
  if (!form || !versions || !window.fetch) return;
  let timer = null;
  let sent = 0;

  function value(name) {
    const field = form.elements.namedItem(name);
    return field ? field.value : "";
  }

  function list(text) {
    return text.split(";").map(function (s) { return s.trim(); }).filter(Boolean);
  }

  function year(text) {
    return /^\d{4}$/.test(text.trim()) ? Number(text.trim()) : null;
  }

  function payload() {
    const blocks = Array.from(form.querySelectorAll("fieldset.block")).map(function (set) {
      return {
        name: set.querySelector("[name=block_name]").value,
        operator: set.querySelector("[name=block_operator]").value,
        terms: set.querySelector("[name=block_terms]").value,
      };
    });
    return {
      syntax: value("syntax"),
      vocabulary: value("vocabulary") || null,
      blocks: blocks,
      limits: {
        year_from: year(value("year_from")),
        year_to: year(value("year_to")),
        languages: list(value("languages")),
        publication_types: list(value("publication_types")),
      },
    };
  }

  function element(tag, text) {
    const node = document.createElement(tag);
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function show(answer) {
    version.textContent = answer.version;
    versions.replaceChildren();
    answer.versions.forEach(function (v) {
      const card = element("section");
      card.className = "card";
      card.dataset.syntax = v.syntax;
      card.appendChild(element("h3", v.label));
      if (v.notes.length) {
        const notes = element("ul");
        notes.className = "meta";
        v.notes.forEach(function (n) { notes.appendChild(element("li", n)); });
        card.appendChild(notes);
      }
      if (v.numbered) {
        const lines = element("ol");
        lines.className = "lines";
        v.lines.forEach(function (line) {
          const item = element("li");
          item.appendChild(element("code", line));
          lines.appendChild(item);
        });
        card.appendChild(lines);
      } else {
        card.appendChild(element("pre", v.lines.join("\n")));
      }
      versions.appendChild(card);
    });
  }

  function refresh() {
    const mine = ++sent;
    fetch(form.dataset.translate, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRF-Token": form.dataset.csrf },
      body: JSON.stringify(payload()),
    })
      .then(function (response) {
        return response.json().then(function (body) { return { ok: response.ok, body: body }; });
      })
      .then(function (result) {
        if (mine !== sent) return;
        if (result.ok) {
          problem.hidden = true;
          show(result.body);
        } else {
          problem.textContent = result.body.error || "the strategy cannot be read";
          problem.hidden = false;
        }
      })
      .catch(function () {
        problem.textContent = "the preview could not be updated; the form still saves";
        problem.hidden = false;
      });
  }

  form.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(refresh, 300);
  });

  if (addBlock) {
    addBlock.hidden = false;
    addBlock.addEventListener("click", function () {
      const sets = form.querySelectorAll("fieldset.block");
      const copy = sets[sets.length - 1].cloneNode(true);
      copy.querySelectorAll("input, textarea").forEach(function (f) { f.value = ""; });
      copy.querySelector("legend").textContent = "Block " + (sets.length + 1);
      document.getElementById("blocks").appendChild(copy);
    });
  }
})();
