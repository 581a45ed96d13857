// Generates numbers.txt: one double per line as "<16 hex digits of its IEEE 754 bits> <JSON.stringify
// of it>", the expected output of RFC 8785 number serialisation taken from a real ECMAScript engine.
// The seed is fixed, so re-running it reproduces the committed fixture byte for byte.
//
//   node generate-numbers.js > numbers.txt
'use strict';

let state = 0x9e3779b97f4a7c15n;
const MASK = (1n << 64n) - 1n;
function next64() { // xorshift64*
  state ^= state >> 12n;
  state ^= (state << 25n) & MASK;
  state ^= state >> 27n;
  return (state * 0x2545f4914f6cdd1dn) & MASK;
}
function nextInt(bound) { return Number(next64() % BigInt(bound)); }

const view = new DataView(new ArrayBuffer(8));
function fromBits(bits) { view.setBigUint64(0, bits); return view.getFloat64(0); }
function toBits(x) { view.setFloat64(0, x); return view.getBigUint64(0); }

const seen = new Set();
const lines = [];
function emit(x) {
  if (!Number.isFinite(x)) return;
  const bits = toBits(x);
  if (seen.has(bits)) return;
  seen.add(bits);
  lines.push(bits.toString(16).padStart(16, '0') + ' ' + JSON.stringify(x));
}

// Random bit patterns: every exponent, subnormals included.
for (let i = 0; i < 1500; i++) emit(fromBits(next64()));
// Random decimals with few significant digits across the whole range: where shortest matters.
for (let i = 0; i < 1200; i++) {
  const digits = 1 + nextInt(17);
  let mantissa = '';
  for (let d = 0; d < digits; d++) mantissa += String(d === 0 ? 1 + nextInt(9) : nextInt(10));
  const exponent = nextInt(660) - 330;
  emit((nextInt(2) ? -1 : 1) * Number(mantissa + 'e' + exponent));
}
// Everyday decimals such as prices and ratios, laid out without an exponent.
for (let i = 0; i < 800; i++) {
  const digits = 1 + nextInt(17);
  let mantissa = '';
  for (let d = 0; d < digits; d++) mantissa += String(nextInt(10));
  emit((nextInt(2) ? -1 : 1) * Number(mantissa + 'e' + (nextInt(36) - 14)));
}
// Around the layout boundaries 1e-7 and 1e21, and powers of two and ten with their neighbours.
for (let e = -30; e <= 30; e++) {
  for (const base of [Math.pow(10, e), Math.pow(2, e * 4)]) {
    const bits = toBits(base);
    for (let delta = -2n; delta <= 2n; delta++) emit(fromBits(bits + delta));
  }
}
// Integers near 2^53 and beyond, where JSON numbers stop being exact.
for (let i = 0; i < 200; i++) {
  const bits = toBits(Math.pow(2, 50 + nextInt(30))) + BigInt(nextInt(2000)) - 1000n;
  emit(fromBits(bits));
}
// Subnormal extremes.
for (let i = 1n; i <= 20n; i++) { emit(fromBits(i)); emit(fromBits((1n << 52n) - i)); }

process.stdout.write(lines.join('\n') + '\n');
