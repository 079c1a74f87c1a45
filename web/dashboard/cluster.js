// The cluster panel (admin key): the nodes sharing one database, and which
// node holds the lease of each of the 256 partitions (GET /api/admin/cluster).
// Owners get a colour each, but every colour is also said in words: the
// legend counts partitions per node, each cell has a title, and the map has
// an aria-label with the same counts.

import { h, fmtInt, fmtAbs, relTime, parseTime } from './util.js';

/** Enough distinct hues for a usual cluster; past it they repeat (the titles still tell). */
const OWNER_COLOURS = 8;

/**
 * Who holds each partition: an array of `count` entries, each the index of
 * the owning node in view.nodes, or -1 when no node holds it. The first node
 * to list a partition keeps it (the leases are exclusive, so there is none).
 */
export function partitionOwners(view) {
  const count = Number(view.partitions) || 0;
  const owners = new Array(count).fill(-1);
  (view.nodes || []).forEach((node, i) => {
    for (const p of node.partitions || []) if (p >= 0 && p < count && owners[p] === -1) owners[p] = i;
  });
  return owners;
}

/** "node-1: 86, node-2: 85, unowned: 0": the map in words. */
export function ownershipSummary(view, owners) {
  const held = (view.nodes || []).map((n, i) => `${n.name}: ${owners.filter((o) => o === i).length}`);
  return [...held, `unowned: ${owners.filter((o) => o === -1).length}`].join(', ');
}

const ownerClass = (i) => (i < 0 ? 'none' : `o${i % OWNER_COLOURS}`);
const shortId = (id) => String(id).slice(0, 8);

function nodeItem(node, i, now) {
  const started = parseTime(node.startedAt);
  return h('li', { class: 'node', dataset: { nodeId: node.id, live: String(node.live), self: String(node.self) } },
    h('div', { class: 'node-top' },
      h('span', { class: `swatch ${ownerClass(i)}`, 'aria-hidden': 'true' }),
      h('strong', { class: 'node-name' }, node.name),
      node.self ? h('span', { class: 'this-node', title: 'The node that answered this page' }, 'this node') : null,
      h('span', { class: `node-state ${node.live ? 'live' : 'down'}`, title: node.live ? 'A heartbeat within the last lease' : 'No heartbeat within the last lease' },
        node.live ? 'Live' : 'Not live')),
    h('div', { class: 'node-meta' },
      h('code', { class: 'mono', title: node.id }, shortId(node.id)),
      h('span', null, 'started ', h('span', { title: node.startedAt }, started === null ? '—' : fmtAbs(started))),
      h('span', null, 'heartbeat ', relTime(node.heartbeatAt, now)),
      h('span', { class: 'node-held' }, h('b', null, fmtInt((node.partitions || []).length)), ' partitions')));
}

function partitionMap(view, owners) {
  const names = (view.nodes || []).map((n) => n.name);
  const summary = ownershipSummary(view, owners);
  return h('div', { class: 'pmap', role: 'img', 'aria-label': `Partition map, ${owners.length} partitions. ${summary}` },
    owners.map((o, p) => h('span', { class: `cell ${ownerClass(o)}`, title: `Partition ${p}: ${o < 0 ? 'unowned' : names[o]}` })));
}

function legend(view, owners) {
  const unowned = owners.filter((o) => o === -1).length;
  return h('ul', { class: 'legend pmap-legend', 'aria-label': 'Partitions held by each node' },
    (view.nodes || []).map((n, i) => h('li', { class: 'legend-item' },
      h('span', { class: `swatch ${ownerClass(i)}`, 'aria-hidden': 'true' }), `${n.name}: `, h('b', null, fmtInt(owners.filter((o) => o === i).length)))),
    h('li', { class: `legend-item ${unowned ? 'alert' : ''}`, dataset: { unowned: String(unowned) } },
      h('span', { class: 'swatch none', 'aria-hidden': 'true' }), unowned ? '⚠ unowned: ' : 'unowned: ', h('b', null, fmtInt(unowned))));
}

/**
 * The panel's content for a view (null while loading), and the error of the
 * last refresh, if it failed: then the last view stays, marked as stale.
 */
export function clusterBody(view, { now, error, errorAt, updatedAt }) {
  if (!view) {
    if (!error) return h('div', { class: 'skeleton-line' });
    return h('p', { class: 'note', role: 'status' }, `Could not load the cluster view: ${error}. Retrying.`);
  }
  const nodes = view.nodes || [];
  const owners = partitionOwners(view);
  const unowned = owners.filter((o) => o === -1).length;
  const live = nodes.filter((n) => n.live).length;
  return [
    error ? h('p', { class: 'note', role: 'status' },
      `Not refreshed since ${updatedAt ? fmtAbs(updatedAt) : 'the last view'}: ${error}. Retrying.`) : null,
    h('div', { class: 'kv-row' },
      h('div', { class: 'kv' }, h('span', null, 'Nodes'), h('b', null, fmtInt(nodes.length)),
        h('span', null, `${fmtInt(live)} live`)),
      h('div', { class: `kv ${unowned ? 'alert' : ''}`, id: 'cluster-unowned' }, h('span', null, 'Unowned partitions'), h('b', null, fmtInt(unowned)),
        h('span', null, unowned ? 'not firing until claimed' : 'every partition held'))),
    h('h3', { class: 'mini-title' }, 'Nodes'),
    nodes.length ? h('ul', { class: 'nodes' }, nodes.map((n, i) => nodeItem(n, i, now)))
      : h('p', { class: 'muted' }, 'No node has registered.'),
    h('h3', { class: 'mini-title' }, `Partitions · ${fmtInt(owners.length)}`),
    partitionMap(view, owners),
    legend(view, owners),
    h('p', { class: 'pmap-foot muted' }, `Lease ${fmtInt(view.leaseSeconds)} s: a node is live while its last heartbeat is newer than that.`),
  ];
}
