// Conformance checker: POST /api/tools/check streams one JSON line per event while idem check runs.
import { $, ApiError, esc, status } from './util.js';

function headers(text) {
  const parsed = {};
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    const colon = line.indexOf(':');
    if (colon <= 0) throw new ApiError(400, `A header line must be "Name: value", not "${line.trim()}".`);
    parsed[line.slice(0, colon).trim()] = line.slice(colon + 1).trim();
  }
  return parsed;
}

function itemFor(name) {
  const list = $('#ck-results');
  let li = list.querySelector(`li[data-check="${CSS.escape(name)}"]`);
  if (!li) {
    li = document.createElement('li');
    li.dataset.check = name;
    list.appendChild(li);
  }
  return li;
}

function onEvent(event) {
  if (event.type === 'started') {
    itemFor(event.name).innerHTML = `<div class="head"><span class="badge neutral">running</span>
      <span class="name">${esc(event.name)}</span><span class="desc">${esc(event.description)}</span></div>`;
    status($('#ck-status'), `Running ${event.name}…`);
  } else if (event.type === 'result') {
    const li = itemFor(event.name);
    li.dataset.verdict = event.passed ? 'pass' : 'fail';
    li.innerHTML = `<div class="head"><span class="badge ${event.passed ? 'pass' : 'fail'}">${event.passed ? 'PASS' : 'FAIL'}</span>
      <span class="name">${esc(event.name)}</span><span class="desc">${esc(event.description)} · ${event.elapsedMs} ms</span></div>
      ${event.reason ? `<p class="reason">${esc(event.reason)}</p>` : ''}
      <details><summary>${event.exchanges.length} request${event.exchanges.length === 1 ? '' : 's'}</summary>
      <pre>${esc(event.exchanges.join('\n'))}</pre></details>`;
  } else if (event.type === 'done') {
    const li = document.createElement('li');
    li.className = 'summary';
    li.id = 'ck-summary';
    li.dataset.passed = String(event.passed);
    li.textContent = `${event.passed ? '✓' : '✗'} ${event.passedCount} passed, ${event.failedCount} failed against ${event.target}`;
    $('#ck-results').appendChild(li);
    status($('#ck-status'), event.passed ? 'All checks passed.' : `${event.failedCount} check(s) failed.`, !event.passed);
  } else if (event.type === 'error') {
    status($('#ck-status'), event.detail, true);
  }
}

async function run() {
  const button = $('#ck-run');
  const state = $('#ck-status');
  $('#ck-results').innerHTML = '';
  let request;
  try {
    request = {
      url: $('#ck-url').value.trim(),
      method: $('#ck-method').value,
      profile: $('#ck-profile').value,
      concurrency: Number($('#ck-concurrency').value) || 8,
      retention: $('#ck-retention').value.trim() || null,
      body: $('#ck-body').value,
      headers: headers($('#ck-headers').value),
    };
  } catch (e) {
    status(state, e.message, true);
    return;
  }
  button.disabled = true;
  status(state, request.retention ? `Starting… the expiry check waits ${request.retention}.` : 'Starting…');
  try {
    const response = await fetch('/api/tools/check', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Accept: 'application/x-ndjson, application/problem+json' },
      body: JSON.stringify(request),
    });
    if (!response.ok) {
      const problem = await response.json().catch(() => null);
      status(state, (problem && problem.detail) || `${response.status} ${response.statusText}`, true);
      return;
    }
    const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
    let buffer = '';
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      buffer += value;
      let newline;
      while ((newline = buffer.indexOf('\n')) >= 0) {
        const line = buffer.slice(0, newline).trim();
        buffer = buffer.slice(newline + 1);
        if (line) onEvent(JSON.parse(line));
      }
    }
  } catch (e) {
    status(state, `The check stream broke: ${e.message}`, true);
  } finally {
    button.disabled = false;
  }
}

export function initCheck() {
  $('#ck-url').value = `${location.origin}/api/demo/orders?delayMs=300`;
  $('#check-form').addEventListener('submit', (event) => {
    event.preventDefault();
    run();
  });
}
