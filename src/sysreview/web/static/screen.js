// Screening without page loads: a decision is posted with fetch and the next record's fragment
// swapped in. Keys: i include, e exclude, m maybe, n next (skip), u back to your last decision.
// Without JavaScript every form and link still works as a plain page.
(function () {
  "use strict";
  const slot = document.getElementById("screen-slot");
  if (!slot || !window.fetch || !window.DOMParser) return;
  const HEADERS = { "X-Requested-With": "fetch" };

  function current() {
    return document.getElementById("screen-record");
  }

  function showError(message) {
    const box = current() && current().querySelector("[data-role=error]");
    if (!box) return;
    box.textContent = message;
    box.hidden = false;
  }

  // Replace the record with the fragment at `url`; `pageUrl` becomes the address to reload.
  async function load(url, pageUrl, error) {
    let response;
    try {
      response = await fetch(url, { headers: HEADERS, credentials: "same-origin" });
    } catch (e) {
      showError("the next record could not be loaded: check the connection and reload");
      return;
    }
    if (!swap(await response.text(), response.ok)) {
      showError("the next record could not be loaded (" + response.status + "): reload the page");
      return;
    }
    settle(pageUrl, error);
  }

  // Put the record fragment in `html` in place of the current one; false if it has none.
  function swap(html, ok) {
    const fresh = new DOMParser().parseFromString(html, "text/html").getElementById("screen-record");
    if (!ok || !fresh) return false;
    current().replaceWith(document.importNode(fresh, true));
    return true;
  }

  function settle(pageUrl, error) {
    if (pageUrl) window.history.replaceState(null, "", pageUrl);
    if (error) showError(error);
    window.scrollTo(0, 0);
    current().focus({ preventScroll: true });
  }

  async function decide(form, verdict) {
    if (form.dataset.busy) return;
    form.dataset.busy = "1";
    const body = new FormData(form);
    body.set("verdict", verdict);
    let response;
    try {
      response = await fetch(form.action, {
        method: "POST",
        body: body,
        headers: Object.assign({ Accept: "application/json" }, HEADERS),
        credentials: "same-origin",
      });
    } catch (e) {
      delete form.dataset.busy;
      showError("the decision may not have been stored: press the key again (it is stored once)");
      return;
    }
    const isJson = (response.headers.get("content-type") || "").includes("application/json");
    const answer = isJson ? await response.json() : null;
    if (response.ok && answer) {
      // The answer carries the next record, so showing it costs no second request.
      if (answer.fragment && swap(answer.fragment, true)) settle(answer.page);
      else await load(answer.next, answer.page);
      return;
    }
    delete form.dataset.busy;
    const message =
      (answer && answer.error) || "the decision was refused (" + response.status + "): reload the page";
    // A conflict with what is stored (409): show the current state beside the message.
    if (response.status === 409 && answer && answer.reload) await load(answer.reload, null, message);
    else showError(message);
  }

  slot.addEventListener("submit", function (event) {
    const form = event.target;
    if (form.id !== "decision-form") return; // uploads post as plain forms
    event.preventDefault();
    decide(form, event.submitter ? event.submitter.value : "");
  });

  slot.addEventListener("click", function (event) {
    const link = event.target.closest("a[data-fragment]");
    if (!link) return;
    event.preventDefault();
    load(link.dataset.fragment, link.href);
  });

  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey || event.repeat) return;
    if (!/^[iemnu]$/.test(event.key)) return;
    const target = event.target;
    if (target && (/^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName) || target.isContentEditable)) {
      return;
    }
    const record = current();
    if (!record) return;
    const button = record.querySelector('button[data-key="' + event.key + '"]');
    if (button) {
      event.preventDefault();
      decide(button.form, button.value);
      return;
    }
    const link = record.querySelector('a[data-key="' + event.key + '"]');
    if (link) {
      event.preventDefault();
      load(link.dataset.fragment, link.href);
    }
  });
})();
