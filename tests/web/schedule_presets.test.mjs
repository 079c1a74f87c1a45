// Schedule presets and the preset an expression came from.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { presetExpression, presetOf } from '../../web/dashboard/schedule_presets.js';

test('each preset writes its expression', () => {
  assert.equal(presetExpression('minute'), '* * * * *');
  assert.equal(presetExpression('hour'), '0 * * * *');
  assert.equal(presetExpression('day', { time: '07:05' }), '5 7 * * *');
  assert.equal(presetExpression('week', { time: '18:30', weekday: 5 }), '30 18 * * 5');
  assert.equal(presetExpression('month', { time: '00:00', day: 15 }), '0 0 15 * *');
  assert.equal(presetExpression('custom'), null);
});

test('an expression is read back as its preset', () => {
  assert.deepEqual(presetOf(' *  * * * * '), { kind: 'minute' });
  assert.deepEqual(presetOf('0 * * * *'), { kind: 'hour' });
  assert.deepEqual(presetOf('5 7 * * *'), { kind: 'day', time: '07:05' });
  assert.deepEqual(presetOf('30 18 * * 5'), { kind: 'week', time: '18:30', weekday: 5 });
  assert.deepEqual(presetOf('0 0 15 * *'), { kind: 'month', time: '00:00', day: 15 });
});

test('anything else is custom', () => {
  for (const e of ['*/5 * * * *', '0 9 * * 1-5', '61 9 * * *', '0 24 * * *', '0 9 * * 7', '0 0 1 1 *', '0 0 9 * * *', '@daily']) {
    assert.deepEqual(presetOf(e), { kind: 'custom' }, e);
  }
});
