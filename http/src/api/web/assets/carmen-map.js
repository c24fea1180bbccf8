// Carmen's service forms, enhanced: where the city set a map, the location part of the form gets
// one, and a tap or a click places the pin and fills in the latitude and longitude. Without this
// script, or without tiles, the form asks for an address and coordinates as before.
(function () {
  'use strict';
  var box = document.querySelector('[data-map-tiles]');
  var lat = document.getElementById('latitude');
  var lon = document.getElementById('longitude');
  if (!box || !window.L || !lat || !lon) return;
  var holder = document.createElement('div');
  holder.className = 'map';
  holder.id = 'map';
  holder.setAttribute('role', 'application');
  holder.setAttribute('aria-label', box.getAttribute('data-map-label'));
  var pair = lat.closest('.pair');
  pair.parentNode.insertBefore(holder, pair);
  L.Icon.Default.imagePath = '/assets/vendor/leaflet-1.9.4/images/';
  var start = L.latLng(
    parseFloat(box.getAttribute('data-map-latitude')),
    parseFloat(box.getAttribute('data-map-longitude'))
  );
  var map = L.map(holder).setView(start, parseInt(box.getAttribute('data-map-zoom'), 10));
  L.tileLayer(box.getAttribute('data-map-tiles'), { maxZoom: 19 }).addTo(map);
  var pin = null;
  function place(at) {
    if (pin) {
      pin.setLatLng(at);
    } else {
      pin = L.marker(at, { keyboard: false }).addTo(map);
    }
    lat.value = at.lat.toFixed(6);
    lon.value = at.lng.toFixed(6);
  }
  map.on('click', function (event) { place(event.latlng); });
  function fromInputs() {
    var a = parseFloat(lat.value.replace(',', '.'));
    var b = parseFloat(lon.value.replace(',', '.'));
    if (isFinite(a) && isFinite(b)) place(L.latLng(a, b));
  }
  lat.addEventListener('change', fromInputs);
  lon.addEventListener('change', fromInputs);
  fromInputs();
})();
