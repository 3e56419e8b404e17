// Enhancements only: every action works without this file.
document.addEventListener("DOMContentLoaded", () => {
  // Move focus to the error summary so screen readers announce the errors.
  const summary = document.querySelector("[data-focus-on-load]");
  if (summary) summary.focus();

  // Ask before destructive actions that carry data-confirm.
  document.querySelectorAll("form[data-confirm]").forEach((form) => {
    form.addEventListener("submit", (event) => {
      if (!window.confirm(form.dataset.confirm)) event.preventDefault();
    });
  });
});
