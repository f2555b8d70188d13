/*
 * The check-in timer (templates/alarms/checkin.html): start, countdown,
 * "I'm safe" (with an optional PIN; the duress PIN looks exactly the same)
 * and extend, through /api/v1/checkins.
 */
(function () {
  "use strict";

  var U = window.UmbrellaAlarms;
  var root = document.getElementById("checkin");
  if (!root) {
    return;
  }
  var msg = root.dataset;
  var statusNode = root.querySelector("#checkin-status [data-field=status]");
  var startForm = document.getElementById("checkin-start");
  var running = document.getElementById("checkin-running");
  var dueNode = running.querySelector("[data-field=due]");
  var countdown = running.querySelector("[data-field=countdown]");
  var doneForm = document.getElementById("checkin-done");
  var extendForm = document.getElementById("checkin-extend");
  var current = null;
  var ticker = null;
  var overdueSaid = false;

  function say(text) {
    statusNode.textContent = text;
  }

  function clock(date) {
    return date.toLocaleTimeString(msg.lang, { hour: "2-digit", minute: "2-digit" });
  }

  function show(checkin) {
    if (!checkin || (checkin.status && checkin.status !== "running")) {
      current = null;
      running.hidden = true;
      startForm.hidden = false;
      window.clearInterval(ticker);
      return;
    }
    current = checkin;
    current.due = new Date(checkin.due_at);
    var grace = Math.round((checkin.grace_seconds || 0) / 60);
    dueNode.textContent = U.fill(msg.msgDue, { time: clock(current.due), grace: grace });
    running.hidden = false;
    startForm.hidden = true;
    overdueSaid = false;
    tick();
    window.clearInterval(ticker);
    ticker = window.setInterval(tick, 1000);
  }

  function tick() {
    if (!current) {
      return;
    }
    var left = Math.round((current.due.getTime() - Date.now()) / 1000);
    if (left <= 0) {
      countdown.textContent = "0:00";
      if (!overdueSaid) {
        overdueSaid = true;
        say(msg.msgOverdue);
      }
      return;
    }
    var hours = Math.floor(left / 3600);
    var minutes = Math.floor((left % 3600) / 60);
    var seconds = left % 60;
    var text = (hours ? hours + ":" + String(minutes).padStart(2, "0") : String(minutes)) + ":" + String(seconds).padStart(2, "0");
    countdown.textContent = text;
  }

  // One Idempotency-Key per check-in the person starts, kept until the server
  // answers: sending the form again after a dropped connection cannot start
  // a second timer.
  var startKey = null;

  function post(url, body, headers) {
    var options = { method: "POST", body: body, csrf: msg.csrf, headers: headers };
    return U.api(url, options).then(function (answer) {
      if (!answer.ok) {
        var detail = answer.body && answer.body.detail;
        throw new Error(typeof detail === "string" ? detail : "");
      }
      return answer.body;
    });
  }

  function fail(error) {
    say(error && error.message ? error.message : msg.msgError);
  }

  startForm.addEventListener("submit", function (event) {
    event.preventDefault();
    var body = { minutes: Number(startForm.elements.minutes.value) };
    var note = startForm.elements.note.value.trim();
    if (note) {
      body.note = note;
    }
    startKey = startKey || U.randomKey();
    post(msg.checkinsUrl, body, { "Idempotency-Key": startKey }).then(function (checkin) {
      startKey = null;
      show(checkin);
      say(U.fill(msg.msgStarted, { time: clock(new Date(checkin.due_at)) }));
      document.getElementById("checkin-running-heading").focus();
    }).catch(fail);
  });

  doneForm.addEventListener("submit", function (event) {
    event.preventDefault();
    if (!current) {
      return;
    }
    var pin = doneForm.elements.pin.value;
    post(msg.checkinsUrl + "/" + encodeURIComponent(current.id) + "/done", pin ? { pin: pin } : {})
      .then(function () {
        doneForm.elements.pin.value = "";
        // Whatever the server did with the PIN, this screen shows "done".
        show(null);
        say(msg.msgDone);
      })
      .catch(fail);
  });

  extendForm.addEventListener("submit", function (event) {
    event.preventDefault();
    if (!current) {
      return;
    }
    var minutes = Number(extendForm.elements.minutes.value);
    post(msg.checkinsUrl + "/" + encodeURIComponent(current.id) + "/extend", { minutes: minutes })
      .then(function (checkin) {
        show(checkin);
        say(U.fill(msg.msgExtended, { time: clock(new Date(checkin.due_at)) }));
      })
      .catch(fail);
  });

  document.getElementById("checkin-running-heading").setAttribute("tabindex", "-1");
  var initial = JSON.parse(document.getElementById("checkin-current").textContent);
  show(initial);
  U.registerServiceWorker(msg.swUrl, msg.swScope);
})();
