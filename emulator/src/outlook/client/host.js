// The emulated Outlook page's script (served at /_outlook/host.js): runs add-in commands in
// frames and answers their office.js. A frame is only listened to when the message comes from
// that frame's window and from the origin of the URL Outlook loaded into it; answers are posted
// to that origin only. Integrated spam reporting shows the pre-processing dialog (the manifest's
// options and free-text box) before the handler runs, applies event.completed's moveItemTo and
// shows its post-processing dialog.
(() => {
  const dataEl = document.getElementById('owa-data');
  const fileInput = document.querySelector('[data-action="manifest-file"]');
  if (fileInput) {
    fileInput.addEventListener('change', async () => {
      const f = fileInput.files?.[0];
      if (f) document.querySelector('[name="manifestXml"]').value = await f.text();
    });
  }
  if (!dataEl) return;
  const data = JSON.parse(dataEl.textContent);
  const addinById = new Map(data.addins.map((a) => [a.id, a]));
  const frames = new Map(); // frameId → { iframe, origin, addin, mode, invoke, onCompleted }
  const notifications = new Map();
  const HANDLER_LIMIT_MS = 5 * 60_000; // Outlook ends a spam-reporting handler after 5 minutes

  const api = async (path, body) => {
    const res = await fetch(`/_outlook/api/${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    const json = await res.json().catch(() => ({}));
    return res.ok ? { ok: true, value: json } : { ok: false, error: json.error };
  };

  function openFrame(addin, url, mode, invoke, container) {
    const frameId = crypto.randomUUID();
    const u = new URL(url);
    u.searchParams.set('_host_Info', `Outlook$Web$16.01$en-US$${frameId}$$$0`);
    const iframe = document.createElement('iframe');
    iframe.dataset.testid = mode === 'taskpane' ? 'taskpane-frame' : 'function-frame';
    iframe.dataset.addin = addin.id;
    // Outlook on the web sandboxes add-in frames this way: no top navigation, no modals.
    iframe.sandbox =
      'allow-scripts allow-same-origin allow-forms allow-popups allow-popups-to-escape-sandbox allow-downloads';
    const entry = { iframe, origin: u.origin, addin, mode, invoke, onCompleted: null, timer: null };
    frames.set(frameId, entry);
    iframe.src = u.toString();
    container.appendChild(iframe);
    return { frameId, entry };
  }

  function closeFrame(frameId) {
    const f = frames.get(frameId);
    if (!f) return;
    clearTimeout(f.timer);
    frames.delete(frameId);
    f.iframe.remove();
  }

  function initFor(f) {
    const sets = { mailbox: '1.14' };
    if (data.nestedAppAuth) sets.nestedappauth = '1.1';
    // roamingSettings start from what the add-in saved last (in this page or an earlier one).
    const roamingSettings = data.roaming?.[f.addin.id] ?? {};
    return { requirementSets: sets, item: data.item, userProfile: data.user, roamingSettings };
  }

  const postTo = (f, msg) => f.iframe.contentWindow?.postMessage({ __owaEmu: 1, ...msg }, f.origin);

  function renderNotifications() {
    const bar = document.getElementById('infobar');
    if (!bar) return;
    bar.replaceChildren(
      ...[...notifications.entries()].map(([key, d]) => {
        const div = document.createElement('div');
        div.dataset.testid = 'notification';
        div.dataset.key = key;
        div.textContent = d.message ?? '';
        return div;
      }),
    );
  }

  async function hostCall(f, method, params) {
    const itemId = data.item?.itemId;
    switch (method) {
      case 'getAsFile':
        return api('item/eml', { itemId }).then((r) => (r.ok ? { ok: true, value: r.value.value } : r));
      case 'getHeaders':
        return api('item/headers', { itemId }).then((r) => (r.ok ? { ok: true, value: r.value.value } : r));
      case 'getBody':
        return api('item/body', { itemId, coercionType: params.coercionType }).then((r) =>
          r.ok ? { ok: true, value: r.value.value } : r,
        );
      case 'notification.add':
        notifications.set(String(params.key), params.details || {});
        renderNotifications();
        return { ok: true };
      case 'notification.remove':
        notifications.delete(String(params.key));
        renderNotifications();
        return { ok: true };
      case 'roamingSettings.save':
        return api('roaming', { addinId: f.addin.id, values: params.values }).then((r) => {
          if (r.ok) data.roaming = { ...data.roaming, [f.addin.id]: params.values };
          return r.ok ? { ok: true } : r;
        });
      case 'notification.all':
        return { ok: true, value: [...notifications.entries()].map(([key, d]) => ({ key, ...d })) };
      default:
        return { ok: false, error: { name: 'NotSupported', message: `${method} is not supported`, code: 5000 } };
    }
  }

  window.addEventListener('message', async (e) => {
    const d = e.data;
    if (d?.__owaEmu !== 1) return;
    const f = frames.get(d.frameId);
    if (!f || e.source !== f.iframe.contentWindow || e.origin !== f.origin) return;
    if (d.type === 'hello') {
      postTo(f, { type: 'init', init: initFor(f) });
      if (f.invoke) postTo(f, { type: 'invoke', invoke: f.invoke });
    } else if (d.type === 'call') {
      const r = await hostCall(f, d.method, d.params || {});
      postTo(f, { type: 'reply', callId: d.callId, ...r });
    } else if (d.type === 'naa') {
      const r = await api('naa', { origin: f.origin, payload: d.payload });
      const payload = r.ok
        ? JSON.stringify(r.value)
        : JSON.stringify({ success: false, error: { status: 'TRANSIENT_ERROR', code: 'host_error' } });
      postTo(f, { type: 'naa', payload });
    } else if (d.type === 'completed') {
      f.onCompleted?.(d.options || {});
    } else if (d.type === 'error') {
      f.onCompleted?.({ error: d.message });
    }
  });

  // ── dialogs ──
  function dialog(testid, build) {
    const wrap = document.createElement('div');
    wrap.className = 'dialog';
    wrap.dataset.testid = testid;
    const box = document.createElement('div');
    wrap.appendChild(box);
    build(box, () => wrap.remove());
    document.body.appendChild(wrap);
    return wrap;
  }
  const el = (tag, props = {}, ...children) => {
    const n = document.createElement(tag);
    Object.assign(n, props);
    for (const c of children) n.append(c);
    return n;
  };
  const reload = () => location.assign(`/_outlook/?folder=${encodeURIComponent(data.folder)}`);

  const MOVE = { junkFolder: 'junkemail', deletedItemsFolder: 'deleteditems' };

  function reportPhishing(addin) {
    const rp = addin.reportPhishing;
    dialog('preprocessing-dialog', (box, close) => {
      const checks = rp.dialog.options.map((label, i) => {
        const input = el('input', { type: 'checkbox' });
        input.dataset.testid = `report-option-${i}`;
        return { input, row: el('label', { style: 'display:block' }, input, ` ${label}`) };
      });
      const free = rp.dialog.freeTextLabel ? el('textarea', { rows: 3, style: 'width:100%' }) : null;
      if (free) free.dataset.testid = 'report-free-text';
      const status = el('p');
      status.dataset.testid = 'report-status';
      const submit = el('button', { textContent: 'Report' });
      submit.dataset.testid = 'report-submit';
      const cancel = el('button', { textContent: 'Cancel', onclick: close });
      box.append(
        el('h2', { textContent: rp.dialog.title }),
        el('p', { textContent: rp.dialog.description }),
        ...(rp.dialog.optionsTitle ? [el('p', { textContent: rp.dialog.optionsTitle })] : []),
        ...checks.map((c) => c.row),
        ...(free ? [el('p', { textContent: rp.dialog.freeTextLabel }), free] : []),
        ...(rp.dialog.moreInfo
          ? [
              el(
                'p',
                {},
                el('a', { href: rp.dialog.moreInfo.url, target: '_blank', textContent: rp.dialog.moreInfo.text }),
              ),
            ]
          : []),
        status,
        el('p', {}, submit, ' ', cancel),
      );
      submit.onclick = () => {
        submit.disabled = true;
        status.textContent = 'Reporting…';
        const event = {
          type: 'SpamReporting',
          options: checks.map((c) => c.input.checked),
          freeText: free ? free.value : '',
        };
        const { frameId, entry } = openFrame(
          addin,
          rp.sourceLocation,
          'function',
          { functionName: rp.functionName, event },
          document.getElementById('frames'),
        );
        entry.timer = setTimeout(
          () => entry.onCompleted?.({ error: 'The add-in did not finish within 5 minutes.' }),
          HANDLER_LIMIT_MS,
        );
        entry.onCompleted = async (options) => {
          entry.onCompleted = null;
          closeFrame(frameId);
          close();
          if (options.error && options.onErrorDeleteItem)
            await api('item/move', { itemId: data.item.itemId, folder: 'deleteditems' });
          // Outlook moves a reported message to Junk Email unless the add-in says otherwise.
          const target = options.error ? null : (MOVE[options.moveItemTo ?? 'junkFolder'] ?? null);
          if (target) await api('item/move', { itemId: data.item.itemId, folder: target });
          const post = options.showPostProcessingDialog;
          if (post || options.error) {
            dialog('postprocessing-dialog', (b, done) => {
              const ok = el('button', {
                textContent: 'OK',
                onclick: () => {
                  done();
                  reload();
                },
              });
              ok.dataset.testid = 'postprocessing-ok';
              const title = el('h2', { textContent: post?.title ?? 'Report' });
              title.dataset.testid = 'postprocessing-title';
              const text = el('p', { textContent: post?.description ?? options.error });
              text.dataset.testid = 'postprocessing-description';
              b.append(title, text, ok);
            });
          } else reload();
        };
      };
    });
  }

  function runCommand(addin, button) {
    if (button.action.kind === 'taskpane') {
      const pane = document.getElementById('taskpane');
      for (const [id, f] of frames) if (f.mode === 'taskpane') closeFrame(id);
      document.getElementById('taskpane-title').textContent = button.label;
      pane.classList.add('open');
      openFrame(addin, button.action.url, 'taskpane', null, pane);
      return;
    }
    const event = { source: { id: button.id } };
    const { frameId, entry } = openFrame(
      addin,
      addin.functionFile,
      'function',
      { functionName: button.action.functionName, event },
      document.getElementById('frames'),
    );
    entry.timer = setTimeout(() => closeFrame(frameId), HANDLER_LIMIT_MS);
    entry.onCompleted = () => closeFrame(frameId);
  }

  document.addEventListener('click', async (e) => {
    const t = e.target.closest('button');
    if (!t) return;
    if (t.dataset.action === 'close-taskpane') {
      for (const [id, f] of frames) if (f.mode === 'taskpane') closeFrame(id);
      document.getElementById('taskpane').classList.remove('open');
    } else if (t.dataset.action === 'report-phishing') {
      reportPhishing(addinById.get(t.dataset.addin));
    } else if (t.dataset.action === 'native-report') {
      await api('item/move', { itemId: data.item.itemId, folder: 'junkemail' });
      reload();
    } else if (t.dataset.testid === 'addin-button') {
      const addin = addinById.get(t.dataset.addin);
      const button = addin?.buttons.find((b) => b.id === t.dataset.control);
      if (button) runCommand(addin, button);
    }
  });
})();
