/*
 * Find a place by its name and move a map there (templates/areas/_place_search.html).
 *
 * She types "Gare du Nord" (or "Noordstation"); the places whose names match
 * come from this site's /api/v1/areas/search (the shipped gazetteer, and the
 * operator's geocoder when one is configured, asked by the server), listed as
 * buttons. Choosing one centres the map on it and:
 *
 * - with data-fill-form (the directory), fills that form's latitude and
 *   longitude and submits it, so the list starts from the place;
 * - on the areas map component, looks the point up (its municipality, zone
 *   and neighbourhood);
 * - and always dispatches "umbrella:place" on the map's root, with
 *   event.detail {lat, lon, name, kind}, for any other page to act on.
 *
 * The map is found at choice time as the umbrellaMap property of the element
 * data-map-root selects: a Leaflet map, or a component holding one as .map.
 * Keyboard: Enter searches; the down arrow moves from the field to the
 * results, the arrows move among them, Escape goes back to the field. Every
 * string comes from the page. No request leaves this site.
 */
(function () {
  "use strict";

  var ZOOM = 16;
  var DEBOUNCE_MS = 250;
  var MIN_TYPED = 2;

  function fill(template, values) {
    return template.replace(/\{(\w+)\}/g, function (whole, key) {
      return Object.prototype.hasOwnProperty.call(values, key) ? values[key] : whole;
    });
  }

  function PlaceSearch(root) {
    this.root = root;
    this.data = root.dataset;
    this.input = root.querySelector("[data-place-input]");
    this.button = root.querySelector("[data-place-submit]");
    this.status = root.querySelector("[data-place-status]");
    this.results = root.querySelector("[data-place-results]");
    this.request = 0;
    this.timer = null;
    this.lastQuery = "";
  }

  PlaceSearch.prototype.start = function () {
    var self = this;
    this.root.hidden = false;
    this.button.addEventListener("click", function () {
      self.search(true);
    });
    this.input.addEventListener("keydown", function (event) {
      if (event.key === "Enter") {
        // Never the enclosing form's submit (the report form): Enter searches.
        event.preventDefault();
        self.search(true);
      } else if (event.key === "ArrowDown") {
        var first = self.results.querySelector("button");
        if (first) {
          event.preventDefault();
          first.focus();
        }
      } else if (event.key === "Escape" && self.results.children.length) {
        event.preventDefault();
        self.clear();
      }
    });
    this.input.addEventListener("input", function () {
      window.clearTimeout(self.timer);
      self.timer = window.setTimeout(function () {
        self.search(false);
      }, DEBOUNCE_MS);
    });
    this.results.addEventListener("keydown", function (event) {
      var buttons = Array.prototype.slice.call(self.results.querySelectorAll("button"));
      var at = buttons.indexOf(document.activeElement);
      if (at < 0) {
        return;
      }
      if (event.key === "ArrowDown" && at + 1 < buttons.length) {
        event.preventDefault();
        buttons[at + 1].focus();
      } else if (event.key === "ArrowUp") {
        event.preventDefault();
        (at > 0 ? buttons[at - 1] : self.input).focus();
      } else if (event.key === "Escape") {
        event.preventDefault();
        self.clear();
        self.input.focus();
      }
    });
  };

  PlaceSearch.prototype.clear = function () {
    this.results.replaceChildren();
    this.status.textContent = "";
    this.lastQuery = "";
  };

  PlaceSearch.prototype.search = function (asked) {
    var self = this;
    var query = this.input.value.trim();
    window.clearTimeout(this.timer);
    if (query.length < (asked ? 1 : MIN_TYPED)) {
      if (!query) {
        this.clear();
      }
      return;
    }
    if (query === this.lastQuery && !asked) {
      return;
    }
    this.lastQuery = query;
    var request = ++this.request;
    this.status.textContent = this.data.searching;
    var params = new URLSearchParams({ q: query, lang: this.data.lang });
    fetch(this.data.searchUrl + "?" + params.toString(), { headers: { Accept: "application/json" } })
      .then(function (response) {
        return response.json().then(function (body) {
          return { ok: response.ok, body: body };
        });
      })
      .then(function (answer) {
        if (request !== self.request) {
          return; // A newer search has started; its answer wins.
        }
        if (!answer.ok) {
          self.results.replaceChildren();
          self.status.textContent = (answer.body && answer.body.detail) || self.data.error;
          return;
        }
        self.show(answer.body);
      })
      .catch(function () {
        if (request === self.request) {
          self.results.replaceChildren();
          self.status.textContent = self.data.error;
        }
      });
  };

  PlaceSearch.prototype.show = function (places) {
    var self = this;
    var items = places.map(function (place) {
      var item = document.createElement("li");
      var button = document.createElement("button");
      button.type = "button";
      button.className = "place-search-choice";
      button.dataset.lat = String(place.lat);
      button.dataset.lon = String(place.lon);
      button.dataset.kind = place.kind;
      var name = document.createElement("span");
      name.className = "place-search-name";
      name.textContent = place.name;
      button.appendChild(name);
      // Brussels names are bilingual: the other one too, when it differs.
      var other = place.name === place.name_fr ? place.name_nl : place.name_fr;
      if (other && other !== place.name) {
        var otherName = document.createElement("span");
        otherName.className = "place-search-other";
        otherName.lang = place.name === place.name_fr ? "nl" : "fr";
        otherName.textContent = " (" + other + ")";
        button.appendChild(otherName);
      }
      var detail = document.createElement("span");
      detail.className = "place-search-detail";
      var kind = self.data["kind" + place.kind.charAt(0).toUpperCase() + place.kind.slice(1)] || place.kind;
      detail.textContent = kind + " · " + place.municipality.name;
      button.appendChild(detail);
      button.addEventListener("click", function () {
        self.choose(place);
      });
      item.appendChild(button);
      return item;
    });
    this.results.replaceChildren.apply(this.results, items);
    this.status.textContent = places.length
      ? fill(this.data.found, { count: String(places.length) })
      : this.data.none;
  };

  PlaceSearch.prototype.mapRoot = function () {
    return this.data.mapRoot ? document.querySelector(this.data.mapRoot) : null;
  };

  PlaceSearch.prototype.choose = function (place) {
    var root = this.mapRoot();
    var handle = root ? root.umbrellaMap : null;
    var map = handle && typeof handle.setView === "function" ? handle : handle && handle.map;
    this.input.value = place.name;
    this.results.replaceChildren();
    this.lastQuery = place.name;
    if (map) {
      map.setView([place.lat, place.lon], Math.max(ZOOM, map.getZoom()), { animate: false });
    }
    if (root) {
      root.dispatchEvent(new CustomEvent("umbrella:place", {
        bubbles: true,
        detail: { lat: place.lat, lon: place.lon, name: place.name, kind: place.kind },
      }));
    }
    var form = this.data.fillForm ? document.getElementById(this.data.fillForm) : null;
    if (form) {
      this.status.textContent = fill(this.data.listing, { name: place.name });
      form.elements.lat.value = String(place.lat);
      form.elements.lon.value = String(place.lon);
      if (form.elements.near) {
        form.elements.near.value = ""; // a point wins over a municipality
      }
      form.submit();
      return;
    }
    this.status.textContent = fill(this.data.shown, { name: place.name });
    if (handle && typeof handle.lookup === "function") {
      handle.lookup(place.lat, place.lon, true); // the areas map: which municipality, zone…
    }
    // The chosen button is gone: keyboard users go on from the map (Enter acts at its centre).
    var canvas = root ? root.querySelector("[data-map-canvas]") : null;
    (canvas && canvas.tabIndex >= 0 ? canvas : this.input).focus();
  };

  function start() {
    document.querySelectorAll("[data-place-search]").forEach(function (root) {
      root.placeSearch = new PlaceSearch(root);
      root.placeSearch.start();
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
