#include "exercise/page.h"

#include <algorithm>
#include <sstream>

#include "geo/countries.h"
#include "report/escape.h"
#include "report/html_report.h"
#include "util/text.h"

namespace gv {
namespace {

using Json = nlohmann::ordered_json;

constexpr const char* kPageStyle = R"(body{font-family:sans-serif;margin:0;color:#222}
header{background:#234;color:#fff;padding:8px 16px;display:flex;gap:16px;align-items:center;flex-wrap:wrap}
header h1{font-size:18px;margin:0 16px 0 0}header input{font-size:14px}
nav{padding:6px 16px;border-bottom:1px solid #ccc}nav button{margin:2px}nav button.done{background:#cfc}
nav button.current{outline:2px solid #06c}main{padding:8px 16px}
.cols{display:flex;flex-wrap:wrap;gap:16px}.cols>div{flex:1 1 420px}
#photo{max-width:100%;border:1px solid #999;cursor:zoom-in}#photo.full{max-width:none;cursor:zoom-out}
.photo-box{overflow:auto;max-height:80vh}#map{height:420px;border:1px solid #999;margin-bottom:6px}
.row{margin:6px 0}.bad{border:2px solid #c00}.note{color:#666;font-size:12px}
#hints li{margin:2px 0}textarea{width:100%;height:160px;font-family:monospace;font-size:12px})";

constexpr const char* kPageScript = R"(
(function(){
  function parse(id){ return JSON.parse(document.getElementById(id).textContent); }
  function $(id){ return document.getElementById(id); }
  var pack = parse('gv-pack'), photos = parse('gv-photos'), borders = parse('gv-borders');
  var countries = parse('gv-countries');
  var storeKey = 'geoverify-exercise-' + pack.pack_id;
  var state = {trainee: '', answers: {}};
  try {
    var saved = JSON.parse(window.localStorage.getItem(storeKey) || 'null');
    if (saved && saved.answers) state = saved;
  } catch (e) {}
  function save(){ try { window.localStorage.setItem(storeKey, JSON.stringify(state)); } catch (e) {} }
  function q(){ return pack.questions[current]; }
  function answer(id){
    if (!state.answers[id]) state.answers[id] = {hints_used: 0, seconds: 0};
    return state.answers[id];
  }
  function round6(v){ return Math.round(v * 1e6) / 1e6; }
  var current = 0, shownAt = Date.now(), pin = null;
  var map = L.map('map', {worldCopyJump: true}).setView([15, 100], 4);
  if (borders) L.geoJSON(borders, {interactive: false,
      style: {color: '#777', weight: 1, fillColor: '#eee', fillOpacity: 1}}).addTo(map);
  L.control.scale().addTo(map);
  map.on('mousemove', function(e){
    $('cursor').textContent = e.latlng.lat.toFixed(5) + ', ' + e.latlng.wrap().lng.toFixed(5);
  });
  function askOf(name){ return q().asks.indexOf(name) >= 0; }
  function flushTime(){
    var now = Date.now();
    answer(q().id).seconds += Math.round((now - shownAt) / 1000);
    shownAt = now;
  }
  function showPin(){
    var a = answer(q().id);
    if (a.lat === undefined) {
      if (pin) { map.removeLayer(pin); pin = null; }
      $('pin').textContent = 'none';
      return;
    }
    if (!pin) pin = L.circleMarker([a.lat, a.lon], {radius: 8, color: '#c00', weight: 3,
        fillColor: '#f44', fillOpacity: 0.9}).addTo(map);
    else pin.setLatLng([a.lat, a.lon]);
    $('pin').textContent = a.lat.toFixed(6) + ', ' + a.lon.toFixed(6);
  }
  function setPin(lat, lon){
    if (!(lat >= -90 && lat <= 90) || !isFinite(lon)) return false;
    lon = ((lon + 180) % 360 + 360) % 360 - 180;
    var a = answer(q().id);
    a.lat = round6(lat);
    a.lon = round6(lon);
    save();
    showPin();
    renderNav();
    return true;
  }
  map.on('click', function(e){ setPin(e.latlng.lat, e.latlng.lng); });
  function placeTyped(){
    var m = /^\s*(-?\d+(?:\.\d+)?)\s*[,; ]\s*(-?\d+(?:\.\d+)?)\s*$/.exec($('coords').value);
    var ok = m && parseFloat(m[2]) >= -180 && parseFloat(m[2]) <= 180 &&
             setPin(parseFloat(m[1]), parseFloat(m[2]));
    $('coords').classList.toggle('bad', !ok);
    if (ok) map.setView([answer(q().id).lat, answer(q().id).lon], Math.max(map.getZoom(), 12));
  }
  $('place').addEventListener('click', placeTyped);
  $('coords').addEventListener('keydown', function(e){ if (e.key === 'Enter') placeTyped(); });
  $('time').addEventListener('change', function(){
    var v = $('time').value.trim();
    var m = /^(\d{4}-\d\d-\d\d)[T ](\d\d:\d\d)(:\d\d)?Z?$/.exec(v);
    var a = answer(q().id);
    $('time').classList.toggle('bad', !!v && !m);
    if (m) a.time_utc = m[1] + 'T' + m[2] + (m[3] || ':00') + 'Z';
    else if (!v) delete a.time_utc;
    save();
  });
  $('country').addEventListener('change', function(){
    var a = answer(q().id);
    if ($('country').value) a.country = $('country').value; else delete a.country;
    save();
  });
  $('site').addEventListener('change', function(){
    var a = answer(q().id), v = $('site').value.trim();
    if (v) a.site = v; else delete a.site;
    save();
  });
  $('trainee').value = state.trainee || '';
  $('trainee').addEventListener('input', function(){ state.trainee = $('trainee').value; save(); });
  $('photo').addEventListener('click', function(){ $('photo').classList.toggle('full'); });
  countries.forEach(function(c){
    var o = document.createElement('option');
    o.value = c[0]; o.textContent = c[1] + ' (' + c[0] + ')';
    $('country').appendChild(o);
  });
  function renderHints(){
    var list = $('hints'), a = answer(q().id), hints = q().hints;
    list.textContent = '';
    hints.forEach(function(h, i){
      var li = document.createElement('li');
      if (i < a.hints_used) li.textContent = 'Hint ' + (i + 1) + ': ' + h.text;
      else if (i === a.hints_used) {
        var b = document.createElement('button');
        b.id = 'hint-next';
        b.textContent = 'Show hint ' + (i + 1) + ' (costs ' + h.cost + ' points)';
        b.addEventListener('click', function(){ a.hints_used++; save(); renderHints(); });
        li.appendChild(b);
      } else return;
      list.appendChild(li);
    });
  }
  function renderNav(){
    var nav = $('questions');
    nav.textContent = '';
    var done = 0;
    pack.questions.forEach(function(question, i){
      var b = document.createElement('button');
      b.textContent = question.id;
      var a = state.answers[question.id];
      if (a && a.lat !== undefined) { b.className = 'done'; done++; }
      if (i === current) b.className += ' current';
      b.addEventListener('click', function(){ show(i); });
      nav.appendChild(b);
    });
    $('progress').textContent = done + ' of ' + pack.questions.length + ' placed';
  }
  function show(i){
    flushTime();
    current = i;
    var question = q(), a = answer(question.id);
    $('qtitle').textContent = 'Question ' + (i + 1) + ' of ' + pack.questions.length + ' (' +
        question.id + '): ' + question.asks.join(', ');
    $('photo').src = photos[question.id];
    $('photo').classList.remove('full');
    $('when-row').hidden = !askOf('when');
    $('country-row').hidden = !askOf('country');
    $('site-row').hidden = !askOf('site');
    $('time').value = a.time_utc || '';
    $('country').value = a.country || '';
    $('site').value = a.site || '';
    $('coords').value = '';
    $('coords').classList.remove('bad');
    $('time').classList.remove('bad');
    showPin();
    renderHints();
    renderNav();
    save();
  }
  $('prev').addEventListener('click', function(){ if (current > 0) show(current - 1); });
  $('next').addEventListener('click', function(){
    if (current + 1 < pack.questions.length) show(current + 1);
  });
  $('export').addEventListener('click', function(){
    flushTime();
    save();
    var out = {pack_id: pack.pack_id, trainee: state.trainee || '', answers: []};
    pack.questions.forEach(function(question){
      var a = state.answers[question.id];
      if (!a || a.lat === undefined) return;
      var e = {question: question.id, lat: a.lat, lon: a.lon};
      ['time_utc', 'country', 'site'].forEach(function(k){ if (a[k] !== undefined) e[k] = a[k]; });
      e.hints_used = a.hints_used;
      e.seconds = a.seconds;
      out.answers.push(e);
    });
    var text = JSON.stringify(out, null, 2);
    $('export-text').value = text;
    var name = (state.trainee || '').replace(/[^A-Za-z0-9_-]+/g, '_').replace(/^_+|_+$/g, '');
    var link = $('download');
    link.download = name ? 'answers-' + name + '.json' : 'answers.json';
    link.href = URL.createObjectURL(new Blob([text], {type: 'application/json'}));
    link.click();
    document.body.setAttribute('data-exported', String(out.answers.length));
  });
  show(0);
  document.body.setAttribute('data-ready', '1');
})();
)";

}  // namespace

Result<std::string> RenderExercisePage(const Json& pack, const std::vector<PackPhoto>& photos) {
  auto assets = LoadMapAssets();
  if (!assets.ok()) return assets.error();
  // What the trainee sees: no seals.
  Json visible = {{"pack_id", pack["pack_id"]},   {"title", pack["title"]},
                  {"scale_km", pack["scale_km"]}, {"full_marks_m", pack["full_marks_m"]},
                  {"points", pack["points"]},     {"questions", Json::array()}};
  for (const auto& question : pack["questions"])
    visible["questions"].push_back({{"id", question["id"]},
                                    {"photo", question["photo"]},
                                    {"asks", question["asks"]},
                                    {"hints", question["hints"]}});
  Json pictures = Json::object();
  for (const auto& p : photos)
    pictures[p.id] = std::string(p.file.ends_with(".png") ? "data:image/png;base64,"
                                                          : "data:image/jpeg;base64,") +
                     Base64(p.bytes);
  std::vector<std::pair<std::string, std::string>> names;
  for (const auto& c : AllCountries())
    if (!c.alpha2.empty()) names.emplace_back(c.name, c.alpha2);
  std::sort(names.begin(), names.end());
  Json countries = Json::array();
  for (const auto& [name, code] : names) countries.push_back({code, name});
  const auto dump = [](const Json& j) {
    return j.dump(-1, ' ', false, Json::error_handler_t::replace);
  };
  const std::string title = pack.value("title", std::string("Geolocation exercise"));
  std::ostringstream out;
  out << "<!DOCTYPE html>\n<html lang=en><head><meta charset=utf-8>\n"
      << "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; script-src "
         "'unsafe-inline'; style-src 'unsafe-inline'; img-src data: blob:\">\n"
      << "<title>" << HtmlEscape(title) << "</title>\n<style>" << assets->leaflet_css
      << "</style>\n<style>" << kPageStyle << "</style></head><body>\n"
      << "<header><h1>" << HtmlEscape(title)
      << "</h1><label>Your name <input id=trainee autocomplete=off></label>"
         "<span id=progress></span><button id=export>Export answers</button>"
         "<a id=download hidden>answers.json</a></header>\n<nav id=questions></nav>\n<main>"
         "<h2 id=qtitle></h2><div class=cols><div class=photo-box><img id=photo alt='the "
         "exercise photo'><div class=note>Click the photo to see it at full size.</div></div>"
         "<div><div id=map></div><div class=note>Cursor: <span id=cursor>-</span>. "
      << HtmlEscape(assets->borders_note)
      << " The map works offline.</div>"
         "<div class=row>Your pin: <b id=pin>none</b>. Click the map, or type "
         "coordinates: <input id=coords placeholder='lat, lon' size=24> <button "
         "id=place>Place pin</button></div>"
         "<div class=row id=when-row><label>Taken at (UTC) <input id=time "
         "placeholder='2025-03-16T10:30Z' size=22></label></div>"
         "<div class=row id=country-row><label>Country <select id=country><option "
         "value=''>(choose)</option></select></label></div>"
         "<div class=row id=site-row><label>Site (its name) <input id=site size=30></label></div>"
         "<ul id=hints></ul><div class=row><button id=prev>Previous</button> <button "
         "id=next>Next</button></div></div></div>"
         "<h2>Your answers</h2><p class=note>Answers are kept in this browser until exported. "
         "\"Export answers\" saves answers.json (and shows it here to copy): hand that file "
         "to the trainer.</p><textarea id=export-text readonly></textarea></main>\n"
      << "<script type=\"application/json\" id=gv-pack>" << JsonForScript(dump(visible))
      << "</script>\n<script type=\"application/json\" id=gv-photos>"
      << JsonForScript(dump(pictures))
      << "</script>\n<script type=\"application/json\" id=gv-countries>"
      << JsonForScript(dump(countries))
      << "</script>\n<script type=\"application/json\" id=gv-borders>"
      << JsonForScript(assets->borders_json) << "</script>\n<script>" << assets->leaflet_js
      << "</script>\n<script>" << kPageScript << "</script>\n</body></html>\n";
  return out.str();
}

}  // namespace gv
