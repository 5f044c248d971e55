// Progressive enhancement only: every form works without this file.

// Ask before a destructive POST (removing a person, a competence entry).
document.addEventListener("submit", (event) => {
  const form = event.target.closest("form[data-confirm]");
  if (form && !window.confirm(form.dataset.confirm)) {
    event.preventDefault();
  }
});
