/*
 * The municipal rules map (templates/consultation/rules_comparison.html).
 *
 * The table on the page holds the same facts; the map adds the geography.
 * Each municipality is filled by what is known there (colour AND border
 * style), and carries the letters of the kinds of rule known (P, U, T, O or
 * "—"), so nothing is told by colour alone. The boundaries come from this
 * site's areas API; the base (tiles or the self-hosted archive, the scale bar)
 * comes from areas/basemap.js, without its names: each municipality here
 * carries its own. No tile is loaded unless the operator set TILE_URL or
 * installed an archive.
 */
(function () {
  "use strict";

  var REGION_BOUNDS = [[50.76368, 4.24376], [50.9139, 4.48227]];
  var STYLES = {
    inForce: { color: "#1d3557", weight: 2, fillColor: "#1d3557", fillOpacity: 0.55 },
    other: { color: "#7a5c00", weight: 2, dashArray: "6 4", fillColor: "#e9c46a", fillOpacity: 0.6 },
    none: { color: "#555555", weight: 1, dashArray: "1 4", fillColor: "#ffffff", fillOpacity: 0.8 },
  };

  function start() {
    var root = document.querySelector("[data-rules-map]");
    var dataNode = document.getElementById("rules-map-data");
    if (!root || !dataNode || typeof L === "undefined") {
      return;
    }
    var facts = JSON.parse(dataNode.textContent);
    var data = root.dataset;
    root.hidden = false;
    var canvas = root.querySelector("[data-map-canvas]");
    var map = L.map(canvas, { zoomControl: false, zoomSnap: 0.25, minZoom: 10, keyboard: false });
    L.control.zoom({ zoomInTitle: data.zoomIn, zoomOutTitle: data.zoomOut }).addTo(map);
    map.attributionControl.setPrefix(false);
    map.attributionControl.addAttribution(data.attribution);
    if (window.UmbrellaBaseMap) {
      window.UmbrellaBaseMap.decorate(map, root, { labels: false });
    }
    map.fitBounds(REGION_BOUNDS, { animate: false });

    fetch(data.municipalitiesUrl, { headers: { Accept: "application/geo+json" } })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (collection) {
        if (!collection) {
          return;
        }
        L.geoJSON(collection, {
          interactive: false,
          style: function (feature) {
            var known = facts[feature.properties.nis_code] || { none_known: true, kinds: [] };
            if (known.in_force) {
              return STYLES.inForce;
            }
            return known.kinds.length ? STYLES.other : STYLES.none;
          },
          onEachFeature: function (feature) {
            var props = feature.properties;
            var known = facts[props.nis_code] || { letters: "—" };
            var point = props.label_point || props.centroid;
            if (!point) {
              return;
            }
            var label = document.createElement("span");
            label.className = "rules-map-label";
            label.textContent = props.name + ": " + known.letters;
            L.marker([point.lat, point.lon], {
              interactive: false,
              keyboard: false,
              icon: L.divIcon({ className: "rules-map-label-icon", html: label, iconSize: null }),
            }).addTo(map);
          },
        }).addTo(map);
      })
      .catch(function () { /* The table shows the same facts. */ });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
