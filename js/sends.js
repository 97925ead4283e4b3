// Native sends as promises. The addon starts a send with a synchronous call
// and reports every finished send, by id, to one callback (`Sends` in
// src/binding.rs): one thread-safe function for all sends instead of a
// promise, deferred and thread-safe function made per call (what an N-API
// `async fn` costs; docs/benchmarks.md). This keeps the table of pending
// sends that turns reports back into settled promises.

// Node's largest timer delay: the keep-alive timer never needs to fire.
const TIMEOUT_MAX = 2 ** 31 - 1;
const noop = () => {};

/**
 * Sends through `addon` (a loaded addon, or the lazy `native` proxy):
 * `start(method, ...args)` calls `sends[method](id, ...args)` and returns a
 * promise of `{ answer, failure, log }`. A synchronous throw (an addon that
 * cannot load, arguments N-API refuses) is thrown here, with nothing pending.
 */
export const sendsOf = (addon) => {
  const pending = new Map();
  let sends;
  let nextId = 0;
  // The report callback is weak (it alone never keeps Node running): while
  // sends are pending this timer holds the event loop open, and it is unref'd
  // when the last one settles, so a CLI exits once its work is done.
  let keepAlive;

  const settle = (id, answer, failure, log) => {
    const resolve = pending.get(id);
    if (resolve === undefined) return;
    pending.delete(id);
    if (pending.size === 0) keepAlive.unref();
    resolve({ answer, failure, log });
  };

  return (method, ...args) => {
    sends ??= new addon.Sends(settle);
    keepAlive ??= setInterval(noop, TIMEOUT_MAX).unref();
    // Ids wrap at 2^32; a send still pending after four billion others is
    // not a case to plan for.
    nextId = (nextId + 1) >>> 0;
    const id = nextId;
    sends[method](id, ...args);
    if (pending.size === 0) keepAlive.ref();
    return new Promise((resolve) => {
      pending.set(id, resolve);
    });
  };
};
