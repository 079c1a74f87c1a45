// Placeholders filled for the preview as the server fills them at a send.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fillText, fillPayload, placeholderValues, hasPlaceholders } from '../../web/dashboard/templates.js';

const values = placeholderValues({ fireMs: Date.UTC(2026, 10, 23, 10, 0, 0, 250), name: 'Daily', id: '5b0c0000-0000-4000-8000-000000000001' });

test('every placeholder, for one fire instant', () => {
  assert.equal(fillText('{{scheduledFor}}', values), '2026-11-23T10:00:00.000Z');
  assert.equal(fillText('<t:{{scheduledFor.unix}}:F>', values), '<t:1795428000:F>');
  assert.equal(fillText('{{task.name}} {{task.id}} {{attempt}} {{trigger}}', values), 'Daily 5b0c0000-0000-4000-8000-000000000001 0 schedule');
});

test('{{{{ writes {{; unknown names stay as written', () => {
  assert.equal(fillText('{{{{task.name}}', values), '{{task.name}}');
  assert.equal(fillText('{{nope}} {{Task.Name}}', values), '{{nope}} {{Task.Name}}');
});

test('every string of a payload is filled; keys and other values are not', () => {
  assert.deepEqual(fillPayload({ content: '{{task.name}}', embeds: [{ title: '{{attempt}}', color: 1 }], '{{trigger}}': true }, values),
    { content: 'Daily', embeds: [{ title: '0', color: 1 }], '{{trigger}}': true });
});

test('a payload with or without placeholders', () => {
  assert.equal(hasPlaceholders({ content: 'plain' }), false);
  assert.equal(hasPlaceholders({ embeds: [{ footer: { text: '{{task.name}}' } }] }), true);
});
