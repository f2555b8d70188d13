/*
 * The alarms service worker, served by alarms.views.service_worker at
 * /<lang>/alarms/sw.js (scope /<lang>/alarms/), which prepends self.UMBRELLA
 * = {alarmsUrl, consoleUrl, icon, offlineUrls}.
 *
 * 1. An alarm must not be lost to a dropped connection. A POST to the alarms
 *    endpoint that fails on the network is kept in IndexedDB and answered
 *    with 202 {"queued": true}; it is sent again on Background Sync (where
 *    the browser has it), when a page says it is back online, and at the
 *    worker's next start. Pages hear {"type": "alarm-sent", "alarm"} when
 *    it went through.
 * 2. The panic page opens without a network: it is cached network-first.
 * 3. Web Push for responders whose console is closed: a notification that
 *    opens the console.
 */
"use strict";

var CONFIG = self.UMBRELLA || {};
var CACHE = "umbrella-alarms-v1";
var DB_NAME = "umbrella-alarms";
var STORE = "outbox";
var SYNC_TAG = "alarm-outbox";
// Answers that will not change if sent again: drop the request (a 4xx other
// than a rate limit or an expired session means the request itself is wrong).
var FINAL_CLIENT_ERRORS = [400, 403, 404, 409, 410, 422];

self.addEventListener("install", function (event) {
  self.skipWaiting();
  event.waitUntil(
    caches.open(CACHE).then(function (cache) {
      return cache.addAll(CONFIG.offlineUrls || []).catch(function () {
        // Not signed in yet, or offline at install: cached at the next visit.
      });
    })
  );
});

self.addEventListener("activate", function (event) {
  event.waitUntil(
    caches.keys()
      .then(function (keys) {
        return Promise.all(keys.filter(function (key) { return key !== CACHE; }).map(function (key) {
          return caches.delete(key);
        }));
      })
      .then(function () { return self.clients.claim(); })
      .then(flush)
  );
});

// --- the outbox ----------------------------------------------------------

function openDb() {
  return new Promise(function (resolve, reject) {
    var request = indexedDB.open(DB_NAME, 1);
    request.onupgradeneeded = function () {
      request.result.createObjectStore(STORE, { keyPath: "id", autoIncrement: true });
    };
    request.onsuccess = function () { resolve(request.result); };
    request.onerror = function () { reject(request.error); };
  });
}

function withStore(mode, action) {
  return openDb().then(function (db) {
    return new Promise(function (resolve, reject) {
      var tx = db.transaction(STORE, mode);
      var result = action(tx.objectStore(STORE));
      tx.oncomplete = function () { resolve(result && "result" in result ? result.result : result); };
      tx.onerror = function () { reject(tx.error); };
    });
  });
}

function enqueue(item) {
  return withStore("readwrite", function (store) { return store.add(item); });
}

function queued() {
  return withStore("readonly", function (store) { return store.getAll(); });
}

function remove(id) {
  return withStore("readwrite", function (store) { return store.delete(id); });
}

function broadcast(message) {
  return self.clients.matchAll({ includeUncontrolled: true, type: "window" }).then(function (list) {
    list.forEach(function (client) { client.postMessage(message); });
  });
}

var flushing = null;

/* Send every queued alarm; reject when one still cannot reach the server. */
function flush() {
  if (flushing) {
    return flushing;
  }
  flushing = queued()
    .then(function (items) {
      return items.reduce(function (chain, item) {
        return chain.then(function () { return sendQueued(item); });
      }, Promise.resolve());
    })
    .finally(function () { flushing = null; });
  return flushing;
}

function sendQueued(item) {
  return fetch(item.url, {
    method: "POST", body: item.body, headers: item.headers, credentials: "same-origin",
  }).then(function (response) {
    if (response.ok) {
      return response.json().catch(function () { return null; }).then(function (alarm) {
        return remove(item.id).then(function () {
          return broadcast({ type: "alarm-sent", alarm: alarm });
        });
      });
    }
    if (FINAL_CLIENT_ERRORS.indexOf(response.status) !== -1) {
      return remove(item.id).then(function () {
        return broadcast({ type: "alarm-failed", status: response.status });
      });
    }
    throw new Error("retry later: " + response.status);
  });
}

function sendOrQueue(request) {
  var copy = request.clone();
  return fetch(request).catch(function () {
    return copy.text().then(function (body) {
      var headers = {};
      ["content-type", "x-csrftoken", "idempotency-key", "accept"].forEach(function (name) {
        var value = copy.headers.get(name);
        if (value) {
          headers[name] = value;
        }
      });
      return enqueue({ url: copy.url, body: body, headers: headers, queuedAt: Date.now() })
        .then(function () {
          if (self.registration.sync) {
            return self.registration.sync.register(SYNC_TAG).catch(function () {});
          }
          return null;
        })
        .then(function () {
          return new Response(JSON.stringify({ queued: true }), {
            status: 202, headers: { "Content-Type": "application/json" },
          });
        });
    });
  });
}

self.addEventListener("fetch", function (event) {
  var request = event.request;
  var url = new URL(request.url);
  if (url.origin !== self.location.origin) {
    return;
  }
  if (request.method === "POST" && url.pathname === CONFIG.alarmsUrl) {
    event.respondWith(sendOrQueue(request));
    return;
  }
  if (request.mode === "navigate" && (CONFIG.offlineUrls || []).indexOf(url.pathname) !== -1) {
    event.respondWith(
      fetch(request)
        .then(function (response) {
          if (response.ok) {
            var copy = response.clone();
            caches.open(CACHE).then(function (cache) { cache.put(url.pathname, copy); });
          }
          return response;
        })
        .catch(function () {
          return caches.match(url.pathname).then(function (cached) {
            return cached || Response.error();
          });
        })
    );
  }
});

self.addEventListener("sync", function (event) {
  if (event.tag === SYNC_TAG) {
    event.waitUntil(flush());
  }
});

self.addEventListener("message", function (event) {
  if (event.data && event.data.type === "flush") {
    event.waitUntil(flush().catch(function () {}));
  }
});

// --- Web Push for responders ----------------------------------------------

self.addEventListener("push", function (event) {
  var data = {};
  try {
    data = event.data ? event.data.json() : {};
  } catch (error) {
    data = { body: event.data ? event.data.text() : "" };
  }
  var alarm = data.alarm || {};
  // Her own reminder shows on her lock screen under the name she chose for
  // this phone ("Calculator"…); responders' alerts keep the server's title.
  var title = data.type === "checkin.reminder" ? CONFIG.appName : data.title || CONFIG.appName;
  var options = {
    body: data.body || "",
    icon: CONFIG.icon,
    badge: CONFIG.icon,
    tag: alarm.id ? "alarm-" + alarm.id : "alarm",
    renotify: true,
    requireInteraction: true,
    vibrate: [300, 100, 300, 100, 300],
    data: { url: data.url || CONFIG.consoleUrl },
  };
  event.waitUntil(self.registration.showNotification(title, options));
});

self.addEventListener("notificationclick", function (event) {
  event.notification.close();
  var target = (event.notification.data && event.notification.data.url) || CONFIG.consoleUrl;
  event.waitUntil(
    self.clients.matchAll({ type: "window", includeUncontrolled: true }).then(function (list) {
      for (var i = 0; i < list.length; i++) {
        if (new URL(list[i].url).pathname === new URL(target, self.location.origin).pathname) {
          return list[i].focus();
        }
      }
      return self.clients.openWindow(target);
    })
  );
});
