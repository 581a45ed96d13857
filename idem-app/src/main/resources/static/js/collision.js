// Strategy comparison and collision calculator, both computed by idem-core on the server.
import { $, api, esc, sci } from './util.js';

const NAMES = {
  uuid4: 'UUID v4',
  uuid7: 'UUID v7',
  ulid: 'ULID',
  base64url: 'base64url',
  hash: 'Hash-based',
  timestamp: 'Timestamp + random',
  composite: 'Composite',
};

const yesNo = (v) => (v ? '<span class="badge yes">yes</span>' : '<span class="badge neutral">no</span>');

export async function initStrategies() {
  const body = $('#strategy-table tbody');
  try {
    const rows = await api('/api/tools/strategies');
    body.innerHTML = rows
      .map(
        (r) => `<tr data-format="${esc(r.format)}">
          <th scope="row">${esc(NAMES[r.format] || r.format)}</th>
          <td class="key">${esc(r.example)}</td>
          <td>${r.randomBits}</td>
          <td>${yesNo(r.deterministic)}</td>
          <td>${yesNo(r.sortable)}</td>
          <td>${esc(r.bestFor)}</td>
          <td>${esc(r.risk)}</td>
        </tr>`,
      )
      .join('');
  } catch (e) {
    body.innerHTML = `<tr><td colspan="7" class="error-text">${esc(e.message)}</td></tr>`;
  }
}

async function calculate() {
  const params = new URLSearchParams({
    keys: $('#co-keys').value.trim(),
    bits: $('#co-bits').value.trim(),
    target: $('#co-target').value.trim(),
  });
  const out = $('#co-result');
  const table = $('#co-table');
  try {
    const r = await api(`/api/tools/collision?${params}`);
    out.innerHTML = `
      <div class="stat"><div class="label">P(at least one duplicate) among ${esc(sci(r.keys))} keys of ${r.bits} bits</div>
        <div class="value" id="co-probability">${esc(sci(r.probability))}</div>
        <div class="sub">≈ 1 in ${r.probability > 0 ? esc(sci(1 / r.probability)) : '∞'}</div></div>
      <div class="stat"><div class="label">Keys until P reaches ${esc(sci(r.target))}</div>
        <div class="value" id="co-keys-until">${esc(sci(r.keysForTarget))}</div>
        <div class="sub">${esc(sci(r.keysForTarget / 86400 / 365 / 1000))} years at 1,000 keys/s</div></div>`;
    table.tBodies[0].innerHTML = r.perFormat
      .map(
        (f) => `<tr><th scope="row">${esc(NAMES[f.format] || f.format)}</th><td>${f.bits}</td>
          <td class="mono">${esc(sci(f.probability))}</td><td class="mono">${esc(sci(f.keysForTarget))}</td></tr>`,
      )
      .join('');
    table.hidden = false;
  } catch (e) {
    out.innerHTML = `<p class="error-text" role="alert">${esc(e.message)}</p>`;
    table.hidden = true;
  }
}

export function initCollision() {
  $('#collision-form').addEventListener('submit', (event) => {
    event.preventDefault();
    calculate();
  });
  return calculate();
}
