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

// A page that loads with an error summary (a failed submit without htmx) starts there:
// browsers honour its autofocus only sometimes (not after a back/forward restore).
document.addEventListener("DOMContentLoaded", () => {
  const summary = document.querySelector("[data-error-summary]");
  if (summary && document.activeElement !== summary) {
    summary.focus();
  }
});

// Live character counts under each answer. The server's length check stays the authority;
// this only helps the resident see it coming. Each count joins the field's description (read
// on focus); the one polite live region speaks only when an answer nears, reaches or passes
// its limit, never on every keystroke.
(() => {
  const status = document.getElementById("char-count-status");
  if (!status) {
    return;
  }
  const numbers = new Intl.NumberFormat(document.documentElement.lang || undefined);
  const fill = (template, values) =>
    template.replace(/\{(\w+)\}/g, (match, key) =>
      key in values ? numbers.format(values[key]) : match,
    );
  // Characters as the server counts them (code points), not UTF-16 units.
  const length = (text) => Array.from(text).length;
  document.querySelectorAll("[data-char-count-for]").forEach((counter) => {
    const field = document.getElementById(counter.dataset.charCountFor);
    const limit = Number(counter.dataset.limit);
    if (!field || !limit) {
      return;
    }
    const nearFrom = Math.max(20, Math.ceil(limit * 0.1));
    let zone = "ok";
    const update = (announce) => {
      const count = length(field.value);
      const remaining = limit - count;
      let next = "ok";
      if (remaining < 0) {
        next = "over";
      } else if (remaining === 0) {
        next = "full";
      } else if (remaining <= nearFrom) {
        next = "near";
      }
      counter.textContent = fill(status.dataset.countText, { count, limit });
      counter.classList.toggle("char-count--near", next === "near" || next === "full");
      counter.classList.toggle("char-count--over", next === "over");
      if (announce && next !== zone && next !== "ok") {
        status.textContent =
          next === "over"
            ? fill(status.dataset.overText, { over: -remaining })
            : fill(status.dataset.nearText, { remaining });
      }
      zone = next;
    };
    const describedBy = (field.getAttribute("aria-describedby") || "").split(/\s+/).filter(Boolean);
    if (!describedBy.includes(counter.id)) {
      field.setAttribute("aria-describedby", [...describedBy, counter.id].join(" "));
    }
    counter.hidden = false;
    update(false);
    field.addEventListener("input", () => update(true));
  });
})();

// The draft status after each autosave. It is shown at once, but spoken (through a polite
// live region) only when the resident pressed "Save draft", when the state changes (saved,
// not saved, ...) or once a minute: a screen reader must not talk over the typing.
(() => {
  const shown = document.getElementById("draft-status");
  const live = document.getElementById("draft-status-live");
  if (!shown || !live) {
    return;
  }
  const QUIET_MS = 60_000;
  let lastState = "";
  let lastSpokenAt = 0;
  let explicit = false;
  const speak = (text, state) => {
    const now = Date.now();
    if (explicit || state !== lastState || now - lastSpokenAt > QUIET_MS) {
      live.textContent = text;
      lastSpokenAt = now;
    }
    lastState = state;
    explicit = false;
  };
  const isDraftRequest = (event) => event.detail.target === shown;
  document.addEventListener("htmx:beforeRequest", (event) => {
    if (isDraftRequest(event)) {
      const trigger = event.detail.requestConfig && event.detail.requestConfig.triggeringEvent;
      explicit = Boolean(trigger && trigger.type === "click");
    }
  });
  // "Not saved" answers (too long, closed, rate limited) come with these codes and a status
  // line to show; anything else (a CSRF failure page, a 404) is never swapped in.
  const STATUS_CODES = [400, 409, 429];
  document.addEventListener("htmx:beforeSwap", (event) => {
    if (isDraftRequest(event) && STATUS_CODES.includes(event.detail.xhr.status)) {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
    }
  });
  document.addEventListener("htmx:afterSwap", (event) => {
    if (event.target !== shown) {
      return;
    }
    const node = shown.querySelector("[data-draft-state]");
    speak(shown.textContent.replace(/\s+/g, " ").trim(), node ? node.dataset.draftState : "");
  });
  // No answer at all (offline) or a server error: say so; the text stays on the page and
  // the next pause in typing tries again. A 403 means the page's security token is no longer
  // accepted (cookies cleared): a retry cannot help, so the resident is told to copy the text.
  const failed = (event) => {
    if (isDraftRequest(event)) {
      const expired = event.detail.xhr && event.detail.xhr.status === 403;
      const text = expired ? shown.dataset.expiredText : shown.dataset.failedText;
      shown.textContent = text;
      speak(text, expired ? "expired" : "failed");
    }
  };
  document.addEventListener("htmx:sendError", failed);
  document.addEventListener("htmx:responseError", failed);
})();
