/* Kiosk mode of the sorting game (keywords/sorting/kiosk.py explains the design).

   Without this script the kiosk is plain forms, one card per page. With it, each player
   plays a deck pre-dealt by the server and held in memory (the reserve), so the game goes
   on when the network drops. A finished (or abandoned) play's answers go into a queue in
   localStorage as one batch with its own idempotency key; the queue is sent whenever the
   network allows, and a batch leaves the queue only once the server has answered for it,
   so a retry can never count it twice (the server stores a key once).

   After each player the screen is emptied and the in-memory play dropped: the queue of
   unsent answers (which names no person) is all that stays on the device. */
(function () {
  "use strict";
  var root = document.querySelector("[data-kiosk]");
  var startForm = document.getElementById("kiosk-start-form");
  if (!root || !window.fetch || !window.localStorage || !window.crypto) return;

  var idleMs = parseInt(root.getAttribute("data-idle"), 10) * 1000;
  var warningMs = parseInt(root.getAttribute("data-idle-warning"), 10) * 1000;
  var idleNote = document.getElementById("kiosk-idle");
  var serverPlay = root.hasAttribute("data-server-play");
  var reserveSize = parseInt(root.getAttribute("data-reserve"), 10);
  var queueKey = "vp-kiosk-queue:" + root.getAttribute("data-device");
  var queueLine = document.getElementById("kiosk-queue");
  var startSection = document.getElementById("kiosk-start");
  var stage = document.getElementById("kiosk-stage");
  var offlineNote = document.getElementById("kiosk-offline");
  var reserve = [];
  var play = null;
  var idleTimer = null;
  var thanksTimer = null;
  var sending = false;
  var dealing = false;
  var stopped = false;

  function uuid4() {
    var b = new Uint8Array(16);
    crypto.getRandomValues(b);
    b[6] = (b[6] & 15) | 64;
    b[8] = (b[8] & 63) | 128;
    var h = Array.prototype.map.call(b, function (x) { return (x + 256).toString(16).slice(1); }).join("");
    return [h.slice(0, 8), h.slice(8, 12), h.slice(12, 16), h.slice(16, 20), h.slice(20)].join("-");
  }

  function fill(format, values) {
    return format.replace(/\{(\w+)\}/g, function (all, name) { return String(values[name]); });
  }

  function loadQueue() {
    try {
      var queue = JSON.parse(localStorage.getItem(queueKey) || "[]");
      return Array.isArray(queue) ? queue : [];
    } catch (error) {
      return [];
    }
  }

  function saveQueue(queue) {
    if (queue.length) localStorage.setItem(queueKey, JSON.stringify(queue));
    else localStorage.removeItem(queueKey);
    showQueue(queue);
  }

  function showQueue(queue) {
    var waiting = queue.reduce(function (sum, batch) { return sum + batch.votes.length; }, 0);
    queueLine.textContent = waiting ? fill(root.getAttribute("data-queued-format"), { count: waiting }) : "";
  }

  function post(url, body) {
    return fetch(url, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(body),
      credentials: "omit",
      cache: "no-store"
    });
  }

  /* One batch at a time, oldest first; it is removed only after the server's answer. */
  function flush() {
    if (sending || stopped) return;
    var batch = loadQueue()[0];
    if (!batch) return;
    sending = true;
    post(root.getAttribute("data-batch-url"), batch).then(function (response) {
      sending = false;
      if (response.status === 410) {
        stopped = true;
        window.location.reload();
      } else if (response.ok || response.status === 400) {
        // 400: the server can never read this batch; keeping it would block the queue.
        saveQueue(loadQueue().filter(function (b) { return b.key !== batch.key; }));
        flush();
      }
      // 409, 429, 5xx: kept, tried again on the next tick.
    }).catch(function () { sending = false; });
  }

  function refill() {
    if (dealing || stopped || !startForm || reserve.length >= reserveSize) return;
    dealing = true;
    post(root.getAttribute("data-decks-url"), { want: reserveSize - reserve.length })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (data) {
        dealing = false;
        if (data && Array.isArray(data.decks)) reserve = reserve.concat(data.decks);
      })
      .catch(function () { dealing = false; });
  }

  /* Idle: first a warning with a "continue" button (WCAG 2.2.1), then the start screen.
     On the plain form's card page (a play dealt by the server) the start screen is a
     page load; the server no longer takes answers for that play after the timeout. */
  function touch() {
    if (!play && !serverPlay) return;
    clearTimeout(idleTimer);
    idleNote.hidden = true;
    idleTimer = setTimeout(warn, idleMs);
  }

  function warn() {
    idleNote.hidden = false;
    idleNote.querySelector("button").focus();
    idleTimer = setTimeout(giveUp, warningMs);
  }

  function giveUp() {
    idleNote.hidden = true;
    if (play) endPlay(false);
    else window.location.assign(root.getAttribute("data-home-url"));
  }

  function render() {
    var card = play.cards[play.votes.length];
    var view = document.getElementById("kiosk-card-template").content.cloneNode(true);
    var progress = view.querySelector("[data-progress]");
    progress.textContent = fill(progress.getAttribute("data-format"), {
      position: play.votes.length + 1, total: play.cards.length
    });
    var bar = view.querySelector("progress");
    bar.max = play.cards.length;
    bar.value = play.votes.length;
    // Labels are data: textContent never parses them as markup.
    view.querySelector("[data-keyword]").textContent = card[1];
    view.querySelector("[data-undo]").hidden = play.votes.length === 0;
    stage.replaceChildren(view);
    stage.querySelector("[data-keyword]").focus();
  }

  function begin(deck) {
    play = { p: deck.p, cards: deck.cards, votes: [] };
    offlineNote.hidden = true;
    startSection.hidden = true;
    stage.hidden = false;
    render();
    touch();
  }

  function choose(choice) {
    var card = play.cards[play.votes.length];
    play.votes.push({ p: play.p, i: card[0], c: choice, t: Date.now() });
    if (play.votes.length === play.cards.length) endPlay(true);
    else { render(); touch(); }
  }

  function undo() {
    if (!play.votes.length) return;
    play.votes.pop();
    render();
    touch();
  }

  function endPlay(complete) {
    clearTimeout(idleTimer);
    idleNote.hidden = true;
    if (play.votes.length || complete) {
      var queue = loadQueue();
      queue.push({ key: uuid4(), votes: play.votes, finished: complete ? [play.p] : [] });
      saveQueue(queue);
    }
    play = null;
    if (complete) {
      stage.replaceChildren(document.getElementById("kiosk-thanks-template").content.cloneNode(true));
      stage.querySelector("h2").focus();
      thanksTimer = setTimeout(reset, 5000);
    } else {
      reset();
    }
    flush();
    refill();
  }

  function reset() {
    clearTimeout(thanksTimer);
    stage.replaceChildren();
    stage.hidden = true;
    startSection.hidden = false;
    startForm.querySelector("button").focus();
  }

  if (startForm) {
    startForm.addEventListener("submit", function (event) {
      if (reserve.length) {
        event.preventDefault();
        begin(reserve.shift());
        refill();
      } else if (!navigator.onLine) {
        event.preventDefault();
        offlineNote.hidden = false;
      }
      // Otherwise the plain form: the server deals and the play goes page by page.
    });
    stage.addEventListener("click", function (event) {
      var button = event.target.closest("button");
      if (!button || !play) return;
      if (button.hasAttribute("data-undo")) undo();
      else if (button.hasAttribute("data-choice")) choose(parseInt(button.getAttribute("data-choice"), 10));
    });
  }

  document.addEventListener("keydown", function (event) {
    touch();
    if (!play || event.altKey || event.ctrlKey || event.metaKey) return;
    var button = null;
    if (event.key === "u" || event.key === "U") button = stage.querySelector("[data-undo]:not([hidden])");
    else if (/^[123]$/.test(event.key)) button = stage.querySelectorAll("[data-choice]")[parseInt(event.key, 10) - 1];
    if (button) {
      event.preventDefault();
      button.click();
    }
  });
  document.addEventListener("pointerdown", touch);
  idleNote.querySelector("button").addEventListener("click", function () {
    touch();
    var card = (stage && stage.querySelector("[data-keyword]")) || document.querySelector(".kiosk-choice");
    if (card) card.focus();
  });

  showQueue(loadQueue());
  touch();
  flush();
  refill();
  window.addEventListener("online", function () { flush(); refill(); });
  setInterval(function () { flush(); refill(); }, 10000);
})();
