// TypeScript declarations of the Version Observer browser client (index.js). PackageContractTest keeps them in
// step with the module: every export and every option of DEFAULTS is declared here.

/** Options of {@link connect}; each falls back to `window.versionObserverOptions`, then to {@link DEFAULTS}. */
export interface VersionObserverOptions {
  /** The version this page runs; defaults to `window.appVersion`. Sent as `?v=` on the socket. */
  appVersion?: string;
  /** Path of the WebSocket on this page's origin. Default `/version/ws`. */
  socketPath?: string;
  /** First reconnect delay ceiling in ms (full jitter, doubling per attempt). Default 500. */
  backoffBaseMs?: number;
  /** Largest reconnect delay ceiling in ms. Default 30000. */
  backoffCapMs?: number;
  /** A socket that has not said hello within this many ms is replaced. Default 10000. */
  helloTimeoutMs?: number;
  /** How often the client pings the server, in ms. Default 30000. */
  heartbeatIntervalMs?: number;
  /** A ping unanswered for this many ms gets the socket replaced. Default 10000. */
  heartbeatTimeoutMs?: number;
  /** Reload the page by itself when told (at most once per version per tab). Default false. */
  autoReload?: boolean;
  /** Show the built-in "new version" banner unless the app cancels the event. Default true. */
  banner?: boolean;
}

/** What the page loaded by the `{#versionObserver /}` tag reads before client.js starts. */
export interface VersionObserverWindowOptions extends VersionObserverOptions {
  /** Do not start on load: the page calls {@link connect} itself. */
  manual?: boolean;
}

/** The connection's state, as `document.documentElement.dataset.versionObserver` also shows it. */
export type VersionObserverStatus = 'connecting' | 'connected' | 'reconnecting' | 'rejected' | 'stopped';

/**
 * A message from the server (the `/version/ws` protocol, README). Every message carries `protocol`; a higher number
 * than 1 only adds fields.
 */
export type VersionObserverMessage =
  | {
      type: 'hello'; protocol: number;
      /** The version the answering pod runs. */
      server: string; pod: string;
      published: string | null;
      /** Whether the page's own version (`?v=`) is stale against `published`; null when it sent none. */
      stale: boolean | null;
    }
  | { type: 'new_version'; protocol: number; version: string; previous?: string | null; stale?: boolean | null }
  | { type: 'pong'; protocol: number };

/** Live state of a started client. */
export interface VersionObserverState {
  status: VersionObserverStatus;
  /** The version the cluster last published, once the server said it. */
  published: string | null;
  /** Versions this page was told about (here or in another tab of the origin). */
  prompted: Set<string>;
  /** How many times this page prompted (dispatched `version-observer:new-version`). */
  promptCount: number;
  connects: number;
  /** Sockets given up as silent (no hello, no answer to a ping). */
  abandoned: number;
  pongs: number;
  lastMessage: VersionObserverMessage | null;
}

/** A started client. */
export interface VersionObserverHandle {
  readonly state: VersionObserverState;
  /** Closes the socket and stops reconnecting. */
  stop(): void;
}

/** `detail` of the cancelable `version-observer:new-version` event; `preventDefault()` keeps the banner away. */
export interface NewVersionDetail {
  /** The newly published version. */
  version: string;
  /** The version published before it, when the server knows it. */
  previous: string | null;
  /** The version this page runs. */
  running: string;
}

/** `detail` of the `version-observer:status` event. */
export interface StatusDetail {
  status: VersionObserverStatus;
}

/** The options used where none is given. */
export declare const DEFAULTS: Readonly<Required<Omit<VersionObserverOptions, 'appVersion'>>>;

/** Starts the client: one WebSocket to the page's origin, reconnecting, prompting once per new version. */
export declare function connect(options?: VersionObserverOptions): VersionObserverHandle;

/** Reconnect delay for attempt `attempt` (0-based): uniform in [0, min(capMs, baseMs * 2^attempt)). */
export declare function backoffDelay(attempt: number, baseMs: number, capMs: number, random?: () => number): number;

/** The socket URL for a page location: same origin, ws or wss to match http or https. */
export declare function socketUrl(location: Pick<Location, 'protocol' | 'host'>, path: string,
  appVersion?: string): string;

declare global {
  interface Window {
    /** The version this page runs (the `{#versionObserver /}` tag sets it). */
    appVersion?: string;
    versionObserverOptions?: VersionObserverWindowOptions;
    /** The client client.js started for this page. */
    versionObserver?: VersionObserverHandle;
  }

  interface WindowEventMap {
    'version-observer:new-version': CustomEvent<NewVersionDetail>;
    'version-observer:status': CustomEvent<StatusDetail>;
  }
}
