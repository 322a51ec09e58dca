// The sorting game's enhancements; the game works without this file (plain forms).
// - After htmx swaps in the next card, focus moves to it, so keyboard and screen-reader
//   users continue from the new card (the clicked button is gone).
// - Keys 1, 2, 3 answer and U undoes, only while focus is inside the game (WCAG 2.1.4:
//   single-key shortcuts active only when the component has focus, so they never fire
//   while someone types or uses screen-reader keys elsewhere on the page).
// - A rate-limited answer (429) comes with words to show in place of the card.
// - Swipe: dragging the card right answers "yes", left "no", by pressing that button, so
//   it is the same form post. Only an addition for pointers (WCAG 2.5.1: the buttons stay,
//   and a drag that is not far enough does nothing); keyboard and screen readers are
//   untouched. With prefers-reduced-motion the card does not move, only the answer it
//   would give is highlighted.
(() => {
  const game = document.getElementById("game");
  if (!game) {
    return;
  }
  const showHints = () => {
    game.querySelectorAll(".game-keys, .game-swipe").forEach((hint) => {
      hint.hidden = false;
    });
  };
  showHints();
  document.addEventListener("htmx:beforeSwap", (event) => {
    if (event.detail.target === game && event.detail.xhr.status === 429) {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
    }
  });
  // Focus moves on settle, not on swap: htmx wires up the new card's forms when it settles,
  // and a key pressed on a card not yet wired up would post the plain form (a full page
  // load). The game's swaps settle at once (settle:0ms), so no key falls in between.
  document.addEventListener("htmx:afterSettle", (event) => {
    if (event.target !== game) {
      return;
    }
    showHints();
    const focus = game.querySelector("[data-game-focus]");
    if (focus) {
      focus.focus();
    }
  });
  game.addEventListener("keydown", (event) => {
    if (event.altKey || event.ctrlKey || event.metaKey || event.repeat) {
      return;
    }
    const tag = event.target.tagName;
    if (tag === "INPUT" || tag === "SELECT" || tag === "TEXTAREA") {
      return;
    }
    const button = game.querySelector(`[data-shortcut="${event.key.toLowerCase()}"]`);
    if (button && !button.disabled) {
      event.preventDefault();
      button.click();
    }
  });

  const still = window.matchMedia("(prefers-reduced-motion: reduce)");
  // Horizontal moves on the card reach this script instead of panning the page (CSS);
  // vertical scrolling and pinch zoom stay the browser's.
  game.classList.add("game--swipe");
  let drag = null;
  const answerFor = (dx) => (dx > 0 ? "1" : "2");
  const reset = () => {
    if (drag) {
      drag.card.style.transform = "";
      drag.card.removeAttribute("data-swipe");
    }
    drag = null;
  };
  game.addEventListener("pointerdown", (event) => {
    const card = event.target.closest(".game-card");
    // A press on a button stays a press; only the card itself is dragged.
    if (!card || event.target.closest("button, a, input") || !event.isPrimary) {
      return;
    }
    drag = { card, x: event.clientX, y: event.clientY, dx: 0, moving: false };
    card.setPointerCapture(event.pointerId);
  });
  game.addEventListener("pointermove", (event) => {
    if (!drag) {
      return;
    }
    const dx = event.clientX - drag.x;
    const dy = event.clientY - drag.y;
    if (!drag.moving) {
      if (Math.abs(dy) > 12 && Math.abs(dy) > Math.abs(dx)) {
        reset(); // scrolling the page, not swiping
        return;
      }
      drag.moving = Math.abs(dx) > 8;
    }
    if (drag.moving) {
      drag.dx = dx;
      if (!still.matches) {
        drag.card.style.transform = `translateX(${dx}px) rotate(${dx / 40}deg)`;
      }
      const far = Math.abs(dx) >= Math.min(100, drag.card.offsetWidth / 4);
      drag.card.dataset.swipe = far ? answerFor(dx) : "";
    }
  });
  game.addEventListener("pointerup", () => {
    if (!drag) {
      return;
    }
    const { card, dx, moving } = drag;
    const far = moving && Math.abs(dx) >= Math.min(100, card.offsetWidth / 4);
    reset();
    if (far) {
      const button = card.querySelector(`[data-shortcut="${answerFor(dx)}"]`);
      if (button && !button.disabled) {
        button.click();
      }
    }
  });
  game.addEventListener("pointercancel", reset);
})();
