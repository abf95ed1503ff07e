'use strict';
const TYPES = {
  open_burning: '露天焚烧 open burning', muck_dumping: '渣土倾倒 muck dumping', unleashed_dog: '犬只未牵绳 unleashed dog',
  noise_exceedance: '噪声超标 noise', lampblack_exceedance: '油烟超标 lampblack', purifier_not_running: '净化器未运行 purifier off'
};
let selected = null;
const el = id => document.getElementById(id);
const text = (tag, s, cls) => { const e = document.createElement(tag); e.textContent = s; if (cls) e.className = cls; return e; };
const when = ms => ms ? new Date(Number(ms)).toLocaleString() : '';
const evidenceUrl = key => '/api/evidence/' + key.split('/').map(encodeURIComponent).join('/');

async function getJson(url) {
  const r = await fetch(url, { cache: 'no-store' });
  if (!r.ok) throw new Error(url + ': HTTP ' + r.status);
  return r.json();
}

function badge(type) { return text('span', TYPES[type] || type, 'badge ' + type); }

function renderCases(cases) {
  // Open the newest case on first load: officers come to look at evidence, not at an empty panel.
  if (selected === null && cases.length) { selected = cases[0].id; showCase(cases[0]); }
  const body = el('cases').tBodies[0];
  body.replaceChildren();
  if (!cases.length) {
    const tr = document.createElement('tr'); const td = text('td', 'No cases yet. The pipeline opens them as alerts arrive.', 'empty');
    td.colSpan = 5; tr.append(td); body.append(tr); return;
  }
  for (const c of cases) {
    const tr = document.createElement('tr');
    tr.dataset.id = c.id;
    if (c.id === selected) tr.className = 'sel';
    const t = document.createElement('td'); t.append(badge(c.type));
    tr.append(text('td', when(c.opened_at)), t, text('td', c.subject), text('td', c.status, 'status'),
      text('td', c.evidence.length + ' object' + (c.evidence.length === 1 ? '' : 's')));
    tr.onclick = () => { selected = c.id; showCase(c); renderCases(cases); };
    body.append(tr);
  }
}

function showCase(c) {
  el('detail').hidden = false;
  el('d-title').replaceChildren(badge(c.type), document.createTextNode(' ' + c.id));
  el('d-summary').textContent = c.summary || '';
  el('d-basis').textContent = c.legal_basis ? '法律依据 Legal basis: ' + c.legal_basis : '';
  el('d-alerts').textContent = 'Alerts merged into this case (综合查一次): ' + (c.alert_ids || []).join(', ');
  const media = el('d-media');
  media.replaceChildren();
  for (const e of c.evidence) {
    let node = null;
    if (e.kind === 'keyframe-annotated' || e.kind === 'chart') {
      node = document.createElement('img'); node.src = evidenceUrl(e.key); node.alt = e.kind;
    } else if (e.kind === 'clip') {
      node = document.createElement('video'); node.src = evidenceUrl(e.key); node.controls = true; node.muted = true; node.loop = true;
    }
    if (node) {
      const fig = document.createElement('figure');
      fig.append(node, text('figcaption', e.kind + ' · ' + e.key));
      media.append(fig);
    }
  }
  const body = el('d-evidence').tBodies[0];
  body.replaceChildren();
  for (const e of c.evidence) {
    const tr = document.createElement('tr');
    const a = document.createElement('a'); a.href = evidenceUrl(e.key); a.textContent = e.key; a.target = '_blank';
    const k = document.createElement('td'); k.append(a);
    tr.append(text('td', e.kind), k, text('td', e.sha256, 'hash'));
    body.append(tr);
  }
}

function renderDead(items) {
  const ul = el('dead');
  ul.replaceChildren();
  if (!items.length) { ul.append(text('li', 'none', 'empty')); return; }
  for (const d of items.slice(0, 20)) ul.append(text('li', when(d.received_at) + ' · ' + (d.topic || '') + ' · ' + d.reason));
}

async function refresh() {
  try {
    const [status, cases, dead] = await Promise.all([getJson('/api/status'), getJson('/api/cases'), getJson('/api/deadletters')]);
    el('t-cases').textContent = status.cases; el('t-alerts').textContent = status.alerts;
    el('t-evidence').textContent = status.evidence_objects; el('t-dead').textContent = status.dead_letters;
    renderCases(cases); renderDead(dead);
    el('updated').textContent = 'updated ' + new Date().toLocaleTimeString();
  } catch (e) {
    el('updated').textContent = 'backend unavailable: ' + e.message;
  }
}
refresh();
setInterval(refresh, 5000);
