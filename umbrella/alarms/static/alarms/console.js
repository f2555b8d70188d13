/*
 * The responder console (templates/alarms/console.html).
 *
 * Holds an EventSource on the alarm stream and keeps one card per alarm
 * routed to this person. EventSource reconnects on its own and sends
 * Last-Event-ID, so the server replays what was missed; when the browser
 * gives up (an error answer), the console reconnects itself with
 * ?last_event_id=. A card's details (who, where, room, duress, test) come
 * from GET /api/v1/alarms/<id>, and showing them marks the alarm seen.
 *
 * Sound needs a user gesture first (the sound button); the choice is kept
 * in localStorage, and a reload turns it back on at once where the browser
 * allows it, else explains its autoplay rule and offers one tap to resume.
 * While an alarm waits for someone to take it, the console rings and
 * vibrates again every few seconds.
 *
 * The place is given in words: the municipality and neighbourhood stamped on
 * the alarm when it was raised (names embedded in the page), and, when the
 * responder opts in, the distance from his own position, computed here:
 * his position is never sent anywhere.
 */
(function () {
  "use strict";

  var U = window.UmbrellaAlarms;
  var setText = U.setText;
  var EVENT_TYPES = ["alarm.raised", "alarm.escalated", "alarm.acknowledged", "alarm.resolved", "alarm.cancelled"];
  var RING_EVERY_MS = 5000;
  var RECONNECT_MS = 3000;
  var LAST_EVENT_KEY = "umbrella.console.lastEventId";
  var SOUND_KEY = "umbrella.console.sound";
  var EARTH_RADIUS_M = 6371008.8;

  var root = document.getElementById("console");
  if (!root) {
    return;
  }
  var msg = root.dataset;
  var list = document.getElementById("alarm-list");
  var empty = document.getElementById("console-empty");
  var template = document.getElementById("alarm-template");
  var connection = document.getElementById("console-connection");
  var notice = document.getElementById("console-notice");
  var announcer = document.getElementById("console-announcer");
  var alarms = {};
  var source = null;
  var lastEventId = sessionGet(LAST_EVENT_KEY);
  var audio = null;
  var ringTimer = null;
  var boundaries = null;
  var here = null;
  var countNode = document.getElementById("console-count");
  var places = readJson("console-place-names") || { municipalities: {}, neighbourhoods: {} };
  // Dates as the server writes them (umbrella/formats): English as written in
  // Brussels (en-GB: day before month), and a 24-hour clock in every language.
  var dateLang = msg.lang === "en" ? "en-GB" : msg.lang;
  var timeFormat = new Intl.DateTimeFormat(dateLang, { hour: "2-digit", minute: "2-digit", hourCycle: "h23" });
  var dateTimeFormat = new Intl.DateTimeFormat(dateLang, {
    day: "numeric", month: "numeric", year: "numeric", hour: "2-digit", minute: "2-digit", hourCycle: "h23",
  });

  function readJson(id) {
    var node = document.getElementById(id);
    if (!node) {
      return null;
    }
    try {
      return JSON.parse(node.textContent);
    } catch (error) {
      return null;
    }
  }

  function sessionGet(key) {
    try {
      return window.sessionStorage.getItem(key);
    } catch (error) {
      return null;
    }
  }

  function sessionSet(key, value) {
    try {
      window.sessionStorage.setItem(key, value);
    } catch (error) {
      // Without storage a reload starts from the open alarms: nothing lost.
    }
  }

  function localGet(key) {
    try {
      return window.localStorage.getItem(key);
    } catch (error) {
      return null;
    }
  }

  function localSet(key, value) {
    try {
      window.localStorage.setItem(key, value);
    } catch (error) {
      // Without storage the sound button is needed again after a reload.
    }
  }

  function announce(text) {
    announcer.textContent = "";
    window.setTimeout(function () { announcer.textContent = text; }, 50);
  }

  function field(card, name) {
    return card.querySelector('[data-field="' + name + '"]');
  }

  // --- the stream ---------------------------------------------------------

  function setConnection(state, text) {
    connection.dataset.state = state;
    if (connection.textContent !== text) {
      connection.textContent = text;
    }
  }

  function connect() {
    var url = msg.streamUrl;
    if (lastEventId) {
      url += "?last_event_id=" + encodeURIComponent(lastEventId);
    }
    setConnection("connecting", msg.msgConnecting);
    source = new EventSource(url);
    source.addEventListener("open", function () {
      setConnection("open", msg.msgConnected);
    });
    source.addEventListener("error", function () {
      setConnection("closed", msg.msgDisconnected);
      if (source.readyState === EventSource.CLOSED) {
        // The browser gave up (an error answer): try again, from the last event seen.
        source = null;
        window.setTimeout(connect, RECONNECT_MS);
      }
    });
    EVENT_TYPES.forEach(function (type) {
      source.addEventListener(type, function (event) {
        if (event.lastEventId) {
          lastEventId = event.lastEventId;
          sessionSet(LAST_EVENT_KEY, lastEventId);
        }
        var data;
        try {
          data = JSON.parse(event.data);
        } catch (error) {
          return;
        }
        if (data && data.alarm && data.alarm.id !== undefined) {
          onEvent(type, data);
        }
      });
    });
  }

  function onEvent(type, data) {
    var alarm = data.alarm;
    var entry = upsert(alarm);
    if (data.tier) {
      entry.data.current_tier = data.tier;
    }
    if (type === "alarm.resolved" && data.safe_by_owner) {
      // Her late "I'm safe" on the check-in screen (docs/alarms.md).
      entry.data.outcome = "safe_by_owner";
      announce(msg.msgSafeByOwner);
    }
    render(entry);
    if (type === "alarm.raised" || type === "alarm.escalated") {
      var who = title(entry.data);
      announce(U.fill(type === "alarm.raised" ? msg.msgNewAlarm : msg.msgEscalated, { who: who }));
    }
    loadDetails(entry);
    updateRinging();
  }

  // --- cards --------------------------------------------------------------

  function upsert(alarm) {
    var id = String(alarm.id);
    var entry = alarms[id];
    if (!entry) {
      var fragment = template.content.cloneNode(true);
      var card = fragment.querySelector(".alarm-card");
      card.id = "alarm-" + id;
      card.dataset.alarmId = id;
      var select = card.querySelector("[data-id=outcome]");
      select.id = "outcome-" + id;
      card.querySelector("[data-label-for=outcome]").setAttribute("for", select.id);
      var heading = field(card, "title");
      heading.id = "alarm-" + id + "-title";
      card.querySelector("article").setAttribute("aria-labelledby", heading.id);
      entry = { id: id, data: {}, card: card, seen: false, map: null, loading: false };
      alarms[id] = entry;
      wireActions(entry);
      list.insertBefore(card, list.firstChild);
      empty.hidden = true;
    }
    Object.keys(alarm).forEach(function (key) { entry.data[key] = alarm[key]; });
    return entry;
  }

  function title(data) {
    // The room's label is the establishment's own words ("Room 1", "Blue
    // room"): shown as it is, never wrapped in another "Room".
    var room = roomLabel(data);
    if (room) {
      return room;
    }
    var owner = U.personName(data.owner) || data.owner_name;
    return owner ? U.fill(msg.msgWorker, { name: owner }) : msg.msgUnknown;
  }

  function roomLabel(data) {
    if (data.room_label) {
      return data.room_label;
    }
    if (data.room && typeof data.room === "object") {
      return data.room.label || data.room.room_label || "";
    }
    return typeof data.room === "string" ? data.room : "";
  }

  function sourceLabel(data) {
    var key = "msgSource" + String(data.source || "").charAt(0).toUpperCase() + String(data.source || "").slice(1);
    return msg[key] || String(data.source || "");
  }

  function statusLabel(data) {
    if (data.status === "acknowledged") {
      var by = U.personName(data.acknowledged_by);
      return by ? U.fill(msg.msgAcknowledgedBy, { name: by }) : msg.msgAcknowledgedBy.replace(/%\(name\)s/, "…");
    }
    if (data.status === "resolved") {
      return data.outcome === "safe_by_owner" ? msg.msgSafeByOwner : msg.msgResolved;
    }
    if (data.status === "cancelled") {
      return msg.msgCancelled;
    }
    if (data.status === "closed") {
      return msg.msgClosed;
    }
    return msg.msgRaised;
  }

  function location(data) {
    if (data.location && typeof data.location === "object") {
      return data.location;
    }
    if (data.lat !== undefined && data.lat !== null) {
      return { lat: data.lat, lon: data.lon, accuracy: data.accuracy };
    }
    if (data.latitude !== undefined && data.latitude !== null) {
      return { lat: data.latitude, lon: data.longitude, accuracy: data.accuracy };
    }
    return null;
  }

  function render(entry) {
    var data = entry.data;
    var card = entry.card;
    card.dataset.status = data.status || "raised";
    var isDuress = Boolean(data.is_duress || data.duress || data.source === "duress");
    var isTest = Boolean(data.is_test || data.test);
    card.dataset.duress = String(isDuress);
    card.dataset.test = String(isTest);
    setText(field(card, "title"), title(data));
    setText(field(card, "status"), statusLabel(data));
    setText(field(card, "source"), sourceLabel(data) + (data.current_tier ? " · " + U.fill(msg.msgTier, { tier: data.current_tier }) : ""));
    var raised = field(card, "raised");
    if (data.raised_at) {
      raised.dateTime = data.raised_at;
      setText(raised, when(new Date(data.raised_at)));
    }
    var tags = field(card, "tags");
    tags.replaceChildren();
    if (isDuress) {
      tags.appendChild(tag(msg.msgSourceDuress, "duress"));
    }
    if (isTest) {
      tags.appendChild(tag(msg.msgTest, "test"));
    }
    var duress = field(card, "duress");
    duress.hidden = !isDuress;
    setText(duress, isDuress ? msg.msgDuress : "");
    setText(field(card, "note"), data.note || "—");
    renderPlace(entry);
    var open = data.status === "raised" || data.status === "acknowledged" || !data.status;
    card.querySelector("[data-action=acknowledge]").hidden = data.status !== "raised" && Boolean(data.status);
    card.querySelector("form[data-action=resolve]").hidden = !open;
  }

  /* A time of today as the page's language writes it; another day with its date. */
  function when(date) {
    var today = new Date();
    var sameDay = date.toDateString() === today.toDateString();
    return (sameDay ? timeFormat : dateTimeFormat).format(date);
  }

  function tag(text, kind) {
    var item = document.createElement("li");
    item.className = "alarm-tag " + kind;
    item.textContent = text;
    return item;
  }

  /* The stamped area codes: from the detail's "area", else the event's summary. */
  function areaCodes(data) {
    var area = data.area && typeof data.area === "object" ? data.area : {};
    return {
      municipality: area.nis_code || data.nis_code || "",
      neighbourhood: area.neighbourhood_code || data.neighbourhood_code || "",
    };
  }

  /* The place in words: the establishment for a room, else neighbourhood and municipality. */
  function placeWords(data, where) {
    if (roomLabel(data)) {
      return data.establishment ? U.personName(data.establishment) : "";
    }
    var codes = areaCodes(data);
    var municipality = places.municipalities[codes.municipality] || "";
    var neighbourhood = places.neighbourhoods[String(codes.neighbourhood)] || "";
    if (municipality && neighbourhood) {
      return U.fill(msg.msgNeighbourhoodIn, { neighbourhood: neighbourhood, municipality: municipality });
    }
    if (municipality || neighbourhood) {
      return municipality || neighbourhood;
    }
    if (where) {
      return msg.msgOutsideAreas;
    }
    return data.has_location === false || data.location === null ? msg.msgNoLocation : "";
  }

  function distanceText(lat, lon) {
    if (!here) {
      return "";
    }
    var metres = metresBetween(here.lat, here.lon, lat, lon);
    var formatted;
    if (metres < 1000) {
      var rounded = Math.max(10, Math.round(metres / 10) * 10);
      formatted = new Intl.NumberFormat(msg.lang, { style: "unit", unit: "meter", unitDisplay: "short" }).format(rounded);
    } else {
      formatted = new Intl.NumberFormat(msg.lang, {
        style: "unit", unit: "kilometer", unitDisplay: "short", maximumFractionDigits: metres < 10000 ? 1 : 0,
      }).format(metres / 1000);
    }
    return U.fill(msg.msgDistance, { distance: formatted });
  }

  /* Great-circle distance (haversine) in metres. */
  function metresBetween(lat1, lon1, lat2, lon2) {
    var rad = Math.PI / 180;
    var dLat = (lat2 - lat1) * rad;
    var dLon = (lon2 - lon1) * rad;
    var a = Math.sin(dLat / 2) * Math.sin(dLat / 2)
      + Math.cos(lat1 * rad) * Math.cos(lat2 * rad) * Math.sin(dLon / 2) * Math.sin(dLon / 2);
    return 2 * EARTH_RADIUS_M * Math.asin(Math.min(1, Math.sqrt(a)));
  }

  function renderPlace(entry) {
    var place = field(entry.card, "place");
    var where = location(entry.data);
    if (where && (where.lat === null || where.lat === undefined)) {
      where = null;
    }
    var lines = [placeWords(entry.data, where)];
    var links = field(entry.card, "map-links");
    if (where) {
      var lat = Number(where.lat);
      var lon = Number(where.lon);
      var extra = [distanceText(lat, lon)];
      if (where.accuracy) {
        extra.push(U.fill(msg.msgAccuracy, { metres: Math.round(where.accuracy) }));
      }
      lines.push(extra.filter(Boolean).join(" · "));
      entry.point = { lat: lat, lon: lon, accuracy: where.accuracy };
      // A geo: link opens the responder's own maps app; the page itself loads nothing.
      field(entry.card, "geo-link").href = "geo:" + lat + "," + lon;
      links.hidden = false;
      if (entry.map) {
        showMap(entry);
      }
    } else {
      links.hidden = true;
    }
    lines = lines.filter(Boolean);
    var text = lines.join("\n");
    if (place.dataset.text !== text) {
      place.dataset.text = text;
      place.replaceChildren();
      lines.forEach(function (line, index) {
        var span = document.createElement("span");
        span.className = index ? "alarm-place-detail" : "alarm-place-words";
        span.textContent = line;
        place.appendChild(span);
      });
    }
  }

  function toggleMap(entry, button) {
    var box = field(entry.card, "map");
    var open = box.hidden;
    box.hidden = !open;
    button.setAttribute("aria-expanded", String(open));
    button.textContent = open ? msg.msgMapHide : msg.msgMapShow;
    if (open) {
      showMap(entry);
    }
  }

  function showMap(entry) {
    if (typeof L === "undefined" || !entry.point) {
      return;
    }
    var lat = entry.point.lat;
    var lon = entry.point.lon;
    var accuracy = entry.point.accuracy;
    var box = field(entry.card, "map");
    box.setAttribute("aria-label", field(entry.card, "title").textContent + " — " + field(entry.card, "place").textContent);
    if (!entry.map) {
      entry.map = L.map(box, { zoomControl: true, attributionControl: true });
      entry.map.attributionControl.setPrefix(false);
      entry.map.attributionControl.addAttribution(msg.attribution);
      if (msg.tileUrl) {
        L.tileLayer(msg.tileUrl, { attribution: msg.tileAttribution }).addTo(entry.map);
      }
      addBoundaries(entry.map);
      entry.marker = L.circleMarker([lat, lon], {
        radius: 9, color: "#a4161a", weight: 3, fillColor: "#ffffff", fillOpacity: 0.9, interactive: false,
      }).addTo(entry.map);
      entry.accuracy = L.circle([lat, lon], {
        radius: accuracy || 0, color: "#a4161a", weight: 1, fillOpacity: 0.1, interactive: false,
      }).addTo(entry.map);
      entry.map.setView([lat, lon], 15);
    } else {
      entry.map.invalidateSize();
      entry.marker.setLatLng([lat, lon]);
      entry.accuracy.setLatLng([lat, lon]).setRadius(accuracy || 0);
    }
  }

  /* Draw the municipalities (fetched once from this site): no tiles needed. */
  function addBoundaries(map) {
    if (!boundaries) {
      boundaries = fetch(msg.municipalitiesUrl + "?lang=" + encodeURIComponent(msg.lang), {
        headers: { Accept: "application/geo+json" },
      }).then(function (response) {
        return response.ok ? response.json() : null;
      }).catch(function () {
        return null;
      });
    }
    boundaries.then(function (collection) {
      if (collection) {
        L.geoJSON(collection, {
          style: { color: "#1d3557", weight: 2, fillColor: "#a8dadc", fillOpacity: 0.15 },
          interactive: false,
        }).addTo(map);
      }
    });
  }

  // --- details, seen, acknowledge, resolve ----------------------------------

  function alarmUrl(id, action) {
    return msg.alarmsUrl + "/" + encodeURIComponent(id) + (action ? "/" + action : "");
  }

  function loadDetails(entry) {
    if (entry.loading) {
      entry.reload = true;
      return;
    }
    entry.loading = true;
    U.api(alarmUrl(entry.id))
      .then(function (answer) {
        if (answer.ok && answer.body) {
          upsert(answer.body);
          render(entry);
          updateRinging();
          markSeen(entry);
        }
      })
      .catch(function () {
        // The stream event already drew the card; details come with the next event.
      })
      .finally(function () {
        entry.loading = false;
        if (entry.reload) {
          entry.reload = false;
          loadDetails(entry);
        }
      });
  }

  function markSeen(entry) {
    if (entry.seen) {
      return;
    }
    entry.seen = true;
    U.api(alarmUrl(entry.id, "seen"), { method: "POST", body: {}, csrf: msg.csrf }).then(function (answer) {
      if (!answer.ok) {
        entry.seen = false;
      }
    }, function () {
      entry.seen = false;
    });
  }

  function wireActions(entry) {
    var card = entry.card;
    card.querySelector("[data-action=acknowledge]").addEventListener("click", function () {
      act(entry, "acknowledge", {});
    });
    card.querySelector("form[data-action=resolve]").addEventListener("submit", function (event) {
      event.preventDefault();
      act(entry, "resolve", { outcome: event.target.elements.outcome.value });
    });
    var mapButton = card.querySelector("[data-action=map]");
    mapButton.addEventListener("click", function () {
      toggleMap(entry, mapButton);
    });
  }

  function act(entry, action, body) {
    U.api(alarmUrl(entry.id, action), { method: "POST", body: body, csrf: msg.csrf })
      .then(function (answer) {
        if (!answer.ok) {
          throw new Error(String(answer.status));
        }
        if (answer.body && answer.body.id !== undefined) {
          upsert(answer.body);
          render(entry);
          announce(field(entry.card, "status").textContent);
        } else {
          loadDetails(entry);
        }
        updateRinging();
      })
      .catch(function () {
        notice.textContent = msg.msgActionFailed;
      });
  }

  // --- sound and vibration ------------------------------------------------

  function waitingAlarms() {
    return Object.keys(alarms).filter(function (id) {
      var status = alarms[id].data.status;
      return !status || status === "raised";
    });
  }

  function openCount() {
    return Object.keys(alarms).filter(function (id) {
      var status = alarms[id].data.status;
      return !status || status === "raised" || status === "acknowledged";
    }).length;
  }

  /* "3 open alarms" in the page's language: the plural forms come from the page. */
  function updateCount() {
    var count = openCount();
    if (countNode.dataset.count === String(count)) {
      return;
    }
    countNode.dataset.count = String(count);
    var category = new Intl.PluralRules(msg.lang).select(count);
    var template = category === "one" ? msg.msgCountOne : category === "few" ? msg.msgCountFew : msg.msgCountOther;
    countNode.textContent = U.fill(template, { counter: new Intl.NumberFormat(msg.lang).format(count) });
  }

  function updateRinging() {
    updateCount();
    var ringing = waitingAlarms().length > 0;
    root.dataset.ringing = String(ringing);
    if (ringing && !ringTimer) {
      ring();
      ringTimer = window.setInterval(ring, RING_EVERY_MS);
    } else if (!ringing && ringTimer) {
      window.clearInterval(ringTimer);
      ringTimer = null;
    }
  }

  function ring() {
    root.dataset.rings = String(Number(root.dataset.rings || 0) + 1);
    if (navigator.vibrate) {
      navigator.vibrate([300, 100, 300, 100, 300]);
    }
    if (!audio) {
      return;
    }
    var start = audio.currentTime + 0.05;
    for (var i = 0; i < 3; i++) {
      var oscillator = audio.createOscillator();
      var gain = audio.createGain();
      oscillator.type = "square";
      oscillator.frequency.value = i % 2 ? 660 : 880;
      gain.gain.setValueAtTime(0.25, start + i * 0.35);
      gain.gain.setValueAtTime(0, start + i * 0.35 + 0.25);
      oscillator.connect(gain).connect(audio.destination);
      oscillator.start(start + i * 0.35);
      oscillator.stop(start + i * 0.35 + 0.3);
    }
  }

  var soundButton = document.getElementById("console-sound");
  var soundBlocked = document.getElementById("console-sound-blocked");

  /* Show the sound's state: off, on, or wanted but held by the browser's autoplay rule. */
  function showSound(state) {
    root.dataset.sound = state;
    soundButton.setAttribute("aria-pressed", String(state !== "off"));
    soundButton.textContent = state === "off" ? msg.msgSoundTurnOn : msg.msgSoundTurnOff;
    soundBlocked.hidden = state !== "blocked";
  }

  /* Start (or resume) the audio; ``gesture`` says a tap or key press asked for it. */
  function startSound(gesture) {
    var Context = window.AudioContext || window.webkitAudioContext;
    if (!Context) {
      showSound("off");
      return;
    }
    if (!audio) {
      audio = new Context();
      audio.addEventListener("statechange", function () {
        if (localGet(SOUND_KEY) === "on") {
          showSound(audio.state === "running" ? "on" : "blocked");
        }
      });
    }
    // Without a user gesture the browser may keep the context suspended:
    // resume() then waits, and the page says why and offers the tap.
    function settled() {
      var running = audio.state === "running";
      if (localGet(SOUND_KEY) === "on") {
        showSound(running ? "on" : "blocked");
      }
      if (gesture && running) {
        notice.textContent = msg.msgSoundOn;
        ring();
      }
    }
    showSound(gesture || audio.state === "running" ? "on" : "blocked");
    var resumed = audio.resume ? audio.resume() : null;
    if (resumed && resumed.then) {
      resumed.then(settled, settled);
    } else {
      settled();
    }
  }

  function turnSoundOn() {
    localSet(SOUND_KEY, "on");
    startSound(true);
  }

  soundButton.addEventListener("click", function () {
    if (root.dataset.sound === "on") {
      localSet(SOUND_KEY, "off");
      if (audio && audio.suspend) {
        audio.suspend();
      }
      showSound("off");
      notice.textContent = msg.msgSoundOff;
      return;
    }
    turnSoundOn();
  });
  document.getElementById("console-sound-again").addEventListener("click", turnSoundOn);
  // Any tap on the page counts as the gesture the browser waits for.
  ["pointerdown", "keydown"].forEach(function (type) {
    document.addEventListener(type, function () {
      if (root.dataset.sound === "blocked") {
        startSound(false);
      }
    }, { capture: true });
  });
  if (localGet(SOUND_KEY) === "on") {
    startSound(false);
  } else {
    showSound("off");
  }

  // --- Web Push -----------------------------------------------------------

  document.getElementById("console-push").addEventListener("click", function () {
    U.subscribePush({
      keyUrl: msg.pushKeyUrl,
      subscriptionsUrl: msg.pushSubscriptionsUrl,
      swUrl: msg.swUrl,
      swScope: msg.swScope,
      lang: msg.lang,
      csrf: msg.csrf,
    })
      .then(function () {
        notice.textContent = msg.msgPushOn;
      })
      .catch(function (error) {
        notice.textContent = error && error.message === "denied" ? msg.msgPushDenied : msg.msgPushUnavailable;
      });
  });

  // --- distance from the responder (opt-in, computed here) -----------------

  var distanceButton = document.getElementById("console-distance");
  var distanceWatch = null;

  function renderAllPlaces() {
    Object.keys(alarms).forEach(function (id) { renderPlace(alarms[id]); });
  }

  distanceButton.addEventListener("click", function () {
    if (distanceWatch !== null) {
      navigator.geolocation.clearWatch(distanceWatch);
      distanceWatch = null;
      here = null;
      distanceButton.setAttribute("aria-pressed", "false");
      renderAllPlaces();
      return;
    }
    if (!("geolocation" in navigator)) {
      notice.textContent = msg.msgDistanceFailed;
      return;
    }
    notice.textContent = msg.msgDistanceWait;
    distanceButton.setAttribute("aria-pressed", "true");
    // The position stays in this page: it is only used for the sums below.
    distanceWatch = navigator.geolocation.watchPosition(function (position) {
      var first = here === null;
      here = { lat: position.coords.latitude, lon: position.coords.longitude };
      if (first) {
        notice.textContent = msg.msgDistanceOn;
      }
      renderAllPlaces();
    }, function () {
      if (distanceWatch !== null) {
        navigator.geolocation.clearWatch(distanceWatch);
      }
      distanceWatch = null;
      here = null;
      distanceButton.setAttribute("aria-pressed", "false");
      notice.textContent = msg.msgDistanceFailed;
      renderAllPlaces();
    }, { enableHighAccuracy: true, maximumAge: 30000, timeout: 20000 });
  });

  // --- start --------------------------------------------------------------

  var initial = document.getElementById("console-open-alarms");
  if (initial) {
    JSON.parse(initial.textContent).forEach(function (alarm) {
      var entry = upsert(alarm);
      render(entry);
      loadDetails(entry);
    });
  }
  updateRinging();
  U.registerServiceWorker(msg.swUrl, msg.swScope);
  connect();
})();
