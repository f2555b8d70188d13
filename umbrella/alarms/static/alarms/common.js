/*
 * Helpers shared by the alarm screens (panic, check-in, console).
 *
 * Strings never live here: every page passes its translated sentences in
 * data- attributes, with named placeholders such as %(name)s that fill()
 * replaces, so translators see whole sentences.
 */
(function () {
  "use strict";

  function fill(template, values) {
    return String(template || "").replace(/%\((\w+)\)s/g, function (match, key) {
      return Object.prototype.hasOwnProperty.call(values, key) ? String(values[key]) : match;
    });
  }

  /* Change a node's text only when it differs, so a live region does not announce the same words again. */
  function setText(node, text) {
    if (node.textContent !== text) {
      node.textContent = text;
    }
  }

  /* A time of day as hh:mm in her language, in the site's time zone when the page gives one. */
  function clock(iso, lang, timeZone) {
    var options = { hour: "2-digit", minute: "2-digit" };
    if (timeZone) {
      options.timeZone = timeZone;
    }
    try {
      return new Date(iso).toLocaleTimeString(lang, options);
    } catch (error) {
      delete options.timeZone; // a browser that does not know the zone: her phone's own
      return new Date(iso).toLocaleTimeString(lang, options);
    }
  }

  function csrfToken(root) {
    var match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    return (root && root.dataset.csrf) || (match ? decodeURIComponent(match[1]) : "");
  }

  /* Call the JSON API with the session cookie; resolve to {ok, status, body}. */
  function api(url, options) {
    options = options || {};
    var headers = { Accept: "application/json" };
    var init = { method: options.method || "GET", credentials: "same-origin", headers: headers };
    if (options.body !== undefined) {
      headers["Content-Type"] = "application/json";
      init.body = JSON.stringify(options.body);
    }
    if (init.method !== "GET") {
      headers["X-CSRFToken"] = options.csrf || csrfToken();
    }
    if (options.headers) {
      Object.keys(options.headers).forEach(function (key) { headers[key] = options.headers[key]; });
    }
    return fetch(url, init).then(function (response) {
      return response.text().then(function (text) {
        var body = null;
        try {
          body = text ? JSON.parse(text) : null;
        } catch (error) {
          body = null;
        }
        return { ok: response.ok, status: response.status, body: body };
      });
    });
  }

  function registerServiceWorker(url, scope) {
    if (!("serviceWorker" in navigator) || !url) {
      return Promise.resolve(null);
    }
    return navigator.serviceWorker.register(url, { scope: scope }).catch(function () {
      return null; // The page still works without it, only not offline.
    });
  }

  /* A person's display name from the API: a string or {"username"|"name"}. */
  function personName(person) {
    if (!person) {
      return "";
    }
    if (typeof person === "string") {
      return person;
    }
    return person.name || person.username || person.display_name || "";
  }

  /* The display names of a list of people, leaving out those without one. */
  function names(list) {
    return (list || []).map(personName).filter(Boolean);
  }

  function randomKey() {
    if (window.crypto && window.crypto.randomUUID) {
      return window.crypto.randomUUID();
    }
    return String(Date.now()) + "-" + String(Math.random()).slice(2);
  }

  function keyBytes(base64url) {
    var padding = "=".repeat((4 - (base64url.length % 4)) % 4);
    var raw = window.atob((base64url + padding).replace(/-/g, "+").replace(/_/g, "/"));
    var bytes = new Uint8Array(raw.length);
    for (var i = 0; i < raw.length; i++) {
      bytes[i] = raw.charCodeAt(i);
    }
    return bytes;
  }

  /*
   * Ask for notifications and register this browser's push subscription.
   * options: keyUrl, subscriptionsUrl, swUrl, swScope, lang, csrf. Rejects
   * with Error("denied") when she says no, another Error when it cannot work.
   */
  function subscribePush(options) {
    if (!("serviceWorker" in navigator) || !("PushManager" in window) || !("Notification" in window)) {
      return Promise.reject(new Error("unavailable"));
    }
    return Notification.requestPermission()
      .then(function (permission) {
        if (permission !== "granted") {
          throw new Error("denied");
        }
        return registerServiceWorker(options.swUrl, options.swScope);
      })
      .then(function () { return navigator.serviceWorker.ready; })
      .then(function (registration) {
        return api(options.keyUrl).then(function (answer) {
          var key = answer.body && answer.body.public_key;
          if (!answer.ok || !key) {
            throw new Error("no key");
          }
          return registration.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: keyBytes(key) });
        });
      })
      .then(function (subscription) {
        var json = subscription.toJSON();
        return api(options.subscriptionsUrl, {
          method: "POST",
          body: { endpoint: json.endpoint, keys: json.keys, language: options.lang },
          csrf: options.csrf,
        });
      })
      .then(function (answer) {
        if (!answer.ok) {
          throw new Error(String(answer.status));
        }
        return answer.body;
      });
  }

  window.UmbrellaAlarms = {
    subscribePush: subscribePush,
    fill: fill,
    setText: setText,
    clock: clock,
    names: names,
    csrfToken: csrfToken,
    api: api,
    registerServiceWorker: registerServiceWorker,
    personName: personName,
    randomKey: randomKey,
  };
})();
