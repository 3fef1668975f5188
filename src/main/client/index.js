// Version Observer browser client: a plain ES module, no build step, no side effect on import. Pages that use
// the {#versionObserver /} tag load client.js, which starts it; a JavaScript build imports this module (the
// package's main entry, package.json) and calls connect() itself.
//
// It keeps one WebSocket to /version/ws open (reconnecting with capped exponential backoff and full jitter; a
// socket that stays silent is given up and replaced, see `watchdog`) and, when the server says the version this
// page runs is stale, does two things, once per new version across reconnects and across the tabs of this origin:
//   1. dispatches a cancelable `version-observer:new-version` event on window (an SPA may preventDefault() and
//      handle it itself), then
//   2. unless cancelled, shows an accessible, dismissable "A new version is available — Reload" banner.
// It never reloads by itself unless `window.versionObserverOptions = { autoReload: true }`; even then at most
// once per version per tab, so a misconfigured deployment cannot cause a reload loop.

const STORAGE_PREFIX = 'version-observer:prompted:';
const RELOAD_PREFIX = 'version-observer:reloaded:';
const CHANNEL = 'version-observer';
const LOCK = 'version-observer-prompt';

/** The options connect() uses where neither its argument nor window.versionObserverOptions sets one. */
export const DEFAULTS = Object.freeze({
  socketPath: '/version/ws',
  backoffBaseMs: 500,
  backoffCapMs: 30000,
  helloTimeoutMs: 10000,
  heartbeatIntervalMs: 30000,
  heartbeatTimeoutMs: 10000,
  autoReload: false,
  banner: true,
});

/**
 * Delay before reconnect attempt `attempt` (0-based): "full jitter", uniform in [0, min(cap, base * 2^attempt)].
 * Full jitter spreads thousands of browsers that lost the same pod instead of reconnecting them in waves.
 */
export function backoffDelay(attempt, baseMs, capMs, random = Math.random) {
  const ceiling = Math.min(capMs, baseMs * Math.pow(2, Math.min(attempt, 30)));
  return Math.floor(random() * ceiling);
}

/** The socket URL for this page: same origin, ws or wss to match http or https. */
export function socketUrl(location, path, appVersion) {
  const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
  const query = appVersion ? `?v=${encodeURIComponent(appVersion)}` : '';
  return `${scheme}//${location.host}${path}${query}`;
}

function storageGet(storage, key) {
  try {
    return storage.getItem(key);
  } catch (e) {
    return null; // storage disabled (privacy mode): degrade to once per page load
  }
}

function storageSet(storage, key, value) {
  try {
    storage.setItem(key, value);
  } catch (e) {
    // storage full or disabled: the in-memory guard below still prevents repeats in this tab
  }
}

/** Starts the client. Returns a handle with the live state and a stop() for tests and SPAs. */
export function connect(userOptions = {}) {
  const options = { ...DEFAULTS, ...(window.versionObserverOptions || {}), ...userOptions };
  const appVersion = options.appVersion || window.appVersion || '';
  const promptKey = STORAGE_PREFIX + appVersion;
  const channel = 'BroadcastChannel' in window ? new BroadcastChannel(CHANNEL) : null;

  const state = {
    status: 'connecting',
    published: null,
    prompted: new Set(),
    promptCount: 0,
    connects: 0,
    abandoned: 0,
    pongs: 0,
    lastMessage: null,
  };
  let socket = null;
  let attempt = 0;
  let timer = null;
  let stopped = false;
  // A page cannot see the server's WebSocket pings, so it cannot tell a quiet socket from a dead one (a NAT or
  // proxy that dropped the flow silently, a server that lost track of it): without a check of its own it would
  // wait for ever and never be told. The watchdog gives up on a socket that has not greeted within
  // helloTimeoutMs of its creation, or has not answered a heartbeat ping within heartbeatTimeoutMs.
  let watchdog = null;
  let heartbeat = null;
  let greeted = false;

  function setStatus(status) {
    state.status = status;
    document.documentElement.dataset.versionObserver = status;
    window.dispatchEvent(new CustomEvent('version-observer:status', { detail: { status } }));
  }

  // Another tab claimed the prompt for a version: remember it here too, so this tab stays quiet.
  if (channel) {
    channel.onmessage = (event) => {
      const data = event.data || {};
      if (data.type === 'prompted' && data.appVersion === appVersion) {
        state.prompted.add(data.version);
      }
    };
  }

  // Claims "the prompt for this version" for exactly one tab. Web Locks make check-then-set atomic across tabs;
  // without them a same-instant race in two tabs could show two prompts, which is the worst it can do.
  async function claim(version) {
    const check = () => {
      if (state.prompted.has(version) || storageGet(window.localStorage, promptKey) === version) {
        state.prompted.add(version);
        return false;
      }
      storageSet(window.localStorage, promptKey, version);
      state.prompted.add(version);
      if (channel) {
        channel.postMessage({ type: 'prompted', appVersion, version });
      }
      return true;
    };
    if (navigator.locks && navigator.locks.request) {
      return navigator.locks.request(LOCK, check);
    }
    return check();
  }

  async function onStale(version, previous) {
    if (state.prompted.has(version)) {
      return;
    }
    if (!(await claim(version))) {
      return;
    }
    state.promptCount++;
    const event = new CustomEvent('version-observer:new-version', {
      cancelable: true,
      detail: { version, previous, running: appVersion },
    });
    const handledByApp = !window.dispatchEvent(event);
    if (options.autoReload) {
      const reloadKey = RELOAD_PREFIX + version;
      if (storageGet(window.sessionStorage, reloadKey) !== appVersion) {
        storageSet(window.sessionStorage, reloadKey, appVersion);
        window.location.reload();
        return;
      }
    }
    if (!handledByApp && options.banner) {
      showBanner(version);
    }
  }

  function clearTimers() {
    clearTimeout(watchdog);
    clearInterval(heartbeat);
    watchdog = null;
    heartbeat = null;
  }

  /** Drops a silent socket without waiting for a closing handshake that may never come, and reconnects. */
  function abandon(dead, why) {
    if (dead !== socket) {
      return;
    }
    clearTimers();
    socket = null;
    state.abandoned++;
    dead.onmessage = null;
    dead.onclose = null;
    try {
      dead.close(4000, why);
    } catch (e) {
      // already closing: nothing more to do for it
    }
    scheduleReconnect();
  }

  function startHeartbeat(live) {
    clearTimers();
    heartbeat = setInterval(() => {
      if (watchdog !== null) {
        return; // the previous ping is still unanswered: its deadline stands
      }
      try {
        live.send('{"type":"ping"}');
      } catch (e) {
        abandon(live, 'ping failed');
        return;
      }
      watchdog = setTimeout(() => abandon(live, 'no answer to ping'), options.heartbeatTimeoutMs);
    }, options.heartbeatIntervalMs);
  }

  function onMessage(raw, from) {
    if (greeted) {
      clearTimeout(watchdog); // anything the server says proves the socket alive
      watchdog = null;
    }
    let message;
    try {
      message = JSON.parse(raw);
    } catch (e) {
      return; // not ours to interpret
    }
    state.lastMessage = message;
    if (message.type === 'hello') {
      attempt = 0;
      if (!greeted) {
        greeted = true;
        startHeartbeat(from);
      }
      state.published = message.published;
      setStatus('connected');
      if (message.stale === true && message.published) {
        onStale(message.published, null);
      }
    } else if (message.type === 'pong') {
      state.pongs++;
    } else if (message.type === 'new_version') {
      state.published = message.version;
      if (message.stale === true) {
        onStale(message.version, message.previous);
      }
    }
  }

  function open() {
    if (stopped) {
      return;
    }
    setStatus(state.connects === 0 ? 'connecting' : 'reconnecting');
    state.connects++;
    let created;
    try {
      created = new WebSocket(socketUrl(window.location, options.socketPath, appVersion));
    } catch (e) {
      scheduleReconnect();
      return;
    }
    socket = created;
    greeted = false;
    clearTimers();
    watchdog = setTimeout(() => abandon(created, 'no hello'), options.helloTimeoutMs);
    created.onmessage = (event) => onMessage(event.data, created);
    created.onclose = (event) => {
      clearTimers();
      socket = null;
      if (event.code === 1008 && event.reason === 'bad v parameter') {
        setStatus('rejected'); // this page's own version is malformed: retrying cannot help
        return;
      }
      scheduleReconnect();
    };
  }

  function scheduleReconnect() {
    if (stopped) {
      return;
    }
    setStatus('reconnecting');
    const delay = backoffDelay(attempt++, options.backoffBaseMs, options.backoffCapMs);
    timer = setTimeout(open, delay);
  }

  open();

  return {
    state,
    stop() {
      stopped = true;
      clearTimeout(timer);
      clearTimers();
      if (socket) {
        socket.close(1000, 'client stopped');
      }
      if (channel) {
        channel.close();
      }
      setStatus('stopped');
    },
  };
}

const BANNER_CSS = `
  :host { all: initial; }
  .bar { position: fixed; z-index: 2147483647; left: 50%; bottom: 1rem; transform: translateX(-50%);
         display: flex; gap: .75rem; align-items: center; max-width: calc(100vw - 2rem); box-sizing: border-box;
         padding: .75rem 1rem; border-radius: .5rem; background: #1f2328; color: #fff;
         font: 15px/1.4 system-ui, -apple-system, "Segoe UI", sans-serif; box-shadow: 0 4px 16px rgba(0,0,0,.3); }
  button { font: inherit; cursor: pointer; border-radius: .3rem; padding: .3rem .8rem; border: 1px solid #fff; }
  .reload { background: #fff; color: #1f2328; font-weight: 600; }
  .dismiss { background: transparent; color: #fff; border-color: transparent; font-size: 1.2em; padding: 0 .4rem; }
  button:focus-visible { outline: 3px solid #58a6ff; outline-offset: 2px; }
`;

/** The banner lives in a shadow root so neither the page's CSS nor ours leaks across. */
function showBanner(version) {
  const host = document.createElement('version-observer-banner');
  host.dataset.version = version;
  const root = host.attachShadow({ mode: 'open' });
  root.innerHTML = `<style>${BANNER_CSS}</style>
    <div class="bar" role="status" aria-live="polite">
      <span class="text"></span>
      <button type="button" class="reload">Reload</button>
      <button type="button" class="dismiss" aria-label="Dismiss">&times;</button>
    </div>`;
  // textContent, not innerHTML: the version comes from the network.
  root.querySelector('.text').textContent = `A new version (${version}) is available.`;
  root.querySelector('.reload').addEventListener('click', () => window.location.reload());
  root.querySelector('.dismiss').addEventListener('click', () => host.remove());
  document.body.appendChild(host);
}
