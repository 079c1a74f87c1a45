#!/usr/bin/env node
// Checks docs/openapi.yaml, and the live API against it.
//
//   node tests/openapi/validate.mjs
//     (a) the document is valid OpenAPI 3.0 (swagger-parser), and every example in
//         it matches its own schema;
//   TASKHOOK_URL=http://127.0.0.1:3005 TASKHOOK_API_KEY=<admin key> node tests/openapi/validate.mjs
//     (b) also drives the running service through every route and checks each
//         response body against the schema openapi.yaml gives for that route and
//         status, that no response ever contains the webhook token, and what
//         API.md promises about the values.
//
// Optional: TASKHOOK_MAX_BODY_BYTES (default 65536, the service's MAX_BODY_BYTES),
// TASKHOOK_LOG_WAIT_MS (default 20000: how long to wait for the manual run's log row),
// TASKHOOK_TIMEOUT_MS (default 30000, per request), TASKHOOK_OPENAPI (another document).
// The packages come from web/node_modules: run scripts/web first.
// Prints one line per check and `N passed, M failed`; exits 1 if anything failed,
// 2 if it could not start.

import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { isDeepStrictEqual } from 'node:util';
import { fileURLToPath, pathToFileURL } from 'node:url';
import path from 'node:path';
import http from 'node:http';
import https from 'node:https';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const specPath = process.env.TASKHOOK_OPENAPI || path.join(root, 'docs/openapi.yaml');
const webRequire = createRequire(path.join(root, 'web/package.json'));

async function load(name) {
  let resolved;
  try {
    resolved = webRequire.resolve(name);
  } catch {
    console.error(`validate.mjs: ${name} is not installed in web/node_modules; run scripts/web`);
    process.exit(2);
  }
  const mod = await import(pathToFileURL(resolved).href);
  return mod.default ?? mod;
}

const SwaggerParser = await load('@apidevtools/swagger-parser');
const Ajv = await load('ajv');
const addFormats = await load('ajv-formats');

// -- reporting ----------------------------------------------------------------

/// The secret part of the test webhook URL: no response may ever contain it.
const TOKEN = 'abcdefTOKEN_-xyz';

let passed = 0;
let failed = 0;

/// One line per check: `ok   name` or `FAIL name: problem; problem`.
function report(name, problems) {
  // A leaked token is reported, never repeated.
  problems = problems.map((p) => String(p).replaceAll(TOKEN, '<token>'));
  if (problems.length === 0) {
    passed++;
    console.log(`ok   ${name}`);
  } else {
    failed++;
    console.log(`FAIL ${name}: ${problems.join('; ')}`);
  }
}

function finish() {
  console.log(`${passed} passed, ${failed} failed`);
  process.exit(failed > 0 ? 1 : 0);
}

// -- (a) the document ---------------------------------------------------------

try {
  // validate() checks the document against the OpenAPI 3.0 schema and the rules a
  // schema cannot express (unique operationIds, path parameters declared, ...).
  await SwaggerParser.validate(specPath);
  report('openapi.yaml is a valid OpenAPI 3.0 document', []);
} catch (err) {
  const details = Array.isArray(err.details)
    ? err.details.map((d) => `${(d.instancePath ?? d.path ?? '')} ${d.message}`).join('; ')
    : '';
  report('openapi.yaml is a valid OpenAPI 3.0 document', [`${err.message}${details ? ` (${details})` : ''}`]);
  finish();
}

// A fresh, fully dereferenced copy (validate() may have changed the one it read).
const api = await SwaggerParser.dereference(specPath);

const ajv = new Ajv({ allErrors: true, strict: true, strictTypes: false });
addFormats(ajv);
// OpenAPI 3.0 annotation keywords that JSON Schema does not know (`nullable` Ajv knows).
ajv.addVocabulary(['example', 'externalDocs', 'xml', 'discriminator']);

const compiled = new Map();
function validatorFor(schema) {
  let v = compiled.get(schema);
  if (!v) {
    v = ajv.compile(schema);
    compiled.set(schema, v);
  }
  return v;
}

function schemaErrors(schema, value) {
  const v = validatorFor(schema);
  if (v(value)) return [];
  return v.errors.slice(0, 8).map((e) => `${e.instancePath || '(body)'} ${e.message}${
    e.params && e.params.additionalProperty ? ` (${e.params.additionalProperty})` : ''}${
    e.params && e.params.allowedValues ? ` (${e.params.allowedValues.join(', ')})` : ''}`);
}

// Every example must match its schema, or the documentation teaches drift.
{
  const seen = new Set();
  const walkSchema = (schema, where) => {
    if (!schema || typeof schema !== 'object' || seen.has(schema)) return;
    seen.add(schema);
    if (schema.example !== undefined) {
      report(`example of ${where} matches its schema`, schemaErrors(schema, schema.example));
    }
    for (const [k, sub] of Object.entries(schema.properties ?? {})) walkSchema(sub, `${where}.${k}`);
    if (schema.items) walkSchema(schema.items, `${where}[]`);
    if (schema.additionalProperties && typeof schema.additionalProperties === 'object') {
      walkSchema(schema.additionalProperties, `${where}.*`);
    }
    for (const key of ['allOf', 'anyOf', 'oneOf']) {
      (schema[key] ?? []).forEach((sub, i) => walkSchema(sub, `${where}.${key}[${i}]`));
    }
  };
  for (const [name, schema] of Object.entries(api.components?.schemas ?? {})) {
    walkSchema(schema, name);
  }
  const seenMedia = new Set();
  const checkMedia = (content, where) => {
    for (const [type, media] of Object.entries(content ?? {})) {
      if (seenMedia.has(media) || media.example === undefined || !media.schema) continue;
      seenMedia.add(media);
      if (type === 'application/json') {
        report(`example of ${where} ${type} matches its schema`, schemaErrors(media.schema, media.example));
      }
    }
  };
  for (const [p, item] of Object.entries(api.paths)) {
    for (const [method, op] of Object.entries(item)) {
      if (!op || typeof op !== 'object' || !op.responses) continue;
      checkMedia(op.requestBody?.content, `${method.toUpperCase()} ${p} request`);
      for (const [status, resp] of Object.entries(op.responses)) {
        checkMedia(resp.content, `${method.toUpperCase()} ${p} ${status}`);
      }
    }
  }
}

if (!process.env.TASKHOOK_URL) {
  console.log('(TASKHOOK_URL is not set: the live API checks are skipped)');
  finish();
}

// -- (b) the live API ---------------------------------------------------------

const base = process.env.TASKHOOK_URL.replace(/\/+$/, '');
const adminKey = process.env.TASKHOOK_API_KEY;
if (!adminKey) {
  console.error('validate.mjs: TASKHOOK_URL is set but TASKHOOK_API_KEY is not');
  process.exit(2);
}
const maxBody = Number(process.env.TASKHOOK_MAX_BODY_BYTES || 65536);
const logWaitMs = Number(process.env.TASKHOOK_LOG_WAIT_MS || 20000);
const timeoutMs = Number(process.env.TASKHOOK_TIMEOUT_MS || 30000);

const WEBHOOK = `https://discord.com/api/webhooks/123456789012345678/${TOKEN}`;
const MASKED = 'https://discord.com/api/webhooks/123456789012345678/****';
const ERROR_CODES = {
  400: ['invalid_json', 'validation_failed', 'invalid_id'],
  401: ['unauthorized'],
  403: ['forbidden'],
  404: ['not_found'],
  409: ['conflict'],
  413: ['payload_too_large'],
  415: ['unsupported_media_type'],
  429: ['rate_limited'],
  500: ['internal'],
  503: ['unavailable'],
};

/// One HTTP exchange. Resolves with {status, headers, text}; a response that
/// arrives before the request body is fully sent (an early 413) still counts.
function send(method, urlPath, { headers = {}, body } = {}) {
  const url = new URL(base + urlPath);
  const lib = url.protocol === 'https:' ? https : http;
  const payload = body === undefined ? undefined : Buffer.from(body);
  const allHeaders = { ...headers };
  if (payload) allHeaders['Content-Length'] = String(payload.length);
  return new Promise((resolve, reject) => {
    let answered = false;
    const req = lib.request(url, { method, headers: allHeaders, agent: false, timeout: timeoutMs }, (res) => {
      answered = true;
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({
        status: res.statusCode,
        headers: res.headers,
        text: Buffer.concat(chunks).toString('utf8'),
      }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    req.on('error', (err) => {
      if (!answered) reject(err);  // after the answer: e.g. EPIPE while still sending
    });
    if (payload) req.write(payload);
    req.end();
  });
}

function authHeaders(key, how) {
  if (key === null) return {};
  return how === 'bearer' ? { Authorization: `Bearer ${key}` } : { 'X-API-Key': key };
}

function sameInstant(a, b) {
  return typeof a === 'string' && typeof b === 'string' && Date.parse(a) === Date.parse(b);
}

/// Problems with a response measured against openapi.yaml for `method template`.
function contractProblems(method, template, res) {
  const problems = [];
  const op = api.paths[template]?.[method.toLowerCase()];
  if (!op) return [`${method} ${template} is not in openapi.yaml`];
  const resp = op.responses[String(res.status)] ?? op.responses.default;
  if (!resp) return [`status ${res.status} is not documented for ${method} ${template}`];
  for (const [name, header] of Object.entries(resp.headers ?? {})) {
    const value = res.headers[name.toLowerCase()];
    if (value === undefined) {
      problems.push(`header ${name} missing`);
    } else if (header.schema?.type === 'integer' && !/^\d+$/.test(value)) {
      problems.push(`header ${name} is "${value}", not whole seconds`);
    }
  }
  if (!resp.content) {
    if (res.text.length > 0) problems.push(`expected no body, got ${res.text.length} bytes`);
    return problems;
  }
  const ctype = (res.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
  const media = resp.content[ctype];
  if (!media) {
    problems.push(`content-type "${ctype}" is not documented (${Object.keys(resp.content).join(', ')})`);
    return problems;
  }
  if (ctype === 'application/json') {
    if (res.json === undefined) {
      problems.push(`body is not JSON: ${res.text.slice(0, 120)}`);
    } else if (media.schema) {
      problems.push(...schemaErrors(media.schema, res.json));
    }
  }
  return problems;
}

/// One check: a request, its expected status(es), the contract, the token rule,
/// and `verify(res)` returning further problems (only run on an expected status).
async function check(name, {
  method = 'GET', path: urlPath, template, expect, key = adminKey, auth = 'header',
  json, body, contentType, headers = {}, verify,
}) {
  const expected = Array.isArray(expect) ? expect : [expect];
  const hdrs = { Accept: 'application/json', ...authHeaders(key, auth), ...headers };
  let sendBody = body;
  if (json !== undefined) {
    sendBody = JSON.stringify(json);
    hdrs['Content-Type'] = 'application/json';
  }
  if (contentType) hdrs['Content-Type'] = contentType;
  let res;
  try {
    res = await send(method, urlPath, { headers: hdrs, body: sendBody });
  } catch (err) {
    report(name, [`${method} ${urlPath}: ${err.code ?? ''} ${err.message}`.trim()]);
    return undefined;
  }
  try {
    res.json = res.text.length ? JSON.parse(res.text) : undefined;
  } catch {
    res.json = undefined;
  }
  const problems = [];
  if (!expected.includes(res.status)) {
    problems.push(`status ${res.status}, expected ${expected.join(' or ')} (${res.text.slice(0, 200)})`);
  }
  problems.push(...contractProblems(method, template, res));
  if (res.text.includes(TOKEN)) problems.push('the webhook token appears in the body');
  if (ERROR_CODES[res.status] && res.json?.error) {
    if (!ERROR_CODES[res.status].includes(res.json.error.code)) {
      problems.push(`error code "${res.json.error.code}" does not go with status ${res.status}`);
    }
  }
  if (expected.includes(res.status) && verify) {
    try {
      problems.push(...(verify(res) ?? []).filter(Boolean));
    } catch (err) {
      problems.push(`verify: ${err.message}`);
    }
  }
  report(name, problems);
  return res;
}

/// `problem` when `cond` is false.
const want = (cond, problem) => (cond ? null : problem);
const errorIs = (code) => (res) => [want(res.json?.error?.code === code, `error code ${res.json?.error?.code}, expected ${code}`)];
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

const tag = randomUUID().slice(0, 8);
const taskName = `openapi-check-${tag}`;
const payload = {
  content: 'taskhook OpenAPI response check',
  username: 'taskhook',
  embeds: [{
    title: 'Check',
    description: 'Every response is checked against docs/openapi.yaml.',
    color: 5814783,
    fields: [{ name: 'route', value: 'POST /api/tasks', inline: true }],
    footer: { text: 'taskhook' },
  }],
};
const created = [];  // ids to delete at the end, whatever happens

async function tasksSection() {
  // 1. Create: ACTIVE, on a yearly schedule so no scheduled fire lands during the test,
  //    without retries so the manual run below leaves exactly one log row.
  const res = await check('POST /api/tasks creates a task (201)', {
    method: 'POST', path: '/api/tasks', template: '/api/tasks', expect: 201,
    json: { name: taskName, schedule: '0 0 1 1 *', timezone: 'UTC', webhookUrl: WEBHOOK, payload, maxRetry: 0 },
    verify: ({ json: t }) => [
      want(t.name === taskName, `name "${t.name}"`),
      want(t.schedule === '0 0 1 1 *', `schedule "${t.schedule}"`),
      want(t.timezone === 'UTC', `timezone "${t.timezone}"`),
      want(t.webhookUrl === MASKED, `webhookUrl "${t.webhookUrl}", expected the token masked`),
      want(isDeepStrictEqual(t.payload, payload), 'payload differs from the one sent'),
      want(t.maxRetry === 0, `maxRetry ${t.maxRetry}`),
      want(t.status === 'ACTIVE', `status ${t.status}`),
      want(typeof t.nextRunAt === 'string' && t.nextRunAt.endsWith('-01-01T00:00:00.000Z'),
        `nextRunAt ${t.nextRunAt}, expected the next 1 January 00:00 UTC`),
      want(t.lastRunAt === null, `lastRunAt ${t.lastRunAt}`),
    ],
  });
  const id = res?.status === 201 ? res.json?.id : undefined;
  if (!id) {
    report('the task routes', ['skipped: the task could not be created']);
    return;
  }
  created.push(id);

  // 2. Create with the defaults, INACTIVE.
  const res2 = await check('POST /api/tasks applies the defaults (201)', {
    method: 'POST', path: '/api/tasks', template: '/api/tasks', expect: 201,
    json: { name: `${taskName} defaults`, schedule: '@daily', webhookUrl: WEBHOOK, payload: { content: 'hi' }, status: 'INACTIVE' },
    verify: ({ json: t }) => [
      want(t.timezone === 'UTC', `timezone "${t.timezone}", expected the default UTC`),
      want(t.maxRetry === 3, `maxRetry ${t.maxRetry}, expected the default 3`),
      want(t.status === 'INACTIVE', `status ${t.status}`),
      want(t.nextRunAt === null, `nextRunAt ${t.nextRunAt}, expected null for an INACTIVE task`),
      want(t.threadId === null, `threadId ${t.threadId}, expected null when none was given`),
    ],
  });
  const id2 = res2?.status === 201 ? res2.json?.id : undefined;
  if (id2) created.push(id2);

  // 3. Templates and Discord's message options, posting into a thread.
  const templated = {
    content: 'Fired <t:{{scheduledFor.unix}}:F>',
    embeds: [{
      title: '{{task.name}}',
      url: 'https://example.com/tasks/{{task.id}}',
      fields: [{ name: 'Execution Time', value: '{{scheduledFor}}' }],
      timestamp: '{{scheduledFor}}',
    }],
    thread_name: 'Run {{scheduledFor}}',
    allowed_mentions: { parse: [], users: ['1234567890123456789'], replied_user: false },
    flags: 4096,
    tts: false,
  };
  const res3 = await check('POST /api/tasks takes templates, Discord options and threadId (201)', {
    method: 'POST', path: '/api/tasks', template: '/api/tasks', expect: 201,
    json: { name: `${taskName} templated`, schedule: '@yearly', webhookUrl: WEBHOOK, payload: templated,
            threadId: '1234567890123456789', status: 'INACTIVE' },
    verify: ({ json: t }) => [
      want(isDeepStrictEqual(t.payload, templated), 'payload differs from the one sent'),
      want(t.threadId === '1234567890123456789', `threadId ${t.threadId}`),
    ],
  });
  const id3 = res3?.status === 201 ? res3.json?.id : undefined;
  if (id3) {
    created.push(id3);
    await check('PATCH /api/tasks/{id} with threadId null posts into the channel again (200)', {
      method: 'PATCH', path: `/api/tasks/${id3}`, template: '/api/tasks/{id}', expect: 200,
      json: { threadId: null },
      verify: ({ json: t }) => [
        want(t.threadId === null, `threadId ${t.threadId}, expected null`),
        want(isDeepStrictEqual(t.payload, templated), 'payload changed'),
      ],
    });
  }
  await check('an unknown placeholder names its path (400)', {
    method: 'POST', path: '/api/tasks', template: '/api/tasks', expect: 400,
    json: { name: `${taskName} bad`, schedule: '@daily', webhookUrl: WEBHOOK,
            payload: { embeds: [{ fields: [{ name: 'n', value: 'at {{when}}' }] }] } },
    verify: ({ json: e }) => [
      want(e.error.code === 'validation_failed', `code ${e.error.code}`),
      want((e.error.details ?? []).some((d) => d.field === 'payload.embeds[0].fields[0].value' &&
                                               d.message.startsWith('unknown placeholder "{{when}}"')),
        `details ${JSON.stringify(e.error.details)} do not name payload.embeds[0].fields[0].value`),
    ],
  });

  const search = encodeURIComponent(taskName.toUpperCase());  // search ignores case
  await check('GET /api/tasks lists with search and pagination (200)', {
    path: `/api/tasks?search=${search}&page=1&limit=5`, template: '/api/tasks', expect: 200,
    verify: ({ json: p }) => [
      want(p.data.some((t) => t.id === id), 'the new task is not listed'),
      want(!id2 || p.data.some((t) => t.id === id2), 'the second task is not listed'),
      want(p.data.every((t) => t.name.toLowerCase().includes(taskName)), 'a task not matching the search is listed'),
      want(p.meta.page === 1 && p.meta.limit === 5, `meta ${JSON.stringify(p.meta)}`),
      want(p.meta.total === created.length && p.meta.totalPages === 1, `meta ${JSON.stringify(p.meta)}, expected total ${created.length}`),
    ],
  });
  await check('GET /api/tasks filters by status (200)', {
    path: `/api/tasks?status=ACTIVE&search=${search}`, template: '/api/tasks', expect: 200,
    verify: ({ json: p }) => [
      want(p.data.every((t) => t.status === 'ACTIVE'), 'a task that is not ACTIVE is listed'),
      want(p.data.some((t) => t.id === id), 'the ACTIVE task is not listed'),
      want(p.meta.limit === 20, `meta.limit ${p.meta.limit}, expected the default 20`),
    ],
  });
  await check('GET /api/tasks/{id} returns the task with its logs (200)', {
    path: `/api/tasks/${id}`, template: '/api/tasks/{id}', expect: 200,
    verify: ({ json: t }) => [
      want(t.id === id, `id ${t.id}`),
      want(t.webhookUrl === MASKED, `webhookUrl "${t.webhookUrl}"`),
      want(Array.isArray(t.logs), 'no logs array'),
    ],
  });
  await check('PATCH /api/tasks/{id} changes some fields (200)', {
    method: 'PATCH', path: `/api/tasks/${id}`, template: '/api/tasks/{id}', expect: 200,
    json: { name: `${taskName} patched`, timezone: 'Europe/Berlin' },
    verify: ({ json: t }) => [
      want(t.name === `${taskName} patched`, `name "${t.name}"`),
      want(t.timezone === 'Europe/Berlin', `timezone "${t.timezone}"`),
      want(t.schedule === '0 0 1 1 *', `schedule "${t.schedule}" changed`),
      want(t.maxRetry === 0, `maxRetry ${t.maxRetry} changed`),
      // 1 January 00:00 in Berlin (CET, UTC+1) is 31 December 23:00 UTC.
      want(typeof t.nextRunAt === 'string' && t.nextRunAt.endsWith('-12-31T23:00:00.000Z'),
        `nextRunAt ${t.nextRunAt}, expected 31 December 23:00 UTC`),
    ],
  });
  await check('POST /api/tasks/{id}/toggle pauses an ACTIVE task (200)', {
    method: 'POST', path: `/api/tasks/${id}/toggle`, template: '/api/tasks/{id}/toggle', expect: 200,
    verify: ({ json: t }) => [
      want(t.status === 'INACTIVE', `status ${t.status}`),
      want(t.nextRunAt === null, `nextRunAt ${t.nextRunAt}, expected null`),
    ],
  });
  await check('POST /api/tasks/{id}/toggle resumes it (200)', {
    method: 'POST', path: `/api/tasks/${id}/toggle`, template: '/api/tasks/{id}/toggle', expect: 200,
    verify: ({ json: t }) => [
      want(t.status === 'ACTIVE', `status ${t.status}`),
      want(typeof t.nextRunAt === 'string', `nextRunAt ${t.nextRunAt}, expected a time`),
    ],
  });

  // The task is ACTIVE again, so a manual run is accepted.
  const before = Date.now();
  const run = await check('POST /api/tasks/{id}/run fires it once (202)', {
    method: 'POST', path: `/api/tasks/${id}/run`, template: '/api/tasks/{id}/run', expect: 202,
    verify: ({ json: r }) => [
      want(r.taskId === id, `taskId ${r.taskId}`),
      want(Math.abs(Date.parse(r.scheduledFor) - before) < 5 * 60 * 1000, `scheduledFor ${r.scheduledFor} is not about now`),
    ],
  });
  const scheduledFor = run?.status === 202 ? run.json?.scheduledFor : undefined;

  // Its attempt row arrives once the delivery has an outcome.
  let row;
  if (scheduledFor) {
    const deadline = Date.now() + logWaitMs;
    const problems = [];
    for (;;) {
      let res3;
      try {
        res3 = await send('GET', `/api/tasks/${id}/logs`, { headers: authHeaders(adminKey) });
      } catch (err) {
        problems.push(err.message);
        break;
      }
      try { res3.json = JSON.parse(res3.text); } catch { res3.json = undefined; }
      const drift = contractProblems('GET', '/api/tasks/{id}/logs', res3);
      if (res3.status !== 200 || drift.length) {
        problems.push(`status ${res3.status}`, ...drift);
        break;
      }
      row = res3.json.data.find((l) => sameInstant(l.scheduledFor, scheduledFor));
      if (row || Date.now() > deadline) break;
      await sleep(250);
    }
    if (!row && problems.length === 0) problems.push(`no log row with scheduledFor ${scheduledFor} within ${logWaitMs} ms`);
    if (row) {
      problems.push(...[
        want(row.scheduledFor === scheduledFor, `scheduledFor "${row.scheduledFor}" is not written as "${scheduledFor}"`),
        want(row.taskId === id, `taskId ${row.taskId}`),
        want(row.trigger === 'manual', `trigger ${row.trigger}, expected manual`),
        want(row.retryCount === 0, `retryCount ${row.retryCount}, expected 0`),
        want(row.status !== 'RETRYING', 'status RETRYING although maxRetry is 0'),
      ].filter(Boolean));
    }
    report('the manual run leaves a log row carrying its scheduledFor', problems);
  }

  const from = new Date(before - 60 * 1000).toISOString();
  const to = new Date(Date.now() + 60 * 60 * 1000).toISOString();
  const wantedStatus = row?.status ?? 'SUCCESS';
  await check('GET /api/tasks/{id}/logs filters by status and time (200)', {
    path: `/api/tasks/${id}/logs?page=1&limit=10&status=${wantedStatus}&from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}`,
    template: '/api/tasks/{id}/logs', expect: 200,
    verify: ({ json: p }) => [
      want(p.data.every((l) => l.taskId === id), 'a row of another task'),
      want(p.data.every((l) => l.status === wantedStatus), `a row not ${wantedStatus}`),
      want(p.data.every((l) => Date.parse(l.executionTime) >= Date.parse(from) && Date.parse(l.executionTime) < Date.parse(to)),
        'a row outside [from, to)'),
      want(!row || p.data.some((l) => l.id === row.id), 'the run\'s row is missing'),
      want(p.meta.limit === 10, `meta.limit ${p.meta.limit}`),
    ],
  });
  await check('GET /api/tasks/{id}/logs over an empty time range is empty (200)', {
    path: `/api/tasks/${id}/logs?from=${encodeURIComponent(to)}&to=${encodeURIComponent(to)}`,
    template: '/api/tasks/{id}/logs', expect: 200,
    verify: ({ json: p }) => [want(p.data.length === 0 && p.meta.total === 0, `${p.meta.total} rows in an empty range`)],
  });
  await check('GET /api/logs filters by taskId (200)', {
    path: `/api/logs?taskId=${id}&page=1&limit=100`, template: '/api/logs', expect: 200,
    verify: ({ json: p }) => [
      want(p.data.every((l) => l.taskId === id), 'a row of another task'),
      want(!row || p.data.some((l) => l.id === row.id), 'the run\'s row is missing'),
      want(p.data.every((l, i) => i === 0 || Date.parse(p.data[i - 1].executionTime) >= Date.parse(l.executionTime)),
        'not newest first'),
    ],
  });
  await check('GET /api/logs with status, from and to (200)', {
    path: `/api/logs?status=${wantedStatus}&from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}`,
    template: '/api/logs', expect: 200,
    verify: ({ json: p }) => [want(p.data.every((l) => l.status === wantedStatus), `a row not ${wantedStatus}`)],
  });
  await check('GET /api/tasks/{id} shows the newest logs (200)', {
    path: `/api/tasks/${id}`, template: '/api/tasks/{id}', expect: 200,
    verify: ({ json: t }) => [
      want(!row || t.logs.some((l) => l.id === row.id), 'the run\'s row is missing from logs'),
      want(t.logs.length <= 20, `${t.logs.length} logs, at most 20 expected`),
    ],
  });
  await check('GET /api/dashboard/stats counts (200)', {
    path: '/api/dashboard/stats', template: '/api/dashboard/stats', expect: 200,
    verify: ({ json: s }) => {
      const d = s.last24h;
      return [
        want(s.totalTasks >= created.length, `totalTasks ${s.totalTasks}, at least ${created.length} expected`),
        want(s.totalTasks === s.activeTasks + s.inactiveTasks + s.failedTasks, 'totalTasks is not active + inactive + failed'),
        want(d.executions === d.success + d.failed + d.retrying + d.skipped, 'executions is not the sum of the statuses'),
        want(!row || d.executions >= 1, 'the manual run is not counted'),
        want(d.executions === 0 || Math.abs(d.successRate - d.success / d.executions) < 0.005,
          `successRate ${d.successRate}, expected ${d.success}/${d.executions}`),
      ];
    },
  });

  // Tenants see only their own tasks.
  const tenant = await check('POST /api/tenants creates a tenant with the admin key (201)', {
    method: 'POST', path: '/api/tenants', template: '/api/tenants', expect: 201,
    json: { name: `openapi-check-${tag}` },
    verify: ({ json: t }) => [want(t.name === `openapi-check-${tag}`, `name "${t.name}"`)],
  });
  const tenantKey = tenant?.status === 201 ? tenant.json?.apiKey : undefined;
  await check('GET /api/tenants lists tenants (200)', {
    path: '/api/tenants?page=1&limit=100', template: '/api/tenants', expect: 200,
    verify: ({ json: p }) => [
      want(!tenantKey || p.meta.total > 100 || p.data.some((t) => t.id === tenant.json.id), 'the new tenant is not listed'),
      want(!p.data.some((t) => 'apiKey' in t), 'a key is listed'),
    ],
  });
  if (tenantKey) {
    await check('another tenant\'s task answers 404 (Bearer key)', {
      path: `/api/tasks/${id}`, template: '/api/tasks/{id}', expect: 404, key: tenantKey, auth: 'bearer',
      verify: errorIs('not_found'),
    });
    await check('a new tenant sees no tasks (Bearer key, 200)', {
      path: '/api/tasks', template: '/api/tasks', expect: 200, key: tenantKey, auth: 'bearer',
      verify: ({ json: p }) => [want(p.meta.total === 0 && p.data.length === 0, `${p.meta.total} tasks`)],
    });
    await check('another tenant filtering /api/logs by the task gets an empty page (200)', {
      path: `/api/logs?taskId=${id}`, template: '/api/logs', expect: 200, key: tenantKey,
      verify: ({ json: p }) => [want(p.meta.total === 0 && p.data.length === 0, `${p.meta.total} rows`)],
    });
    await check('GET /api/tenants with a tenant key answers 403', {
      path: '/api/tenants', template: '/api/tenants', expect: 403, key: tenantKey, verify: errorIs('forbidden'),
    });
    await check('POST /api/tenants with a tenant key answers 403', {
      method: 'POST', path: '/api/tenants', template: '/api/tenants', expect: 403, key: tenantKey,
      json: { name: 'not allowed' }, verify: errorIs('forbidden'),
    });
    await check('GET /api/admin/actors with a tenant key answers 403', {
      path: '/api/admin/actors', template: '/api/admin/actors', expect: 403, key: tenantKey, verify: errorIs('forbidden'),
    });
  } else {
    report('the tenant isolation checks', ['skipped: no tenant key']);
  }

  // Errors that need a task.
  await check('a payload violation names its path (400)', {
    method: 'PATCH', path: `/api/tasks/${id}`, template: '/api/tasks/{id}', expect: 400,
    json: { payload: { embeds: [{ title: 't', fields: [{ name: 'n', value: 'v'.repeat(1025) }] }] } },
    verify: ({ json: e }) => [
      want(e.error.code === 'validation_failed', `code ${e.error.code}`),
      want((e.error.details ?? []).some((d) => d.field === 'payload.embeds[0].fields[0].value'),
        `details ${JSON.stringify(e.error.details)} do not name payload.embeds[0].fields[0].value`),
    ],
  });
  await check('PATCH with text/plain answers 415', {
    method: 'PATCH', path: `/api/tasks/${id}`, template: '/api/tasks/{id}', expect: 415,
    body: JSON.stringify({ name: 'x' }), contentType: 'text/plain', verify: errorIs('unsupported_media_type'),
  });

  // Delete: 204, then the task is gone.
  for (const [i, tid] of created.entries()) {
    await check(`DELETE /api/tasks/{id} deletes task ${i + 1} (204)`, {
      method: 'DELETE', path: `/api/tasks/${tid}`, template: '/api/tasks/{id}', expect: 204,
    });
  }
  const deleted = created.splice(0);
  await check('a deleted task answers 404', {
    path: `/api/tasks/${deleted[0]}`, template: '/api/tasks/{id}', expect: 404, verify: errorIs('not_found'),
  });
  await check('deleting it again answers 404', {
    method: 'DELETE', path: `/api/tasks/${deleted[0]}`, template: '/api/tasks/{id}', expect: 404, verify: errorIs('not_found'),
  });
  await check('a deleted task is not listed (200)', {
    path: `/api/tasks?search=${search}`, template: '/api/tasks', expect: 200,
    verify: ({ json: p }) => [want(p.meta.total === 0, `${p.meta.total} tasks still listed`)],
  });
}

async function otherRoutes() {
  const cron = '0 10 * * *';
  await check('GET /api/cron/preview lists the next fires (200)', {
    path: `/api/cron/preview?expression=${encodeURIComponent(cron)}&timezone=UTC&count=3&from=2026-11-22T10:00:00.000Z`,
    template: '/api/cron/preview', expect: 200,
    verify: ({ json: c }) => [
      want(c.expression === cron, `expression "${c.expression}"`),
      want(c.timezone === 'UTC', `timezone "${c.timezone}"`),
      want(isDeepStrictEqual(c.next, ['2026-11-23T10:00:00.000Z', '2026-11-24T10:00:00.000Z', '2026-11-25T10:00:00.000Z']),
        `next ${JSON.stringify(c.next)}`),
    ],
  });
  await check('GET /api/cron/preview follows the time zone across DST (200)', {
    path: `/api/cron/preview?expression=${encodeURIComponent(cron)}&timezone=Europe%2FBerlin&count=2&from=2026-03-28T00:00:00.000Z`,
    template: '/api/cron/preview', expect: 200,
    verify: ({ json: c }) => [
      // 10:00 CET is 09:00 UTC; from 29 March (CEST) it is 08:00 UTC.
      want(isDeepStrictEqual(c.next, ['2026-03-28T09:00:00.000Z', '2026-03-29T08:00:00.000Z']), `next ${JSON.stringify(c.next)}`),
    ],
  });
  await check('GET /api/cron/preview defaults to 5 fires in UTC (200)', {
    path: `/api/cron/preview?expression=${encodeURIComponent('@hourly')}`, template: '/api/cron/preview', expect: 200,
    verify: ({ json: c }) => [
      want(c.next.length === 5, `${c.next.length} fires`),
      want(c.timezone === 'UTC', `timezone "${c.timezone}"`),
      want(c.next.every((t) => Date.parse(t) > Date.now() - 60 * 1000), 'a fire in the past'),
    ],
  });
  await check('GET /api/cron/preview rejects an out-of-range field (400)', {
    path: `/api/cron/preview?expression=${encodeURIComponent('0 25 * * *')}`, template: '/api/cron/preview', expect: 400,
    verify: errorIs('validation_failed'),
  });
  await check('GET /api/cron/preview rejects count 101 (400)', {
    path: `/api/cron/preview?expression=${encodeURIComponent(cron)}&count=101`, template: '/api/cron/preview', expect: 400,
    verify: errorIs('validation_failed'),
  });
  await check('GET /api/admin/actors with the admin key (200)', {
    path: '/api/admin/actors', template: '/api/admin/actors', expect: 200,
  });
  await check('GET /health needs no key (200)', {
    path: '/health', template: '/health', expect: 200, key: null,
    verify: ({ json: h }) => [want(h.status === 'ok' && h.database === 'ok', `${h.status}/${h.database}`)],
  });
  await check('GET /metrics with a key (200, Prometheus text)', {
    path: '/metrics', template: '/metrics', expect: 200, headers: { Accept: 'text/plain' },
    verify: (res) => [want(/^# (HELP|TYPE) /m.test(res.text), 'no # HELP or # TYPE line')],
  });
  await check('GET /metrics without a key (401, or 200 when METRICS_PUBLIC)', {
    path: '/metrics', template: '/metrics', expect: [200, 401], key: null, headers: { Accept: 'text/plain' },
  });
  await check('GET /api/docs serves Swagger UI without a key (200)', {
    path: '/api/docs', template: '/api/docs', expect: 200, key: null, headers: { Accept: 'text/html' },
    verify: (res) => [want(res.text.includes('swagger-ui'), 'not the Swagger UI page')],
  });
  await check('GET /api/docs/openapi.yaml serves this document without a key (200)', {
    path: '/api/docs/openapi.yaml', template: '/api/docs/openapi.yaml', expect: 200, key: null, headers: { Accept: '*/*' },
    verify: (res) => [want(res.text === readFileSync(specPath, 'utf8'), 'differs from docs/openapi.yaml (a stale build?)')],
  });
  for (const file of ['swagger-ui.css', 'swagger-ui-bundle.js', 'swagger-ui-standalone-preset.js']) {
    await check(`GET /api/docs/${file} without a key (200)`, {
      path: `/api/docs/${file}`, template: '/api/docs/{file}', expect: 200, key: null, headers: { Accept: '*/*' },
      verify: (res) => [want(res.text.length > 1000, `${res.text.length} bytes`)],
    });
  }
  await check('GET /dashboard serves a page without a key (200)', {
    path: '/dashboard', template: '/dashboard', expect: 200, key: null, headers: { Accept: 'text/html' },
  });
}

async function errorRoutes() {
  await check('no API key answers 401', {
    path: '/api/tasks', template: '/api/tasks', expect: 401, key: null, verify: errorIs('unauthorized'),
  });
  await check('a wrong API key answers 401', {
    path: '/api/tasks', template: '/api/tasks', expect: 401, key: `wrong-${tag}`, verify: errorIs('unauthorized'),
  });
  await check('a wrong Bearer key answers 401', {
    path: '/api/dashboard/stats', template: '/api/dashboard/stats', expect: 401, key: `wrong-${tag}`, auth: 'bearer',
    verify: errorIs('unauthorized'),
  });
  await check('the admin key works as a Bearer token (200)', {
    path: '/api/dashboard/stats', template: '/api/dashboard/stats', expect: 200, auth: 'bearer',
  });
  await check('invalid values answer 400 with details', {
    method: 'POST', path: '/api/tasks', template: '/api/tasks', expect: 400,
    json: { name: taskName, schedule: '0 25 * * *', webhookUrl: WEBHOOK, payload: { content: 'hi' } },
    verify: ({ json: e }) => [
      want(e.error.code === 'validation_failed', `code ${e.error.code}`),
      want(Array.isArray(e.error.details) && e.error.details.some((d) => d.field === 'schedule'),
        `details ${JSON.stringify(e.error.details)} do not name schedule`),
    ],
  });
  await check('a non-Discord webhook URL answers 400', {
    method: 'POST', path: '/api/tasks', template: '/api/tasks', expect: 400,
    json: { name: taskName, schedule: '@daily', webhookUrl: 'http://example.com/hook', payload: { content: 'hi' } },
    verify: ({ json: e }) => [
      want(e.error.code === 'validation_failed', `code ${e.error.code}`),
      want((e.error.details ?? []).some((d) => d.field === 'webhookUrl'), `details ${JSON.stringify(e.error.details)} do not name webhookUrl`),
    ],
  });
  await check('missing required fields answer 400', {
    method: 'POST', path: '/api/tasks', template: '/api/tasks', expect: 400, json: { name: taskName },
    verify: errorIs('validation_failed'),
  });
  await check('a body that is not JSON answers 400 invalid_json', {
    method: 'POST', path: '/api/tasks', template: '/api/tasks', expect: 400,
    body: '{"name": ', contentType: 'application/json', verify: errorIs('invalid_json'),
  });
  await check('an unknown task id answers 404', {
    path: `/api/tasks/${randomUUID()}`, template: '/api/tasks/{id}', expect: 404, verify: errorIs('not_found'),
  });
  await check('running an unknown task answers 404', {
    method: 'POST', path: `/api/tasks/${randomUUID()}/run`, template: '/api/tasks/{id}/run', expect: 404,
    verify: errorIs('not_found'),
  });
  await check('a malformed task id answers 400 invalid_id', {
    path: '/api/tasks/not-a-uuid', template: '/api/tasks/{id}', expect: 400, verify: errorIs('invalid_id'),
  });
  await check('a malformed id on toggle answers 400 invalid_id', {
    method: 'POST', path: '/api/tasks/not-a-uuid/toggle', template: '/api/tasks/{id}/toggle', expect: 400,
    verify: errorIs('invalid_id'),
  });
  await check('limit 101 answers 400', {
    path: '/api/tasks?limit=101', template: '/api/tasks', expect: 400, verify: errorIs('validation_failed'),
  });
  await check('page 0 answers 400', {
    path: '/api/tasks?page=0', template: '/api/tasks', expect: 400, verify: errorIs('validation_failed'),
  });
  await check('an unknown status filter answers 400', {
    path: '/api/logs?status=BOGUS', template: '/api/logs', expect: 400, verify: errorIs('validation_failed'),
  });
  await check('a malformed from answers 400', {
    path: '/api/logs?from=yesterday', template: '/api/logs', expect: 400, verify: errorIs('validation_failed'),
  });
  // Bodies over MAX_BODY_BYTES: 413 with the JSON error, before any parsing. Just
  // over it, and far over it (twice the limit and more; the HTTP library's own
  // whole-request limit is four times MAX_BODY_BYTES plus room for headers).
  for (const [what, size] of [['just over', maxBody + 1024], ['far over', 2 * maxBody + 64 * 1024]]) {
    const big = JSON.stringify({ name: 'x'.repeat(size), schedule: '@daily', webhookUrl: WEBHOOK, payload: { content: 'hi' } });
    await check(`a body ${what} MAX_BODY_BYTES (${big.length} bytes) answers 413`, {
      method: 'POST', path: '/api/tasks', template: '/api/tasks', expect: 413,
      body: big, contentType: 'application/json', verify: errorIs('payload_too_large'),
    });
  }
  await check('text/plain answers 415', {
    method: 'POST', path: '/api/tasks', template: '/api/tasks', expect: 415,
    body: JSON.stringify({ name: taskName, schedule: '@daily', webhookUrl: WEBHOOK, payload: { content: 'hi' } }),
    contentType: 'text/plain', verify: errorIs('unsupported_media_type'),
  });
}

try {
  await tasksSection();
  await otherRoutes();
  await errorRoutes();
} catch (err) {
  report('the live API checks ran to the end', [err.stack ?? String(err)]);
} finally {
  for (const id of created) {  // left behind by a failure part way through
    await send('DELETE', `/api/tasks/${id}`, { headers: authHeaders(adminKey) }).catch(() => {});
  }
}
finish();
