// The theme board's drag and drop: drop a card on a theme (or on "Not in an analytical theme")
// to file it there. The move is posted with the session's CSRF token and the page reloads to
// show the codebook as the server now holds it; a refusal (a cycle, a theme under a lower
// level, a name clash) is shown above the board. Every card also has a "Move to" form, which
// works from the keyboard and without JavaScript.
(function () {
  "use strict";
  const board = document.getElementById("theme-board");
  if (!board || !board.dataset.csrf || !window.fetch) return;
  const status = document.getElementById("board-status");
  let dragged = null;

  function show(message) {
    status.textContent = message;
    status.hidden = false;
  }

  // The innermost drop zone under `target` that is not the dragged card or inside it.
  function zoneOf(target) {
    let zone = target.closest ? target.closest("[data-drop-parent]") : null;
    while (zone && dragged && dragged.contains(zone)) {
      zone = zone.parentElement ? zone.parentElement.closest("[data-drop-parent]") : null;
    }
    return zone;
  }

  function clearMarks() {
    board.querySelectorAll(".drop-over").forEach(function (zone) {
      zone.classList.remove("drop-over");
    });
  }

  board.addEventListener("dragstart", function (event) {
    const card = event.target.closest && event.target.closest("[draggable=true][data-code-id]");
    if (!card) return;
    dragged = card;
    event.dataTransfer.setData("text/plain", card.dataset.codeId);
    event.dataTransfer.effectAllowed = "move";
    card.classList.add("dragging");
  });

  board.addEventListener("dragend", function () {
    if (dragged) dragged.classList.remove("dragging");
    dragged = null;
    clearMarks();
  });

  board.addEventListener("dragover", function (event) {
    const zone = dragged && zoneOf(event.target);
    if (!zone) return;
    event.preventDefault();
    event.dataTransfer.dropEffect = "move";
    if (!zone.classList.contains("drop-over")) {
      clearMarks();
      zone.classList.add("drop-over");
    }
  });

  board.addEventListener("drop", function (event) {
    const zone = dragged && zoneOf(event.target);
    if (!zone) return;
    event.preventDefault();
    const card = dragged;
    clearMarks();
    if (zone.dataset.dropParent === card.dataset.parent) return;
    move(card.dataset.moveUrl, zone.dataset.dropParent);
  });

  async function move(url, parent) {
    const body = new FormData();
    body.set("csrf_token", board.dataset.csrf);
    body.set("parent", parent);
    let response;
    try {
      response = await fetch(url, {
        method: "POST",
        body: body,
        headers: { Accept: "application/json" },
        credentials: "same-origin",
      });
    } catch (e) {
      show("the move may not have been stored: check the connection and reload the page");
      return;
    }
    if (response.ok) {
      window.location.reload();
      return;
    }
    let answer = null;
    try {
      answer = await response.json();
    } catch (e) {
      answer = null;
    }
    show((answer && answer.error) || "the move was refused (" + response.status + "): reload the page");
  }
})();
