// Dedup simulator: real requests to this server's demo API, a timeline of outcomes, the counter.
import { $, $all, api, esc, sleep } from './util.js';

const started = performance.now();
const SLOW_MS = 1500;
let sandboxSeconds = 5;

const OUTCOMES = {
  executed: 'executed',
  replayed: 'replayed',
  'in-progress': '409 in progress',
  mismatch: 'mismatch',
  'bad-request': '400 bad request',
  error: 'error',
};

function randomTenant() {
  const bytes = crypto.getRandomValues(new Uint8Array(4));
  return 'sim-' + [...bytes].map((b) => b.toString(16).padStart(2, '0')).join('');
}

async function freshKey() {
  const answer = await api('/api/tools/keygen?format=uuid4');
  return answer.keys[0].key;
}

function classify(status, replayed, problem) {
  if (status >= 200 && status < 300) return replayed ? 'replayed' : 'executed';
  if (replayed) return 'replayed';
  if (status === 409) return 'in-progress';
  if (status === 422 || (problem && String(problem.type || '').endsWith('/idempotency-key-reused'))) {
    return 'mismatch';
  }
  if (status === 400) return 'bad-request';
  return 'error';
}

function addEntry(label, key) {
  const li = document.createElement('li');
  const t = ((performance.now() - started) / 1000).toFixed(1);
  const shortKey = key ? (key.length > 14 ? key.slice(0, 13) + '…' : key) : '(no key)';
  li.innerHTML = `<span class="t">+${t}s</span><span class="badge neutral">sending</span>
    <span class="what">${esc(label)} · <span class="mono" title="${esc(key || '')}">${esc(shortKey)}</span></span>
    <span class="ms"></span>`;
  const timeline = $('#sim-timeline');
  timeline.appendChild(li);
  timeline.scrollTop = timeline.scrollHeight;
  return li;
}

/** Sends one order request and records it on the timeline. */
async function send({ key, tenant, body, route, delay = 0, label }) {
  const url = route + (delay > 0 ? `?delayMs=${delay}` : '');
  const headers = { 'Content-Type': 'application/json' };
  if (key) headers['Idempotency-Key'] = key;
  if (tenant) headers['X-Tenant-Id'] = tenant;
  const li = addEntry(label, key);
  li.dataset.pending = 'true';
  const t0 = performance.now();
  let status = 0;
  let json = null;
  let replayed = false;
  try {
    const response = await fetch(url, { method: 'POST', headers, body });
    status = response.status;
    replayed = response.headers.get('Idempotent-Replayed') === 'true';
    const text = await response.text();
    try {
      json = text ? JSON.parse(text) : null;
    } catch {
      json = null;
    }
  } catch (e) {
    json = { detail: e.message };
  }
  const outcome = classify(status, replayed, json);
  const ms = Math.round(performance.now() - t0);
  const badge = li.querySelector('.badge');
  badge.className = `badge ${outcome}`;
  badge.textContent = outcome === 'mismatch' ? `${status} mismatch` : OUTCOMES[outcome];
  li.dataset.outcome = outcome;
  li.dataset.status = String(status);
  delete li.dataset.pending;
  const detail = json && json.id ? ` ${json.id}` : json && json.detail ? ` — ${json.detail}` : '';
  li.querySelector('.what').insertAdjacentHTML('beforeend', `<span class="detail">${esc(detail)}</span>`);
  li.querySelector('.ms').textContent = `${status || 'ERR'} · ${ms} ms`;
  return { status, outcome, json, replayed };
}

async function refreshCount() {
  const tenant = $('#sim-tenant').value.trim();
  const headers = tenant ? { 'X-Tenant-Id': tenant } : {};
  const response = await fetch('/api/demo/orders/count', { headers });
  if (!response.ok) return null;
  const { count } = await response.json();
  $('#sim-count').textContent = String(count);
  return count;
}

function form() {
  return {
    tenant: $('#sim-tenant').value.trim(),
    body: $('#sim-body').value,
    route: $('#sim-route').value,
    delay: Math.max(0, Math.min(10000, Number($('#sim-delay').value) || 0)),
  };
}

function verdict(scenario, state, text) {
  const list = $('#sim-verdicts');
  let li = list.querySelector(`li[data-scenario="${scenario}"]`);
  if (!li) {
    li = document.createElement('li');
    li.dataset.scenario = scenario;
    list.appendChild(li);
  }
  li.className = state;
  li.dataset.state = state;
  const mark = state === 'pass' ? '✓' : state === 'fail' ? '✗' : '…';
  li.textContent = `${mark} ${text}`;
}

function tally(results) {
  const counts = {};
  for (const r of results) counts[r.outcome] = (counts[r.outcome] || 0) + 1;
  return counts;
}

function times(n, word) {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

const SCENARIOS = {
  async new() {
    const f = form();
    const key = await freshKey();
    $('#sim-key').value = key;
    const before = await refreshCount();
    const r = await send({ ...f, key, label: '1 · new key' });
    const after = await refreshCount();
    const ok = r.outcome === 'executed' && after === before + 1;
    return [ok, `New key: ${r.outcome} (${r.status}); counter +${after - before}`];
  },

  async duplicate() {
    const f = form();
    const key = await freshKey();
    $('#sim-key').value = key;
    const before = await refreshCount();
    const results = [];
    for (let i = 0; i < 5; i++) {
      results.push(await send({ ...f, key, label: `2 · duplicate ${i + 1}/5` }));
    }
    const after = await refreshCount();
    const c = tally(results);
    const ids = new Set(results.map((r) => r.json && r.json.id));
    const ok = c.executed === 1 && c.replayed === 4 && ids.size === 1 && after === before + 1;
    return [
      ok,
      `Duplicate: executed once, replayed ${times(c.replayed || 0, 'time')}` +
        `${ids.size === 1 ? ' with the same order' : ''}; counter +${after - before}`,
    ];
  },

  async concurrent() {
    const f = form();
    const n = Math.max(2, Math.min(20, Number($('#sim-burst').value) || 5));
    const key = await freshKey();
    $('#sim-key').value = key;
    const before = await refreshCount();
    const delay = Math.max(f.delay, SLOW_MS);
    const results = await Promise.all(
      Array.from({ length: n }, (_, i) =>
        send({ ...f, key, delay, label: `3 · burst ${i + 1}/${n} (handler ${delay} ms)` }),
      ),
    );
    const after = await refreshCount();
    const c = tally(results);
    const refused = c['in-progress'] || 0;
    const replayed = c.replayed || 0;
    const ok = c.executed === 1 && refused + replayed === n - 1 && after === before + 1;
    return [
      ok,
      `Concurrent burst of ${n}: executed ${times(c.executed || 0, 'time')}, ` +
        `${refused} × 409 in progress${replayed ? `, ${replayed} replayed` : ''}; counter +${after - before}`,
    ];
  },

  async mismatch() {
    const f = form();
    const key = await freshKey();
    $('#sim-key').value = key;
    const before = await refreshCount();
    const first = await send({ ...f, key, body: '{"item":"book","amount":1200}', label: '4 · first body' });
    const second = await send({ ...f, key, body: '{"item":"book","amount":9900}', label: '4 · different body' });
    const after = await refreshCount();
    const ok = first.outcome === 'executed' && second.outcome === 'mismatch' && after === before + 1;
    return [
      ok,
      `Same key, different body: first ${first.outcome}, then refused with ${second.status} (${second.outcome}); counter +${after - before}`,
    ];
  },

  async expiry() {
    const f = { ...form(), route: '/api/demo/sandbox/orders' };
    const key = await freshKey();
    $('#sim-key').value = key;
    const before = await refreshCount();
    const first = await send({ ...f, key, label: '5 · first (5 s retention)' });
    const retry = await send({ ...f, key, label: '5 · retry within retention' });
    const wait = sandboxSeconds + 1;
    for (let s = wait; s > 0; s--) {
      verdict('expiry', 'running', `After expiry: waiting ${s} s for the ${sandboxSeconds} s retention to end…`);
      await sleep(1000);
    }
    const late = await send({ ...f, key, label: '5 · retry after expiry' });
    const after = await refreshCount();
    const ok =
      first.outcome === 'executed' &&
      retry.outcome === 'replayed' &&
      late.outcome === 'executed' &&
      after === before + 2;
    return [
      ok,
      `After expiry: ${first.outcome}, ${retry.outcome} within ${sandboxSeconds} s, ${late.outcome} again after it; counter +${after - before}`,
    ];
  },
};

async function runScenario(name, button) {
  const buttons = $all('[data-scenario]', $('.scenarios'));
  buttons.forEach((b) => (b.disabled = true));
  verdict(name, 'running', `${button.textContent.replace(/^\d · /, '')}: running…`);
  try {
    const [ok, text] = await SCENARIOS[name]();
    verdict(name, ok ? 'pass' : 'fail', text);
  } catch (e) {
    verdict(name, 'fail', `${name}: ${e.message}`);
  } finally {
    buttons.forEach((b) => (b.disabled = false));
  }
}

export async function initSimulator(info) {
  if (info) {
    $('#sim-store').textContent = info.store;
    sandboxSeconds = info.sandboxRetentionSeconds || sandboxSeconds;
  }
  $('#sim-tenant').value = randomTenant();
  $('#sim-form').addEventListener('submit', async (event) => {
    event.preventDefault();
    const f = form();
    await send({ ...f, key: $('#sim-key').value.trim(), label: 'manual' });
    await refreshCount();
  });
  $('#sim-new-key').addEventListener('click', async () => {
    $('#sim-key').value = await freshKey();
  });
  $('#sim-clear').addEventListener('click', () => {
    $('#sim-timeline').innerHTML = '';
    $('#sim-verdicts').innerHTML = '';
  });
  $('#sim-tenant').addEventListener('change', refreshCount);
  for (const button of $all('[data-scenario]', $('.scenarios'))) {
    button.addEventListener('click', () => runScenario(button.dataset.scenario, button));
  }
  $('#sim-key').value = await freshKey();
  await refreshCount();
}
