// The leaders' dashboard in the browser: the weekly trend as a chart (Chart.js) and
// the period's reports on a clustered map (Leaflet.markercluster). The tables of
// the page carry every figure without them.
(function () {
  "use strict";

  var OPEN_COLOR = "#b54708", CLOSED_COLOR = "#067647";

  function drawTrend() {
    var canvas = document.getElementById("grafik-tren");
    var source = document.getElementById("tren-data");
    if (!canvas || !source || typeof Chart === "undefined") return;
    var data = JSON.parse(source.textContent);
    var labels = data.minggu.map(function (day) {
      var parts = day.split("-");
      return parts[2] + "/" + parts[1];
    });
    new Chart(canvas, {
      data: {
        labels: labels,
        datasets: [
          { type: "bar", label: "Laporan masuk", data: data.masuk, yAxisID: "jumlah",
            backgroundColor: "rgba(21, 94, 239, 0.35)" },
          { type: "line", label: "Diteruskan ≤24 jam (%)", data: data.diteruskan_tepat,
            yAxisID: "persen", borderColor: OPEN_COLOR, backgroundColor: OPEN_COLOR, spanGaps: true },
          { type: "line", label: "Selesai ≤3x24 jam (%)", data: data.selesai_tepat,
            yAxisID: "persen", borderColor: CLOSED_COLOR, backgroundColor: CLOSED_COLOR, spanGaps: true }
        ]
      },
      options: {
        responsive: true,
        maintainAspectRatio: false,
        animation: false,
        interaction: { mode: "index", intersect: false },
        scales: {
          jumlah: { position: "left", beginAtZero: true, title: { display: true, text: "Laporan" } },
          persen: { position: "right", min: 0, max: 100, grid: { drawOnChartArea: false },
                    title: { display: true, text: "%" } }
        },
        plugins: { legend: { position: "bottom" } }
      }
    });
    canvas.dataset.ready = "ya";
  }

  function option(select, value, text) {
    var item = document.createElement("option");
    item.value = value;
    item.textContent = text;
    select.appendChild(item);
  }

  function drawMap() {
    var box = document.getElementById("peta-pimpinan");
    if (!box || typeof L === "undefined" || typeof L.markerClusterGroup === "undefined") return;
    var note = document.getElementById("peta-keterangan");
    var byCategory = document.getElementById("peta-kategori");
    var byStatus = document.getElementById("peta-status");
    // maxZoom on the map itself: the clusters need it, also when no tiles are set.
    var map = L.map(box, { scrollWheelZoom: false, maxZoom: 19 }).setView([-4.9, 105.2], 8);
    if (box.dataset.tiles) {
      L.tileLayer(box.dataset.tiles, { maxZoom: 19, attribution: box.dataset.attribution }).addTo(map);
    }
    var cluster = L.markerClusterGroup({ chunkedLoading: true, maxClusterRadius: 50 });
    map.addLayer(cluster);
    fetch(box.dataset.src, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (answer) { return answer.json(); })
      .then(function (data) {
        var open = {};
        data.terbuka.forEach(function (status) { open[status] = true; });
        Object.keys(data.kategori).sort(function (a, b) {
          return data.kategori[a].localeCompare(data.kategori[b]);
        }).forEach(function (id) { option(byCategory, id, data.kategori[id]); });
        Object.keys(data.status).forEach(function (id) { option(byStatus, id, data.status[id]); });

        function show() {
          var category = byCategory.value, status = byStatus.value;
          var markers = [];
          data.titik.forEach(function (p) {
            if (category && p[2] !== category) return;
            if (status === "terbuka" ? !open[p[3]] : (status && p[3] !== status)) return;
            var marker = L.circleMarker([p[0], p[1]], {
              radius: 6, weight: 2, color: open[p[3]] ? OPEN_COLOR : CLOSED_COLOR
            });
            var link = document.createElement("a");
            link.href = "/petugas/tiket/" + p[4];
            link.textContent = p[4] + " · " + data.kategori[p[2]] + " · " + data.status[p[3]];
            marker.bindPopup(link);
            markers.push(marker);
          });
          cluster.clearLayers();
          cluster.addLayers(markers);  // in chunks: the cluster's own bounds come later
          if (markers.length) {
            var bounds = L.latLngBounds(markers.map(function (m) { return m.getLatLng(); }));
            map.fitBounds(bounds, { maxZoom: 13, padding: [20, 20], animate: false });
          }
          note.textContent = markers.length.toLocaleString("id-ID") + " laporan di peta" +
            (data.terpotong ? " (hanya yang terbaru; persempit periode untuk melihat semuanya)" : "") + ".";
          box.dataset.count = String(markers.length);
        }
        byCategory.addEventListener("change", show);
        byStatus.addEventListener("change", show);
        show();
        box.classList.add("ready");
      })
      .catch(function () { note.textContent = "Peta tidak dapat dimuat; angka di tabel tetap lengkap."; });
  }

  function start() {
    drawTrend();
    drawMap();
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
