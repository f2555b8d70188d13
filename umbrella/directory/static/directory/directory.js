/*
 * The directory's map and "near me" (templates/directory/list.html).
 *
 * The page already works without this script: the filters are a GET form
 * and the places a list. The script draws the listed places on a Leaflet
 * map (the points come from the list's data- attributes, so the map shows
 * exactly what the server found), and lets a click on the map, Enter on the
 * focused map or the browser's own position choose the point to search
 * from: it fills the form's latitude and longitude and submits it. The
 * base (tiles or the self-hosted archive, names, scale bar, her position with
 * its accuracy) comes from areas/basemap.js. No request leaves this site
 * unless the operator configured a tile server.
 */
(function () {
  "use strict";

  // The region's bounding box (data/brussels/SOURCES.md), south-west then north-east.
  var REGION_BOUNDS = [[50.76368, 4.24376], [50.9139, 4.48227]];
  var COLOURS = { toilet: "#1d3557", service: "#6a1b9a" };

  function round6(value) {
    return (Math.round(value * 1e6) / 1e6).toString();
  }

  function searchFrom(form, lat, lon) {
    form.elements.lat.value = round6(lat);
    form.elements.lon.value = round6(lon);
    // A point wins over a municipality, and a new point starts at page 1.
    form.elements.near.value = "";
    form.submit();
  }

  function startMap(root) {
    var data = root.dataset;
    var form = document.getElementById(data.formId);
    var list = document.getElementById(data.resultsId);
    var canvas = root.querySelector("[data-map-canvas]");
    root.hidden = false;
    var map = L.map(canvas, { zoomControl: false, zoomSnap: 0.25, minZoom: 10 });
    L.control.zoom({ zoomInTitle: data.zoomIn, zoomOutTitle: data.zoomOut }).addTo(map);
    map.attributionControl.setPrefix(false);
    map.attributionControl.addAttribution(data.attribution);
    var base = window.UmbrellaBaseMap ? window.UmbrellaBaseMap.decorate(map, root) : null;
    map.fitBounds(REGION_BOUNDS, { animate: false });
    map.setMaxBounds(L.latLngBounds(REGION_BOUNDS).pad(0.5));
    root.umbrellaMap = map;

    // The boundaries weigh some 400 kB: skip them when the visitor asked to save data
    // or the connection is very slow; the places and the list are there either way.
    var connection = navigator.connection || {};
    var saveData = connection.saveData || /(^|-)2g$/.test(connection.effectiveType || "");
    (saveData ? Promise.resolve(null) : window.UmbrellaBaseMap
      ? window.UmbrellaBaseMap.fetchGeoJSON(data.municipalitiesUrl)
      : fetch(data.municipalitiesUrl, { headers: { Accept: "application/geo+json" } })
        .then(function (response) { return response.ok ? response.json() : null; }))
      .then(function (collection) {
        if (collection) {
          L.geoJSON(collection, {
            style: { color: "#1d3557", weight: 1, fillColor: "#a8dadc", fillOpacity: 0.12 },
            interactive: false,
          }).addTo(map).bringToBack();
        }
      })
      .catch(function () { /* The places still show without the boundaries. */ });

    var points = [];
    list.querySelectorAll("li[data-lat]").forEach(function (item) {
      var lat = Number(item.dataset.lat);
      var lon = Number(item.dataset.lon);
      var link = item.querySelector("[data-place-name]");
      var popup = document.createElement("p");
      popup.className = "directory-popup";
      var anchor = document.createElement("a");
      anchor.href = link.getAttribute("href");
      anchor.textContent = link.textContent;
      popup.appendChild(anchor);
      L.circleMarker([lat, lon], {
        radius: 7, weight: 2, color: "#ffffff", fillColor: COLOURS[item.dataset.kind] || "#1d3557", fillOpacity: 1,
      }).bindPopup(popup).addTo(map);
      points.push([lat, lon]);
    });

    var lat = parseFloat(form.elements.lat.value);
    var lon = parseFloat(form.elements.lon.value);
    // One fit, not animated: a zoom animation at start would scale the markers for a moment.
    if (!isNaN(lat) && !isNaN(lon)) {
      // Her own position ("Near me") is drawn with the accuracy her browser gave; any other
      // point as a pin.
      var accuracy = base ? window.UmbrellaBaseMap.recallPosition(lat, lon) : null;
      if (accuracy !== null) {
        base.showPosition(lat, lon, accuracy);
      } else {
        L.circleMarker([lat, lon], {
          radius: 9, color: "#b00020", weight: 3, fillColor: "#ffffff", fillOpacity: 0.9, interactive: false,
        }).addTo(map).bindTooltip(data.you);
      }
      // Nearest first from a point (a click, "near me", a place found by name): centred on
      // it, wide enough to show the nearest place, the one the list starts with.
      var reach = 0.002;
      points.slice(0, 1).forEach(function (point) {
        reach = Math.max(reach, Math.abs(point[0] - lat), Math.abs(point[1] - lon));
      });
      map.fitBounds([[lat - reach, lon - reach], [lat + reach, lon + reach]], { maxZoom: 16, animate: false });
    } else if (points.length) {
      map.fitBounds(L.latLngBounds(points).pad(0.2), { maxZoom: 16, animate: false });
    }

    map.on("click", function (event) {
      searchFrom(form, event.latlng.lat, event.latlng.lng);
    });
    canvas.addEventListener("keydown", function (event) {
      if (event.key === "Enter" && event.target === canvas) {
        var centre = map.getCenter();
        searchFrom(form, centre.lat, centre.lng);
      }
    });
  }

  function startNearMe(root) {
    var data = root ? root.dataset : {};
    var button = document.getElementById("near-me");
    var status = document.getElementById("near-me-status");
    var form = document.getElementById("directory-filters");
    if (!button || !form || !("geolocation" in navigator)) {
      return;
    }
    button.hidden = false;
    button.addEventListener("click", function () {
      status.textContent = data.geolocationAsking || "";
      navigator.geolocation.getCurrentPosition(
        function (position) {
          if (window.UmbrellaBaseMap) {
            window.UmbrellaBaseMap.rememberPosition(position.coords);
          }
          searchFrom(form, position.coords.latitude, position.coords.longitude);
        },
        function () {
          status.textContent = data.geolocationError || "";
        },
        { enableHighAccuracy: false, timeout: 10000, maximumAge: 60000 }
      );
    });
  }

  function start() {
    var root = document.querySelector("[data-directory-map]");
    startNearMe(root);
    if (root && typeof L !== "undefined") {
      startMap(root);
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
