// The workspace's few behaviours in the browser; every page works without them.
(function () {
  "use strict";

  // A response template fills the form's text field; staff may edit it after.
  document.addEventListener("change", function (event) {
    var select = event.target;
    if (!select.matches || !select.matches("select[data-fills]")) return;
    var option = select.options[select.selectedIndex];
    var target = document.getElementById(select.dataset.fills);
    if (target && option && option.dataset.text) target.value = option.dataset.text;
  });

  // The ticket map: Leaflet with the configured tiles. Without tiles (none set, or
  // none reachable) the pin still shows on a blank map, and the coordinates below it.
  function drawMap() {
    var box = document.getElementById("peta");
    if (!box || typeof L === "undefined") return;
    var lat = parseFloat(box.dataset.lat), lon = parseFloat(box.dataset.lon);
    var approximate = box.dataset.approximate === "ya";
    var radius = parseFloat(box.dataset.radius || "1500");  // metres of the approximation
    var map = L.map(box, { scrollWheelZoom: false }).setView([lat, lon], approximate ? (radius < 500 ? 15 : 12) : 16);
    if (box.dataset.tiles) {
      L.tileLayer(box.dataset.tiles, { maxZoom: 19, attribution: box.dataset.attribution }).addTo(map);
    }
    if (approximate) {
      L.circle([lat, lon], { radius: radius }).addTo(map).bindTooltip("Lokasi perkiraan");
    } else {
      L.circleMarker([lat, lon], { radius: 9, weight: 3 }).addTo(map).bindTooltip("Lokasi laporan");
    }
    box.classList.add("ready");
  }
  // The public map: the reports of /laporan/peta.json (GeoJSON), each a dot that
  // links to its page; the list under the map works without it.
  function drawPublicMap() {
    var box = document.getElementById("peta-publik");
    if (!box || typeof L === "undefined") return;
    var map = L.map(box, { scrollWheelZoom: false }).setView([-4.9, 105.2], 8);
    if (box.dataset.tiles) {
      L.tileLayer(box.dataset.tiles, { maxZoom: 19, attribution: box.dataset.attribution }).addTo(map);
    }
    fetch(box.dataset.src, { headers: { Accept: "application/json" } })
      .then(function (answer) { return answer.json(); })
      .then(function (data) {
        var layer = L.geoJSON(data, {
          pointToLayer: function (feature, at) {
            var open = feature.properties.terbuka;
            return L.circleMarker(at, { radius: 7, weight: 2, color: open ? "#b54708" : "#067647" });
          },
          onEachFeature: function (feature, marker) {
            var link = document.createElement("a");
            link.href = feature.properties.url;
            link.textContent = feature.properties.nomor + " · " + feature.properties.kategori;
            marker.bindPopup(link);
          }
        }).addTo(map);
        if (data.features.length) map.fitBounds(layer.getBounds(), { maxZoom: 14, padding: [20, 20], animate: false });
        box.classList.add("ready");
        box.dataset.count = String(data.features.length);
      });
  }

  function start() {
    drawMap();
    drawPublicMap();
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
