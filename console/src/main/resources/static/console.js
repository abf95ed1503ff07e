'use strict';
// The console's page: review queue (keyboard first), cases, devices, dashboard. Everything shown comes
// from the JSON API; nothing from it is ever inserted as HTML.
const el = (...a) => NCE.el(...a);
// replaceChildren writes a null child as the text "null": the optional parts of a page are left out instead.
const fill = (node, ...kids) => node.replaceChildren(...kids.flat().filter(k => k !== null && k !== undefined && k !== false));
const TYPES = ['open_burning', 'unleashed_dog', 'muck_dumping', 'noise_exceedance', 'lampblack_exceedance', 'purifier_not_running'];
const CASE_STATUSES = ['draft', 'reviewed', 'decided', 'served', 'closed', 'dismissed'];
// The selection is kept by alert id, so a reload that brings in newer alerts never moves a keypress onto
// another alert; what this page has reviewed is left out of reloads (the search may lag a second).
const state = { me: null, reasons: [], queue: [], sel: 0, selId: null, done: new Set(), loading: null, casePage: 0, caseTotal: 0 };

function toast(msg, bad) {
  const t = document.getElementById('toast');
  t.textContent = msg;
  t.className = bad ? 'show bad' : 'show';
  clearTimeout(toast.timer);
  toast.timer = setTimeout(() => { t.className = ''; }, 3000);
}

function evidenceUrl(key, download) {
  return '/api/evidence?key=' + encodeURIComponent(key) + (download ? '&download=true' : '');
}

function picture(alert) {
  const ev = alert.evidence || [];
  const pick = ev.find(e => e.kind === 'keyframe-annotated') || ev.find(e => e.kind === 'keyframe') || ev.find(e => e.kind === 'chart');
  return pick ? pick.key : null;
}

// ------------------------------------------------------------------ review queue

function loadQueue() {
  // One reload at a time; the queue refills well before it runs dry, so the next alert is always there.
  if (!state.loading) state.loading = fetchQueue().finally(() => { state.loading = null; });
  return state.loading;
}

async function fetchQueue() {
  const page = await (state.prefetched || NCE.get('/api/alerts?status=pending&size=50'));
  state.prefetched = null;
  state.queue = page.items.filter(a => !state.done.has(a.alert_id));
  const kept = state.queue.findIndex(a => a.alert_id === state.selId);
  state.sel = kept >= 0 ? kept : Math.min(state.sel, Math.max(0, state.queue.length - 1));
  document.getElementById('queue-count').textContent = NCE.t('queue.count', page.total);
  renderQueue();
}

// The list is built when its content changes; moving the selection only moves a class, so a keypress
// costs one detail render, not a hundred list items.
function renderQueue() {
  const list = document.getElementById('queue-list');
  const ids = state.queue.map(a => a.alert_id).join('\n');
  if (list.dataset.ids !== ids) {
    list.replaceChildren(...state.queue.map(a => el('li', { 'data-id': a.alert_id,
        onclick: () => { state.sel = state.queue.findIndex(x => x.alert_id === a.alert_id); renderQueue(); } },
      el('b', {}, a.type ? NCE.t('type.' + a.type) : a.alert_id), ' ', el('span', {}, a.source_id || ''), ' ',
      el('small', {}, NCE.time(a.event_time_ms)))));
    list.dataset.ids = ids;
  }
  const selected = state.queue[state.sel];
  list.querySelector('li.sel')?.classList.remove('sel');
  const li = selected ? list.querySelector('li[data-id="' + CSS.escape(selected.alert_id) + '"]') : null;
  if (li) { li.classList.add('sel'); li.scrollIntoView({ block: 'nearest' }); }
  renderDetail();
}

function renderDetail() {
  const d = document.getElementById('queue-detail');
  const a = state.queue[state.sel];
  state.selId = a ? a.alert_id : null;
  // The same alert still on screen (a reload of the list): leave it as it is, so a click on its buttons
  // or a clip that plays is never pulled from under the operator.
  if (a && d.dataset.shown === a.alert_id) return;
  clearTimeout(state.claimTimer);
  d.dataset.shown = a ? a.alert_id : '';
  if (!a) { d.replaceChildren(el('p', { class: 'empty', id: 'queue-empty' }, NCE.t('queue.empty'))); return; }
  const readings = (a.evidence || []).find(e => e.kind === 'readings');
  // A sensor alert: its readings drawn in the page with the limit as a line; the pipeline's chart image
  // stays as the picture when the readings cannot be drawn.
  const pic = readings && a.threshold ? null : picture(a);
  const clip = (a.evidence || []).find(e => e.kind === 'clip');
  const reasonSel = el('select', { id: 'dismiss-reason' }, state.reasons.map((r, i) => el('option', { value: r }, (i + 1) + ' ' + NCE.t('reason.' + r))));
  fill(d,
    el('h2', { id: 'alert-title', 'data-id': a.alert_id }, a.type ? NCE.t('type.' + a.type) : a.alert_id),
    el('dl', {},
      el('dt', {}, NCE.t('alert.site')), el('dd', {}, a.site_id),
      el('dt', {}, NCE.t('alert.source')), el('dd', {}, a.source_id),
      el('dt', {}, NCE.t('alert.time')), el('dd', {}, NCE.time(a.event_time_ms)),
      el('dt', {}, NCE.t('alert.reason')), el('dd', {}, a.reason || ''),
      el('dt', {}, NCE.t('alert.score')), el('dd', {}, a.score !== undefined ? Number(a.score).toFixed(2) : '')),
    // 第四十一条: still reviewed here, but the operator sees it cannot be a case's evidence, and why.
    a.device_standing && a.device_standing.usable === false ? el('p', { class: 'warn', id: 'device-unreviewed' },
      NCE.t('alert.unreviewedDevice'), el('small', {}, ' ' + (a.device_standing.reasons || []).join('；'))) : null,
    el('div', { class: 'actions' },
      el('button', { id: 'btn-confirm', class: 'primary', onclick: () => review('confirm') }, NCE.t('queue.confirm')),
      reasonSel,
      el('button', { id: 'btn-dismiss', onclick: () => review('dismiss', reasonSel.value) }, NCE.t('queue.dismiss'))),
    pic ? el('img', { class: 'evidence', alt: a.type, src: evidenceUrl(pic) }) : null,
    readings && a.threshold ? el('div', { id: 'sensor-chart', class: 'chart' }) : null,
    clip ? el('video', { class: 'evidence', controls: true, preload: 'none', src: evidenceUrl(clip.key) }) : null);
  if (readings && a.threshold) sensorChart(a, readings.key);
  // When the first alert was on screen after a page load (./nce bench console reads it).
  if (!performance.getEntriesByName('nce:queue-shown').length) performance.mark('nce:queue-shown');
  // Claimed once the operator stays on it: skimming with j/k holds nothing back from the others.
  state.claimTimer = setTimeout(() => { if (state.selId === a.alert_id) claim(a); }, 700);
}

async function sensorChart(a, key) {
  try {
    const [rs] = await Promise.all([fetch(evidenceUrl(key)).then(r => { if (!r.ok) throw new Error(r.status); return r.json(); }),
      echartsReady()]);
    if (state.selId !== a.alert_id || !document.getElementById('sensor-chart')) return; // moved on meanwhile
    const unit = a.threshold.unit;
    chart('sensor-chart', { tooltip: { trigger: 'axis' }, grid: { containLabel: true, left: 8, right: 24 },
      xAxis: { type: 'time' }, yAxis: { type: 'value', name: unit, scale: true },
      series: [{ type: 'line', showSymbol: false, name: NCE.t('type.' + a.type),
        data: rs.map(r => [r.timestamp_ms, r.value]),
        markLine: { symbol: 'none', lineStyle: { color: '#b3261e', type: 'dashed' },
          label: { position: 'insideEndTop', formatter: a.threshold.value + ' ' + unit + ' · ' + a.threshold.basis },
          data: [{ yAxis: a.threshold.value }] } }] });
  } catch (e) {
    const pic = picture(a);
    const box = document.getElementById('sensor-chart');
    if (box && pic) box.replaceWith(el('img', { class: 'evidence', alt: a.type, src: evidenceUrl(pic) }));
  }
}

async function claim(a) {
  try {
    await NCE.post('/api/alerts/' + encodeURIComponent(a.alert_id) + '/claim');
  } catch (e) {
    if (e.status === 409) { toast(NCE.t('queue.claimed'), true); drop(a.alert_id); }
  }
}

function drop(id) {
  const i = state.queue.findIndex(x => x.alert_id === id);
  if (i >= 0) {
    state.queue.splice(i, 1);
    const list = document.getElementById('queue-list');
    list.querySelector('li[data-id="' + CSS.escape(id) + '"]')?.remove();
    list.dataset.ids = state.queue.map(a => a.alert_id).join('\n');
  }
  if (state.sel >= state.queue.length) state.sel = Math.max(0, state.queue.length - 1);
  renderQueue();
}

// The next alert is shown at once; the decision is sent behind it, and a refusal is shown as it comes.
function review(decision, reason) {
  const a = state.queue[state.sel];
  if (!a || a.alert_id !== state.selId) return;
  state.done.add(a.alert_id);
  drop(a.alert_id);
  if (state.queue.length < 20) loadQueue();
  NCE.post('/api/alerts/' + encodeURIComponent(a.alert_id) + '/review', decision === 'dismiss' ? { decision, reason } : { decision })
    .then(() => toast(NCE.t('queue.done.' + decision) + ' · ' + a.source_id))
    .catch(e => toast(e.message, true));
}

document.addEventListener('keydown', ev => {
  if (location.hash && location.hash !== '#queue') return;
  // Held keys repeat: one alert per press, each one seen. Typing in a field or a list is not a command.
  if (ev.repeat || (ev.target instanceof Element && ev.target.matches('input, textarea, select')) || ev.ctrlKey || ev.metaKey || ev.altKey) return;
  if (ev.key === 'j') { state.sel = Math.min(state.sel + 1, state.queue.length - 1); renderQueue(); }
  else if (ev.key === 'k') { state.sel = Math.max(state.sel - 1, 0); renderQueue(); }
  else if (ev.key === 'c') review('confirm');
  else if (ev.key === 'd') review('dismiss', document.getElementById('dismiss-reason')?.value || state.reasons[0]);
  else if (/^[1-9]$/.test(ev.key) && state.reasons[Number(ev.key) - 1]) review('dismiss', state.reasons[Number(ev.key) - 1]);
  else return;
  ev.preventDefault();
});

// ------------------------------------------------------------------ cases

function dayMs(input, end) {
  if (!input.value) return null;
  return new Date(input.value + 'T00:00:00').getTime() + (end ? 86400000 : 0);
}

async function searchCases(page) {
  state.casePage = page;
  const p = new URLSearchParams({ page, size: 50 });
  const v = id => document.getElementById(id).value.trim();
  if (v('case-q')) p.set('q', v('case-q'));
  if (v('case-status')) p.set('status', v('case-status'));
  if (v('case-type')) p.set('type', v('case-type'));
  if (v('case-site')) p.set('site', v('case-site'));
  const from = dayMs(document.getElementById('case-from')), to = dayMs(document.getElementById('case-to'), true);
  if (from) p.set('from', from);
  if (to) p.set('to', to);
  const mine = state.searchSeq = (state.searchSeq || 0) + 1;
  const r = await NCE.get('/api/cases?' + p);
  if (mine !== state.searchSeq) return; // a newer search was sent meanwhile: its answer is the one to show
  state.caseTotal = r.total;
  document.getElementById('case-rows').replaceChildren(...(r.items.length ? r.items.map(c => el('tr', { 'data-id': c.id, onclick: () => openCase(c.id) },
    el('td', {}, c.id), el('td', {}, NCE.t('type.' + c.type)), el('td', {}, NCE.t('status.' + c.status)),
    el('td', {}, c.subject || ''), el('td', {}, NCE.time(c.opened_at)), el('td', {}, c.confirmed_alerts + '/' + c.alerts)))
    : [el('tr', {}, el('td', { colspan: 6, class: 'empty' }, NCE.t('cases.none')))]));
  document.getElementById('case-page').textContent = (page + 1) + ' / ' + Math.max(1, Math.ceil(r.total / 50));
}

async function openCase(id) {
  const c = await NCE.get('/api/cases/' + encodeURIComponent(id));
  const d = document.getElementById('case-detail');
  const clip = (c.evidence || []).find(e => e.kind === 'clip');
  const note = el('input', { id: 'case-note', 'data-i18n-placeholder': 'case.note', placeholder: NCE.t('case.note') });
  // A decision is made in its own form, checked against the catalogue and the lenient list.
  const moves = (c.next || []).filter(s => s !== 'decided');
  fill(d,
    el('h2', { id: 'case-title', 'data-status': c.status }, c.id, ' · ', NCE.t('status.' + c.status)),
    el('p', {}, el('b', {}, NCE.t('case.summary') + ': '), c.summary || ''),
    el('p', {}, el('b', {}, NCE.t('case.legal') + ': '), c.legal_basis || ''),
    clip ? el('video', { id: 'case-clip', class: 'evidence', controls: true, preload: 'metadata', src: evidenceUrl(clip.key) }) : null,
    el('h3', {}, NCE.t('case.timeline')),
    el('ol', { class: 'timeline' }, (c.alerts || []).map(a => el('li', {}, NCE.time(a.event_time_ms), ' · ', a.source_id, ' · ',
      NCE.t('status.' + a.status), a.review && a.review.reason ? ' (' + NCE.t('reason.' + a.review.reason) + ')' : ''))),
    el('h3', {}, NCE.t('case.evidence')),
    el('table', { class: 'grid' }, el('tbody', {}, (c.evidence || []).map(e => el('tr', { class: e.verified === 'ok' ? null : 'bad' },
      el('td', {}, e.kind), el('td', { class: 'hash' }, e.sha256), el('td', { class: 'verified' }, NCE.t('case.verified.' + e.verified)),
      el('td', {}, el('a', { href: evidenceUrl(e.key, true) }, NCE.t('case.download'))))))),
    el('h3', {}, NCE.t('case.notes')),
    el('ol', { class: 'timeline', id: 'case-notes' }, (c.notes || []).map(n => el('li', {}, NCE.time(n.at), ' · ', n.by, ' · ', n.text))),
    el('form', { class: 'actions', id: 'note-form', onsubmit: ev => { ev.preventDefault(); addNote(c, ev.target.elements.text.value); } },
      el('input', { name: 'text', id: 'note-text', maxlength: 4000, placeholder: NCE.t('case.note'), required: true }),
      el('button', { type: 'submit' }, NCE.t('case.addNote'))),
    el('h3', {}, NCE.t('case.history')),
    el('ol', { class: 'timeline' }, (c.status_history || []).map(h => el('li', {}, NCE.time(h.at), ' · ', h.by, ' · ',
      NCE.t('status.' + h.from), ' → ', NCE.t('status.' + h.to), h.note ? ' · ' + h.note : ''))),
    el('h3', {}, NCE.t('case.violations')),
    (c.violations || []).map(v => violationView(v)),
    c.decision ? el('p', { id: 'case-decision' }, el('b', {}, NCE.t('case.decision') + ': '), NCE.t('decision.' + c.decision.kind),
      c.decision.amount_yuan != null ? ' ' + c.decision.amount_yuan + ' ' + NCE.t('decision.yuan') : '',
      c.decision.lenient_rule ? ' · ' + c.decision.lenient_rule : '', ' · ', c.decision.by, ' · ', NCE.time(c.decision.at),
      (c.decision.violations || []).length > 1 ? el('ul', {}, c.decision.violations.map(x => el('li', {}, NCE.t('type.' + x.type), ': ',
        NCE.t('decision.' + x.kind), x.amount_yuan != null ? ' ' + x.amount_yuan + ' ' + NCE.t('decision.yuan') : '',
        x.lenient_rule ? ' · ' + x.lenient_rule : ''))) : null) : null,
    (c.next || []).includes('decided') ? decisionForm(c) : null,
    c.decision ? documentsView(c) : null,
    el('div', { class: 'actions' }, moves.length ? [el('b', {}, NCE.t('case.move') + ': '), note] : null,
      moves.map(s => el('button', { class: 'move', 'data-to': s, onclick: () => move(c, s, note.value) }, NCE.t('status.' + s)))),
    el('p', {}, el('button', { class: 'link', onclick: () => d.replaceChildren() }, NCE.t('case.back'))));
  d.scrollIntoView({ block: 'start' });
}

// One violation as the bureau's rules read it: 违则, 罚则, the fine's range and the proposed handling with its reasons.
function violationView(v) {
  if (v.problem) return el('p', { class: 'bad' }, v.problem);
  const p = v.proposed_handling || {};
  return el('div', { class: 'violation', 'data-type': v.type },
    el('p', {}, el('b', {}, v.name), v.legal_basis.review === 'needs_legal_review' ? el('span', { class: 'tag' }, NCE.t('case.needsReview')) : null),
    v.subject ? el('p', { id: 'case-party' }, el('b', {}, NCE.t('case.party') + ': '), v.subject.name, v.subject.uscc ? ' · ' + v.subject.uscc : '')
      : el('p', { class: 'warn' }, NCE.t('case.partyUnregistered')),
    v.evidence_standing && v.evidence_standing.reasons && v.evidence_standing.reasons.length
      ? el('div', { class: v.evidence_standing.usable === false ? 'warn' : 'note', id: 'evidence-standing' },
        el('b', {}, NCE.t(v.evidence_standing.usable === false ? 'case.evidenceNotUsable' : 'case.evidencePartly')),
        el('ul', {}, v.evidence_standing.reasons.map(r => el('li', {}, r)))) : null,
    el('p', {}, el('b', {}, NCE.t('case.illegal') + ': '), v.legal_basis.illegal),
    el('p', {}, el('b', {}, NCE.t('case.penaltyBasis') + ': '), v.legal_basis.penalty),
    el('p', { class: 'range' }, el('b', {}, NCE.t('case.range') + ': '), Object.entries(v.penalty_ranges || {})
      .filter(([party]) => !v.party || party === v.party)
      .map(([party, r]) => NCE.t('party.' + party) + ' ' + r.min_yuan + ' – ' + r.max_yuan + ' ' + NCE.t('decision.yuan')).join('；')),
    el('p', { class: 'proposal', 'data-handling': p.handling, 'data-rule': p.rule || '' }, el('b', {}, NCE.t('case.proposal') + ': '),
      NCE.t('handling.' + p.handling), p.rule_name ? ' · ' + p.rule_name : ''),
    el('ul', { class: 'reasons' }, (p.reasons || []).map(r => el('li', {}, r)), (p.awaiting || []).map(r => el('li', { class: 'awaiting' }, r))));
}

// The served documents (三书同达) with their 文号 and hashes, the action code with its public page, and
// for the legal role the button that generates them once the case is decided.
function documentsView(c) {
  const docs = c.documents || [];
  const legal = state.me && state.me.roles.includes('legal');
  return el('div', { id: 'case-documents' },
    el('h3', {}, NCE.t('case.documents')),
    c.action_code ? el('p', {}, el('b', {}, NCE.t('case.actionCode') + ': '),
      el('a', { id: 'action-code', href: '/verify/' + encodeURIComponent(c.action_code), target: '_blank', rel: 'noopener' }, c.action_code),
      c.case_number ? ' · ' + NCE.t('case.number') + ' ' + c.case_number : '') : null,
    docs.length ? el('ul', { class: 'documents' }, docs.map(d => el('li', { 'data-kind': d.kind },
      el('a', { href: d.url, target: '_blank', rel: 'noopener' }, d.title), ' · ', d.number, ' · ',
      el('span', { class: 'hash' }, 'SHA-256 ' + d.sha256.substring(0, 16) + '…'), ' · ',
      el('a', { href: d.url + '?download=true' }, NCE.t('case.download')))))
      : c.status === 'decided' && legal ? el('p', {}, el('button', { id: 'generate-documents', class: 'primary', onclick: async ev => {
        ev.target.disabled = true;
        ev.target.textContent = NCE.t('case.generating');
        try {
          await NCE.post('/api/cases/' + encodeURIComponent(c.id) + '/documents', {});
          toast(NCE.t('case.documentsDone'));
          await openCase(c.id);
        } catch (e) {
          ev.target.disabled = false;
          ev.target.textContent = NCE.t('case.generate');
          toast(e.message, true);
        }
      } }, NCE.t('case.generate'))) : el('p', { class: 'empty' }, NCE.t('case.noDocuments')),
    legal ? el('p', {}, el('button', { id: 'export-package', onclick: ev => exportPackage(c, ev.target) }, NCE.t('case.export')),
      ' ', el('small', { class: 'muted' }, NCE.t('case.exportHelp'))) : null,
    creditRepairView(c, docs, legal));
}

// The hearing package (docs/hearing-package.md): signed zip, downloaded as a file.
async function exportPackage(c, button) {
  button.disabled = true;
  button.textContent = NCE.t('case.exporting');
  try {
    const r = await fetch('/api/cases/' + encodeURIComponent(c.id) + '/export', { method: 'POST', headers: { 'X-XSRF-TOKEN': NCE.csrf() } });
    if (!r.ok) {
      const body = await r.json().catch(() => ({}));
      throw Object.assign(new Error(body.message || r.status), { code: body.code });
    }
    const url = URL.createObjectURL(await r.blob());
    const a = el('a', { href: url, download: c.id.replace(/[^A-Za-z0-9._@-]/g, '_') + '-evidence.zip' });
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 60000);
    toast(NCE.t('case.exported', (r.headers.get('X-Package-SHA256') || '').substring(0, 16)));
  } catch (e) {
    toast(errorText(e), true);
  } finally {
    button.disabled = false;
    button.textContent = NCE.t('case.export');
  }
}

// 信用修复: the party's requests with their materials and the decisions; a new request once the case is
// served with a credit notice, the decision for the legal role.
function creditRepairView(c, docs, legal) {
  if (!docs.some(d => d.kind === 'credit_repair_notice') || !['served', 'closed'].includes(c.status)) return null;
  const repairs = c.credit_repairs || [];
  const last = repairs[repairs.length - 1];
  const post = async (path, body) => {
    try {
      await NCE.post('/api/cases/' + encodeURIComponent(c.id) + path, body);
      await openCase(c.id);
    } catch (e) {
      toast(e.message, true);
    }
  };
  const materials = el('textarea', { id: 'repair-materials', rows: 3, placeholder: NCE.t('repair.materials') });
  const note = el('input', { id: 'repair-note', placeholder: NCE.t('case.note') });
  return el('div', { id: 'credit-repair' },
    el('h3', {}, NCE.t('repair.title')),
    el('ol', { class: 'timeline' }, repairs.map(r => el('li', { 'data-status': r.status }, NCE.time(r.requested_at), ' · ',
      NCE.t('repair.' + r.status), ' · ', (r.materials || []).join('；'), r.decision_note ? ' · ' + r.decision_note : ''))),
    last && last.status === 'requested'
      ? (legal ? el('div', { class: 'actions' },
        el('button', { id: 'repair-approve', class: 'primary', onclick: () => post('/credit-repair/decision', { result: 'approved', note: note.value || null }) },
          NCE.t('repair.approve')), note,
        el('button', { id: 'repair-refuse', onclick: () => post('/credit-repair/decision', { result: 'refused', note: note.value || null }) },
          NCE.t('repair.refuse'))) : null)
      : el('form', { class: 'actions', onsubmit: ev => {
        ev.preventDefault();
        post('/credit-repair', { materials: materials.value.split('\n').map(x => x.trim()).filter(x => x), note: note.value || null });
      } }, materials, note, el('button', { type: 'submit', id: 'repair-request' }, NCE.t('repair.request'))));
}

// The decision: one row per violation (综合查一次: a case may hold several, each decided on its own),
// the party's kind once for the case. The first row's fields keep their plain ids.
function decisionForm(c) {
  // A violation the catalogue lacks cannot be decided: the legal office adds it to violations.yaml first.
  const missing = (c.violations || []).filter(v => v.problem);
  if (missing.length) return el('p', { class: 'warn', id: 'decision-blocked' }, NCE.t('case.notInCatalogue'), ' ', missing.map(v => v.problem).join('；'));
  const vs = c.violations || [];
  const first = vs[0] || {};
  const suffix = i => i === 0 ? '' : '-' + i;
  const rows = vs.map((v, i) => {
    const p = v.proposed_handling || {};
    const row = {
      type: v.type,
      kind: el('select', { name: 'kind', id: 'decision-kind' + suffix(i) }, ['penalty', 'warning', 'no_penalty'].map(k =>
        el('option', { value: k, selected: (p.handling === 'warning' ? 'warning' : p.handling === 'penalty' ? 'penalty' : 'no_penalty') === k ? true : null },
          NCE.t('decision.' + k)))),
      amount: el('input', { name: 'amount', id: 'decision-amount' + suffix(i), type: 'number', min: 1,
        value: v.penalty_range ? Math.max(1, v.penalty_range.min_yuan) : '' }),
      rule: el('input', { name: 'rule', id: 'decision-rule' + suffix(i), value: p.rule || '', placeholder: NCE.t('decision.rule') }),
      harm: el('select', { name: 'harm', id: 'decision-harm' + suffix(i) }, ['', 'none', 'slight', 'serious'].map(h =>
        el('option', { value: h }, h ? NCE.t('harm.' + h) : NCE.t('decision.harm')))),
      // Three ways: not recorded is not the same as not corrected.
      corrected: el('select', { name: 'corrected', id: 'decision-corrected' + suffix(i) }, ['', 'true', 'false'].map(k =>
        el('option', { value: k }, NCE.t('decision.corrected.' + (k || 'unknown'))))),
    };
    row.view = el('div', { class: 'decision-row', 'data-type': v.type }, vs.length > 1 ? el('b', {}, v.name + ': ') : null,
      row.kind, row.amount, row.rule, row.harm, row.corrected);
    return row;
  });
  const item = r => {
    const k = r.kind.value;
    return { type: r.type, kind: k, amount_yuan: k === 'penalty' && r.amount.value !== '' ? Number(r.amount.value) : null,
      lenient_rule: k === 'penalty' || !r.rule.value ? null : r.rule.value, harm: r.harm.value || null,
      corrected: r.corrected.value === '' ? null : r.corrected.value === 'true' };
  };
  // The party's kind decides the range; where the subject does not tell, the legal officer says it.
  const party = el('select', { name: 'party', id: 'decision-party' }, ['', 'individual', 'unit'].map(k =>
    el('option', { value: k, selected: (first.party || '') === k ? true : null }, k ? NCE.t('party.' + k) : NCE.t('decision.party'))));
  return el('form', { class: 'actions', id: 'decision-form', onsubmit: async ev => {
    ev.preventDefault();
    const body = { note: null, version: c.version, party: party.value || null };
    if (rows.length > 1) {
      body.violations = rows.map(item);
    } else if (rows.length === 1) {
      const one = item(rows[0]);
      delete one.type;
      Object.assign(body, one);
    }
    try {
      await NCE.post('/api/cases/' + encodeURIComponent(c.id) + '/decision', body);
      toast(NCE.t('status.decided'));
      await openCase(c.id);
      searchCases(state.casePage);
    } catch (e) {
      toast(e.code === 'case_changed' ? NCE.t('case.changed') : e.message, true);
    }
  } }, el('b', {}, NCE.t('case.decide') + ': '), party, rows.map(r => r.view),
    el('button', { type: 'submit', id: 'decide' }, NCE.t('case.decide')));
}

async function addNote(c, text) {
  try {
    await NCE.post('/api/cases/' + encodeURIComponent(c.id) + '/notes', { text });
    await openCase(c.id);
  } catch (e) {
    toast(e.message, true);
  }
}

async function move(c, status, note) {
  try {
    await NCE.post('/api/cases/' + encodeURIComponent(c.id) + '/status', { status, note: note || null, version: c.version });
    toast(NCE.t('status.' + status));
    await openCase(c.id);
    searchCases(state.casePage);
  } catch (e) {
    toast(e.code === 'case_changed' ? NCE.t('case.changed') : e.message, true);
  }
}

// ------------------------------------------------------------------ devices, dashboard

async function loadDevices() {
  const ds = await NCE.get('/api/devices');
  document.getElementById('device-rows').replaceChildren(...ds.map(d => el('tr', { 'data-device': d.id,
    onclick: () => showCoverage(d.id, d.site_id, Date.now() - 86400000, Date.now()).catch(e => toast(errorText(e), true)) }, el('td', {}, d.id),
    el('td', {}, d.site_id), healthCell(d.health), el('td', {}, lastData(d.health)),
    el('td', {}, d.types.map(t => NCE.t('type.' + t)).join('、')), el('td', {}, d.last_alert_at ? NCE.time(d.last_alert_at) : '—'),
    el('td', {}, d.alerts), el('td', {}, d.dismissed))));
}

// When the device was covered over a range (its gateway's heartbeats): a strip with the gaps in red, and
// each gap with what the heartbeats said, so an operator can check an evidence period against it.
async function showCoverage(id, site, from, to) {
  const box = document.getElementById('device-detail');
  const c = await NCE.get('/api/devices/' + encodeURIComponent(id) + '/coverage?site=' + encodeURIComponent(site)
    + '&from=' + Math.round(from) + '&to=' + Math.round(to));
  const span = c.to - c.from;
  const strip = el('div', { class: 'coverage', title: NCE.t('coverage.legend') });
  c.gaps.forEach(g => {
    const seg = el('div', { class: 'gap', title: NCE.time(g.from) + ' – ' + NCE.time(g.to) + ' · ' + NCE.t('coverage.' + g.reason) });
    // CSSOM, not a style attribute: the CSP allows no inline styles.
    seg.style.left = (100 * (g.from - c.from) / span) + '%';
    seg.style.width = Math.max(0.2, 100 * (g.to - g.from) / span) + '%';
    strip.append(seg);
  });
  const fromIn = el('input', { type: 'datetime-local', id: 'coverage-from' }), toIn = el('input', { type: 'datetime-local', id: 'coverage-to' });
  const local = ms => new Date(ms - new Date(ms).getTimezoneOffset() * 60000).toISOString().substring(0, 16);
  fromIn.value = local(c.from); toIn.value = local(c.to);
  const again = () => showCoverage(id, site, new Date(fromIn.value).getTime(), new Date(toIn.value).getTime()).catch(e => toast(errorText(e), true));
  const minutes = ms => Math.round(ms / 60000);
  fill(box, el('h3', {}, NCE.t('coverage.title', id)),
    el('p', { class: 'filters' }, fromIn, ' – ', toIn, el('button', { onclick: again }, NCE.t('coverage.show'))),
    el('p', {}, NCE.t('coverage.summary', (100 * c.coverage).toFixed(1), c.gaps.length, c.heartbeats)),
    strip, el('p', { class: 'coverage-axis' }, el('span', {}, NCE.time(c.from)), el('span', {}, NCE.time(c.to))),
    c.gaps.length ? el('table', { class: 'grid' }, el('thead', {}, el('tr', {}, el('th', {}, NCE.t('coverage.from')),
      el('th', {}, NCE.t('coverage.to')), el('th', {}, NCE.t('coverage.minutes')), el('th', {}, NCE.t('coverage.reason')))),
      el('tbody', {}, c.gaps.map(g => el('tr', { class: 'gap-row' }, el('td', {}, NCE.time(g.from)), el('td', {}, NCE.time(g.to)),
        el('td', {}, minutes(g.to - g.from)), el('td', {}, NCE.t('coverage.' + g.reason)))))) : el('p', { class: 'note' }, NCE.t('coverage.none')));
  box.scrollIntoView({ block: 'nearest' });
}

// Online and what the device is doing, from its gateway's latest heartbeat; "—" when no heartbeat is stored.
function healthCell(h) {
  if (!h) return el('td', { class: 'muted' }, '—');
  const state = !h.online ? 'offline' : h.kind === 'camera' ? (h.state || 'unknown') : (h.last_flag && h.last_flag !== 'N' ? 'flag' : 'online');
  let text = NCE.t('health.' + state);
  if (h.kind === 'camera' && h.online && h.fps != null) text += ' · ' + h.fps + ' fps';
  if (h.kind === 'sensor' && h.last_flag && h.last_flag !== 'N') text += ' · ' + NCE.t('flag.' + h.last_flag);
  const title = [h.restarts ? NCE.t('health.restarts') + ' ' + h.restarts : '', h.dropped ? NCE.t('health.dropped') + ' ' + h.dropped : '',
    h.corrupt ? NCE.t('health.corrupt') + ' ' + h.corrupt : '', h.last_error || ''].filter(Boolean).join(' · ');
  return el('td', { class: 'health health-' + state, title }, text);
}

function lastData(h) {
  if (!h) return '—';
  const t = h.kind === 'camera' ? h.last_frame_ms : h.last_seen_ms;
  return t ? NCE.time(t) : '—';
}

function chart(id, option) {
  const node = document.getElementById(id);
  const c = echarts.getInstanceByDom(node) || echarts.init(node);
  // No animation: the figures are there at once (and a screenshot shows them, not a frame of a tween).
  c.setOption(Object.assign({ animation: false }, option), true);
}

// ECharts (1 MB) is loaded the first time the dashboard is opened, not with every page.
function echartsReady() {
  if (window.echarts) return Promise.resolve();
  return new Promise((ok, fail) => document.head.append(el('script', { src: '/webjars/echarts/5.3.1/dist/echarts.min.js',
    onload: ok, onerror: fail })));
}

async function loadDashboard() {
  const [s] = await Promise.all([NCE.get('/api/stats'), echartsReady()]);
  const days = s.alerts_per_day || [];
  const types = [...new Set(days.flatMap(d => Object.keys(d.by_type)))];
  chart('chart-days', { tooltip: { trigger: 'axis' }, legend: { data: types.map(t => NCE.t('type.' + t)) },
    xAxis: { type: 'category', data: days.map(d => new Date(d.day).toLocaleDateString()) }, yAxis: { type: 'value' },
    series: types.map(t => ({ name: NCE.t('type.' + t), type: 'bar', stack: 'a', data: days.map(d => d.by_type[t] || 0) })) });
  const dis = (s.dismissals || []).slice(0, 20);
  chart('chart-dismissals', { tooltip: {}, grid: { containLabel: true, left: 8, right: 16 }, xAxis: { type: 'value', max: 1 }, yAxis: { type: 'category', data: dis.map(r => r.source_id + ' · ' + NCE.t('type.' + r.type)) },
    series: [{ type: 'bar', data: dis.map(r => r.reviewed ? +(r.dismissed / r.reviewed).toFixed(2) : 0) }] });
  const pie = (id, m, label) => chart(id, { tooltip: {}, series: [{ type: 'pie', radius: '65%',
    data: Object.entries(m || {}).map(([k, v]) => ({ name: label(k), value: v })) }] });
  pie('chart-cases', s.cases_by_status, k => NCE.t('status.' + k));
  const ex = s.exceedances_per_site || {};
  chart('chart-exceedances', { tooltip: {}, xAxis: { type: 'category', data: Object.keys(ex) }, yAxis: { type: 'value' },
    series: [{ type: 'bar', data: Object.values(ex) }] });
  pie('chart-dead', s.dead_letters_per_stage, k => k);
}

// ------------------------------------------------------------------ users (admin), own password

const ROLES = ['operator', 'officer', 'legal', 'admin'];

function roleBoxes(prefix, checked, disabled) {
  return el('span', { class: 'roles' }, ROLES.map(r => el('label', {}, el('input', { type: 'checkbox', value: r, name: prefix,
    checked: checked.includes(r), disabled }), ' ', NCE.t('role.' + r))));
}

// The page's own words for a refusal it knows, the server's message otherwise.
const errorText = e => (e.code && NCE.msgs['error.' + e.code]) || e.message;

const checkedRoles = node => [...node.querySelectorAll('input[type=checkbox]:checked')].map(b => b.value);

async function loadUsers() {
  const us = await NCE.get('/api/users');
  fill(document.getElementById('user-rows'), us.map(userRow));
}

function userRow(u) {
  const editable = u.source === 'console';
  const boxes = roleBoxes('roles-' + u.username, u.roles, !editable);
  const enabled = el('input', { type: 'checkbox', checked: u.enabled, disabled: !editable, 'aria-label': NCE.t('users.enabled') });
  const save = async () => {
    try {
      await NCE.post('/api/users/' + encodeURIComponent(u.username), { roles: checkedRoles(boxes), enabled: enabled.checked, version: u.version });
      toast(NCE.t('users.saved', u.username));
    } catch (e) { toast(errorText(e), true); }
    loadUsers();
  };
  const newPw = el('input', { type: 'password', autocomplete: 'new-password', placeholder: NCE.t('users.newPassword'), 'data-field': 'password' });
  const reset = async () => {
    if (!newPw.value) { newPw.focus(); return; }
    try {
      await NCE.post('/api/users/' + encodeURIComponent(u.username) + '/password', { password: newPw.value, version: u.version });
      toast(NCE.t('users.resetDone', u.username));
    } catch (e) { toast(errorText(e), true); }
    loadUsers();
  };
  return el('tr', { 'data-user': u.username }, el('td', {}, u.username), el('td', {}, boxes), el('td', {}, enabled),
    el('td', {}, NCE.t('users.source.' + u.source)),
    el('td', {}, u.updated_at ? NCE.time(u.updated_at) + ' · ' + (u.updated_by || '') : '—'),
    el('td', {}, editable ? [el('button', { onclick: save, 'data-action': 'save' }, NCE.t('users.save')), ' ', newPw, ' ',
      el('button', { onclick: reset, 'data-action': 'reset' }, NCE.t('users.reset'))] : el('span', { class: 'muted' }, NCE.t('users.inFile'))));
}

async function createUser(ev) {
  ev.preventDefault();
  const name = document.getElementById('user-new-name'), pw = document.getElementById('user-new-password');
  const roles = checkedRoles(document.getElementById('user-new-roles'));
  try {
    await NCE.post('/api/users', { username: name.value.trim(), password: pw.value, roles });
    toast(NCE.t('users.created', name.value.trim()));
    name.value = ''; pw.value = '';
    loadUsers();
  } catch (e) { toast(errorText(e), true); }
}

async function changeOwnPassword(ev) {
  ev.preventDefault();
  const cur = document.getElementById('own-current').value, pw = document.getElementById('own-new').value;
  if (pw !== document.getElementById('own-repeat').value) { toast(NCE.t('account.mismatch'), true); return; }
  try {
    await NCE.post('/api/me/password', { current: cur, password: pw });
    location.href = '/login.html?changed';
  } catch (e) { toast(errorText(e), true); }
}

// ------------------------------------------------------------------ registry (subjects and devices)

async function loadRegistry() {
  const r = await NCE.get('/api/registry');
  const admin = state.me.roles.includes('admin');
  document.querySelectorAll('#registry .admin-only').forEach(n => { n.hidden = !admin; });
  fill(document.getElementById('registry-devices'), r.devices.map(d => el('tr', { 'data-entry': d.id, onclick: () => editEntry('devices', d) },
    el('td', {}, d.id), el('td', {}, d.entry.kind || ''), el('td', {}, d.entry.site || ''), el('td', {}, d.entry.subject || '—'),
    el('td', { class: d.entry.review ? '' : 'health-offline' }, d.entry.review ? d.entry.review.valid_until || '' : NCE.t('registry.unreviewed')),
    el('td', {}, NCE.t('registry.source.' + d.source) + (d.updated_by && d.source === 'console' ? ' · ' + d.updated_by : '')))));
  fill(document.getElementById('registry-subjects'), r.subjects.map(s => el('tr', { 'data-entry': s.id, onclick: () => editEntry('subjects', s) },
    el('td', {}, s.id), el('td', {}, s.entry.name || ''), el('td', {}, NCE.t('party.' + s.entry.kind)), el('td', {}, (s.entry.sites || []).join('、')),
    el('td', {}, NCE.t('registry.source.' + s.source)))));
}

const REGISTRY_TEMPLATES = {
  devices: { id: '', site: '', kind: 'camera', subject: '', location: '', review: { legal_review_id: '', legal_review_date: '',
    technical_review_id: '', technical_review_date: '', valid_until: '', standards: [], placement: '', sign_posted: true,
    location_published: '' } },
  subjects: { id: '', kind: 'unit', name: '', uscc: '', legal_representative: '', address: '', sites: [] },
};

// One entry as JSON, exactly as in subjects.yaml / devices.yaml (docs/rules.md); an admin saves it, and a
// refusal lists every problem the whole registry would have with it.
function editEntry(kind, item) {
  const admin = state.me.roles.includes('admin');
  const text = el('textarea', { id: 'registry-entry', rows: 18, spellcheck: 'false', readonly: !admin });
  text.value = JSON.stringify(item ? item.entry : REGISTRY_TEMPLATES[kind], null, 2);
  const idIn = el('input', { id: 'registry-id', value: item ? item.id : '', readonly: !!item, 'data-i18n-placeholder': 'registry.id' });
  const problems = el('ul', { id: 'registry-problems', class: 'warn' });
  problems.hidden = true;
  const save = async () => {
    let entry;
    try { entry = JSON.parse(text.value); } catch (e) { toast(NCE.t('registry.badJson') + ' ' + e.message, true); return; }
    const id = idIn.value.trim();
    try {
      await NCE.post('/api/registry/' + kind + '/' + encodeURIComponent(id), item ? { entry, version: item.version } : { entry });
      toast(NCE.t('registry.saved', id));
      // Closed: a second save from this editor would carry the old version (a 409); the row opens the new one.
      fill(document.getElementById('registry-detail'));
      await loadRegistry();
    } catch (e) {
      if (e.problems) { fill(problems, e.problems.map(p => el('li', {}, p))); problems.hidden = false; }
      toast(errorText(e), true);
    }
  };
  fill(document.getElementById('registry-detail'), el('h3', {}, NCE.t(item ? 'registry.edit' : 'registry.add', kind === 'devices'
    ? NCE.t('registry.device') : NCE.t('registry.subjectOne'))), el('p', {}, idIn), text, problems,
    admin ? el('p', { class: 'actions' }, el('button', { id: 'registry-save', class: 'primary', onclick: save }, NCE.t('registry.save'))) : null);
  document.getElementById('registry-detail').scrollIntoView({ block: 'nearest' });
}

// ------------------------------------------------------------------ shell

async function show() {
  const view = (location.hash || '#queue').substring(1);
  document.querySelectorAll('.view').forEach(v => { v.hidden = v.id !== view; });
  document.querySelectorAll('nav a').forEach(a => a.classList.toggle('on', a.id === 'nav-' + view));
  try {
    if (view === 'queue') await loadQueue();
    else if (view === 'cases') await searchCases(0);
    else if (view === 'devices') await loadDevices();
    else if (view === 'dashboard') await loadDashboard();
    else if (view === 'users') await loadUsers();
    else if (view === 'registry') await loadRegistry();
  } catch (e) {
    if (e.message !== 'login') toast(e.status === 403 ? NCE.t('error.forbidden') : e.message, true);
  }
}

document.addEventListener('DOMContentLoaded', async () => {
  // Labels, the user, the reasons and (on the queue) the first page of alerts, all at once.
  if ((location.hash || '#queue') === '#queue') state.prefetched = NCE.get('/api/alerts?status=pending&size=50');
  [, state.me] = await Promise.all([NCE.load(), NCE.get('/api/me')]);
  state.reasons = state.me.reasons || [];
  document.getElementById('me').textContent = state.me.username + ' (' + state.me.roles.map(r => NCE.t('role.' + r)).join('、') + ')';
  document.getElementById('nav-users').hidden = !state.me.roles.includes('admin');
  fill(document.getElementById('user-new-roles'), roleBoxes('new-roles', ['operator'], false));
  document.getElementById('user-new').addEventListener('submit', createUser);
  document.getElementById('own-password').addEventListener('submit', changeOwnPassword);
  document.getElementById('registry-add-device').addEventListener('click', () => editEntry('devices', null));
  document.getElementById('registry-add-subject').addEventListener('click', () => editEntry('subjects', null));
  document.getElementById('lang').addEventListener('click', () => NCE.switchLang());
  document.getElementById('logout').addEventListener('click', async () => { await NCE.post('/api/logout'); location.href = '/login.html'; });
  const st = document.getElementById('case-status'), ty = document.getElementById('case-type');
  CASE_STATUSES.forEach(s => st.append(el('option', { value: s }, NCE.t('status.' + s))));
  TYPES.forEach(t => ty.append(el('option', { value: t }, NCE.t('type.' + t))));
  document.getElementById('case-search').addEventListener('submit', ev => { ev.preventDefault(); searchCases(0); });
  document.getElementById('case-prev').addEventListener('click', () => { if (state.casePage > 0) searchCases(state.casePage - 1); });
  document.getElementById('case-next').addEventListener('click', () => { if ((state.casePage + 1) * 50 < state.caseTotal) searchCases(state.casePage + 1); });
  window.addEventListener('hashchange', show);
  show();
});
