'use strict';
document.addEventListener('DOMContentLoaded', async () => {
  await NCE.load();
  await fetch('/api/csrf'); // sets the XSRF-TOKEN cookie the login POST must echo
  // Identity providers (OIDC), where configured: a button each.
  const providers = await fetch('/api/login/providers').then(r => r.ok ? r.json() : []).catch(() => []);
  document.getElementById('providers').replaceChildren(...providers.map(p => NCE.el('a', { class: 'button', href: p.url,
    'data-provider': p.id }, NCE.t('login.with', p.name))));
  if (location.search === '?oidc-failed') document.getElementById('error').textContent = NCE.t('login.oidcFailed');
  if (location.search === '?changed') document.getElementById('error').textContent = NCE.t('login.changed');
  document.getElementById('lang').addEventListener('click', () => NCE.switchLang());
  document.getElementById('login').addEventListener('submit', async ev => {
    ev.preventDefault();
    const err = document.getElementById('error');
    err.textContent = '';
    try {
      await NCE.post('/api/login', { username: document.getElementById('username').value, password: document.getElementById('password').value });
      location.href = '/';
    } catch (e) {
      err.textContent = e.status === 429 ? NCE.t('login.limited') : NCE.t('login.failed');
    }
  });
});
