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
    var map = L.map(box, { scrollWheelZoom: false }).setView([lat, lon], approximate ? 12 : 16);
    if (box.dataset.tiles) {
      L.tileLayer(box.dataset.tiles, { maxZoom: 19, attribution: box.dataset.attribution }).addTo(map);
    }
    if (approximate) {
      L.circle([lat, lon], { radius: 1500 }).addTo(map).bindTooltip("Lokasi perkiraan");
    } else {
      L.circleMarker([lat, lon], { radius: 9, weight: 3 }).addTo(map).bindTooltip("Lokasi laporan");
    }
    box.classList.add("ready");
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", drawMap);
  } else {
    drawMap();
  }
})();
