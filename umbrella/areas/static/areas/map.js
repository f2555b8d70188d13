/*
 * The Brussels map component (templates/areas/_map.html).
 *
 * Draws the region's boundaries from the areas API, looks up a clicked point
 * (or the map centre on Enter, or her own position when she asks for it) and
 * writes the answer into the result region. The base (tiles or the
 * self-hosted archive, the names of municipalities and neighbourhoods, the
 * scale bar) comes from areas/basemap.js. Every string comes from the page
 * (data- attributes and <template>s), so the component speaks the page's
 * language. No request leaves this site unless the operator configured a
 * tile server.
 *
 * Other components may listen for "umbrella:located" on the component root:
 * event.detail is {lat, lon, location} with location as the API returns it.
 * The root's umbrellaMap property holds the component (its Leaflet map is
 * umbrellaMap.map), for components that add their own layers.
 */
(function () {
  "use strict";

  // The region's bounding box (data/brussels/SOURCES.md), south-west then north-east.
  var REGION_BOUNDS = [[50.76368, 4.24376], [50.9139, 4.48227]];
  var STYLES = {
    municipalities: { color: "#1d3557", weight: 2, fillColor: "#a8dadc", fillOpacity: 0.15 },
    "police-zones": { color: "#6a1b9a", weight: 4, dashArray: "8 6", fill: false },
    neighbourhoods: { color: "#4a4a4a", weight: 1, fill: false },
  };
  // The data- attribute that holds each layer's URL (dataset names are camelCase).
  var URL_KEYS = {
    municipalities: "municipalitiesUrl",
    "police-zones": "policeZonesUrl",
    neighbourhoods: "neighbourhoodsUrl",
  };

  function formatCoordinate(value) {
    return (Math.round(value * 1e6) / 1e6).toString();
  }

  function setText(root, field, text) {
    var node = root.querySelector('[data-field="' + field + '"]');
    if (node) {
      node.textContent = text;
    }
  }

  function BrusselsMap(root) {
    this.root = root;
    this.data = root.dataset;
    this.canvas = root.querySelector("[data-map-canvas]");
    this.result = document.getElementById(this.data.resultId);
    this.body = this.result.querySelector("[data-result-body]");
    this.form = this.data.formId ? document.getElementById(this.data.formId) : null;
    this.layers = {};
    this.marker = null;
    this.request = 0;
  }

  BrusselsMap.prototype.start = function () {
    var self = this;
    this.root.hidden = false;
    // Quarter zoom steps let the whole region fill the map at any width.
    this.map = L.map(this.canvas, {
      zoomControl: false, zoomSnap: 0.25, minZoom: 10, maxBoundsViscosity: 0.8,
    });
    L.control.zoom({ zoomInTitle: this.data.zoomIn, zoomOutTitle: this.data.zoomOut }).addTo(this.map);
    this.map.attributionControl.setPrefix(false);
    this.map.attributionControl.addAttribution(this.data.attribution);
    if (window.UmbrellaBaseMap) {
      this.base = window.UmbrellaBaseMap.decorate(this.map, this.root);
    }
    this.map.fitBounds(REGION_BOUNDS);
    this.map.setMaxBounds(L.latLngBounds(REGION_BOUNDS).pad(0.5));

    this.map.on("click", function (event) {
      self.lookup(event.latlng.lat, event.latlng.lng);
    });
    // Keyboard users move the map with the arrow keys and look up its centre.
    this.canvas.addEventListener("keydown", function (event) {
      if (event.key === "Enter" && event.target === self.canvas) {
        var centre = self.map.getCenter();
        self.lookup(centre.lat, centre.lng);
      }
    });

    this.root.querySelectorAll("input[data-layer]").forEach(function (box) {
      box.addEventListener("change", function () {
        self.showLayer(box.dataset.layer, box.checked);
      });
      if (box.checked) {
        self.showLayer(box.dataset.layer, true);
      }
    });
    if (this.form) {
      this.form.addEventListener("submit", function (event) {
        event.preventDefault();
        self.lookup(self.form.elements.lat.value, self.form.elements.lon.value, true);
      });
    }
    if (this.result.dataset.lat && this.result.dataset.lon) {
      this.placeMarker(Number(this.result.dataset.lat), Number(this.result.dataset.lon), true);
    }
    this.startPosition();
  };

  /* "Show my position": the browser is asked only when she presses the button. */
  BrusselsMap.prototype.startPosition = function () {
    var self = this;
    var button = this.root.querySelector("[data-show-position]");
    var status = this.root.querySelector("[data-position-status]");
    if (!button || !status || !("geolocation" in navigator) || !this.base) {
      return;
    }
    button.hidden = false;
    button.addEventListener("click", function () {
      status.textContent = self.data.positionAsking;
      navigator.geolocation.getCurrentPosition(
        function (position) {
          var lat = position.coords.latitude;
          var lon = position.coords.longitude;
          self.base.showPosition(lat, lon, position.coords.accuracy);
          self.map.setView([lat, lon], Math.max(self.map.getZoom(), 16), { animate: false });
          status.textContent = self.data.positionShown;
          self.lookup(lat, lon);
        },
        function () {
          status.textContent = self.data.positionError;
        },
        { enableHighAccuracy: true, timeout: 10000, maximumAge: 60000 }
      );
    });
  };

  BrusselsMap.prototype.apiUrl = function (url, params) {
    var query = new URLSearchParams(params || {});
    query.set("lang", this.data.lang);
    return url + "?" + query.toString();
  };

  BrusselsMap.prototype.showLayer = function (name, visible) {
    var self = this;
    var existing = this.layers[name];
    if (existing) {
      if (visible) {
        existing.addTo(this.map);
      } else {
        existing.remove();
      }
      return;
    }
    if (!visible) {
      return;
    }
    this.layers[name] = L.layerGroup().addTo(this.map);
    this.fetchLayer(this.apiUrl(this.data[URL_KEYS[name]]))
      .then(function (collection) {
        // Clicks go to the map itself, so a boundary never swallows a lookup.
        L.geoJSON(collection, { style: STYLES[name], interactive: false }).addTo(self.layers[name]);
      })
      .catch(function () {
        self.say(self.data.layerError);
      });
  };

  /* The names of the areas use the same answers: one request for both (areas/basemap.js). */
  BrusselsMap.prototype.fetchLayer = function (url) {
    if (window.UmbrellaBaseMap) {
      return window.UmbrellaBaseMap.fetchGeoJSON(url);
    }
    return fetch(url, { headers: { Accept: "application/geo+json" } }).then(function (response) {
      if (!response.ok) {
        throw new Error(response.status);
      }
      return response.json();
    });
  };

  BrusselsMap.prototype.placeMarker = function (lat, lon, pan) {
    if (this.marker) {
      this.marker.setLatLng([lat, lon]);
    } else {
      this.marker = L.circleMarker([lat, lon], {
        radius: 9, color: "#b00020", weight: 3, fillColor: "#ffffff", fillOpacity: 0.9, interactive: false,
      }).addTo(this.map);
    }
    if (pan) {
      this.map.panTo([lat, lon]);
    }
  };

  BrusselsMap.prototype.say = function (message) {
    var paragraph = document.createElement("p");
    paragraph.textContent = message;
    this.body.replaceChildren(paragraph);
  };

  BrusselsMap.prototype.lookup = function (lat, lon, fromForm) {
    var self = this;
    var request = ++this.request;
    var latText = typeof lat === "number" ? formatCoordinate(lat) : lat;
    var lonText = typeof lon === "number" ? formatCoordinate(lon) : lon;
    this.result.setAttribute("aria-busy", "true");
    this.say(this.data.loading);
    fetch(this.apiUrl(this.data.locateUrl, { lat: latText, lon: lonText }), {
      headers: { Accept: "application/json" },
    })
      .then(function (response) {
        return response.json().then(function (body) {
          return { ok: response.ok, body: body };
        });
      })
      .then(function (answer) {
        if (request !== self.request) {
          return; // A newer lookup has started; its answer wins.
        }
        if (!answer.ok) {
          self.show(null);
          self.say(answer.body.detail || self.data.error);
          return;
        }
        var point = { lat: Number(latText), lon: Number(lonText) };
        self.show(answer.body, point);
        self.placeMarker(point.lat, point.lon, fromForm);
        if (self.form && !fromForm) {
          self.form.elements.lat.value = latText;
          self.form.elements.lon.value = lonText;
        }
        self.root.dispatchEvent(new CustomEvent("umbrella:located", {
          bubbles: true, detail: { lat: point.lat, lon: point.lon, location: answer.body },
        }));
      })
      .catch(function () {
        if (request === self.request) {
          self.show(null);
          self.say(self.data.error);
        }
      })
      .finally(function () {
        if (request === self.request) {
          self.result.removeAttribute("aria-busy");
        }
      });
  };

  BrusselsMap.prototype.show = function (location, point) {
    var data = this.result.dataset;
    data.insideRegion = location ? String(location.inside_region) : "";
    data.nisCode = location && location.municipality ? location.municipality.nis_code : "";
    data.zone = location && location.police_zone ? location.police_zone.code : "";
    data.neighbourhood = location && location.neighbourhood ? String(location.neighbourhood.code) : "";
    data.lat = point ? String(point.lat) : "";
    data.lon = point ? String(point.lon) : "";
    if (!location) {
      return;
    }
    var which = location.inside_region ? "inside" : "outside";
    var content = document.getElementById(this.data.templatePrefix + which).content.cloneNode(true);
    setText(content, "point", latText(point));
    if (location.inside_region) {
      var m = location.municipality;
      var z = location.police_zone;
      var n = location.neighbourhood;
      // The contract gives municipalities no "name": pick it as name_in_language() does.
      var name = this.data.lang === "nl" ? m.name_nl : m.name_fr;
      setText(content, "municipality", name + " (" + m.nis_code + ")");
      setText(content, "police_zone", z.code + " " + z.name);
      setText(content, "neighbourhood", n ? n.name : this.data.unknown);
    }
    this.body.replaceChildren(content);
  };

  function latText(point) {
    return formatCoordinate(point.lat) + ", " + formatCoordinate(point.lon);
  }

  function start() {
    if (typeof L === "undefined") {
      return; // Leaflet failed to load: the form below the map still works.
    }
    document.querySelectorAll("[data-brussels-map]").forEach(function (root) {
      root.umbrellaMap = new BrusselsMap(root);
      root.umbrellaMap.start();
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
