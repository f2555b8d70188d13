/*
 * The worker's panic button (templates/alarms/panic.html).
 *
 * A pocket must not send an alarm, so one short press does nothing: the
 * button sends after a hold of about a second (pointer, touch, or Space /
 * Enter held down) or after two presses close together. Assistive
 * technology activates a button with one synthetic click; that arms the
 * button and says "press again", so the second activation sends.
 *
 * After the POST the page polls GET /api/v1/alarms/<id> every two seconds
 * and says who has seen the alarm and who is coming. Offline, the service
 * worker keeps the request and sends it when the connection returns; the
 * page meanwhile offers 112 and a text message to a number that is kept in
 * this browser only (localStorage) and never sent to the server.
 */
(function () {
  "use strict";

  var U = window.UmbrellaAlarms;
  var setText = U.setText;
  var HOLD_MS = 1000;
  var DOUBLE_TAP_MS = 500; // two taps of a finger
  var ARM_MS = 4000; // two activations by keyboard or screen reader
  var POLL_MS = 2000;
  var OPEN_POLL_MS = 5000;
  var RETRY_MS = 5000;
  var POSITION_MAX_AGE_MS = 5 * 60 * 1000;
  var KEYS = {
    current: "umbrella.alarm.current",
    pending: "umbrella.alarm.pending",
    contact: "umbrella.alarm.contact",
    location: "umbrella.alarm.location",
  };

  var root = document.getElementById("panic");
  if (!root) {
    return;
  }
  var msg = root.dataset;
  var button = document.getElementById("panic-button");
  var statusNode = root.querySelector("#panic-status [data-field=status]");
  var progress = document.getElementById("panic-progress");
  var seenNode = progress.querySelector("[data-field=seen]");
  var ackNode = progress.querySelector("[data-field=acknowledged]");
  var offline = document.getElementById("panic-offline");
  var smsItem = offline.querySelector("[data-sms-item]");
  var smsLink = document.getElementById("panic-sms");
  var cancelForm = document.getElementById("panic-cancel");
  var settingsStatus = root.querySelector("[data-field=settings-status]");
  var locationBox = document.getElementById("panic-location");
  var contactForm = document.getElementById("panic-contact-form");
  var contactInput = document.getElementById("panic-contact");
  var openSection = document.getElementById("panic-open");
  var openList = openSection.querySelector("[data-field=open-list]");
  var labels = JSON.parse(document.getElementById("panic-labels").textContent);
  var openAlarms = JSON.parse(document.getElementById("panic-open-alarms").textContent) || [];
  var openTimer = null;

  var state = "idle";
  var holdTimer = null;
  var holding = false;
  var lastTap = 0;
  var lastTapWindow = DOUBLE_TAP_MS;
  var keyDown = false;
  var alarmId = null;
  var pollTimer = null;
  var retryTimer = null;
  var position = null;
  var watchId = null;

  function store(key, value) {
    try {
      if (value === null) {
        window.localStorage.removeItem(key);
      } else {
        window.localStorage.setItem(key, typeof value === "string" ? value : JSON.stringify(value));
      }
    } catch (error) {
      // Private browsing may refuse storage; the alarm itself does not need it.
    }
  }

  function load(key) {
    try {
      return window.localStorage.getItem(key);
    } catch (error) {
      return null;
    }
  }

  function say(text) {
    setText(statusNode, text);
  }

  // --- pressing the button ------------------------------------------------

  function startHold() {
    if (state === "sending" || holding) {
      return;
    }
    holding = true;
    button.classList.add("is-holding");
    say(msg.msgHolding);
    holdTimer = window.setTimeout(function () {
      holdTimer = null;
      stopHold();
      send();
    }, HOLD_MS);
  }

  function stopHold() {
    holding = false;
    button.classList.remove("is-holding");
  }

  /* End a press; a short one counts as a tap, and two taps send. */
  function endHold(countsAsTap, window_) {
    if (!holding) {
      return;
    }
    var wasShort = holdTimer !== null;
    window.clearTimeout(holdTimer);
    holdTimer = null;
    stopHold();
    if (!wasShort) {
      return;
    }
    if (countsAsTap) {
      tap(window_);
    } else {
      sayIdle();
    }
  }

  function tap(window_) {
    var now = Date.now();
    if (lastTap && now - lastTap <= lastTapWindow) {
      lastTap = 0;
      send();
      return;
    }
    lastTap = now;
    lastTapWindow = window_;
    say(msg.msgPressAgain);
  }

  /* What the page says when no press is going on: never "no alarm" while one is open. */
  function idleText() {
    return openAlarms.length ? msg.msgOpen : msg.msgReady;
  }

  function sayIdle() {
    if (state === "idle") {
      say(idleText());
    }
  }

  // --- her open alarms (check-in alarms too), as the server lists them -------

  function clock(iso) {
    return U.clock(iso, msg.lang, msg.timeZone);
  }

  function renderOpen() {
    openSection.hidden = openAlarms.length === 0;
    var items = openAlarms.map(function (alarm) {
      var item = document.createElement("li");
      item.textContent = U.fill(msg.msgOpenItem, {
        source: labels.source[alarm.source] || alarm.source,
        time: clock(alarm.raised_at),
        status: labels.status[alarm.status] || alarm.status,
      });
      return item;
    });
    openList.replaceChildren.apply(openList, items);
  }

  function pollOpen() {
    window.clearTimeout(openTimer);
    U.api(msg.alarmsUrl + "?open=1")
      .then(function (answer) {
        if (answer.ok && answer.body && answer.body.alarms) {
          openAlarms = answer.body.alarms;
          renderOpen();
          followOpen();
        }
      })
      .catch(function () {
        // Offline: keep the last list; 112 stays on the page.
      })
      .finally(function () {
        openTimer = window.setTimeout(pollOpen, OPEN_POLL_MS);
      });
  }

  /* With no press of hers going on, follow her newest open alarm (a check-in's too). */
  function followOpen() {
    if (state === "idle" && alarmId === null && openAlarms.length) {
      onRaised(openAlarms[0]);
    } else {
      sayIdle();
    }
  }

  button.addEventListener("pointerdown", function (event) {
    if (event.pointerType === "mouse" && event.button !== 0) {
      return;
    }
    event.preventDefault();
    try {
      button.setPointerCapture(event.pointerId);
    } catch (error) {
      // Capture is a nicety: without it a finger sliding off ends the hold.
    }
    startHold();
  });
  button.addEventListener("pointerup", function () {
    endHold(true, DOUBLE_TAP_MS);
  });
  button.addEventListener("pointercancel", function () {
    endHold(false);
  });
  button.addEventListener("lostpointercapture", function () {
    endHold(false);
  });
  // A long press would otherwise open the phone's context menu.
  button.addEventListener("contextmenu", function (event) {
    event.preventDefault();
  });
  button.addEventListener("keydown", function (event) {
    if (event.key !== " " && event.key !== "Enter") {
      return;
    }
    event.preventDefault(); // no click: the hold decides
    if (event.repeat || keyDown) {
      return;
    }
    keyDown = true;
    startHold();
  });
  button.addEventListener("keyup", function (event) {
    if (event.key !== " " && event.key !== "Enter") {
      return;
    }
    event.preventDefault();
    keyDown = false;
    endHold(true, ARM_MS);
  });
  button.addEventListener("blur", function () {
    keyDown = false;
    endHold(false);
  });
  // A screen reader activates with one click and no pointer or key events
  // (detail is 0): arm on the first, send on the second.
  button.addEventListener("click", function (event) {
    event.preventDefault();
    if (event.detail === 0 && !holding) {
      tap(ARM_MS);
    }
  });

  // --- sending ------------------------------------------------------------

  function alarmBody() {
    var body = {};
    if (position && Date.now() - position.at <= POSITION_MAX_AGE_MS) {
      body.lat = position.lat;
      body.lon = position.lon;
      body.accuracy = position.accuracy;
    }
    return body;
  }

  function send() {
    if (state === "sending") {
      return;
    }
    state = "sending";
    button.classList.add("is-sent");
    say(msg.msgSending);
    var request = { body: alarmBody(), key: U.randomKey() };
    post(request);
  }

  function post(request) {
    return U.api(msg.alarmsUrl, {
      method: "POST",
      body: request.body,
      csrf: msg.csrf,
      headers: { "Idempotency-Key": request.key },
    })
      .then(function (answer) {
        if (answer.status === 202 && answer.body && answer.body.queued) {
          onQueued(null); // the service worker holds it and will retry
        } else if (answer.ok && answer.body && answer.body.id) {
          store(KEYS.pending, null);
          onRaised(answer.body);
        } else {
          onFailed();
        }
      })
      .catch(function () {
        // No service worker in charge: keep the request here and retry.
        onQueued(request);
      });
  }

  function onQueued(request) {
    state = "queued";
    if (request) {
      store(KEYS.pending, request);
      scheduleRetry();
    }
    say(msg.msgQueued);
    showFallbacks(true);
  }

  function onFailed() {
    state = "failed";
    button.classList.remove("is-sent");
    say(msg.msgFailed);
    showFallbacks(true);
  }

  function scheduleRetry() {
    window.clearTimeout(retryTimer);
    retryTimer = window.setTimeout(retryPending, RETRY_MS);
  }

  function retryPending() {
    var saved = load(KEYS.pending);
    if (!saved) {
      return;
    }
    var request;
    try {
      request = JSON.parse(saved);
    } catch (error) {
      store(KEYS.pending, null);
      return;
    }
    state = "sending";
    post(request);
  }

  function onRaised(alarm) {
    state = "sent";
    alarmId = alarm.id;
    store(KEYS.current, String(alarm.id));
    button.classList.add("is-sent");
    showFallbacks(false);
    progress.hidden = false;
    cancelForm.hidden = false;
    render(alarm);
    poll();
  }

  function poll() {
    window.clearTimeout(pollTimer);
    if (alarmId === null) {
      return;
    }
    var id = alarmId;
    U.api(msg.alarmsUrl + "/" + encodeURIComponent(id))
      .then(function (answer) {
        if (id !== alarmId) {
          return;
        }
        if (answer.ok && answer.body) {
          render(answer.body);
        } else if (answer.status === 404) {
          finish(null);
        }
      })
      .catch(function () {
        // A dropped connection: keep trying; the alarm is already on the server.
      })
      .finally(function () {
        if (id === alarmId) {
          pollTimer = window.setTimeout(poll, POLL_MS);
        }
      });
  }

  function render(alarm) {
    var status = alarm.status;
    // "closed": nobody resolved it within the retention time; it is over for her too.
    if (status === "resolved" || status === "closed") {
      finish(msg.msgResolved);
      return;
    }
    if (status === "cancelled") {
      finish(msg.msgCancelled);
      return;
    }
    var acknowledger = U.personName(alarm.acknowledged_by);
    if (status === "acknowledged" && acknowledger) {
      say(U.fill(msg.msgAcknowledged, { name: acknowledger }));
      setText(ackNode, U.fill(msg.msgAcknowledged, { name: acknowledger }));
    } else if ((alarm.current_tier || 1) > 1) {
      say(msg.msgEscalated);
    } else {
      say(msg.msgSent);
    }
    var seen = U.names(alarm.seen_by);
    setText(seenNode, seen.length ? U.fill(msg.msgSeen, { names: seen.join(", ") }) : msg.msgNotSeen);
  }

  function finish(text) {
    var closed = alarmId;
    alarmId = null;
    window.clearTimeout(pollTimer);
    store(KEYS.current, null);
    state = "idle";
    button.classList.remove("is-sent");
    cancelForm.hidden = true;
    progress.hidden = true;
    setText(ackNode, "");
    setText(seenNode, "");
    openAlarms = openAlarms.filter(function (alarm) { return String(alarm.id) !== String(closed); });
    renderOpen();
    say(text || idleText());
  }

  // --- cancelling ---------------------------------------------------------

  cancelForm.addEventListener("submit", function (event) {
    event.preventDefault();
    if (alarmId === null) {
      return;
    }
    var pin = cancelForm.elements.pin.value;
    var body = pin ? { pin: pin } : {};
    U.api(msg.alarmsUrl + "/" + encodeURIComponent(alarmId) + "/cancel", {
      method: "POST", body: body, csrf: msg.csrf,
    })
      .then(function (answer) {
        cancelForm.elements.pin.value = "";
        if (answer.ok) {
          // A duress PIN answers like a normal cancel: show exactly the same,
          // and stop asking the server, whose answers would tell otherwise.
          finish(msg.msgCancelled);
        } else {
          say(msg.msgCancelFailed);
        }
      })
      .catch(function () {
        say(msg.msgCancelFailed);
      });
  });

  // --- fallbacks: 112 and a text message ----------------------------------

  function showFallbacks(visible) {
    offline.hidden = !visible;
    updateSmsLink();
  }

  function updateSmsLink() {
    var number = load(KEYS.contact);
    smsItem.hidden = !number;
    if (!number) {
      return;
    }
    var text = msg.smsBody;
    if (position) {
      text += " " + position.lat.toFixed(5) + ", " + position.lon.toFixed(5);
    }
    smsLink.href = "sms:" + encodeURIComponent(number).replace(/%2B/g, "+") + "?body=" + encodeURIComponent(text);
  }

  contactInput.value = load(KEYS.contact) || "";
  contactForm.addEventListener("submit", function (event) {
    event.preventDefault();
    var number = contactInput.value.replace(/[^0-9+]/g, "");
    store(KEYS.contact, number || null);
    setText(settingsStatus, number ? msg.msgContactSaved : msg.msgContactRemoved);
    updateSmsLink();
  });
  document.getElementById("panic-contact-remove").addEventListener("click", function () {
    contactInput.value = "";
    store(KEYS.contact, null);
    setText(settingsStatus, msg.msgContactRemoved);
    updateSmsLink();
  });

  // --- location (optional) ------------------------------------------------

  function watchLocation() {
    if (!("geolocation" in navigator) || watchId !== null) {
      return;
    }
    watchId = navigator.geolocation.watchPosition(
      function (found) {
        position = {
          lat: found.coords.latitude,
          lon: found.coords.longitude,
          accuracy: Math.round(found.coords.accuracy),
          at: Date.now(),
        };
        updateSmsLink();
      },
      function (error) {
        if (error.code === error.PERMISSION_DENIED) {
          stopLocation();
          locationBox.checked = false;
          store(KEYS.location, null);
          setText(settingsStatus, msg.msgLocationDenied);
        }
      },
      { enableHighAccuracy: true, maximumAge: 60000, timeout: 20000 }
    );
  }

  function stopLocation() {
    if (watchId !== null) {
      navigator.geolocation.clearWatch(watchId);
      watchId = null;
    }
    position = null;
  }

  locationBox.checked = load(KEYS.location) === "1";
  locationBox.addEventListener("change", function () {
    if (locationBox.checked) {
      store(KEYS.location, "1");
      setText(settingsStatus, msg.msgLocationOn);
      watchLocation();
    } else {
      store(KEYS.location, null);
      stopLocation();
    }
  });
  if (locationBox.checked) {
    watchLocation();
  }

  // --- service worker and connectivity ------------------------------------

  if ("serviceWorker" in navigator) {
    navigator.serviceWorker.addEventListener("message", function (event) {
      var data = event.data || {};
      if (data.type === "alarm-sent" && data.alarm && data.alarm.id) {
        onRaised(data.alarm);
      }
    });
  }
  U.registerServiceWorker(msg.swUrl, msg.swScope);

  window.addEventListener("online", function () {
    retryPending();
    if (navigator.serviceWorker && navigator.serviceWorker.controller) {
      navigator.serviceWorker.controller.postMessage({ type: "flush" });
    }
  });
  window.addEventListener("offline", function () {
    showFallbacks(true);
  });

  // --- start --------------------------------------------------------------

  button.disabled = false;
  renderOpen();
  var current = load(KEYS.current);
  if (current) {
    onRaised({ id: current, status: "raised" });
  } else if (load(KEYS.pending)) {
    state = "queued";
    say(msg.msgQueued);
    showFallbacks(true);
    retryPending();
  } else {
    followOpen();
    if (!navigator.onLine) {
      showFallbacks(true);
    }
  }
  openTimer = window.setTimeout(pollOpen, OPEN_POLL_MS);
})();
