// The REST client: the service root, the API key, errors, and the server clock.

/**
 * The page is served at <root>/dashboard (and its files at <root>/dashboard/…).
 * <root> is empty when the service is reached directly, and e.g.
 * /api/task-scheduler behind the production proxy, which strips it.
 */
export const root = (() => {
  const path = window.location.pathname;
  const at = path.lastIndexOf('/dashboard');
  return at >= 0 ? path.slice(0, at) : '';
})();

const KEY_NAME = 'taskhook.apiKey';

export class ApiError extends Error {
  constructor(status, code, message, details, retryAfter) {
    super(message);
    this.status = status;
    this.code = code;
    this.details = details;
    this.retryAfter = retryAfter;
  }
}

let apiKey = null;
let unauthorizedHandler = () => {};
let rateLimitedHandler = () => {};

export const auth = {
  load() {
    try {
      apiKey = sessionStorage.getItem(KEY_NAME) || localStorage.getItem(KEY_NAME) || null;
    } catch { apiKey = null; }
    return apiKey;
  },
  /** Uses a key for the next calls without keeping it (the login's check). */
  use(key) { apiKey = key; },
  /** Keeps the key for this tab, or on this device when remember is set. */
  save(key, remember) {
    apiKey = key;
    try {
      sessionStorage.setItem(KEY_NAME, key);
      if (remember) localStorage.setItem(KEY_NAME, key);
      else localStorage.removeItem(KEY_NAME);
    } catch { /* storage disabled: the key lives in memory only */ }
  },
  clear() {
    apiKey = null;
    try { sessionStorage.removeItem(KEY_NAME); localStorage.removeItem(KEY_NAME); } catch { /* ignore */ }
  },
  get key() { return apiKey; },
  onUnauthorized(fn) { unauthorizedHandler = fn; },
  onRateLimited(fn) { rateLimitedHandler = fn; },
};

// -- the server's clock ---------------------------------------------------------
// Windows ("the last 60 minutes") and relative times use the server's clock:
// from the Date header when the server sends one; otherwise from the newest
// log rows' createdAt, which can only tell that the server is ahead (a row is
// never created in the server's future), so only that is corrected.
const dateSamples = [];
let rowBound = -Infinity;
let rowBoundAt = 0;
let offset = 0;
function recompute() {
  if (dateSamples.length) {
    const sorted = dateSamples.map((x) => x.est).sort((a, b) => a - b);
    const median = sorted[Math.floor(sorted.length / 2)];
    offset = Math.abs(median) > 1500 ? median : 0;
  } else {
    offset = rowBound > 1500 ? rowBound : 0;
  }
}
export const clock = {
  now: () => Date.now() + offset,
  /** A Date header: the server's time to within a second. */
  noteDate(serverMs) {
    if (!Number.isFinite(serverMs)) return;
    dateSamples.push({ est: serverMs - Date.now() });
    if (dateSamples.length > 15) dateSamples.shift();
    recompute();
  },
  /** A row's createdAt: the server's time was at least this. */
  noteRowTime(serverMs) {
    if (!Number.isFinite(serverMs)) return;
    const est = serverMs - Date.now();
    if (est > rowBound || Date.now() - rowBoundAt > 300e3) { rowBound = est; rowBoundAt = Date.now(); }
    recompute();
  },
  get offset() { return offset; },
};

function queryString(query) {
  if (!query) return '';
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) {
    if (v === undefined || v === null || v === '') continue;
    p.set(k, String(v));
  }
  const q = p.toString();
  return q ? `?${q}` : '';
}

/**
 * Calls the API. Resolves with the parsed body (null for 204); rejects with an
 * ApiError carrying the API's error code, message and details (the fields a
 * 400 names). `body`, when given, is sent as JSON. A 401 also calls the
 * unauthorized handler (back to the login), a 429 the rate-limit handler.
 */
export async function api(method, path, { query, body, signal, quiet401 = false } = {}) {
  const headers = { Accept: 'application/json' };
  if (apiKey) headers['X-API-Key'] = apiKey;
  // Routes without a body get no body and no Content-Type (API.md).
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  let res;
  try {
    res = await fetch(root + path + queryString(query), {
      method, headers, signal, cache: 'no-store', credentials: 'same-origin', referrerPolicy: 'no-referrer',
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch (e) {
    if (e && e.name === 'AbortError') throw e;
    throw new ApiError(0, 'network', 'Could not reach the service.');
  }
  const date = res.headers.get('Date');
  if (date) clock.noteDate(Date.parse(date) + 500);
  if (res.status === 204) return null;
  let answer = null;
  const text = await res.text();
  if (text) { try { answer = JSON.parse(text); } catch { answer = null; } }
  if (res.ok) return answer;

  const err = answer && answer.error ? answer.error : {};
  const retryAfter = Number(res.headers.get('Retry-After')) || null;
  const fallback = res.status === 401 ? 'The API key was not accepted.' : `${res.status} ${res.statusText}`.trim();
  const error = new ApiError(res.status, err.code || 'http_' + res.status, err.message || fallback, err.details, retryAfter);
  if (res.status === 401 && !quiet401) unauthorizedHandler(error);
  if (res.status === 429) rateLimitedHandler(error);
  throw error;
}

export const get = (path, query, opts) => api('GET', path, { ...opts, query });
export const post = (path, opts) => api('POST', path, opts);
export const postJson = (path, body) => api('POST', path, { body });
export const patchJson = (path, body) => api('PATCH', path, { body });
export const del = (path) => api('DELETE', path);
