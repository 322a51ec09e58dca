// Progressive enhancement only: every page works without this file.
// After htmx swaps in a form with errors, move focus to the first error so keyboard and
// screen-reader users learn what went wrong.
document.addEventListener("htmx:afterSwap", (event) => {
  const invalid = event.detail.target.querySelector("[aria-invalid='true'], .form-errors");
  if (invalid) {
    invalid.setAttribute("tabindex", "-1");
    invalid.focus();
  }
});
