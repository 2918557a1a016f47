// Extracts the periodic-term tables of the NREL Solar Position Algorithm (Reda & Andreas
// 2004, NREL/TP-560-34302, Tables A4.2 and A4.3: Earth heliocentric longitude, latitude and
// radius terms; nutation arguments and coefficients) from the npm package nrel-spa (MIT),
// as plain data for geoverify's own SPA implementation. The package's code is not used.
// Usage: node spa-terms-to-json.js NODE_MODULES_DIR OUT_FILE
'use strict';
const fs = require('fs');
const path = require('path');
const vm = require('vm');

const source = fs.readFileSync(path.join(process.argv[2], 'nrel-spa', 'lib', 'spa.js'), 'utf8');
const context = vm.createContext({exports: {}, module: {exports: {}}, require: () => ({})});
// Top-level `var` tables become properties of the context; only the literals are read.
vm.runInContext(source, context, {timeout: 5000});
const tables = {
  source: 'nrel-spa@2.0.2 lib/spa.js (MIT): tables of Reda & Andreas 2004, NREL/TP-560-34302',
  L: context.L_TERMS, B: context.B_TERMS, R: context.R_TERMS,
  Y: context.Y_TERMS, PE: context.PE_TERMS,
};
for (const key of ['L', 'B', 'R', 'Y', 'PE']) {
  if (!Array.isArray(tables[key])) throw new Error('table ' + key + ' not found');
}
fs.writeFileSync(process.argv[3], JSON.stringify(tables));
const count = (t) => t.reduce((n, s) => n + s.length, 0);
process.stderr.write(`SPA terms: L ${count(tables.L)}, B ${count(tables.B)}, R ${count(tables.R)}, ` +
                     `nutation ${tables.Y.length}\n`);
