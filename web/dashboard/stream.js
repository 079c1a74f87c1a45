// The live log stream: every attempt of the last hour, kept in memory and
// counted per minute on the client.
//
// The first load reads the last 60 minutes (newest first, up to MAX_BACKFILL
// pages of 100, with `to` pinned so the pages do not shift). After that each
// poll asks only for rows newer than the newest executionTime seen, less an
// overlap: a row is written when its attempt ends, so a slow attempt shows up
// after faster ones that started later. The overlap follows the largest
// createdAt − executionTime seen (at least 10 s); ids remove the duplicates.

import { get, clock } from './api.js';

const MINUTE = 60e3;
const WINDOW = 60 * MINUTE;
const LIMIT = 100;
const MAX_BACKFILL = 40;   // pages: 4,000 rows for the first view of the hour
const MAX_POLL_PAGES = 10; // pages per poll; beyond, rows are dropped (truncated)
const MIN_OVERLAP = 10e3;
const MAX_OVERLAP = 120e3;

function isoOf(ms) { return new Date(ms).toISOString(); }

export class LogStream {
  constructor() {
    this.listeners = new Set();
    this.reset();
  }

  reset() {
    this.rows = new Map();      // id → compact row
    this.lastByTask = new Map(); // taskId → newest compact row
    this.cursor = null;         // newest executionTime seen (ms)
    this.maxLag = 0;            // largest createdAt − executionTime seen (ms)
    this.coverageFrom = null;   // rows before this were not loaded (ms)
    this.ready = false;
    this.backfilling = false;
    this.truncated = false;     // a poll had more rows than it could read
    this.loading = null;
    this.generation = (this.generation || 0) + 1;
  }

  onChange(fn) { this.listeners.add(fn); return () => this.listeners.delete(fn); }
  emit() { for (const fn of this.listeners) fn(this); }

  add(log) {
    if (this.rows.has(log.id)) return false;
    const t = Date.parse(log.executionTime);
    const created = Date.parse(log.createdAt);
    const sched = Date.parse(log.scheduledFor);
    const row = {
      id: log.id, task: log.taskId, t, status: log.status, retry: log.retryCount,
      trigger: log.trigger, sf: log.scheduledFor, http: log.httpStatus, ms: log.durationMs,
      msg: log.message,
      late: log.trigger === 'schedule' && log.retryCount === 0 && log.status !== 'SKIPPED' ? Math.max(0, t - sched) : null,
    };
    this.rows.set(log.id, row);
    if (this.cursor === null || t > this.cursor) this.cursor = t;
    if (created - t > this.maxLag) this.maxLag = Math.min(created - t, MAX_OVERLAP);
    const prev = this.lastByTask.get(row.task);
    if (!prev || t > prev.t || (t === prev.t && row.retry > prev.retry)) this.lastByTask.set(row.task, row);
    return true;
  }

  addPage(data) {
    let added = 0;
    let newestCreated = -Infinity;
    for (const log of data) {
      if (this.add(log)) added++;
      const c = Date.parse(log.createdAt);
      if (c > newestCreated) newestCreated = c;
    }
    return { added, newestCreated };
  }

  prune(now) {
    const cut = now - WINDOW - MINUTE;
    for (const [id, r] of this.rows) if (r.t < cut) this.rows.delete(id);
  }

  get overlap() { return Math.min(MAX_OVERLAP, Math.max(MIN_OVERLAP, this.maxLag * 1.5 + 2000)); }

  /** One refresh: the first call back-fills the hour, later ones read what is new. */
  refresh() {
    if (!this.loading) {
      const gen = this.generation;
      this.loading = (this.ready ? this.poll(gen) : this.backfill(gen)).finally(() => {
        if (gen === this.generation) this.loading = null;
      });
    }
    return this.loading;
  }

  async backfill(gen) {
    const now = clock.now();
    const from = now - WINDOW;
    const query = { from: isoOf(from), to: isoOf(now + 1000), limit: LIMIT };
    const first = await get('/api/logs', { ...query, page: 1 });
    if (gen !== this.generation) return;
    this.addPage(first.data);
    const oldestLoaded = () => {
      let oldest = Infinity;
      for (const r of this.rows.values()) if (r.t < oldest) oldest = r.t;
      return Math.ceil(oldest / MINUTE) * MINUTE;
    };
    const pages = Math.min(first.meta.totalPages, MAX_BACKFILL);
    // Until every page is in, only the minutes of the rows read so far count
    // as loaded (and stay so should a page fail: the next polls go forward).
    this.coverageFrom = pages > 1 ? oldestLoaded() : from;
    this.ready = true; // the newest rows are in: the charts can draw
    this.backfilling = pages > 1;
    this.emit();
    let next = 2;
    const worker = async () => {
      while (next <= pages && gen === this.generation) {
        const page = next++;
        const res = await get('/api/logs', { ...query, page });
        if (gen !== this.generation) return;
        this.addPage(res.data);
      }
    };
    try {
      await Promise.all([worker(), worker(), worker()]);
    } finally {
      if (gen === this.generation) this.backfilling = false;
    }
    if (gen !== this.generation) return;
    // Too many rows for one look: the oldest minutes stay blank.
    this.coverageFrom = first.meta.totalPages > MAX_BACKFILL ? oldestLoaded() : from;
    this.emit();
  }

  async poll(gen) {
    const now = clock.now();
    const from = Math.max(now - WINDOW, (this.cursor ?? now) - this.overlap);
    let page = 1;
    let newest = -Infinity;
    for (;;) {
      const res = await get('/api/logs', { from: isoOf(from), limit: LIMIT, page });
      if (gen !== this.generation) return;
      const { newestCreated } = this.addPage(res.data);
      if (newestCreated > newest) newest = newestCreated;
      // A late row can sit anywhere in the overlap, so every page of it is read.
      if (res.data.length < LIMIT || page >= res.meta.totalPages) break;
      if (page >= MAX_POLL_PAGES) { this.truncated = true; break; }
      page++;
    }
    if (newest > -Infinity) clock.noteRowTime(newest);
    this.prune(clock.now());
    this.emit();
  }

  /**
   * Per-minute buckets of the last 60 minutes, oldest first; the last one is
   * the current, partial minute. Optionally for one task only.
   */
  series(now, taskId) {
    const end = Math.floor(now / MINUTE) * MINUTE + MINUTE;
    const start = end - WINDOW;
    const buckets = Array.from({ length: 60 }, (_, i) => ({
      t: start + i * MINUTE, SUCCESS: 0, RETRYING: 0, FAILED: 0, SKIPPED: 0, total: 0, late: [],
      loaded: this.coverageFrom === null ? false : start + (i + 1) * MINUTE > this.coverageFrom,
    }));
    for (const r of this.rows.values()) {
      if (r.t < start || r.t >= end) continue;
      if (taskId && r.task !== taskId) continue;
      const b = buckets[Math.floor((r.t - start) / MINUTE)];
      b[r.status] = (b[r.status] || 0) + 1;
      b.total++;
      if (r.late !== null) b.late.push(r.late);
    }
    for (const b of buckets) {
      b.late.sort((x, y) => x - y);
      b.p50 = quantile(b.late, 0.5);
      b.p99 = quantile(b.late, 0.99);
      b.samples = b.late.length;
      delete b.late;
    }
    return buckets;
  }
}

/** Nearest-rank quantile of a sorted array (null when empty). */
export function quantile(sorted, q) {
  if (!sorted.length) return null;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[i];
}
