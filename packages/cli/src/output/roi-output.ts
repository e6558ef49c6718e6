// How `daq roi` prints a frame's ROI record: one summary line, or one JSON object
// `{ host, module, type, sequence, frameNumber, time, timeNs, wrSynchronised, rois: { NAME:
// { sum, mean, max, pixels, profileX, profileY, signal } | null } }` (time ISO-8601 with
// nanoseconds, timeNs as a string: a JSON number cannot hold it; null: the ROI does not fit
// the frame's image).
import type { RoiRecord } from '@daqdata/client';

export function roiJson(r: RoiRecord): Record<string, unknown> {
  return {
    host: r.host,
    module: r.moduleId,
    type: r.type,
    sequence: r.sequence,
    frameNumber: r.frameNumber,
    time: r.time?.iso ?? null,
    timeNs: r.time ? r.time.unixNs.toString() : null,
    wrSynchronised: r.time?.wrSynchronised ?? false,
    rois: r.rois,
  };
}

export function roiJsonLine(r: RoiRecord): string {
  return JSON.stringify(roiJson(r));
}

const fixed = (x: number) => (Number.isInteger(x) ? String(x) : x.toFixed(3));

export function roiSummaryLine(r: RoiRecord): string {
  const time = r.time ? `${r.time.iso}${r.time.wrSynchronised ? '' : ' (arrival clock)'}` : '(no time)';
  const rois = Object.entries(r.rois).map(([name, s]) => (s ? `${name} sum=${s.sum} mean=${fixed(s.mean)} max=${s.max} signal=${fixed(s.signal)}` : `${name} outside image`));
  return `${r.host} module ${r.moduleId} ${r.type} #${r.sequence} frame ${r.frameNumber} ${time}  ${rois.join('  ')}`;
}
