// Code generator: middleware from /api/tools/codegen, shown file by file, copied or downloaded.
import { $, api, copyWithFeedback, esc, status } from './util.js';

let files = [];
let selected = 0;

function query() {
  const params = new URLSearchParams({
    framework: $('#cg-framework').value,
    store: $('#cg-store').value,
    header: $('#cg-header').value.trim(),
    retention: $('#cg-retention').value.trim(),
    lease: $('#cg-lease').value.trim(),
    keyRequired: String($('#cg-required').checked),
    mismatchStatus: $('#cg-mismatch').value,
  });
  return params.toString();
}

function show(index) {
  selected = index;
  for (const [i, tab] of [...$('#cg-tabs').children].entries()) {
    tab.setAttribute('aria-selected', String(i === index));
    tab.tabIndex = i === index ? 0 : -1;
  }
  $('#cg-code code').textContent = files[index].content;
}

function render(answer) {
  files = answer.files || [];
  const middleware = files.findIndex((f) => f.path === answer.middleware);
  $('#cg-tabs').innerHTML = files
    .map(
      (f, i) =>
        `<button type="button" role="tab" id="cg-tab-${i}" aria-controls="cg-code" data-index="${i}">${esc(f.path)}</button>`,
    )
    .join('');
  $('#cg-output').hidden = files.length === 0;
  $('#cg-copy').disabled = files.length === 0;
  if (files.length) show(middleware >= 0 ? middleware : 0);
}

async function generate() {
  const state = $('#cg-status');
  status(state, 'Generating…');
  const q = query();
  try {
    const answer = await api(`/api/tools/codegen?${q}`);
    render(answer);
    const download = $('#cg-download');
    download.href = `/api/tools/codegen.zip?${q}`;
    download.setAttribute('download', `idem-${$('#cg-framework').value}-${$('#cg-store').value}.zip`);
    download.setAttribute('aria-disabled', 'false');
    status(state, `${files.length} file${files.length === 1 ? '' : 's'}; the middleware is ${answer.middleware}`);
  } catch (e) {
    status(state, e.message, true);
  }
}

export function initCodegen() {
  $('#codegen-form').addEventListener('submit', (event) => {
    event.preventDefault();
    generate();
  });
  // A changed option makes the previous download stale until the user generates again.
  $('#codegen-form').addEventListener('change', () => $('#cg-download').setAttribute('aria-disabled', 'true'));
  $('#cg-tabs').addEventListener('click', (event) => {
    const tab = event.target.closest('[data-index]');
    if (tab) show(Number(tab.dataset.index));
  });
  $('#cg-tabs').addEventListener('keydown', (event) => {
    if (!files.length || (event.key !== 'ArrowRight' && event.key !== 'ArrowLeft')) return;
    const next = (selected + (event.key === 'ArrowRight' ? 1 : files.length - 1)) % files.length;
    show(next);
    $('#cg-tabs').children[next].focus();
  });
  $('#cg-copy').addEventListener('click', (event) => copyWithFeedback(event.currentTarget, files[selected].content));
}
