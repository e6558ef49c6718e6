// Gateway core: two SDK streams over every DAQ node (the SDK's fan-in: reconnects, status
// events; movie previews, and every pulse-height event: node-stream-options.ts), each image published to daqdata.<node>.<module>.<product> with the PanoImage's
// bytes as the payload and node, sequence and times in headers. Publishing is NATS core
// publish: JetStream stores what falls on its streams' subjects, and the client buffers while
// the NATS server is away.
import { sequenceOf, type DaqClient, type FrameGapEvent, type RawImageMessage, type ResumeFrom } from '@daqdata/client';
import { dataProductFor, isDataProduct, PanoImage, PanoImage_Type, type DataProduct } from '@daqdata/core';
import { aggregateRepeatedLines, type Logger } from '@daqdata/server';
import type { NatsConnection } from '@nats-io/transport-node';
import { imageHeaders } from './image-headers.js';
import { nodeStreamOptions } from './node-stream-options.js';
import { imageSubject } from './subjects.js';

export interface PublisherCounts {
  /** Images published per node name. */
  published: Record<string, number>;
  /** Images skipped because they are no known data product. */
  skipped: number;
  /** Images dropped while NATS was away and the reconnect buffer budget was spent. */
  droppedWhileAway: number;
  /** Pulse-height events the nodes reported lost (every-frame gaps; a restart whose loss is unknown counts 0). */
  eventsLost: number;
}

/** Default bytes of images published while NATS is away (the client holds them until it reconnects); past this, images are dropped and counted. */
export const DEFAULT_AWAY_BUFFER_BYTES = 64 * 1024 * 1024;

export interface NodePublisher {
  counts: PublisherCounts;
  /** Resolves when the stream has ended (the signal aborted), rejects if it failed. */
  done: Promise<void>;
}

/** The data product of a node's image, or why it has none. */
export function productOf(image: PanoImage): DataProduct | string {
  const kind = image.type === PanoImage_Type.MOVIE ? 'movie' : image.type === PanoImage_Type.PULSE_HEIGHT ? 'pulse-height' : null;
  if (!kind) return `type ${image.type} is neither MOVIE nor PULSE_HEIGHT`;
  const [rows, cols] = image.shape;
  const dp = dataProductFor(kind, rows ?? 0, cols ?? 0, image.bytesPerPixel);
  return dp ? dp.name : `no ${kind} data product is ${rows}x${cols} with ${image.bytesPerPixel} bytes per pixel`;
}

function timestampNs(t: Date | undefined): bigint | null {
  return t ? BigInt(t.getTime()) * 1_000_000n : null;
}

export function startNodePublisher(options: {
  client: DaqClient;
  nc: NatsConnection;
  updateIntervalSeconds: number;
  log: Logger;
  signal: AbortSignal;
  clock?: () => number;
  awayBufferBytes?: number;
  /** Per node, the last event already in the events stream (events-resume.ts): its every-frame stream resumes after it. */
  resumeFrom?: Readonly<Record<string, ResumeFrom>>;
}): NodePublisher {
  const { client, nc } = options;
  const budget = options.awayBufferBytes ?? DEFAULT_AWAY_BUFFER_BYTES;
  // One line per node and reason now and then, not one per image.
  const log = aggregateRepeatedLines(options.log);
  const clock = options.clock ?? (() => performance.timeOrigin + performance.now());
  const counts: PublisherCounts = { published: Object.fromEntries(client.hosts.map((h) => [h, 0])), skipped: 0, droppedWhileAway: 0, eventsLost: 0 };
  // While NATS is away the client buffers every publish in memory: a short outage loses
  // nothing, a long one must not grow the gateway without bound.
  let awayBytes: number | null = null;
  void (async () => {
    for await (const s of nc.status()) {
      if (s.type === 'disconnect') awayBytes = 0;
      else if (s.type === 'reconnect') {
        if (counts.droppedWhileAway > 0) options.log.warn('images dropped while NATS was away', { dropped: counts.droppedWhileAway, bufferBytes: budget });
        awayBytes = null;
      }
    }
  })();
  const publish = ({ host, response }: RawImageMessage) => {
    const receivedMs = clock();
    const image = response.panoImage;
    const product = image ? productOf(image) : 'the response has no pano_image';
    if (!image || !isDataProduct(product)) {
      counts.skipped++;
      log.log('warn', 'image not relayed', `${host} ${product}`, { node: host, reason: product });
      return;
    }
    // ts-proto's encoding is canonical and the node's encoder writes the same bytes (a server
    // test compares them), so these are the bytes the node sent.
    const bytes = PanoImage.encode(image).finish();
    if (awayBytes !== null) {
      if (awayBytes + bytes.length > budget) {
        counts.droppedWhileAway++;
        return;
      }
      awayBytes += bytes.length;
    }
    const sequence = (counts.published[host] = (counts.published[host] ?? 0) + 1);
    nc.publish(imageSubject(host, image.moduleId, product), bytes, {
      headers: imageHeaders({
        node: host,
        nodeName: response.name,
        sequence,
        nodeSentNs: timestampNs(response.timestamp),
        gatewayReceivedMs: receivedMs,
        frame: image.frameNumber,
        // Events come on the every-frame stream, each with the node's sequence (previews have none).
        nodeSequence: sequenceOf(response) ?? undefined,
      }),
    });
  };
  const done = (async () => {
    // Every configured node, answering now or not (no hosts = only those answering a ping).
    const onGap = (gap: FrameGapEvent) => {
      counts.eventsLost += gap.count ?? 0;
      log.log('warn', 'pulse-height events lost at the node', `${gap.host} ${gap.reason}`, { node: gap.host, reason: gap.reason, count: gap.count ?? 'unknown' });
    };
    try {
      // Movie previews and every pulse-height event: two streams per node, however many viewers.
      await Promise.all(
        nodeStreamOptions(options.updateIntervalSeconds, options.signal, onGap, options.resumeFrom ?? {}).map(async (streamOptions) => {
          for await (const raw of client.streamImages({ ...streamOptions, hosts: client.hosts })) publish(raw);
        }),
      );
    } finally {
      log.close();
    }
  })();
  return { counts, done };
}
