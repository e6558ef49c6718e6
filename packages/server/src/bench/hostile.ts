// Hostile-client bench (figures only): run it against this build and against another
// daq-server bundle to compare.
// (e) stream-reset flood: a separate process opens and resets StreamImages calls on one
//     connection for 5 s while a normal client streams images uploaded at 50/s: server CPU,
//     the normal client's images/s before and during the flood, "stream started" log lines.
// (f) 500 TCP connections that never send the HTTP/2 preface: server RSS and open fds 2 s
//     after they connect and 12 s after (past the default 10 s preface timeout), and how many
//     the server has closed.
// Usage: node dist/bench/hostile.js [path/to/daq-server.js]
import { execFile, execFileSync } from 'node:child_process';
import { connect as netConnect, type Socket } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { DaqDataDefinition, PanoImage_Type } from '@daqdata/core';
import { createChannel, createClient } from 'nice-grpc';
import { countStreamImages } from './raw-stream-counter.js';
import { cpuSeconds, fdCount, now, rssMb, startServerChild } from './server-child.js';

const here = dirname(fileURLToPath(import.meta.url));
const serverMain = process.argv[2] ?? join(here, '..', 'bundle', 'daq-server.js');
// The normal client streams uploaded images: a node built since the reference's statuses serves
// streams only once it has a source, so it is told it relays uploads (older builds lack the flag).
const relayFlag = execFileSync(process.execPath, [serverMain, '--help'], { encoding: 'utf8' }).includes('--upload-relay') ? ['--upload-relay'] : [];
const settle = (ms: number) => new Promise((r) => setTimeout(r, ms));
const pct = (x: number) => `${(100 * x).toFixed(0)} %`;

async function resetFlood(): Promise<void> {
  let started = 0;
  const server = await startServerChild(serverMain, ['--max-streams', '100', ...relayFlag], (l) => l.msg === 'stream started' && started++);
  const pid = server.proc.pid!;
  const channel = createChannel(`127.0.0.1:${server.port}`);
  const client = createClient(DaqDataDefinition, channel);
  let uploading = true;
  const uploads = (async () => {
    for (let frame = 0; uploading; frame++) {
      const panoImage = { type: PanoImage_Type.MOVIE, header: {}, imageArray: new Array(1024).fill(frame % 100), shape: [32, 32], bytesPerPixel: 2, file: 'bench', frameNumber: frame, moduleId: 1 };
      await client.uploadImages((async function* () {
        yield { panoImage };
      })());
      await settle(20);
    }
  })();
  const normal = countStreamImages(server.port, { streamMovieData: true });
  await settle(1000);
  const rate = async (ms: number) => {
    const [n0, t0, c0] = [normal.count, now(), cpuSeconds(pid)];
    await settle(ms);
    const s = (now() - t0) / 1000;
    return { perSecond: (normal.count - n0) / s, cpu: (cpuSeconds(pid) - c0) / s };
  };
  const quiet = await rate(3000);
  const startedBefore = started;
  const flooder = promisify(execFile)(process.execPath, [join(here, 'reset-flooder.js'), String(server.port), '5']);
  const flood = await rate(5000);
  const [opened, connections] = (await flooder).stdout.trim().split(' ').map(Number);
  await settle(500);
  console.log(
    `(e) reset flood, ${serverMain}: ${opened} streams opened+reset in 5 s on ${connections} connection(s); server CPU ${pct(quiet.cpu)} quiet, ${pct(flood.cpu)} during the flood; ` +
      `normal client ${quiet.perSecond.toFixed(1)} images/s quiet, ${flood.perSecond.toFixed(1)} during (ratio ${(flood.perSecond / quiet.perSecond).toFixed(2)}); ` +
      `"stream started" lines during the flood: ${started - startedBefore}`,
  );
  uploading = false;
  await uploads;
  normal.stop();
  channel.close();
  await server.stop();
}

async function idleConnections(n: number): Promise<void> {
  const server = await startServerChild(serverMain, []);
  const pid = server.proc.pid!;
  const base = { rss: rssMb(pid), fds: fdCount(pid) };
  let closed = 0;
  const sockets: Socket[] = [];
  for (let i = 0; i < n; i++) {
    const s = netConnect(server.port, '127.0.0.1');
    s.on('error', () => undefined);
    s.on('close', () => closed++);
    s.resume();
    sockets.push(s);
  }
  await settle(2000);
  const early = { rss: rssMb(pid), fds: fdCount(pid), closed };
  await settle(10_000);
  const late = { rss: rssMb(pid), fds: fdCount(pid), closed };
  console.log(
    `(f) ${n} silent connections, ${serverMain}: before ${base.rss.toFixed(0)} MB / ${base.fds} fds; ` +
      `after 2 s ${early.rss.toFixed(0)} MB / ${early.fds} fds (${early.closed} closed); after 12 s ${late.rss.toFixed(0)} MB / ${late.fds} fds (${late.closed} closed)`,
  );
  for (const s of sockets) s.destroy();
  await server.stop();
}

const only = (process.env.DAQ_BENCH_ONLY ?? 'e,f').split(',');
if (only.includes('e')) await resetFlood();
if (only.includes('f')) await idleConnections(500);
