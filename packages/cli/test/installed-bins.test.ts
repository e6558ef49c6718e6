// After the project's install step, `npx daq` and `npx daq-server` run: npm links a workspace's
// bin only if its file exists, and at `npm ci` time dist/ is not built yet (scripts/install.sh
// re-links after the build). This runs the links themselves, as npx does.
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const bin = (name: string) => fileURLToPath(new URL(`../../../node_modules/.bin/${name}`, import.meta.url));

describe('installed executables', () => {
  it('daq answers --version and daq-server refuses a bad flag value naming it', async () => {
    const daq = await run(bin('daq'), ['--version']);
    expect(daq.stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
    const server = await run(bin('daq-server'), ['--max-streams', 'many']).catch((e: { code: number; stderr: string }) => e);
    expect((server as { code: number }).code).toBe(2);
    expect((server as { stderr: string }).stderr).toContain('"maxStreams" must be a positive integer');
  });
});
