// Quick exit: leave at once for a neutral site, replacing this history entry
// where the browser allows, so "Back" does not return here. Also on Escape
// pressed three times within two seconds.
(function () {
  "use strict";
  var target = document.body.getAttribute("data-quick-exit-url") || "about:blank";

  function leave(event) {
    if (event) { event.preventDefault(); }
    try {
      // Blank the page first: nothing stays visible while the next one loads.
      document.title = "";
      document.body.style.visibility = "hidden";
      history.replaceState(null, "", "/");
    } catch (e) { /* older browsers: carry on */ }
    window.location.replace(target);
  }

  var link = document.getElementById("quick-exit");
  if (link) { link.addEventListener("click", leave); }

  var presses = [];
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") { return; }
    var now = Date.now();
    presses = presses.filter(function (t) { return now - t < 2000; });
    presses.push(now);
    if (presses.length >= 3) { leave(event); }
  });
})();
