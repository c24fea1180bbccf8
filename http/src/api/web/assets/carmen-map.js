// Carmen's pages, enhanced where a script runs; without it every page works as before.
// - A service's form: "use my location" fills in the latitude and longitude from the device;
//   where the city set a map, the location part gets one, and a tap or a click places the pin.
// - The city's public requests: where the city set a map and shows where requests are, they
//   are pins on it, each a link to its request (the table below lists them all the same).
(function () {
  'use strict';

  function startMap(holder, box) {
    L.Icon.Default.imagePath = '/assets/vendor/leaflet-1.9.4/images/';
    var start = L.latLng(
      parseFloat(box.getAttribute('data-map-latitude')),
      parseFloat(box.getAttribute('data-map-longitude'))
    );
    var map = L.map(holder).setView(start, parseInt(box.getAttribute('data-map-zoom'), 10));
    L.tileLayer(box.getAttribute('data-map-tiles'), { maxZoom: 19 }).addTo(map);
    return map;
  }

  function form() {
    var box = document.querySelector('[data-locate-label]');
    var lat = document.getElementById('latitude');
    var lon = document.getElementById('longitude');
    if (!box || !lat || !lon) return;
    // The map and the button go before the coordinates (folded away in a disclosure).
    var pair = lat.closest('details') || lat.closest('.pair');
    var map = null;
    var pin = null;
    function place(latitude, longitude) {
      lat.value = latitude.toFixed(6);
      lon.value = longitude.toFixed(6);
      if (!map) return;
      var at = L.latLng(latitude, longitude);
      if (pin) {
        pin.setLatLng(at);
      } else {
        pin = L.marker(at, { keyboard: false }).addTo(map);
      }
    }
    if (box.hasAttribute('data-map-tiles') && window.L) {
      var holder = document.createElement('div');
      holder.className = 'map';
      holder.id = 'map';
      holder.setAttribute('role', 'application');
      holder.setAttribute('aria-label', box.getAttribute('data-map-label'));
      pair.parentNode.insertBefore(holder, pair);
      map = startMap(holder, box);
      map.on('click', function (event) { place(event.latlng.lat, event.latlng.lng); });
    }
    if (navigator.geolocation) {
      var button = document.createElement('button');
      button.type = 'button';
      button.id = 'use-location';
      button.className = 'secondary';
      button.textContent = box.getAttribute('data-locate-label');
      var said = document.createElement('p');
      said.className = 'help';
      said.id = 'location-status';
      said.setAttribute('role', 'status');
      button.addEventListener('click', function () {
        said.textContent = box.getAttribute('data-locating');
        navigator.geolocation.getCurrentPosition(
          function (position) {
            said.textContent = '';
            place(position.coords.latitude, position.coords.longitude);
            if (map) map.setView(L.latLng(position.coords.latitude, position.coords.longitude), 17);
          },
          function () { said.textContent = box.getAttribute('data-locate-failed'); },
          { enableHighAccuracy: true, timeout: 15000, maximumAge: 60000 }
        );
      });
      pair.parentNode.insertBefore(button, pair);
      pair.parentNode.insertBefore(said, pair);
    }
    function fromInputs() {
      var a = parseFloat(lat.value.replace(',', '.'));
      var b = parseFloat(lon.value.replace(',', '.'));
      if (isFinite(a) && isFinite(b)) place(a, b);
    }
    lat.addEventListener('change', fromInputs);
    lon.addEventListener('change', fromInputs);
    fromInputs();
  }

  function publicRequests() {
    var holder = document.querySelector('[data-public-map]');
    if (!holder || !window.L) return;
    var points = [];
    try { points = JSON.parse(holder.getAttribute('data-points')) || []; } catch (e) { return; }
    holder.hidden = false;
    var map = startMap(holder, holder);
    var bounds = [];
    points.forEach(function (point) {
      var link = document.createElement('a');
      link.href = point.href;
      link.textContent = point.title;
      var at = L.latLng(point.lat, point.lon);
      L.marker(at, { title: point.title, alt: point.title }).addTo(map).bindPopup(link);
      bounds.push(at);
    });
    if (bounds.length > 1) map.fitBounds(bounds, { padding: [24, 24], maxZoom: 17 });
    else if (bounds.length === 1) map.setView(bounds[0], 16);
  }

  form();
  publicRequests();
})();
