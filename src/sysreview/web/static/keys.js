// One-key decisions: a form with data-key="d" is submitted when d is pressed (first on the page).
document.addEventListener("keydown", function (event) {
  if (event.ctrlKey || event.metaKey || event.altKey) return;
  const target = event.target;
  if (target && (target.tagName === "INPUT" || target.tagName === "TEXTAREA")) return;
  const form = document.querySelector('form[data-key="' + event.key + '"]');
  if (form) { event.preventDefault(); form.submit(); }
});
