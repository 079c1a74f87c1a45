// The form's draft of a message and the payload the API stores.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { draftFromPayload, payloadFromDraft, newEmbed, newField, colorToHex, hexToColor } from '../../web/dashboard/payload_draft.js';

test('a payload survives a round trip through the draft', () => {
  const p = {
    content: 'hi', username: 'bot', avatar_url: 'https://a/b.png',
    embeds: [{
      title: 'T', description: 'D', url: 'https://x', color: 5793266, timestamp: '2026-11-23T10:00:00.000Z',
      author: { name: 'A', url: 'https://a', icon_url: 'https://i' }, footer: { text: 'F', icon_url: 'https://f' },
      image: { url: 'https://img' }, thumbnail: { url: 'https://th' },
      fields: [{ name: 'n', value: 'v', inline: true }, { name: 'n2', value: 'v2' }],
    }],
    allowed_mentions: { parse: ['roles'] }, tts: false,
  };
  assert.deepEqual(payloadFromDraft(draftFromPayload(p)), p);
});

test('empty texts, parts and lists are left out', () => {
  const d = draftFromPayload({ content: 'x' });
  d.embeds.push(newEmbed());
  d.embeds[0].title = 'T';
  d.embeds[0].fields.push(newField());
  d.username = '';
  assert.deepEqual(payloadFromDraft(d), { content: 'x', embeds: [{ title: 'T', fields: [{ name: '', value: '' }] }] });
  assert.deepEqual(payloadFromDraft(draftFromPayload({ content: 'x', embeds: [] })), { content: 'x' });
});

test('the message comes first in the JSON, unknown members after', () => {
  const out = payloadFromDraft(draftFromPayload({ flags: 4096, embeds: [{ title: 't' }], content: 'c' }));
  assert.deepEqual(Object.keys(out), ['content', 'embeds', 'flags']);
});

test('a draft of anything that is not an object is an empty message', () => {
  assert.deepEqual(payloadFromDraft(draftFromPayload(null)), {});
  assert.deepEqual(payloadFromDraft(draftFromPayload([1, 2])), {});
});

test('colours as hex and back', () => {
  assert.equal(colorToHex(5793266), '#5865f2');
  assert.equal(colorToHex(0), '#000000');
  assert.equal(colorToHex(undefined), '');
  assert.equal(colorToHex(0x1000000), '');
  assert.equal(hexToColor('#5865F2'), 5793266);
  assert.equal(hexToColor('5865f2'), 5793266);
  assert.equal(hexToColor(''), undefined);
  assert.ok(Number.isNaN(hexToColor('#58')));
});
