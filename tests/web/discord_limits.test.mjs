// Lengths as Discord and the API count them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { codePoints, embedsTextLength } from '../../web/dashboard/discord_limits.js';

test('code points, not UTF-16 units', () => {
  assert.equal(codePoints('abc'), 3);
  assert.equal(codePoints('😀'), 1);
  assert.equal(codePoints('é'), 1);
  assert.equal(codePoints(''), 0);
  assert.equal(codePoints(undefined), 0);
});

test('the 6000 total counts title, description, field names and values, footer and author', () => {
  assert.equal(embedsTextLength([
    { title: 'ab', description: 'cde', url: 'https://not-counted', footer: { text: 'f' }, author: { name: 'gh' }, fields: [{ name: 'i', value: 'jk' }] },
    { title: '😀' },
  ]), 12);
});
