// Small helpers shared by the sections: fetch with problem+json errors, escaping, copying.

/** An API error carrying the problem+json detail the server sent. */
export class ApiError extends Error {
  constructor(status, detail, problem) {
    super(detail);
    this.status = status;
    this.problem = problem;
  }
}

/** Fetches JSON from the tool API; a non-2xx answer throws ApiError with the problem's detail. */
export async function api(path, { method = 'GET', body } = {}) {
  const init = { method, headers: { Accept: 'application/json' } };
  if (body !== undefined) {
    init.headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  const response = await fetch(path, init);
  const text = await response.text();
  let json = null;
  try {
    json = text ? JSON.parse(text) : null;
  } catch {
    json = null;
  }
  if (!response.ok) {
    const detail = (json && (json.detail || json.title)) || `${response.status} ${response.statusText}`;
    throw new ApiError(response.status, detail, json);
  }
  return json;
}

export function $(selector, root = document) {
  return root.querySelector(selector);
}

export function $all(selector, root = document) {
  return [...root.querySelectorAll(selector)];
}

const ESCAPES = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Escapes text for HTML: every value from the server or the user goes through this. */
export function esc(value) {
  return String(value ?? '').replace(/[&<>"']/g, (c) => ESCAPES[c]);
}

/**
 * Copies text. navigator.clipboard needs a secure context and focus; the textarea fallback covers
 * plain http on another host name and browsers that refuse.
 */
export async function copyText(text) {
  try {
    if (navigator.clipboard && window.isSecureContext) {
      await navigator.clipboard.writeText(text);
      return true;
    }
  } catch {
    // fall through to the fallback
  }
  const area = document.createElement('textarea');
  area.value = text;
  area.setAttribute('readonly', '');
  area.style.position = 'fixed';
  area.style.opacity = '0';
  document.body.appendChild(area);
  area.select();
  let copied = false;
  try {
    copied = document.execCommand('copy');
  } catch {
    copied = false;
  }
  area.remove();
  return copied;
}

/** Copies and tells the user on the button itself. */
export async function copyWithFeedback(button, text) {
  const label = button.dataset.label || button.textContent;
  button.dataset.label = label;
  const copied = await copyText(text);
  button.textContent = copied ? 'Copied ✓' : 'Copy failed';
  button.classList.toggle('copied', copied);
  setTimeout(() => {
    button.textContent = label;
    button.classList.remove('copied');
  }, 1500);
}

/** Sets a status line; error=true colours it. */
export function status(element, text, error = false) {
  element.textContent = text;
  element.classList.toggle('error', error);
}

/** Formats a probability or a count readably: 1.47e-9, 0.393, 2.6e+18 → 2.6 × 10^18. */
export function sci(value) {
  if (value === 0) return '0';
  if (value === 1) return '1';
  if (!Number.isFinite(value)) return String(value);
  const abs = Math.abs(value);
  if (abs >= 1e-3 && abs < 1e6) {
    return Number(value.toPrecision(3)).toLocaleString('en-US', { maximumSignificantDigits: 3 });
  }
  const [mantissa, exponent] = value.toExponential(2).split('e');
  return `${mantissa} × 10^${Number(exponent)}`;
}

export function sleep(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
