// The auth token never reaches a log line: a real daq-server started with a token (on the command
// line, and in a config file) with JSON logging, called with the right token, a wrong
// one and none, then stopped: every line it wrote is searched for the token.
import { randomBytes } from 'node:crypto';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DaqDataDefinition } from '@daqdata/core';
import { createChannel, createClient, Status } from 'nice-grpc';
import { afterEach, describe, expect, it } from 'vitest';
import { bearer, tempDir } from './helpers.js';
import { launch as launchChild, serverMain } from './server-process.js';

const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

describe.each(['--auth-token', 'config file authToken'])('a node given its token by %s', (how) => {
  it('logs the refused and accepted calls, and no line holds the token', async () => {
    const token = randomBytes(16).toString('hex');
    const dir = await tempDir('daq-redact-');
    cleanups.push(() => rm(dir, { recursive: true, force: true }));
    await mkdir(join(dir, 'run'));
    const args = [serverMain, '--host', '127.0.0.1', '--port', '0', '--allow-root', dir, '--log-format', 'json', '--upload-relay'];
    if (how === '--auth-token') args.push('--auth-token', token);
    else {
      await writeFile(join(dir, 'server.json'), JSON.stringify({ authToken: token }));
      args.push('--config', join(dir, 'server.json'));
    }
    const child = launchChild(args, cleanups);
    const listening = await child.waitFor((l) => l.msg === 'listening', 'listening line');
    expect(listening.auth).toBe(true);
    const channel = createChannel(String(listening.address));
    cleanups.push(async () => channel.close());
    const client = createClient(DaqDataDefinition, channel);

    const request = { dataDir: join(dir, 'run'), updateIntervalSeconds: 0.001 };
    const wrong = await client.initHpIo(request, bearer(token.split('').reverse().join(''))).catch((e: unknown) => e);
    expect((wrong as { code: Status }).code).toBe(Status.UNAUTHENTICATED);
    const none = await client.uploadImages((async function* () {})()).catch((e: unknown) => e);
    expect((none as { code: Status }).code).toBe(Status.UNAUTHENTICATED);
    expect(await client.initHpIo(request, bearer(token))).toEqual({ success: true, errorMessage: '' });
    expect(await client.uploadImages((async function* () {})(), bearer(token))).toEqual({});

    child.proc.kill('SIGTERM');
    expect((await child.exited).code).toBe(0);
    const lines = child.lines.map((l) => JSON.stringify(l));
    // The calls were logged (so the search below covers them), the token in none of them.
    expect(lines.filter((l) => /unauthenticated|UNAUTHENTICATED/.test(l)).length).toBeGreaterThan(0);
    expect(child.lines.map((l) => l.msg)).toEqual(expect.arrayContaining(['listening', 'signal received', 'stopped']));
    expect(lines.filter((l) => l.includes(token))).toEqual([]);
  });
});
