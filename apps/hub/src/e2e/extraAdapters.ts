import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

/**
 * Writes adapter packages to a temporary directory the way a third party would ship them: plain
 * JavaScript with its own package.json, no import of the hub's copy of core (the brand is checked,
 * not the class). Returns their paths for HUB_ADAPTERS.
 */
export function writeExtraAdapterPackages(): { dir: string; compatible: string; incompatible: string; broken: string } {
  const dir = mkdtempSync(path.join(tmpdir(), 'itsm-hub-extra-adapters-'));
  const write = (name: string, coreRange: string, body?: string) => {
    const pkgDir = path.join(dir, name);
    mkdirSync(pkgDir, { recursive: true });
    writeFileSync(path.join(pkgDir, 'package.json'), JSON.stringify({ name, version: '2.3.4', main: 'index.js', itsmHub: { role: 'adapter' } }));
    writeFileSync(
      path.join(pkgDir, 'index.js'),
      body ??
        `const schema = { safeParse: (v) => (v && typeof v.token === 'string' && Object.keys(v).length === 1)
  ? { success: true, data: v }
  : { success: false, error: { issues: [{ path: ['token'], message: 'token is required and is the only field' }] } } };
const settings = { safeParse: (v) => ({ success: true, data: v ?? {} }) };
module.exports = { default: { $$type: '@itsm-hub/Adapter', manifest: {
  type: '${name.replace(/^itsm-adapter-/, '')}', displayName: 'Extra ${name}', version: '2.3.4', coreRange: '${coreRange}',
  credentialSchema: schema, settingsSchema: settings, capabilities: ${coreRange === '^1.0.0' ? '{ incident: [] }' : '{ incident: { operations: {} } }'}, defaultMappings: {} },
  create: () => ({
    testConnection: async () => [{ name: 'authentication', passed: true, message: 'extra adapter says hello' }],
    classifyError: () => ({ action: 'fail', kind: 'user', message: 'n/a' }),
  }) } };
`,
    );
    return pkgDir;
  };
  return {
    dir,
    compatible: write('itsm-adapter-acme', '^2.0.0'),
    // Written for SPI 1 (capabilities as a list per kind): refused for its range, not its shape.
    incompatible: write('itsm-adapter-legacy', '^1.0.0'),
    broken: write('itsm-adapter-broken', '^2.0.0', 'throw new Error("boom at load time");\n'),
  };
}
