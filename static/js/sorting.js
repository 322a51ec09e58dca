// The sorting game's enhancements; the game works without this file (plain forms).
// - After htmx swaps in the next card, focus moves to it, so keyboard and screen-reader
//   users continue from the new card (the clicked button is gone).
// - Keys 1, 2, 3 answer and U undoes, only while focus is inside the game (WCAG 2.1.4:
//   single-key shortcuts active only when the component has focus, so they never fire
//   while someone types or uses screen-reader keys elsewhere on the page).
(() => {
  const game = document.getElementById("game");
  if (!game) {
    return;
  }
  const showKeys = () => {
    game.querySelectorAll(".game-keys").forEach((hint) => {
      hint.hidden = false;
    });
  };
  showKeys();
  document.addEventListener("htmx:afterSwap", (event) => {
    if (event.target !== game) {
      return;
    }
    showKeys();
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
})();
