// The customer's upload page: sign in with the workspace credentials, then upload with Uppy over tus.
import { Dashboard, Tus, Uppy } from './uppy.min.mjs';

const $ = (id) => document.getElementById(id);
let uppy = null;

const formatBytes = (n) => {
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let v = n;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return `${u === 0 ? v : v.toFixed(1)} ${units[u]}`;
};

async function api(path, options = {}) {
  const res = await fetch(`./api/${path}`, {
    ...options,
    headers: options.body ? { 'content-type': 'application/json' } : {},
    credentials: 'same-origin',
  });
  const body = res.status === 204 ? null : await res.json().catch(() => null);
  return { ok: res.ok, status: res.status, body };
}

function showLogin(message) {
  $('workspace').hidden = true;
  $('login').hidden = false;
  const params = new URLSearchParams(location.search);
  if (params.get('user') && !$('user').value) $('user').value = params.get('user');
  $('login-error').hidden = !message;
  $('login-error').textContent = message ?? '';
}

function renderReceipts(files) {
  const body = $('receipts').querySelector('tbody');
  body.replaceChildren(
    ...files.map((f) => {
      const tr = document.createElement('tr');
      tr.dataset.sha256 = f.sha256 ?? '';
      for (const [text, cls] of [
        [f.fileName, 'name'],
        [formatBytes(f.size), 'size'],
        [f.sha256 ?? '', 'sha'],
        [f.uploadedAt ? new Date(f.uploadedAt).toLocaleString() : '', 'at'],
      ]) {
        const td = document.createElement('td');
        td.className = cls;
        td.textContent = text;
        tr.append(td);
      }
      return tr;
    }),
  );
}

async function refreshReceipts() {
  const res = await api('session');
  if (res.ok) renderReceipts(res.body.files);
  else if (res.status === 401 || res.status === 403) showLogin(res.body?.detail);
}

function showWorkspace(session) {
  $('login').hidden = true;
  $('workspace').hidden = false;
  $('who').textContent =
    `Signed in as ${session.user} for case ${session.caseNumber} — ${session.caseTitle}. ` +
    `Files up to ${formatBytes(session.maxFileBytes)} each.`;
  renderReceipts(session.files);
  if (uppy) return;
  uppy = new Uppy({ autoProceed: true, restrictions: { maxFileSize: session.maxFileBytes } })
    .use(Dashboard, {
      inline: true,
      target: '#drop',
      height: 360,
      proudlyDisplayPoweredByUppy: false,
      showProgressDetails: true,
    })
    .use(Tus, {
      endpoint: new URL('./tus', location.href).href,
      // Bounded requests: a cut connection loses at most one chunk's progress on the wire.
      chunkSize: 64 * 1024 * 1024,
      retryDelays: [0, 1000, 3000, 5000, 10000, 20000, 30000],
      removeFingerprintOnSuccess: true,
      withCredentials: true,
      onShouldRetry: (err, _retryAttempt, _options, next) => {
        const status = err?.originalResponse?.getStatus?.();
        if (status === 401 || status === 403) return false;
        return next(err);
      },
    });
  uppy.on('upload-success', () => void refreshReceipts());
  uppy.on('upload-error', (_file, _err, response) => {
    if (response?.status === 401 || response?.status === 403) void refreshReceipts();
  });
  uppy.on('complete', () => void refreshReceipts());
}

$('login').addEventListener('submit', async (event) => {
  event.preventDefault();
  $('sign-in').disabled = true;
  try {
    const res = await api('login', {
      method: 'POST',
      body: JSON.stringify({ user: $('user').value.trim(), password: $('password').value }),
    });
    if (res.ok) {
      $('password').value = '';
      showWorkspace(res.body);
    } else {
      showLogin(res.status === 429 ? 'Too many attempts. Wait a minute and try again.' : res.body?.detail);
    }
  } finally {
    $('sign-in').disabled = false;
  }
});

$('sign-out').addEventListener('click', async () => {
  await api('logout', { method: 'POST' });
  showLogin();
});

const first = await api('session');
if (first.ok) showWorkspace(first.body);
else showLogin(first.status === 401 ? undefined : first.body?.detail);
