// A script using the sync-style face exactly as a user would: plain calls and a plain for...of,
// no await anywhere. Runs from the built package (dist). Prints one JSON line with what it saw.
// argv: <mode> <address...>; mode 'stream', 'dead' (one address nothing listens on),
// 'config-error' (argv[3] = missing config path), 'every-frame' (argv[3] = image count) or
// 'roi-stats' (argv[3] = record count).
import { UploadError } from '@daqdata/client';
import { SyncDaqClient } from '@daqdata/client/sync';

const [mode, ...args] = process.argv.slice(2);
const out = {};
if (mode === 'config-error') {
  try {
    SyncDaqClient.fromConfig(args[0]);
    out.error = null;
  } catch (err) {
    out.error = { name: err.name, message: err.message, source: err.source, key: err.key };
  }
} else if (mode === 'every-frame') {
  // argv: every-frame <count> <address>: the first <count> every-frame images, with their sequence.
  const client = SyncDaqClient.fromAddresses([args[1]], { reconnect: { initialDelayMs: 50, maxDelayMs: 200 } });
  try {
    out.images = [];
    for (const image of client.streamImages({ delivery: 'every-frame', movie: false, pulseHeight: true })) {
      out.images.push({ frameNumber: image.frameNumber, sequence: image.sequence, incarnation: image.incarnation });
      if (out.images.length >= Number(args[0])) break;
    }
  } finally {
    client[Symbol.dispose]();
  }
} else if (mode === 'roi-stats') {
  // argv: roi-stats <count> <address>: invalid ROIs refused, then the first <count> ROI records
  // (bigints as strings) and the node's ROI statistics.
  const client = SyncDaqClient.fromAddresses([args[1]], { reconnect: { initialDelayMs: 50, maxDelayMs: 200 } });
  try {
    try {
      client.roiStats({ rois: [{ name: 'star', rect: [-1, 2, 0, 2] }] });
      out.refused = null;
    } catch (err) {
      out.refused = { name: err.name, message: err.message };
    }
    out.records = [];
    const rois = JSON.parse(process.env.DAQ_TEST_ROIS);
    for (const record of client.roiStats({ rois, movie: false, pulseHeight: true })) {
      out.records.push({ ...record, time: record.time && { ...record.time, unixNs: String(record.time.unixNs) } });
      if (out.records.length >= Number(args[0])) break;
    }
    out.openCallsAfterBreak = client.openCalls();
    const stats = client.roiStatistics(args[1]);
    out.statistics = { framesProcessed: stats.framesProcessed, roiComputations: stats.roiComputations, recordsSent: stats.recordsSent, startTimeIsDate: stats.startTime instanceof Date };
  } finally {
    client[Symbol.dispose]();
  }
} else if (mode === 'dead') {
  const client = SyncDaqClient.fromAddresses(args);
  try {
    out.probe = client.probe(args[0], { timeoutMs: 5000 });
    try {
      client.uploadImages(args, []);
      out.upload = null;
    } catch (err) {
      out.upload = { name: err.name, isUploadError: err instanceof UploadError, hostCount: err.hostCount, failures: err.failures, message: err.message };
    }
  } finally {
    client[Symbol.dispose]();
  }
} else {
  // Node 20 has no `using` syntax (TypeScript compiles it); Symbol.dispose is what it calls.
  const client = SyncDaqClient.fromAddresses(args, { reconnect: { initialDelayMs: 50, maxDelayMs: 200 } });
  try {
  out.hosts = client.hosts;
  out.ping = args.map((a) => client.ping(a));
  out.probe = client.probe(args[0]);
  out.valid = client.getValidDaqHosts().sort();
  out.status = client.getDaqHostStatus();
  out.init = client.initHpIo(args[0], { updateIntervalSeconds: 0.01, dataDir: process.env.DAQ_TEST_DATA_DIR });
  out.initMissing = client.initHpIo(args[0], { updateIntervalSeconds: 0.01, dataDir: `${process.env.DAQ_TEST_DATA_DIR}/missing` });
  try {
    client.ping('10.255.255.1:1');
  } catch (err) {
    out.unknownHost = { name: err.name, message: err.message };
  }
  out.images = [];
  const perHost = {};
  for (const image of client.streamImages({ movie: true, pulseHeight: false, updateIntervalSeconds: 0.01 })) {
    perHost[image.host] = (perHost[image.host] ?? 0) + 1;
    out.images.push({ host: image.host, dataProduct: image.dataProduct, moduleId: image.moduleId, corner: image.at(31, 31), pixels: image.pixels.constructor.name, wrUnixNs: String(image.time?.wrUnixNs) });
    if (args.every((a) => (perHost[a] ?? 0) >= 3)) break;
  }
  out.openCallsAfterBreak = client.openCalls();
  out.events = client.takeStatusEvents().map((e) => `${e.type} ${e.host}`);
  } finally {
    client[Symbol.dispose]();
  }
}
process.stdout.write(`${JSON.stringify(out)}\n`);
