// Quick exit: leave at once for a neutral site, and make "Back" and "Forward"
// lead there too, not to an Umbrella page. Also on Escape pressed three times
// within two seconds. What a browser allows and what it does not is written
// down in docs/accounts.md ("Quick exit"): no page can delete history.
//
// Loaded in <head>, before the page paints, so that a page reached again by
// Back or Forward after she left is hidden and replaced before anyone sees it.
(function () {
  "use strict";
  var root = document.documentElement;
  var target = root.getAttribute("data-quick-exit-url") || "about:blank";
  // sessionStorage lives in this tab only and ends with it; nothing is stored anywhere else.
  var LEAVING = "umbrella-leaving";
  var DEPTH = "umbrella-depth";

  function read(key) {
    try { return window.sessionStorage.getItem(key); } catch (e) { return null; }
  }
  function store(key, value) {
    try {
      if (value === null) { window.sessionStorage.removeItem(key); }
      else { window.sessionStorage.setItem(key, value); }
      return true;
    } catch (e) {
      return false;  // storage refused (some private modes): the exit still works, less thoroughly
    }
  }

  function hide() {
    root.style.visibility = "hidden";
    document.title = "";
  }

  function replaceWithNeutralSite() {
    hide();
    window.location.replace(target);
  }

  function navigationType() {
    var entries = window.performance && performance.getEntriesByType
      ? performance.getEntriesByType("navigation") : [];
    return entries.length ? entries[0].type : "navigate";
  }

  // After she left, an Umbrella page reached by Back or Forward in this tab gives
  // way to the neutral site at once. Coming back on purpose (a typed address, a
  // bookmark, a link) is a new navigation and makes Umbrella work again.
  if (read(LEAVING)) {
    if (navigationType() === "back_forward") {
      replaceWithNeutralSite();
      return;
    }
    store(LEAVING, null);
  }

  // How many Umbrella pages lie behind this one in this tab's history. The
  // Navigation API (Chromium, recent Firefox and Safari) lists exactly the
  // entries of this site next to this one; elsewhere each page counts itself
  // in history.state, from the page that led to it.
  function depth() {
    var nav = window.navigation;
    if (nav && nav.currentEntry && typeof nav.currentEntry.index === "number" && nav.currentEntry.index >= 0) {
      return nav.currentEntry.index;
    }
    var state = window.history.state;
    return state && typeof state.umbrellaDepth === "number" ? state.umbrellaDepth : 0;
  }

  (function count() {
    var state = window.history.state;
    if (!state || typeof state.umbrellaDepth !== "number") {
      var previous = parseInt(read(DEPTH), 10);
      var fromHere = document.referrer.indexOf(window.location.origin + "/") === 0;
      var mine = { umbrellaDepth: fromHere && previous >= 0 ? previous + 1 : 0 };
      state = state && typeof state === "object" ? Object.assign({}, state, mine) : mine;
      try { window.history.replaceState(state, ""); } catch (e) { /* carry on */ }
    }
    store(DEPTH, String(state.umbrellaDepth));
  })();

  function leave(event) {
    if (event) { event.preventDefault(); }
    // Blank the page first: nothing stays visible while the next one loads.
    hide();
    var noted = store(LEAVING, "1") && read(LEAVING) === "1";
    var behind = depth();
    // Without the note the first page could not know to replace itself: leave from here.
    if (noted && behind > 0) {
      // Walk back to the first Umbrella page of this visit; it replaces itself
      // with the neutral site (above), so the entry before it is what "Back" shows.
      window.history.go(-behind);
      // A browser that refuses the walk leaves from here.
      window.setTimeout(function () { window.location.replace(target); }, 500);
    } else {
      window.location.replace(target);
    }
  }

  // A page put into the back-forward cache is kept hidden, so that restoring
  // it never flashes its content; it shows again only if she is not leaving.
  window.addEventListener("pagehide", function (event) {
    if (event.persisted) { root.style.visibility = "hidden"; }
  });
  window.addEventListener("pageshow", function (event) {
    if (!event.persisted) { return; }
    if (read(LEAVING)) { replaceWithNeutralSite(); }
    else { root.style.visibility = ""; }
  });

  var presses = [];
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") { return; }
    var now = Date.now();
    presses = presses.filter(function (t) { return now - t < 2000; });
    presses.push(now);
    if (presses.length >= 3) { leave(event); }
  });

  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest("#quick-exit");
    if (link) { leave(event); }
  });
})();
