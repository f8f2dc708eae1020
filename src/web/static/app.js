// photocheck web pages: upload with progress (XHR), checking progress (polls the submission), reviewer forms.
'use strict';

(function () {
  const lang = document.body.dataset.lang === 'en' ? 'en' : 'zh';
  const fill = (s, data) => s.replace(/\{\{(\w+)\}\}/g, (_, k) => String(data[k] ?? ''));
  const errorText = (body, fallback) => (body && body.error && body.error.message && body.error.message[lang]) || fallback;
  const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

  // ── upload ────────────────────────────────────────────────────────────────────────────────────────────
  const form = document.getElementById('upload');
  if (form) {
    const words = JSON.parse(form.dataset.text);
    const input = form.querySelector('input[type=file]');
    const drop = form.querySelector('.drop');
    const chosen = form.querySelector('.chosen');
    const box = document.querySelector('.upload .progress');
    const bar = box.querySelector('progress');
    const status = box.querySelector('.status');
    let files = [];

    const show = (list) => {
      files = Array.from(list).filter((f) => f.size > 0);
      chosen.textContent = files.length ? `${fill(words.chosen, { n: files.length })}：${files.map((f) => f.name).join('，')}` : '';
    };
    input.addEventListener('change', () => show(input.files));
    ['dragenter', 'dragover'].forEach((e) => drop.addEventListener(e, (ev) => { ev.preventDefault(); drop.classList.add('over'); }));
    ['dragleave', 'drop'].forEach((e) => drop.addEventListener(e, (ev) => { ev.preventDefault(); drop.classList.remove('over'); }));
    drop.addEventListener('drop', (ev) => show(ev.dataTransfer.files));

    const say = (text, value, isError) => {
      box.hidden = false;
      status.textContent = text;
      status.classList.toggle('alert', !!isError);
      if (value !== undefined) bar.value = value;
    };

    const upload = (url, data) =>
      new Promise((resolve, reject) => {
        const xhr = new XMLHttpRequest();
        xhr.open('POST', url);
        xhr.responseType = 'json';
        xhr.upload.addEventListener('progress', (ev) => {
          if (ev.lengthComputable) {
            const pct = Math.round((ev.loaded / ev.total) * 100);
            say(fill(words.uploading, { pct }), pct);
          }
        });
        xhr.addEventListener('load', () => resolve({ status: xhr.status, body: xhr.response }));
        xhr.addEventListener('error', () => reject(new Error(words.network)));
        xhr.send(data);
      });

    const poll = async (id) => {
      for (;;) {
        const res = await fetch(`/api/submissions/${id}`, { headers: { accept: 'application/json' } });
        const body = await res.json();
        if (!res.ok) throw new Error(errorText(body, res.statusText));
        const p = body.progress;
        const finished = p.scored + p.failed;
        say(fill(words.checking, { scored: finished, total: p.total }), p.total ? Math.round((finished / p.total) * 100) : 100);
        if (body.done) return body;
        await sleep(1000);
      }
    };

    form.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      if (files.length === 0) return say(words.chooseFirst, 0, true);
      const button = form.querySelector('button[type=submit]');
      button.disabled = true;
      const activity = form.elements.activity.value;
      const data = new FormData();
      if (form.elements.mode.checked) data.append('mode', 'replace');
      for (const f of files) data.append('files', f, f.name);
      const url = `/api/units/${encodeURIComponent(form.dataset.unit)}/activities/${encodeURIComponent(activity)}/submissions`;
      try {
        say(fill(words.uploading, { pct: 0 }), 0);
        const res = await upload(url, data);
        if (res.status !== 202) throw new Error(errorText(res.body, `HTTP ${res.status}`));
        bar.value = 0;
        const done = await poll(res.body.submission.id);
        say(words.done, 100);
        location.assign(`${location.pathname}?activity=${encodeURIComponent(activity)}&v=${done.submission.version}#act-${encodeURIComponent(activity)}`);
      } catch (err) {
        say(words.failed + err.message, undefined, true);
        button.disabled = false;
      }
    });
  }

  // ── reviewer's decision (collector) ───────────────────────────────────────────────────────────────────
  document.querySelectorAll('form.review-form').forEach((f) => {
    const send = async (method, body) => {
      const res = await fetch(f.dataset.url, {
        method,
        headers: body ? { 'content-type': 'application/json' } : {},
        body: body ? JSON.stringify(body) : undefined,
      });
      if (!res.ok) {
        const b = await res.json().catch(() => null);
        alert(errorText(b, `HTTP ${res.status}`));
        return;
      }
      location.reload();
    };
    f.addEventListener('submit', (ev) => {
      ev.preventDefault();
      send('PUT', { decision: f.elements.decision.value, note: f.elements.note.value });
    });
    const del = f.querySelector('[data-action=delete]');
    if (del) del.addEventListener('click', () => send('DELETE'));
  });
})();
