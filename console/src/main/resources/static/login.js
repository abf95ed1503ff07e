'use strict';
document.addEventListener('DOMContentLoaded', async () => {
  await NCE.load();
  await fetch('/api/csrf'); // sets the XSRF-TOKEN cookie the login POST must echo
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
