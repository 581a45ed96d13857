// Key generator and key inspector: keys come from the server's CSPRNG via /api/tools/keygen.
import { $, $all, api, copyWithFeedback, esc, status } from './util.js';

let lastKeys = [];

function showOptionsFor(format) {
  for (const label of $all('#keygen-form label[data-for]')) {
    const target = label.dataset.for;
    const visible = target === 'random' ? format !== 'hash' : target === format;
    label.hidden = !visible;
  }
  $('#kg-bulk').disabled = format === 'hash';
}

function request(count) {
  const format = $('#kg-format').value;
  const body = { format };
  if (format === 'hash') {
    body.method = $('#kg-method').value;
    body.path = $('#kg-path').value;
    body.body = $('#kg-body').value;
    return body;
  }
  body.count = count;
  if (format === 'base64url') body.bits = Number($('#kg-bits').value);
  if (format === 'composite') body.clientId = $('#kg-client').value.trim();
  return body;
}

function profileBadges(profiles) {
  return profiles
    .map((p) => {
      const title = p.accepted ? `${p.profile} accepts this key` : `${p.profile}: ${p.detail}`;
      return `<span class="badge ${p.accepted ? 'yes' : 'no'}" title="${esc(title)}">${p.accepted ? '✓' : '✗'} ${esc(p.profile)}</span>`;
    })
    .join('');
}

function render(keys) {
  const table = $('#kg-results');
  const rows = keys.map(
    (k, i) => `<tr>
      <td class="key" data-key>${esc(k.key)}</td>
      <td><span class="entropy">${k.randomBits}</span> bits${k.deterministic ? ' <span class="badge neutral">deterministic</span>' : ''}</td>
      <td>${k.sortable ? '<span class="badge yes">sortable</span>' : '<span class="badge neutral">no</span>'}</td>
      <td>${profileBadges(k.profiles)}</td>
      <td><button type="button" class="small" data-copy="${i}" aria-label="Copy key ${i + 1}">Copy</button></td>
    </tr>`,
  );
  table.tBodies[0].innerHTML = rows.join('');
  table.hidden = keys.length === 0;
}

async function generate(count) {
  const state = $('#kg-status');
  status(state, 'Generating…');
  try {
    const answer = await api('/api/tools/keygen', { method: 'POST', body: request(count) });
    lastKeys = answer.keys;
    render(lastKeys);
    $('#kg-copy-all').disabled = lastKeys.length === 0;
    const s = answer.strategy;
    status(
      state,
      `${lastKeys.length} ${answer.format} key${lastKeys.length === 1 ? '' : 's'} · ${s.deterministic ? 'deterministic' : 'random'} · best for ${s.bestFor}; risk: ${s.risk}`,
    );
  } catch (e) {
    status(state, e.message, true);
  }
}

function renderInspection(k) {
  const created = k.createdAt ? `<dt>Created</dt><dd class="mono">${esc(k.createdAt)}</dd>` : '';
  return `<dl>
    <dt>Format</dt><dd><strong class="inspect-format">${esc(k.format || 'unknown')}</strong> — ${esc(k.description)}</dd>
    <dt>Length</dt><dd>${k.length} characters</dd>
    <dt>Entropy</dt><dd><span class="entropy">${k.randomBits}</span> random bits${k.deterministic ? ' (deterministic)' : ''}</dd>
    <dt>Sortable</dt><dd>${k.sortable ? 'yes, by creation time' : 'no'}</dd>
    ${created}
    <dt>Profiles</dt><dd>${profileBadges(k.profiles)}</dd>
  </dl>`;
}

async function inspect() {
  const out = $('#inspect-result');
  try {
    const k = await api('/api/tools/inspect', { method: 'POST', body: { key: $('#inspect-key').value } });
    out.innerHTML = renderInspection(k);
  } catch (e) {
    out.innerHTML = `<p class="error-text">${esc(e.message)}</p>`;
  }
}

export function initKeygen(info) {
  if (info && info.keySource) $('#key-source').textContent = info.keySource;
  const format = $('#kg-format');
  format.addEventListener('change', () => showOptionsFor(format.value));
  showOptionsFor(format.value);
  $('#keygen-form').addEventListener('submit', (event) => {
    event.preventDefault();
    const count = Math.max(1, Math.min(1000, Number($('#kg-count').value) || 1));
    generate(count);
  });
  $('#kg-bulk').addEventListener('click', () => {
    $('#kg-count').value = 100;
    generate(100);
  });
  $('#kg-copy-all').addEventListener('click', (event) =>
    copyWithFeedback(event.currentTarget, lastKeys.map((k) => k.key).join('\n')),
  );
  $('#kg-results').addEventListener('click', (event) => {
    const button = event.target.closest('button[data-copy]');
    if (button) copyWithFeedback(button, lastKeys[Number(button.dataset.copy)].key);
  });
  $('#inspect-form').addEventListener('submit', (event) => {
    event.preventDefault();
    inspect();
  });
}
