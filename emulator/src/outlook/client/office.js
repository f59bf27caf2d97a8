// Emulated office.js for Outlook on the web (served at /_outlook/office.js). An add-in page loads
// it instead of Microsoft's CDN copy. Inside the emulated Outlook (the page was opened in a frame
// with ?_host_Info=…) it talks to the Outlook page by postMessage, checking both directions'
// origins: the host is the origin this script came from, the host checks the frame's origin.
// Outside Outlook, Office.onReady resolves with host null, like the real office.js.
// Covered: Office.onReady / Office.initialize, Office.context (host, platform, requirements,
// mailbox: item, userProfile, convertToRestId/convertToEwsId, legacy tokens that fail as in
// Exchange Online since 2025), item.getAsFileAsync, getAllInternetHeadersAsync, body.getAsync,
// notificationMessages, roamingSettings (saved in the mailbox), Office.actions.associate,
// event.completed, the enums, and
// window.nestedAppAuthBridge for MSAL.js nested app authentication.
(() => {
  const script = document.currentScript;
  const hostOrigin = script?.src ? new URL(script.src).origin : null;
  const hostInfo = new URLSearchParams(location.search).get('_host_Info');
  const frameId = hostInfo ? hostInfo.split('$')[4] : null;
  const inOutlook = Boolean(frameId && hostOrigin && window.parent !== window);

  const Succeeded = 'succeeded';
  const Failed = 'failed';
  const result = (status, value, error, asyncContext) => {
    const r = { status, value, asyncContext, diagnostics: undefined };
    if (error) r.error = { name: error.name, message: error.message, code: error.code };
    return r;
  };
  /** office.js methods take (options?, callback?) or (callback). */
  const splitArgs = (args) => {
    const cb = args.find((a) => typeof a === 'function');
    const options = args.find((a) => a && typeof a === 'object') || {};
    return { cb, asyncContext: options.asyncContext };
  };

  let nextCall = 1;
  const calls = new Map();
  const send = (msg) => window.parent.postMessage({ __owaEmu: 1, frameId, ...msg }, hostOrigin);
  const call = (method, params) =>
    new Promise((resolve) => {
      const callId = nextCall++;
      calls.set(callId, resolve);
      send({ type: 'call', callId, method, params });
    });
  /** An async method whose work is a host call: callback with an AsyncResult. */
  const asyncMethod =
    (method, paramsOf = () => ({})) =>
    (...args) => {
      const { cb, asyncContext } = splitArgs(args);
      call(method, paramsOf(args)).then((r) => {
        if (cb)
          cb(r.ok ? result(Succeeded, r.value, null, asyncContext) : result(Failed, undefined, r.error, asyncContext));
      });
    };

  const actions = new Map();
  let pendingInvoke = null;
  const runInvoke = () => {
    if (!pendingInvoke) return;
    const fn = actions.get(pendingInvoke.functionName);
    if (!fn) return; // associated later by the page's script
    const inv = pendingInvoke;
    pendingInvoke = null;
    let done = false;
    const event = {
      ...inv.event,
      completed(options) {
        if (done) return;
        done = true;
        send({ type: 'completed', options: options ? JSON.parse(JSON.stringify(options)) : {} });
      },
    };
    try {
      fn(event);
    } catch (e) {
      send({ type: 'error', message: String(e?.message || e) });
    }
  };

  const naaListeners = new Set();
  const naaBridge = {
    postMessage(payload) {
      send({ type: 'naa', payload: String(payload) });
    },
    addEventListener(type, fn) {
      if (type === 'message') naaListeners.add(fn);
    },
    removeEventListener(type, fn) {
      if (type === 'message') naaListeners.delete(fn);
    },
  };

  const MailboxEnums = {
    ItemType: { Message: 'message', Appointment: 'appointment' },
    RestVersion: { v1_0: 'v1.0', v2_0: 'v2.0', Beta: 'beta' },
    MoveSpamItemTo: {
      CustomFolder: 'customFolder',
      DeletedItemsFolder: 'deletedItemsFolder',
      JunkFolder: 'junkFolder',
      NoMove: 'noMove',
    },
    ItemNotificationMessageType: {
      ProgressIndicator: 'progressIndicator',
      InformationalMessage: 'informationalMessage',
      ErrorMessage: 'errorMessage',
      InsightMessage: 'insightMessage',
    },
    RecipientType: { Other: 'other', DistributionList: 'distributionList', User: 'user', ExternalUser: 'externalUser' },
    AttachmentType: { File: 'file', Item: 'item', Cloud: 'cloud' },
  };

  const Office = {
    HostType: { Outlook: 'Outlook', Word: 'Word', Excel: 'Excel', PowerPoint: 'PowerPoint' },
    PlatformType: { OfficeOnline: 'OfficeOnline', PC: 'PC', Mac: 'Mac', iOS: 'iOS', Android: 'Android' },
    AsyncResultStatus: { Succeeded, Failed },
    CoercionType: { Text: 'text', Html: 'html' },
    EventType: { SpamReporting: 'SpamReporting', ItemChanged: 'olkItemSelectedChanged' },
    InitializationReason: { Inserted: 'inserted', DocumentOpened: 'documentOpened' },
    MailboxEnums,
    context: { requirements: { isSetSupported: () => false } },
    initialize: undefined,
    actions: {
      associate(name, fn) {
        actions.set(name, fn);
        runInvoke();
      },
    },
    onReady(cb) {
      return ready.then((info) => {
        if (cb) cb(info);
        return info;
      });
    },
  };
  window.Office = Office;

  let resolveReady;
  const ready = new Promise((r) => {
    resolveReady = r;
  });
  const domReady = new Promise((r) => {
    if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', () => r());
    else r();
  });
  // MSAL.js calls this before looking for window.nestedAppAuthBridge.
  window.__initializeNestedAppAuth = () => ready.then(() => undefined);

  if (!inOutlook) {
    domReady.then(() => resolveReady({ host: null, platform: null }));
    return;
  }

  const compare = (a, b) => {
    const pa = String(a).split('.').map(Number);
    const pb = String(b).split('.').map(Number);
    for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
      const d = (pa[i] || 0) - (pb[i] || 0);
      if (d) return d;
    }
    return 0;
  };

  function build(init) {
    const sets = init.requirementSets; // { mailbox: '1.14', nestedappauth: '1.1' }
    const it = init.item;
    const legacyTokenOff = (...args) => {
      const { cb, asyncContext } = splitArgs(args);
      const error = {
        name: 'GenericTokenError',
        code: 9017,
        message: 'Legacy Exchange Online tokens are turned off for this organization. Use nested app authentication.',
      };
      if (cb) setTimeout(() => cb(result(Failed, undefined, error, asyncContext)), 0);
    };
    const item = it && {
      itemId: it.itemId,
      itemType: MailboxEnums.ItemType.Message,
      itemClass: 'IPM.Note',
      subject: it.subject,
      normalizedSubject: it.subject.replace(/^((re|fw|fwd|aw|wg):\s*)+/i, ''),
      from: it.from && { ...it.from, recipientType: 'other' },
      sender: it.from && { ...it.from, recipientType: 'other' },
      to: it.to,
      cc: it.cc,
      internetMessageId: it.internetMessageId,
      dateTimeCreated: new Date(it.dateTimeCreated),
      dateTimeModified: new Date(it.dateTimeCreated),
      attachments: [],
      getAsFileAsync: asyncMethod('getAsFile'),
      getAllInternetHeadersAsync: asyncMethod('getHeaders'),
      body: {
        getAsync: asyncMethod('getBody', (args) => ({
          coercionType: args.find((a) => typeof a === 'string') || 'text',
        })),
      },
      notificationMessages: {
        addAsync: asyncMethod('notification.add', (args) => ({ key: args[0], details: args[1] })),
        replaceAsync: asyncMethod('notification.add', (args) => ({ key: args[0], details: args[1] })),
        removeAsync: asyncMethod('notification.remove', (args) => ({ key: args[0] })),
        getAllAsync: asyncMethod('notification.all'),
      },
    };
    Office.context = {
      host: 'Outlook',
      platform: 'OfficeOnline',
      contentLanguage: 'en-US',
      displayLanguage: 'en-US',
      diagnostics: { host: 'Outlook', platform: 'OfficeOnline', version: '16.0.0.0' },
      requirements: {
        isSetSupported(name, minVersion) {
          const have = sets[String(name).toLowerCase()];
          if (!have) return false;
          return minVersion === undefined || compare(have, minVersion) >= 0;
        },
      },
      // Per add-in and user, kept in the mailbox: loaded when the frame starts, saved whole by
      // saveAsync. Exchange keeps 32 KB per add-in; set throws error 9057 beyond that.
      roamingSettings: (() => {
        const values = JSON.parse(JSON.stringify(init.roamingSettings || {}));
        return {
          get: (k) => values[k],
          set: (k, v) => {
            const next = { ...values, [k]: v };
            if (JSON.stringify(next).length > 32 * 1024) {
              const e = new Error('The roaming settings exceed 32 KB.');
              e.code = 9057;
              throw e;
            }
            values[k] = v;
          },
          remove: (k) => {
            delete values[k];
          },
          saveAsync: (...args) => {
            const { cb, asyncContext } = splitArgs(args);
            call('roamingSettings.save', { values: JSON.parse(JSON.stringify(values)) }).then((r) => {
              if (cb)
                cb(
                  r.ok
                    ? result(Succeeded, undefined, null, asyncContext)
                    : result(Failed, undefined, r.error, asyncContext),
                );
            });
          },
        };
      })(),
      mailbox: {
        item,
        userProfile: { ...init.userProfile, timeZone: 'UTC', accountType: 'enterprise' },
        diagnostics: { hostName: 'OutlookWebApp', hostVersion: '16.0', OWAView: 'TwoColumns' },
        restUrl: 'https://outlook.office.com/api',
        ewsUrl: 'https://outlook.office365.com/EWS/Exchange.asmx',
        // Exchange's EWS and REST ids are the same bytes in two base64 alphabets.
        convertToRestId: (id) => String(id).replaceAll('/', '-').replaceAll('+', '_'),
        convertToEwsId: (id) => String(id).replaceAll('-', '/').replaceAll('_', '+'),
        getCallbackTokenAsync: legacyTokenOff,
        getUserIdentityTokenAsync: legacyTokenOff,
        makeEwsRequestAsync: legacyTokenOff,
      },
    };
    if (sets.nestedappauth) window.nestedAppAuthBridge = naaBridge;
  }

  window.addEventListener('message', (e) => {
    if (e.source !== window.parent || e.origin !== hostOrigin) return;
    const d = e.data;
    if (d?.__owaEmu !== 1) return;
    if (d.type === 'init') {
      build(d.init);
      domReady.then(() => {
        if (typeof Office.initialize === 'function') Office.initialize(Office.InitializationReason.Inserted);
        resolveReady({ host: 'Outlook', platform: 'OfficeOnline' });
      });
    } else if (d.type === 'invoke') {
      pendingInvoke = d.invoke;
      ready.then(runInvoke);
    } else if (d.type === 'reply') {
      const resolve = calls.get(d.callId);
      calls.delete(d.callId);
      resolve?.(d);
    } else if (d.type === 'naa') {
      for (const fn of naaListeners) fn(d.payload);
    }
  });
  send({ type: 'hello' });
})();
