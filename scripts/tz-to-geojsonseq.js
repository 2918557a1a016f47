// Converts the time-zone boundaries packaged in the npm module geo-tz (a quadtree index
// plus geobuf-encoded polygons clipped to its cells) into GeoJSON features, one per line,
// each with a `tzid` property. Cells that lie wholly in one zone become rectangles.
// Usage: node tz-to-geojsonseq.js NODE_MODULES_DIR OUT_FILE
'use strict';
const fs = require('fs');
const path = require('path');

const modules = process.argv[2];
const outFile = process.argv[3];
const geobuf = require(path.join(modules, 'geobuf'));
const Pbf = require(path.join(modules, 'pbf'));
const dataDir = path.join(modules, 'geo-tz', 'data');
const index = JSON.parse(fs.readFileSync(path.join(dataDir, 'timezones.geojson.index.json')));
const dat = fs.readFileSync(path.join(dataDir, 'timezones.geojson.geo.dat'));

const out = fs.openSync(outFile, 'w');
let count = 0;
function emit(feature) {
  fs.writeSync(out, JSON.stringify(feature) + '\n');
  count++;
}

function rectangle(b) {
  return {
    type: 'Polygon',
    coordinates: [[[b.left, b.bottom], [b.right, b.bottom], [b.right, b.top], [b.left, b.top],
                   [b.left, b.bottom]]],
  };
}

// Same quadrant order and bounds as geo-tz's own lookup (a: NE, b: NW, c: SW, d: SE).
function walk(node, b) {
  if (node === undefined || node === null) return;  // open sea
  if (Array.isArray(node)) {
    if (node.length > 0) {
      emit({type: 'Feature', properties: {tzid: index.timezones[node[0]]}, geometry: rectangle(b)});
    }
    return;
  }
  if (typeof node.pos === 'number' && node.len) {
    const collection = geobuf.decode(new Pbf(dat.subarray(node.pos, node.pos + node.len)));
    for (const f of collection.features) {
      emit({type: 'Feature', properties: {tzid: f.properties.tzid}, geometry: f.geometry});
    }
    return;
  }
  const midLat = (b.top + b.bottom) / 2;
  const midLon = (b.left + b.right) / 2;
  walk(node.a, {top: b.top, bottom: midLat, left: midLon, right: b.right});
  walk(node.b, {top: b.top, bottom: midLat, left: b.left, right: midLon});
  walk(node.c, {top: midLat, bottom: b.bottom, left: b.left, right: midLon});
  walk(node.d, {top: midLat, bottom: b.bottom, left: midLon, right: b.right});
}

walk(index.lookup, {top: 89.9999, bottom: -89.9999, left: -179.9999, right: 179.9999});
fs.closeSync(out);
process.stderr.write(`wrote ${count} time-zone features\n`);
