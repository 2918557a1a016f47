// The HTML report's own style and map script (Leaflet itself comes from libjs-leaflet).
// The script reads its data from <script type="application/json"> elements (gv-data,
// gv-borders, gv-sites), builds only circle markers and vector shapes (no marker images, so
// nothing to load), and marks <body data-map-ready="N"> with the number of map layers once
// the map is built, for the browser test.
#pragma once

namespace gv {

inline constexpr const char* kReportStyle = R"(body{font-family:sans-serif;margin:1.5em;color:#222}
table{border-collapse:collapse;width:100%;margin-bottom:2em}td,th{border:1px solid #ccc;padding:4px 6px;vertical-align:top;text-align:left;font-size:13px}
.hash{font-family:monospace;font-size:11px;color:#555;word-break:break-all}.err{color:#b00}.warning{color:#a60}.alert{color:#b00}.unavailable{color:#b00;font-style:italic}.info{color:#357}.ok{color:#262}
#map{height:520px;border:1px solid #999;margin-bottom:1em}.note{color:#666;font-size:12px}
section.photo{border:1px solid #bbb;border-radius:4px;padding:8px 12px;margin:0 0 1.2em 0}
section.photo h3{margin:0 0 2px 0}.cols{display:flex;flex-wrap:wrap;gap:12px;margin-top:8px}
.cols>div{flex:1 1 300px}.cols img{max-width:100%;border:1px solid #ccc}.verdicts{width:100%;margin:0}
figure{margin:0}figcaption{font-size:11px;color:#666}ul{margin:4px 0 8px 0;padding-left:20px;font-size:13px}
h4{margin:8px 0 2px 0}table.gains{width:auto;margin:2px 0 6px 12px}table.gains td{border:none;padding:0 4px;font-size:12px}
table.text img.crop{max-width:320px;max-height:80px}table.text td.reading{font-size:18px}
td.bars{width:130px;position:relative}.bar{display:inline-block;height:9px;vertical-align:middle}
.bar.for{background:#393;margin-left:65px}.bar.against{background:#c33;margin-left:65px;transform:translateX(-100%)}
.gain-row{display:flex;gap:6px;align-items:center;font-size:12px}.gain-bar{height:9px;display:inline-block}
section.video{border:1px solid #bbb;border-radius:4px;padding:8px 12px;margin:0 0 1.2em 0}section.video h3{margin:0 0 2px 0}
.strip{display:flex;gap:6px;overflow-x:auto;padding:4px 0}.strip img{height:110px;border:1px solid #ccc}.strip a{text-decoration:none})";

inline constexpr const char* kReportMapScript = R"(
(function(){
  function parse(id){ return JSON.parse(document.getElementById(id).textContent); }
  var data = parse('gv-data'), borders = parse('gv-borders'), sites = parse('gv-sites');
  // A view first: Leaflet adds layers (and circles know their bounds) once the map has one.
  var map = L.map('map', {worldCopyJump: true}).setView([15, 100], 3);
  var overlays = {};
  // A popup of text lines; with `panel`, a link to the photo's panel below the map.
  function popup(lines, panel){
    var d = document.createElement('div');
    lines.forEach(function(t, i){ var e = document.createElement(i ? 'div' : 'b'); e.textContent = t; d.appendChild(e); });
    if (panel) {
      var a = document.createElement('a');
      a.href = '#' + panel; a.textContent = 'photo panel';
      d.appendChild(a);
    }
    return d;
  }
  if (borders) {
    overlays['Borders'] = L.geoJSON(borders, {style: {color: '#777', weight: 1, fillColor: '#eee', fillOpacity: 1}}).addTo(map);
  }
  var colours = {gps: '#06c', reference_match: '#393', footprint: '#c0c', shadow: '#e80', country: '#888',
                 near: '#0aa', not_near: '#c00', within: '#960'};
  var photos = L.featureGroup();
  data.photos.forEach(function(p){
    L.circleMarker([p.lat, p.lon], {radius: 7, color: p.findings.length ? '#c60' : '#06c', fillOpacity: 0.8})
      .bindPopup(popup([p.file, 'SHA-256: ' + p.sha256, 'Taken (UTC): ' + (p.taken_at_utc || 'unknown'),
                        p.lat.toFixed(6) + ', ' + p.lon.toFixed(6), 'Findings: ' + (p.findings.join(', ') || 'none')],
                       p.panel))
      .addTo(photos);
  });
  overlays['Photos (GPS as recorded)'] = photos.addTo(map);
  var groups = {}, order = [];
  data.clues.forEach(function(c){
    var name = c.kind === 'footprint' ? 'Footprints' : c.kind === 'shadow' ? 'Shadow regions' : 'Clues: ' + c.kind;
    if (!groups[name]) { groups[name] = L.featureGroup(); order.push(name); }
    var colour = colours[c.kind] || '#333', layer;
    if (c.geometry.type === 'Point') {
      var at = [c.geometry.coordinates[1], c.geometry.coordinates[0]];
      layer = c.uncertainty_m > 0
        ? L.circle(at, {radius: c.uncertainty_m, color: colour, dashArray: c.excludes ? '4' : null, fillOpacity: 0.15})
        : L.circleMarker(at, {radius: 5, color: colour});
    } else {
      layer = L.geoJSON(c.geometry, {style: {color: colour, weight: 2, dashArray: c.excludes ? '4' : null,
                                             fillOpacity: c.kind === 'country' ? 0.05 : 0.25}});
    }
    layer.bindPopup(popup([c.kind + ' (' + c.photo + ')', c.description], c.panel));
    layer.addTo(groups[name]);
  });
  order.forEach(function(name){ overlays[name] = groups[name].addTo(map); });
  if (data.regions.length) {
    var regions = L.featureGroup();
    data.regions.slice().sort(function(a, b){ return b.level - a.level; }).forEach(function(r){
      L.geoJSON(r.geometry, {style: {color: '#d0a', weight: 1, fillColor: '#d0a',
                                     fillOpacity: r.level < 0.75 ? 0.3 : 0.12}})
        .bindPopup(popup(['Place group ' + r.group + ': ' + Math.round(r.level * 100) + ' % credible region',
                          r.area_km2.toPrecision(3) + ' km2']))
        .addTo(regions);
    });
    overlays['Credible regions (50 %, 90 %)'] = regions.addTo(map);
  }
  // A hypothesis's popup: each clue's log-likelihood gain as a bar (green favours the place,
  // red speaks against it; 10 nats fill the bar).
  function hypothesisPopup(h){
    var d = popup(['Place group ' + h.group + ', hypothesis ' + h.rank,
                   'probability ' + h.probability.toFixed(3) + ', within ' + Math.round(h.radius_m) + ' m',
                   h.lat.toFixed(6) + ', ' + h.lon.toFixed(6), h.place || '',
                   h.known_site ? 'near known site ' + h.known_site : '']);
    h.clues.forEach(function(c){
      var row = document.createElement('div'), label = document.createElement('span'),
          bar = document.createElement('span'), value = document.createElement('span');
      row.className = 'gain-row';
      label.textContent = c.kind + ' (' + c.photo + ')';
      bar.className = 'gain-bar';
      bar.style.width = Math.round(Math.min(Math.abs(c.gain), 10) * 8) + 'px';
      bar.style.background = c.gain < 0 ? '#c33' : '#393';
      value.textContent = (c.gain >= 0 ? '+' : '') + c.gain.toFixed(1);
      row.appendChild(label); row.appendChild(bar); row.appendChild(value);
      d.appendChild(row);
    });
    return d;
  }
  var hypothesisMarkers = {};
  if (data.hypotheses.length) {
    var ranked = L.featureGroup();
    data.hypotheses.forEach(function(h){
      L.circle([h.lat, h.lon], {radius: Math.max(h.radius_m, 5), color: '#d0a', weight: 2, fillOpacity: 0.1}).addTo(ranked);
      hypothesisMarkers['hypothesis-' + h.group + '-' + h.rank] =
        L.circleMarker([h.lat, h.lon], {radius: 4, color: '#d0a', fillOpacity: 1})
          .bindPopup(hypothesisPopup(h)).addTo(ranked);
    });
    overlays['Hypotheses (fused)'] = ranked.addTo(map);
  }
  if (sites) {
    overlays['Known sites'] = L.geoJSON(sites, {
      pointToLayer: function(f, at){ return L.circleMarker(at, {radius: 6, color: '#a00', weight: 2, fillColor: '#fff', fillOpacity: 1}); },
      onEachFeature: function(f, layer){
        var p = f.properties || {};
        layer.bindPopup(popup([p.name || 'site', 'Precision: ' + (p.precision || '?'), 'Source: ' + (p.source || '?') + ' ' + (p.source_url || ''),
                               'As of: ' + (p.as_of || '?'), p.notes || '', p.caveat || '']));
      }}).addTo(map);
  }
  L.control.layers(null, overlays, {collapsed: false}).addTo(map);
  // The view: the photos and the sharpest clues first, then any clue, else the region.
  var view = L.latLngBounds([]);
  [photos].concat(['Footprints', 'Clues: reference_match', 'Clues: gps', 'Clues: near'].map(function(n){ return groups[n]; }))
    .forEach(function(g){ if (g && g.getLayers().length) view.extend(g.getBounds()); });
  if (!view.isValid()) order.forEach(function(n){ view.extend(groups[n].getBounds()); });
  if (view.isValid()) map.fitBounds(view.pad(0.3), {maxZoom: 14}); else map.setView([15, 100], 3);
  // The hypotheses in the place-group table link here: #hypothesis-G-R opens its popup.
  function openFromHash(){
    var m = hypothesisMarkers[location.hash.slice(1)];
    if (!m) return;
    document.getElementById('map').scrollIntoView();
    map.setView(m.getLatLng(), Math.max(map.getZoom(), 12));
    m.openPopup();
  }
  window.addEventListener('hashchange', openFromHash);
  openFromHash();
  document.body.setAttribute('data-map-ready', String(Object.keys(overlays).length));
})();
)";

}  // namespace gv
