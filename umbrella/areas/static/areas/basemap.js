/*
 * What every map of the site draws under its own content (areas/_base_map_data.html):
 *
 * - a base layer: the self-hosted PMTiles archive (protomaps-leaflet, served by
 *   this site from var/) when one is installed, else the operator's TILE_URL,
 *   else none: the boundaries on a plain background;
 * - a metric scale bar;
 * - names: the 19 municipalities at low zoom, the neighbourhoods closer in,
 *   in the page's language (Dutch on Dutch pages, French otherwise, as the
 *   areas API names them), thinned so that no two overlap, drawn in a pane of
 *   their own that never takes a click (a pin can be dropped on a name);
 * - her position, when she asks for it: a dot and a circle as wide as the
 *   browser's stated accuracy. Nothing asks for the position on its own.
 *
 * No request leaves this site unless the operator configured a tile server.
 * window.UmbrellaBaseMap.decorate(map, root, options) is called by each map
 * script right after it creates its Leaflet map.
 */
(function () {
  "use strict";

  var LABEL_PANE = "umbrellaLabels";
  // Municipality names up to this zoom, neighbourhood names from that one.
  var MUNICIPALITY_MAX_ZOOM = 15;
  var NEIGHBOURHOOD_MIN_ZOOM = 13;
  // Pixels kept free around each name.
  var LABEL_MARGIN = 4;
  var POSITION_KEY = "umbrella-position";
  var POSITION_COLOUR = "#0b57d0";
  // Inline, so that every page with a map gets them without a stylesheet of its own. Dark
  // text with a white halo: at least 7:1 on the plain background, legible over tiles.
  var HALO = "0 0 2px #fff, 0 0 2px #fff, 0 0 3px #fff, 0 0 4px #fff";
  var LABEL_STYLES = {
    municipality: "font: 700 13px/1.2 system-ui, sans-serif; color: #1d3557;",
    neighbourhood: "font: 600 11px/1.2 system-ui, sans-serif; color: #333333; letter-spacing: 0.03em;",
  };
  var LABEL_STYLE_COMMON = "display: inline-block; transform: translate(-50%, -50%); white-space: nowrap; " +
    "pointer-events: none; text-shadow: " + HALO + ";";
  var layers = {};

  function savingData() {
    var connection = navigator.connection || {};
    return Boolean(connection.saveData) || /(^|-)2g$/.test(connection.effectiveType || "");
  }

  /* One request per URL and page, shared by every map and layer that needs it. */
  function fetchGeoJSON(url) {
    if (!layers[url]) {
      layers[url] = fetch(url, { headers: { Accept: "application/geo+json" } }).then(function (response) {
        if (!response.ok) {
          throw new Error(String(response.status));
        }
        return response.json();
      });
      layers[url].catch(function () {
        delete layers[url]; // a later call may try again
      });
    }
    return layers[url];
  }

  /* The largest ring set of a (Multi)Polygon: the part that gets the name. */
  function largestPolygon(geometry) {
    if (!geometry) {
      return null;
    }
    if (geometry.type === "Polygon") {
      return geometry.coordinates;
    }
    if (geometry.type !== "MultiPolygon") {
      return null;
    }
    var best = null;
    var bestArea = -1;
    geometry.coordinates.forEach(function (rings) {
      var area = Math.abs(ringArea(rings[0]));
      if (area > bestArea) {
        best = rings;
        bestArea = area;
      }
    });
    return best;
  }

  function ringArea(ring) {
    var sum = 0;
    for (var i = 0, j = ring.length - 1; i < ring.length; j = i++) {
      sum += (ring[j][0] * ring[i][1]) - (ring[i][0] * ring[j][1]);
    }
    return sum / 2;
  }

  /*
   * A point surely inside a polygon, where its name can go: the middle of the
   * widest stretch of the horizontal line through the middle of its bounding
   * box that lies inside it (holes included), as GEOS's interior point does.
   * Returns [lat, lon], or null for anything but a polygon.
   */
  function interiorPoint(geometry) {
    var rings = largestPolygon(geometry);
    if (!rings || !rings.length || rings[0].length < 4) {
      return null;
    }
    var minY = Infinity;
    var maxY = -Infinity;
    rings[0].forEach(function (p) {
      minY = Math.min(minY, p[1]);
      maxY = Math.max(maxY, p[1]);
    });
    var y = (minY + maxY) / 2;
    var crossings = [];
    rings.forEach(function (ring) {
      for (var i = 0, j = ring.length - 1; i < ring.length; j = i++) {
        var a = ring[j];
        var b = ring[i];
        // Half-open test: a vertex exactly on the line counts once.
        if ((a[1] > y) !== (b[1] > y)) {
          crossings.push(a[0] + ((y - a[1]) / (b[1] - a[1])) * (b[0] - a[0]));
        }
      }
    });
    crossings.sort(function (p, q) { return p - q; });
    var best = null;
    for (var k = 0; k + 1 < crossings.length; k += 2) {
      var width = crossings[k + 1] - crossings[k];
      if (!best || width > best.width) {
        best = { width: width, x: (crossings[k] + crossings[k + 1]) / 2 };
      }
    }
    return best ? [y, best.x] : null;
  }

  /* -- Names ------------------------------------------------------------------------------- */

  function Labels(map, data) {
    this.map = map;
    this.items = [];
    this.neighbourhoodsUrl = data.baseNeighbourhoodsUrl;
    this.neighbourhoodsAsked = false;
    var pane = map.getPane(LABEL_PANE) || map.createPane(LABEL_PANE);
    // Above the outlines (400), below markers and popups (600, 700); never clickable, and
    // not read out: the names repeat what the page's text and lookups already say.
    pane.style.zIndex = "450";
    pane.style.pointerEvents = "none";
    pane.setAttribute("aria-hidden", "true");
    this.group = L.layerGroup().addTo(map);
    var self = this;
    // After every move: a name cut by the map's edge is hidden until it fits again.
    map.on("moveend", function () { self.update(); });
    if (data.baseMunicipalitiesUrl) {
      fetchGeoJSON(data.baseMunicipalitiesUrl)
        .then(function (collection) { self.add(collection, "municipality"); })
        .catch(function () { /* The map works without names. */ });
    }
  }

  Labels.prototype.add = function (collection, kind) {
    var self = this;
    var added = [];
    collection.features.forEach(function (feature) {
      var props = feature.properties || {};
      var point = props.label_point ? [props.label_point.lat, props.label_point.lon] : interiorPoint(feature.geometry);
      if (!point || !props.name) {
        return;
      }
      var rings = largestPolygon(feature.geometry);
      var text = document.createElement("span");
      text.textContent = props.name;
      text.style.cssText = LABEL_STYLE_COMMON + LABEL_STYLES[kind];
      var marker = L.marker(point, {
        icon: L.divIcon({ className: "umbrella-map-label umbrella-map-label--" + kind, html: text, iconSize: null }),
        interactive: false,
        keyboard: false,
        pane: LABEL_PANE,
      });
      added.push({
        kind: kind,
        marker: marker,
        text: text,
        // Larger areas keep their name first when two would overlap.
        area: rings ? Math.abs(ringArea(rings[0])) : 0,
        size: null,
      });
    });
    added.sort(function (a, b) { return b.area - a.area; });
    added.forEach(function (item) { item.marker.addTo(self.group); });
    // Municipalities before neighbourhoods, each by size.
    this.items = this.items.concat(added).sort(function (a, b) {
      if (a.kind !== b.kind) {
        return a.kind === "municipality" ? -1 : 1;
      }
      return b.area - a.area;
    });
    this.update();
  };

  Labels.prototype.wanted = function (item, zoom) {
    return item.kind === "municipality" ? zoom <= MUNICIPALITY_MAX_ZOOM : zoom >= NEIGHBOURHOOD_MIN_ZOOM;
  };

  /* Show each name that fits, in order, and hide the ones that would overlap a shown one. */
  Labels.prototype.update = function () {
    var map = this.map;
    var zoom = map.getZoom();
    if (zoom >= NEIGHBOURHOOD_MIN_ZOOM && this.neighbourhoodsUrl && !this.neighbourhoodsAsked && !savingData()) {
      // The neighbourhoods' outlines weigh some 400 kB: fetched only once they are named.
      this.neighbourhoodsAsked = true;
      var self = this;
      fetchGeoJSON(this.neighbourhoodsUrl)
        .then(function (collection) { self.add(collection, "neighbourhood"); })
        .catch(function () { self.neighbourhoodsAsked = false; });
    }
    // Measure first, then write: one layout for all the names.
    this.items.forEach(function (item) {
      if (!item.size && item.text.offsetWidth) {
        item.size = { w: item.text.offsetWidth, h: item.text.offsetHeight };
      }
    });
    // The zoom buttons, the scale bar and the attribution hide what lies under them.
    var container = map.getContainer();
    var origin = container.getBoundingClientRect();
    var view = {
      topLeft: map.containerPointToLayerPoint([0, 0]),
      bottomRight: map.containerPointToLayerPoint([container.clientWidth, container.clientHeight]),
    };
    var placed = Array.prototype.map.call(container.querySelectorAll(".leaflet-control"), function (control) {
      var rect = control.getBoundingClientRect();
      var topLeft = map.containerPointToLayerPoint([rect.left - origin.left, rect.top - origin.top]);
      return { left: topLeft.x, right: topLeft.x + rect.width, top: topLeft.y, bottom: topLeft.y + rect.height };
    });
    var self2 = this;
    this.items.forEach(function (item) {
      var element = item.marker.getElement();
      if (!element) {
        return;
      }
      var show = self2.wanted(item, zoom) && Boolean(item.size);
      if (show) {
        var p = map.latLngToLayerPoint(item.marker.getLatLng());
        var box = {
          left: p.x - item.size.w / 2 - LABEL_MARGIN,
          right: p.x + item.size.w / 2 + LABEL_MARGIN,
          top: p.y - item.size.h / 2 - LABEL_MARGIN,
          bottom: p.y + item.size.h / 2 + LABEL_MARGIN,
        };
        var inside = box.left >= view.topLeft.x && box.right <= view.bottomRight.x &&
          box.top >= view.topLeft.y && box.bottom <= view.bottomRight.y;
        show = inside && !placed.some(function (other) {
          return box.left < other.right && other.left < box.right && box.top < other.bottom && other.top < box.bottom;
        });
        if (show) {
          placed.push(box);
        }
      }
      element.classList.toggle("umbrella-map-label--hidden", !show);
      element.style.visibility = show ? "" : "hidden";
    });
  };

  /* -- Base layer -------------------------------------------------------------------------- */

  function addBaseLayer(map, data) {
    if (data.basePmtilesUrl && window.protomapsL) {
      window.protomapsL.leafletLayer({
        url: data.basePmtilesUrl,
        flavor: "light",
        lang: data.baseLang || "fr",
        attribution: data.basePmtilesAttribution,
      }).addTo(map);
      return "pmtiles";
    }
    if (data.baseTileUrl) {
      L.tileLayer(data.baseTileUrl, { attribution: data.baseTileAttribution }).addTo(map);
      return "tiles";
    }
    return "none";
  }

  /* -- Her position ------------------------------------------------------------------------ */

  /* Draw (or move) her position: a dot, and a circle as wide as the stated accuracy. */
  function showPosition(map, lat, lon, accuracy) {
    if (map.umbrellaPosition) {
      map.umbrellaPosition.remove();
    }
    var group = L.layerGroup();
    if (accuracy > 0) {
      L.circle([lat, lon], {
        radius: Math.min(accuracy, 5000),
        color: POSITION_COLOUR, weight: 1, opacity: 0.8, fillColor: POSITION_COLOUR, fillOpacity: 0.12,
        interactive: false, className: "umbrella-position-accuracy",
      }).addTo(group);
    }
    L.circleMarker([lat, lon], {
      radius: 7, color: "#ffffff", weight: 3, fillColor: POSITION_COLOUR, fillOpacity: 1,
      interactive: false, className: "umbrella-position",
    }).addTo(group);
    group.addTo(map);
    map.umbrellaPosition = group;
    return group;
  }

  function round6(value) {
    return (Math.round(Number(value) * 1e6) / 1e6).toString();
  }

  /*
   * A page that reloads to search from her position (the directory's "Near me") keeps its
   * accuracy for the next page only: in this tab (sessionStorage), read once, then gone.
   */
  function rememberPosition(coords) {
    try {
      window.sessionStorage.setItem(POSITION_KEY, JSON.stringify({
        lat: round6(coords.latitude), lon: round6(coords.longitude), accuracy: Math.round(coords.accuracy || 0),
      }));
    } catch (e) { /* Storage refused: the point is still drawn, without its circle. */ }
  }

  function recallPosition(lat, lon) {
    var stored = null;
    try {
      stored = JSON.parse(window.sessionStorage.getItem(POSITION_KEY) || "null");
      window.sessionStorage.removeItem(POSITION_KEY);
    } catch (e) {
      return null;
    }
    if (stored && stored.lat === round6(lat) && stored.lon === round6(lon)) {
      return stored.accuracy;
    }
    return null;
  }

  /* -- The whole ---------------------------------------------------------------------------- */

  function decorate(map, root, options) {
    options = options || {};
    var data = root.dataset;
    var base = addBaseLayer(map, data);
    L.control.scale({ imperial: false, position: "bottomright" }).addTo(map);
    var labels = options.labels === false ? null : new Labels(map, data);
    root.setAttribute("data-base-layer", base);
    return {
      base: base,
      labels: labels,
      showPosition: function (lat, lon, accuracy) { return showPosition(map, lat, lon, accuracy); },
    };
  }

  window.UmbrellaBaseMap = {
    decorate: decorate,
    fetchGeoJSON: fetchGeoJSON,
    interiorPoint: interiorPoint,
    showPosition: showPosition,
    rememberPosition: rememberPosition,
    recallPosition: recallPosition,
  };
})();
