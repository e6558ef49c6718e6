// What a node dropped, from its own metrics (the Prometheus text a node serves at /metrics
// when its metricsPort is set): images replaced in stream clients' latest-wins slots before
// they could be sent, and frames it could not use. The dashboard's health panel shows them
// beside the ping and stream state. A node without metrics shows "no metrics", not zero.
import type { DaqNode } from '@daqdata/client';

/** A node's drop counters, as its metrics last gave them. */
export interface NodeDrops {
  /** daq_stream_images_dropped_total: images replaced before they could be sent, over all streams. */
  streamImagesDropped: number;
  /** daq_malformed_frames_total summed over sources: frames that could not be used. */
  malformedFrames: number;
}

/** Largest /metrics body read (a node's is a few kB; anything far larger is not a node's). */
export const MAX_METRICS_BYTES = 4 * 1024 * 1024;

/** Sum of every sample of a metric in Prometheus text exposition; null when the metric is absent. */
export function metricSum(text: string, name: string): number | null {
  let sum: number | null = null;
  for (const line of text.split('\n')) {
    if (!line.startsWith(name)) continue;
    const rest = line.slice(name.length);
    // The name must end here: followed by labels or the value, not a longer name.
    if (rest[0] !== '{' && rest[0] !== ' ') continue;
    const value = Number(rest.slice(rest[0] === '{' ? rest.indexOf('}') + 1 : 0).trim().split(/\s+/)[0]);
    if (Number.isFinite(value)) sum = (sum ?? 0) + value;
  }
  return sum;
}

/** The drop counters in a node's metrics text, or the reason they are not there. */
export function dropsFromMetrics(text: string): NodeDrops | { problem: string } {
  const streamImagesDropped = metricSum(text, 'daq_stream_images_dropped_total');
  if (streamImagesDropped === null) return { problem: 'no daq_stream_images_dropped_total in the metrics' };
  return { streamImagesDropped, malformedFrames: metricSum(text, 'daq_malformed_frames_total') ?? 0 };
}

/** Reads a node's /metrics and its drop counters; the reason on any failure (timeout, status, size, content). */
export async function scrapeDrops(url: string, signal: AbortSignal): Promise<NodeDrops | { problem: string }> {
  try {
    const res = await fetch(url, { signal });
    if (!res.ok) return { problem: `${url}: HTTP ${res.status}` };
    const length = Number(res.headers.get('content-length') ?? 0);
    if (length > MAX_METRICS_BYTES) return { problem: `${url}: ${length} bytes, over ${MAX_METRICS_BYTES}` };
    const text = await boundedText(res);
    if (text === null) return { problem: `${url}: over ${MAX_METRICS_BYTES} bytes` };
    return dropsFromMetrics(text);
  } catch (err) {
    // fetch says "fetch failed"; the reason (ECONNREFUSED for a node that is gone) is its cause.
    const code = (err as { cause?: { code?: unknown } }).cause?.code;
    return { problem: `${url}: ${err instanceof Error ? err.message : String(err)}${typeof code === 'string' ? ` (${code})` : ''}` };
  }
}

/** The body as text, read no further than MAX_METRICS_BYTES (a body without a length is not read whole first); null beyond. */
async function boundedText(res: Response): Promise<string | null> {
  if (!res.body) return '';
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let bytes = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return Buffer.concat(chunks).toString('utf8');
    bytes += value.length;
    if (bytes > MAX_METRICS_BYTES) {
      await reader.cancel();
      return null;
    }
    chunks.push(value);
  }
}

/**
 * Each node's metrics URL from its daq_config entry's `metrics_port` (on the node's own host),
 * for the nodes that have one; a bad port is an error naming the node and the field.
 */
export function metricsUrls(nodes: readonly DaqNode[]): Map<string, string> {
  const urls = new Map<string, string>();
  for (const [i, node] of nodes.entries()) {
    const port = node.config?.metrics_port;
    if (port === undefined || port === null) continue;
    if (typeof port !== 'number' || !Number.isInteger(port) || port < 1 || port > 65535) {
      throw new RangeError(`daq_nodes[${i}] (${node.name}): metrics_port must be an integer port 1-65535, got ${JSON.stringify(port)}`);
    }
    if (node.address.kind !== 'tcp') throw new RangeError(`daq_nodes[${i}] (${node.name}): metrics_port needs a TCP node address`);
    const host = node.address.host.includes(':') ? `[${node.address.host}]` : node.address.host;
    urls.set(node.name, `http://${host}:${port}/metrics`);
  }
  return urls;
}
