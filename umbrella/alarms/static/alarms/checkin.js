/*
 * The check-in timer (templates/alarms/checkin.html): start, countdown,
 * "I'm safe" (with an optional PIN; the duress PIN looks exactly the same)
 * and extend, through /api/v1/checkins.
 *
 * The state shown (running, grace, told, safe, …) always comes from the
 * server: the page polls GET /api/v1/checkins/<id> and only counts the
 * seconds down between two answers. When the countdown reaches the due
 * time or the end of the grace it asks at once, rather than guessing.
 */
(function () {
  "use strict";

  var U = window.UmbrellaAlarms;
  var setText = U.setText;
  var POLL_MS = 3000;
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
  var toldBox = running.querySelector("[data-field=told-box]");
  var comingNode = running.querySelector("[data-field=coming]");
  var seenNode = running.querySelector("[data-field=seen]");
  var doneForm = document.getElementById("checkin-done");
  var extendForm = document.getElementById("checkin-extend");
  var pushButton = document.getElementById("checkin-push");
  var pushStatus = root.querySelector("[data-field=push-status]");
  var current = null; // the last answer of the server
  var skew = 0; // server clock minus this phone's clock, in ms
  var ticker = null;
  var pollTimer = null;
  var lastState = null;
  var FOLLOWED = ["running", "grace", "told"];

  function say(text) {
    setText(statusNode, text);
  }

  function clock(iso) {
    return U.clock(iso, msg.lang, msg.timeZone);
  }

  function serverNow() {
    return Date.now() + skew;
  }

  /* Vibrate and beep once: the time is up (the page is open, so she may hear it). */
  function alert_() {
    if (navigator.vibrate) {
      navigator.vibrate([400, 200, 400, 200, 400]);
    }
    var Context = window.AudioContext || window.webkitAudioContext;
    if (!Context) {
      return;
    }
    try {
      var audio = new Context();
      [0, 0.5, 1].forEach(function (start) {
        var tone = audio.createOscillator();
        var gain = audio.createGain();
        tone.frequency.value = 880;
        gain.gain.value = 0.3;
        tone.connect(gain).connect(audio.destination);
        tone.start(audio.currentTime + start);
        tone.stop(audio.currentTime + start + 0.3);
      });
    } catch (error) {
      // Some browsers refuse sound before a tap; the vibration and the text remain.
    }
  }

  /* Show what the server says about her check-in. */
  function show(checkin) {
    current = checkin;
    if (checkin && checkin.now) {
      skew = new Date(checkin.now).getTime() - Date.now();
    }
    var state = checkin ? checkin.state : null;
    var followed = FOLLOWED.indexOf(state) !== -1;
    running.hidden = !followed;
    running.dataset.state = state || "";
    startForm.hidden = followed;
    extendForm.hidden = !(state === "running" || state === "grace");
    toldBox.hidden = state !== "told";
    if (state === "running") {
      setText(dueNode, U.fill(msg.msgRunning, { time: clock(checkin.due_at), told: clock(checkin.expires_at) }));
    } else if (state === "grace") {
      setText(dueNode, U.fill(msg.msgGrace, { time: clock(checkin.expires_at) }));
    } else if (state === "told") {
      setText(dueNode, U.fill(msg.msgTold, { time: clock(checkin.told_at) }));
      var alarm = checkin.alarm || {};
      var seen = U.names(alarm.seen_by);
      setText(comingNode, alarm.coming ? U.fill(msg.msgComing, { name: U.personName(alarm.coming) }) : "");
      setText(seenNode, seen.length ? U.fill(msg.msgSeen, { names: seen.join(", ") }) : msg.msgNotSeen);
    }
    if (state !== lastState) {
      if (state === "grace" || state === "told") {
        say(dueNode.textContent);
        if (lastState !== null || state === "grace") {
          alert_();
        }
      } else if (state === "safe") {
        say(U.fill(msg.msgSafe, { time: clock(checkin.safe_at) }));
      } else if (state === "closed") {
        say(msg.msgClosed);
      }
      lastState = state;
    }
    window.clearInterval(ticker);
    window.clearTimeout(pollTimer);
    if (followed) {
      tick();
      ticker = window.setInterval(tick, 1000);
      pollTimer = window.setTimeout(poll, POLL_MS);
    }
  }

  function tick() {
    if (!current || (current.state !== "running" && current.state !== "grace")) {
      setText(countdown, "");
      return;
    }
    var target = current.state === "running" ? current.due_at : current.expires_at;
    var left = Math.round((new Date(target).getTime() - serverNow()) / 1000);
    if (left <= 0) {
      setText(countdown, "0:00");
      // A boundary: ask the server what happened instead of guessing.
      if (!tick.asked) {
        tick.asked = true;
        poll();
      }
      return;
    }
    tick.asked = false;
    var hours = Math.floor(left / 3600);
    var minutes = Math.floor((left % 3600) / 60);
    var seconds = left % 60;
    setText(countdown, (hours ? hours + ":" + String(minutes).padStart(2, "0") : String(minutes)) + ":" + String(seconds).padStart(2, "0"));
  }

  function poll() {
    window.clearTimeout(pollTimer);
    if (!current) {
      return;
    }
    var id = current.id;
    U.api(msg.checkinsUrl + "/" + encodeURIComponent(id))
      .then(function (answer) {
        if (current && current.id === id && answer.ok && answer.body) {
          tick.asked = false;
          show(answer.body);
        }
      })
      .catch(function () {
        // Offline: keep counting; the server keeps the timer and tells her circle.
      })
      .finally(function () {
        if (current && current.id === id && FOLLOWED.indexOf(current.state) !== -1) {
          window.clearTimeout(pollTimer);
          pollTimer = window.setTimeout(poll, POLL_MS);
        }
      });
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
      lastState = null;
      show(checkin);
      say(U.fill(msg.msgStarted, { time: clock(checkin.due_at) }));
      document.getElementById("checkin-running-heading").focus();
    }).catch(fail);
  });

  doneForm.addEventListener("submit", function (event) {
    event.preventDefault();
    if (!current) {
      return;
    }
    var pin = doneForm.elements.pin.value;
    var wasTold = current.state === "told" || current.state === "grace";
    post(msg.checkinsUrl + "/" + encodeURIComponent(current.id) + "/done", pin ? { pin: pin } : {})
      .then(function (checkin) {
        doneForm.elements.pin.value = "";
        // Whatever the server did with the PIN, this screen shows what it answered
        // to her: "done", or "your circle was told that you are safe".
        show(checkin);
        if (checkin.state !== "safe") {
          say(wasTold && checkin.state === "closed" ? msg.msgClosed : msg.msgDone);
        }
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
        say(U.fill(msg.msgExtended, { time: clock(checkin.due_at) }));
      })
      .catch(fail);
  });

  pushButton.addEventListener("click", function () {
    U.subscribePush({
      keyUrl: msg.pushKeyUrl,
      subscriptionsUrl: msg.pushSubscriptionsUrl,
      swUrl: msg.swUrl,
      swScope: msg.swScope,
      lang: msg.lang,
      csrf: msg.csrf,
    }).then(function () {
      setText(pushStatus, msg.msgPushOn);
    }).catch(function (error) {
      setText(pushStatus, error && error.message === "denied" ? msg.msgPushDenied : msg.msgPushUnavailable);
    });
  });

  document.getElementById("checkin-running-heading").setAttribute("tabindex", "-1");
  var initial = JSON.parse(document.getElementById("checkin-current").textContent);
  show(initial);
  if (!initial || FOLLOWED.indexOf(initial.state) === -1) {
    say("");
  }
  U.registerServiceWorker(msg.swUrl, msg.swScope);
})();
