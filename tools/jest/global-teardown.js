module.exports = async function globalTeardown() {
  for (const { server, db } of globalThis.__ITSM_HUB_PGLITE__ ?? []) {
    await server.stop();
    await db.close();
  }
  globalThis.__ITSM_HUB_PGLITE_CLEANUP__?.();
};
