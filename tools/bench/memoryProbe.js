'use strict';
/**
 * Preloaded into the hub by `npm run bench:memory` (`node --expose-gc -r tools/bench/memoryProbe.js`):
 * answers the bench's `memory` message over the IPC channel with `process.memoryUsage()`, and its
 * `gc` message with the same after a full garbage collection, so the bench can tell memory the hub
 * holds from garbage it has not collected yet. It changes nothing else in the hub.
 */
process.on('message', (message) => {
  if (message !== 'memory' && message !== 'gc') return;
  if (message === 'gc') global.gc?.();
  process.send?.({ kind: message, memoryUsage: process.memoryUsage() });
});
// The IPC channel must not keep a hub that is shutting down alive.
process.channel?.unref();
