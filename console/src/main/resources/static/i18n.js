// Shared by the login page and the console: labels from the message bundles, the CSRF header, JSON calls.
'use strict';
const NCE = {
  lang: localStorage.getItem('nce.lang') || 'zh',
  msgs: {},
  async load() {
    const r = await fetch('/api/i18n/' + this.lang);
    this.msgs = await r.json();
    document.documentElement.lang = this.lang === 'zh' ? 'zh-CN' : 'en';
    document.querySelectorAll('[data-i18n]').forEach(e => { e.textContent = this.t(e.dataset.i18n); });
    document.querySelectorAll('[data-i18n-placeholder]').forEach(e => { e.placeholder = this.t(e.dataset.i18nPlaceholder); });
    document.title = this.t('app.title');
  },
  t(key, ...args) {
    let s = this.msgs[key] !== undefined ? this.msgs[key] : key;
    args.forEach((v, i) => { s = s.replace('{' + i + '}', v); });
    return s;
  },
  switchLang() {
    localStorage.setItem('nce.lang', this.lang === 'zh' ? 'en' : 'zh');
    location.reload();
  },
  csrf() {
    const m = document.cookie.match(/(?:^|; )XSRF-TOKEN=([^;]*)/);
    return m ? decodeURIComponent(m[1]) : '';
  },
  async get(url) {
    const r = await fetch(url, { headers: { Accept: 'application/json' } });
    if (r.status === 401) { location.href = '/login.html'; throw new Error('login'); }
    const body = await r.json().catch(() => ({}));
    if (!r.ok) { throw Object.assign(new Error(body.message || r.status), { status: r.status, code: body.code }); }
    return body;
  },
  async post(url, body) {
    const r = await fetch(url, { method: 'POST', headers: { 'Content-Type': 'application/json', 'X-XSRF-TOKEN': this.csrf() },
      body: JSON.stringify(body || {}) });
    if (r.status === 401) { location.href = '/login.html'; throw new Error('login'); }
    const out = r.status === 204 ? {} : await r.json().catch(() => ({}));
    if (!r.ok) { throw Object.assign(new Error(out.message || r.status), { status: r.status, code: out.code, problems: out.problems }); }
    return out;
  },
  // Elements from data, never HTML from data: el('td', {class: 'x'}, 'text', child, ...)
  el(tag, attrs, ...children) {
    const e = document.createElement(tag);
    Object.entries(attrs || {}).forEach(([k, v]) => {
      if (v === null || v === undefined || v === false) return;
      if (k.startsWith('on')) e.addEventListener(k.substring(2), v); else e.setAttribute(k, v === true ? '' : v);
    });
    children.flat().forEach(c => { if (c !== null && c !== undefined) e.append(c instanceof Node ? c : String(c)); });
    return e;
  },
  // One formatter for the page: building one per call (toLocaleString) cost about a millisecond a row.
  time(ms) {
    if (!ms) return '';
    this.fmt = this.fmt || new Intl.DateTimeFormat(this.lang === 'zh' ? 'zh-CN' : 'en-GB', { hour12: false,
      year: 'numeric', month: 'numeric', day: 'numeric', hour: '2-digit', minute: '2-digit', second: '2-digit' });
    return this.fmt.format(new Date(Number(ms)));
  },
};
