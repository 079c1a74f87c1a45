// Discord's grid for embed fields: three inline fields a row, two beside a thumbnail.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import './dom_shim.mjs';

const { fieldSpans } = await import('../../web/dashboard/preview.js');
const f = (inline) => ({ name: 'n', value: 'v', inline });

test('inline fields share rows of three', () => {
  assert.deepEqual(fieldSpans([f(true), f(true), f(true), f(true)], false), [4, 4, 4, 12]);
  assert.deepEqual(fieldSpans([f(true), f(true)], false), [6, 6]);
});

test('a field that is not inline takes a row and breaks the run', () => {
  assert.deepEqual(fieldSpans([f(true), f(false), f(true), f(true)], false), [12, 12, 6, 6]);
});

test('beside a thumbnail, rows of two', () => {
  assert.deepEqual(fieldSpans([f(true), f(true), f(true)], true), [6, 6, 12]);
});
