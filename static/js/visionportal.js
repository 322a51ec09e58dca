// Progressive enhancement only: every page works without this file.
// After htmx swaps in a form with errors, move focus to the error summary (or the first
// invalid field) so keyboard and screen-reader users learn what went wrong. With
// hx-swap="outerHTML" the old element is gone: event.target is the swapped-in content.
document.addEventListener("htmx:afterSwap", (event) => {
  const summary = event.target.querySelector(".form-errors");
  if (summary) {
    summary.setAttribute("tabindex", "-1");
    summary.focus();
    return;
  }
  const invalid = event.target.querySelector("[aria-invalid='true']");
  if (invalid) {
    invalid.focus();
  }
});
