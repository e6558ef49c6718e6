// The reference simulator's frame_limit: each module and data product stops after `limit`
// frames. The timeline ends once every expected stream has reached it (a looping replay
// would otherwise run on, writing nothing).
import type { TimedFrame } from './timed-frame.js';

export function streamKey(f: Pick<TimedFrame, 'moduleId' | 'dataProduct'>): string {
  return `${f.moduleId}/${f.dataProduct}`;
}

export async function* limitPerStream(frames: AsyncIterable<TimedFrame>, limit: number, streams: ReadonlySet<string>): AsyncGenerator<TimedFrame, void, undefined> {
  if (!(Number.isInteger(limit) && limit >= 1)) throw new RangeError(`frame limit must be a positive integer, got ${limit}`);
  const counts = new Map<string, number>();
  let complete = 0;
  if (streams.size === 0) return;
  for await (const f of frames) {
    const key = streamKey(f);
    const n = counts.get(key) ?? 0;
    if (n >= limit) continue;
    counts.set(key, n + 1);
    yield f;
    if (n + 1 === limit && streams.has(key) && ++complete === streams.size) return;
  }
}
