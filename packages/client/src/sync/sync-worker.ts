// The worker side of the sync face: one async DaqClient, answering one request at a time.
// After posting each reply it raises the shared flag and notifies, which wakes the main thread
// from Atomics.wait.
import { parentPort, workerData, type MessagePort } from 'node:worker_threads';
import { DaqClient, roiStatsRequest, type DaqClientOptions, type DaqClientSource, type RoiStatsOptions } from '../daq-client.js';
import type { StreamEvent } from '../status/stream-event.js';
import { REPLY_FLAG, serializeError, type SyncReply, type SyncRequest } from './sync-protocol.js';

interface WorkerInit {
  port: MessagePort;
  flag: Int32Array;
  source: DaqClientSource;
  options: DaqClientOptions;
}

const { port, flag, source, options } = workerData as WorkerInit;

function reply(r: SyncReply): void {
  port.postMessage(r);
  Atomics.store(flag, REPLY_FLAG, 1);
  Atomics.notify(flag, REPLY_FLAG);
}

let client: DaqClient;
try {
  client = new DaqClient(source, options);
  reply({ ok: true, value: { hosts: client.hosts } });
} catch (err) {
  reply({ ok: false, error: serializeError(err) });
  port.close();
  process.exit(0);
}

/** Events kept for takeStatusEvents(); the oldest are dropped beyond this many. */
const MAX_KEPT_EVENTS = 10_000;
const statusEvents: StreamEvent[] = [];
client.onStatus((e) => {
  statusEvents.push(e);
  if (statusEvents.length > MAX_KEPT_EVENTS) statusEvents.shift();
});
const streams = new Map<number, AsyncGenerator<unknown>>();

async function handle(req: SyncRequest): Promise<unknown> {
  switch (req.op) {
    case 'call': {
      if (req.method === 'hostStates') return client.hostStates();
      if (req.method === 'takeStatusEvents') return statusEvents.splice(0);
      if (req.method === 'openCalls') return client.openCalls;
      const fn = client[req.method] as (...args: unknown[]) => Promise<unknown>;
      return fn.apply(client, req.args);
    }
    case 'streamOpen': {
      if (req.kind === 'roiStats') {
        // Checked here, so bad ROIs are thrown by the sync call itself, not by its first step.
        roiStatsRequest(req.options as unknown as RoiStatsOptions);
        streams.set(req.streamId, client.roiStats(req.options as unknown as RoiStatsOptions));
        return undefined;
      }
      // Raw messages cross the thread boundary; the main thread parses them with core's parser.
      streams.set(req.streamId, client.streamImages({ ...req.options, parse: false }));
      return undefined;
    }
    case 'streamNext': {
      const stream = streams.get(req.streamId);
      if (!stream) return { done: true };
      const r = await stream.next();
      if (r.done) streams.delete(req.streamId);
      return r.done ? { done: true } : { done: false, value: r.value };
    }
    case 'streamClose': {
      const stream = streams.get(req.streamId);
      streams.delete(req.streamId);
      await stream?.return(undefined);
      return undefined;
    }
    case 'close': {
      await Promise.allSettled([...streams.values()].map((s) => s.return(undefined)));
      streams.clear();
      await client.close();
      return undefined;
    }
  }
}

// One request at a time: the main thread is blocked until it gets its reply.
port.on('message', (req: SyncRequest) => {
  handle(req).then(
    (value) => {
      reply({ ok: true, value });
      if (req.op === 'close') port.close();
    },
    (err: unknown) => reply({ ok: false, error: serializeError(err) }),
  );
});
parentPort?.unref();
