/*
 * The report pages' maps (templates/reports/new.html, index.html, detail.html).
 *
 * Every page works without this script: the report form has latitude and
 * longitude fields and a neighbourhood list, the public list is a list.
 * The script adds a Leaflet map with the municipality (and, on the report
 * form, neighbourhood) outlines from the areas API; on the report form a
 * click, Enter on the focused map or the browser's own position drops the
 * pin, fills the form's latitude and longitude, and tells htmx to look for
 * likely duplicates. The base (tiles or the self-hosted archive, names of
 * municipalities and neighbourhoods, scale bar, her position with its
 * accuracy) comes from areas/basemap.js. No request leaves this site unless
 * the operator configured a tile server.
 */
(function () {
  "use strict";

  // The region's bounding box (data/brussels/SOURCES.md), south-west then north-east.
  var REGION_BOUNDS = [[50.76368, 4.24376], [50.9139, 4.48227]];
  var OUTLINES = {
    municipalities: { color: "#1d3557", weight: 2, fillColor: "#a8dadc", fillOpacity: 0.12 },
    neighbourhoods: { color: "#4a4a4a", weight: 1, fill: false, opacity: 0.6 },
  };
  var STATUS_COLOURS = {
    submitted: "#6a1b9a", open: "#b00020", in_progress: "#8a4b00",
    fixed: "#0b6b2e", closed: "#4a4a4a", referred: "#1d3557",
  };

  function round6(value) {
    return (Math.round(value * 1e6) / 1e6).toString();
  }

  function baseMap(root) {
    var data = root.dataset;
    var canvas = root.querySelector("[data-map-canvas]");
    root.hidden = false;
    var map = L.map(canvas, { zoomControl: false, zoomSnap: 0.25, minZoom: 10 });
    L.control.zoom({ zoomInTitle: data.zoomIn, zoomOutTitle: data.zoomOut }).addTo(map);
    map.attributionControl.setPrefix(false);
    map.attributionControl.addAttribution(data.attribution);
    var decor = window.UmbrellaBaseMap ? window.UmbrellaBaseMap.decorate(map, root) : null;
    map.fitBounds(REGION_BOUNDS, { animate: false });
    map.setMaxBounds(L.latLngBounds(REGION_BOUNDS).pad(0.5));
    root.umbrellaMap = map;
    outline(map, data.municipalitiesUrl, OUTLINES.municipalities);
    if (data.neighbourhoodsUrl) {
      outline(map, data.neighbourhoodsUrl, OUTLINES.neighbourhoods);
    }
    return { map: map, canvas: canvas, data: data, decor: decor };
  }

  function outline(map, url, style) {
    // The boundaries weigh some hundreds of kB: skip them when the visitor asked to save data.
    var connection = navigator.connection || {};
    if (!url || connection.saveData || /(^|-)2g$/.test(connection.effectiveType || "")) {
      return;
    }
    // The names use the same answers (areas/basemap.js): one request for both.
    (window.UmbrellaBaseMap ? window.UmbrellaBaseMap.fetchGeoJSON(url)
      : fetch(url, { headers: { Accept: "application/geo+json" } })
        .then(function (response) { return response.ok ? response.json() : null; }))
      .then(function (collection) {
        if (collection) {
          // Clicks go to the map itself, so an outline never swallows a pin.
          L.geoJSON(collection, { style: style, interactive: false }).addTo(map).bringToBack();
        }
      })
      .catch(function () { /* The map still works without the outlines. */ });
  }

  function pin(lat, lon) {
    return L.circleMarker([lat, lon], {
      radius: 9, color: "#b00020", weight: 3, fillColor: "#ffffff", fillOpacity: 0.9, interactive: false,
    });
  }

  // -- The report form ------------------------------------------------------------------------

  function startReportMap(root) {
    var base = baseMap(root);
    var map = base.map;
    var data = base.data;
    var form = document.getElementById(data.formId);
    var status = document.getElementById("report-pin-status");
    var marker = null;

    function place(lat, lon, announce) {
      if (marker) {
        marker.setLatLng([lat, lon]);
      } else {
        marker = pin(lat, lon).addTo(map).bindTooltip(data.pin);
      }
      form.elements.lat.value = round6(lat);
      form.elements.lon.value = round6(lon);
      // A pin wins over a neighbourhood.
      form.elements.neighbourhood.value = "";
      if (announce) {
        status.textContent = data.pinSet;
        document.body.dispatchEvent(new CustomEvent("reports:pin"));
      }
    }

    var lat = parseFloat(form.elements.lat.value);
    var lon = parseFloat(form.elements.lon.value);
    if (!isNaN(lat) && !isNaN(lon)) {
      place(lat, lon, false);
      map.setView([lat, lon], 16, { animate: false });
    }
    map.on("click", function (event) {
      place(event.latlng.lat, event.latlng.lng, true);
    });
    base.canvas.addEventListener("keydown", function (event) {
      if (event.key === "Enter" && event.target === base.canvas) {
        event.preventDefault();
        var centre = map.getCenter();
        place(centre.lat, centre.lng, true);
      }
    });

    var button = document.getElementById("use-my-location");
    if (button && "geolocation" in navigator) {
      button.hidden = false;
      button.addEventListener("click", function () {
        status.textContent = data.geolocationAsking;
        navigator.geolocation.getCurrentPosition(
          function (position) {
            if (base.decor) {
              base.decor.showPosition(position.coords.latitude, position.coords.longitude, position.coords.accuracy);
            }
            place(position.coords.latitude, position.coords.longitude, true);
            map.setView([position.coords.latitude, position.coords.longitude], 17, { animate: false });
          },
          function () { status.textContent = data.geolocationError; },
          { enableHighAccuracy: true, timeout: 10000, maximumAge: 60000 }
        );
      });
    }
  }

  function startCategoryOptions() {
    var flagsNode = document.getElementById("report-category-flags");
    var select = document.getElementById("id_category");
    if (!flagsNode || !select) {
      return;
    }
    var flags = JSON.parse(flagsNode.textContent);
    var options = document.querySelectorAll("[data-option]");
    var notes = document.querySelectorAll("[data-category-note]");

    function update() {
      var chosen = flags[select.value] || {};
      options.forEach(function (fieldset) {
        var offered = Boolean(chosen[fieldset.dataset.option]);
        fieldset.hidden = !offered;
        if (!offered) {
          fieldset.querySelectorAll("input[type=checkbox]").forEach(function (box) { box.checked = false; });
        }
      });
      notes.forEach(function (note) {
        note.hidden = note.dataset.categoryNote !== select.value;
      });
    }
    select.addEventListener("change", update);
    update();
  }

  // -- The public list and one report --------------------------------------------------------

  function startListMap(root) {
    var base = baseMap(root);
    var list = document.getElementById(base.data.resultsId);
    var points = [];
    list.querySelectorAll("li[data-lat]").forEach(function (item) {
      var lat = Number(item.dataset.lat);
      var lon = Number(item.dataset.lon);
      if (isNaN(lat) || isNaN(lon)) {
        return;
      }
      var link = item.querySelector("[data-report-link]");
      var popup = document.createElement("p");
      var anchor = document.createElement("a");
      anchor.href = link.getAttribute("href");
      anchor.textContent = link.textContent;
      popup.appendChild(anchor);
      L.circleMarker([lat, lon], {
        radius: 7, weight: 2, color: "#ffffff",
        fillColor: STATUS_COLOURS[item.dataset.status] || "#1d3557", fillOpacity: 1,
      }).bindPopup(popup).addTo(base.map);
      points.push([lat, lon]);
    });
    if (points.length) {
      base.map.fitBounds(L.latLngBounds(points).pad(0.2), { maxZoom: 16, animate: false });
    }
  }

  function startPointMap(root) {
    var base = baseMap(root);
    var lat = Number(base.data.lat);
    var lon = Number(base.data.lon);
    if (!isNaN(lat) && !isNaN(lon)) {
      // The rounded point, drawn as an area of about 50 m rather than a precise pin.
      L.circle([lat, lon], { radius: 50, color: "#b00020", weight: 2, fillOpacity: 0.2, interactive: false })
        .addTo(base.map);
      base.map.setView([lat, lon], 16, { animate: false });
    }
  }

  // -- The staff update form: the reason to close and the body to refer to, only when they apply.

  function startUpdateForm(form) {
    var select = form.querySelector("select[name=new_status]");
    var parts = form.querySelectorAll("[data-for-status]");
    function update() {
      parts.forEach(function (part) {
        // A part with an error stays in view, whatever the status.
        part.hidden = part.dataset.forStatus !== select.value && !part.querySelector(".errorlist");
      });
    }
    select.addEventListener("change", update);
    update();
  }

  function start() {
    startCategoryOptions();
    document.querySelectorAll("[data-update-form]").forEach(startUpdateForm);
    if (typeof L === "undefined") {
      return;
    }
    document.querySelectorAll("[data-report-map]").forEach(startReportMap);
    document.querySelectorAll("[data-reports-list-map]").forEach(startListMap);
    document.querySelectorAll("[data-reports-point-map]").forEach(startPointMap);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
