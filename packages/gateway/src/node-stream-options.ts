// THE place where the gateway says how it streams from each DAQ node: two streams per node,
// whatever the number of viewers. Movie images are previews (latest-wins at the gateway's node
// interval: the previews stream keeps only the newest per subject anyway); pulse-height images
// are events, requested with every-frame delivery, so the events stream holds every event the
// node published, in order, resumed after a reconnect (and, after a gateway restart, after the
// last event already published: events-resume.ts), and a gap the node reports is counted.
import type { ResumeFrom, StreamImagesOptions } from '@daqdata/client';

type RawStreamOptions = StreamImagesOptions & { parse: false };

/** A node that is down now is retried until the gateway stops: a gateway outlives its nodes. */
const common = (signal: AbortSignal) => ({ parse: false as const, endWhenAllGone: false, signal });

/** The per-node streams: movie previews, and every pulse-height event. */
export function nodeStreamOptions(
  updateIntervalSeconds: number,
  signal: AbortSignal,
  onGap: NonNullable<StreamImagesOptions['onGap']>,
  resumeFrom: Readonly<Record<string, ResumeFrom>>,
): RawStreamOptions[] {
  return [
    { ...common(signal), movie: true, pulseHeight: false, updateIntervalSeconds },
    { ...common(signal), movie: false, pulseHeight: true, delivery: 'every-frame', onGap, resumeFrom },
  ];
}
