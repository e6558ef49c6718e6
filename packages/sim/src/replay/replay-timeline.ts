// An archive as a timeline: each run starts at offset 0 and keeps the spacing of its frames'
// own timestamps; several runs play side by side; with loop a run starts over one mean frame
// spacing after its last frame. Frame bytes are the archive's, untouched; only the module a
// frame is written for can change (one archive module may feed several simulated modules).
import type { DataProduct } from '@daqdata/core';
import type { ArchiveRun, Archive, ArchiveStream } from './archive.js';
import { replayTimeNs, streamFrames } from './archive.js';
import { mergeByTime } from '../schedule/merge-by-time.js';
import type { TimedFrame } from '../schedule/timed-frame.js';

/**
 * Archive module id (and data product) -> the simulated module ids its frames are written for.
 * Per product, so a simulated module can take its movie from one archive module and its
 * pulse heights from another.
 */
export type ModuleMap = (archiveModuleId: number, dataProduct: DataProduct) => readonly number[];

export const identityModuleMap: ModuleMap = (id) => [id];

export interface ReplayTimelineOptions {
  loop?: boolean;
  moduleMap?: ModuleMap;
  onSkip?: (file: string, reason: string) => void;
}

const NS_PER_S = 1_000_000_000n;

/** Run length plus one mean frame spacing (1 s for a single frame): when a looped run starts over. */
export function loopPeriodNs(run: Pick<ArchiveRun, 'firstNs' | 'lastNs' | 'frameCount'>): bigint {
  const span = run.lastNs - run.firstNs;
  const gap = run.frameCount > 1 && span > 0n ? span / BigInt(run.frameCount - 1) : NS_PER_S;
  return span + (gap > 0n ? gap : 1n);
}

async function* streamTimeline(stream: ArchiveStream, runFirstNs: bigint, shiftNs: bigint, opts: ReplayTimelineOptions): AsyncGenerator<{ at: bigint; stream: ArchiveStream; bytes: Uint8Array }> {
  for await (const frame of streamFrames(stream, opts.onSkip)) {
    yield { at: shiftNs + replayTimeNs(frame) - runFirstNs, stream, bytes: frame.raw };
  }
}

async function* runTimeline(run: ArchiveRun, opts: ReplayTimelineOptions): AsyncGenerator<TimedFrame> {
  const map = opts.moduleMap ?? identityModuleMap;
  const period = loopPeriodNs(run);
  // Streams of modules the map leaves out are not read at all (and a run of only those ends at once).
  const wanted = run.streams.filter((s) => map(s.moduleId, s.dataProduct).length > 0);
  for (let pass = 0n; wanted.length > 0; pass++) {
    const streams = wanted.map((s) => streamTimeline(s, run.firstNs, pass * period, opts));
    let yielded = false;
    for await (const f of mergeByTime(streams, (x) => x.at)) {
      yielded = true;
      // Timestamps can step backwards (arrival clock jitter); the timeline never does.
      const offsetNs = f.at < 0n ? 0n : f.at;
      for (const moduleId of map(f.stream.moduleId, f.stream.dataProduct)) {
        yield { moduleId, dataProduct: f.stream.dataProduct, offsetNs, bytes: f.bytes };
      }
    }
    // A pass without a single readable frame would loop forever without writing anything.
    if (!opts.loop || !yielded) return;
  }
}

/** Every run of the archive, merged into one timeline. */
export function replayTimeline(archive: Archive, opts: ReplayTimelineOptions = {}): AsyncGenerator<TimedFrame, void, undefined> {
  return mergeByTime(archive.runs.map((run) => runTimeline(run, opts)), (f) => f.offsetNs);
}
