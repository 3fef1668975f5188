// What the {#versionObserver /} tag loads: starts the client (index.js) for this page as window.versionObserver,
// unless window.versionObserverOptions.manual is set before it loads. Re-exports index.js for pages that import it.
import { connect } from './index.js';

export * from './index.js';

if (!(window.versionObserverOptions && window.versionObserverOptions.manual)) {
  window.versionObserver = connect();
}
