// "Add a row" for repeating groups of the extraction form: copies the group's row template
// with the next free row number. Without JavaScript the form still offers blank rows.
(function () {
  document.addEventListener("click", function (event) {
    const button = event.target.closest("button[data-add-row]");
    if (!button) return;
    const name = button.getAttribute("data-add-row");
    const table = document.querySelector('table[data-rows="' + CSS.escape(name) + '"] tbody');
    const template = document.querySelector('template[data-row-for="' + CSS.escape(name) + '"]');
    if (!table || !template) return;
    const row = template.content.firstElementChild.cloneNode(true);
    const next = String(table.rows.length);
    row.querySelectorAll("[name]").forEach(function (input) {
      input.name = input.name.replace(":__ROW__:", ":" + next + ":");
    });
    table.appendChild(row);
  });
})();
