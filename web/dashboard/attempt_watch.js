// Follows one manual run ("Send test now") through the task's logs: the rows
// that carry the run's scheduledFor, until one is final (SUCCESS, FAILED or
// SKIPPED). Polls once a second; gives up after two minutes.

import { get } from './api.js';

const FINAL = new Set(['SUCCESS', 'FAILED', 'SKIPPED']);
const EVERY_MS = 1000;
const GIVE_UP_MS = 120e3;

/**
 * onUpdate({ log, final, timedOut }): log is the run's newest attempt (or null
 * while none is written). Returns stop().
 */
export function watchRun(taskId, scheduledFor, onUpdate) {
  const want = Date.parse(scheduledFor);
  const started = Date.now();
  let timer = null;
  let stopped = false;
  const tick = async () => {
    if (stopped) return;
    let log = null;
    try {
      const res = await get(`/api/tasks/${taskId}/logs`, { limit: 20 });
      log = res.data.find((l) => Date.parse(l.scheduledFor) === want && l.trigger === 'manual') || null;
    } catch { /* the next tick asks again */ }
    if (stopped) return;
    const final = !!(log && FINAL.has(log.status));
    const timedOut = !final && Date.now() - started > GIVE_UP_MS;
    onUpdate({ log, final, timedOut });
    if (!final && !timedOut) timer = setTimeout(tick, EVERY_MS);
  };
  timer = setTimeout(tick, 300);
  return () => { stopped = true; clearTimeout(timer); };
}
