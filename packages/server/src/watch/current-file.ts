// Which file of a module's data product is the one being recorded now: the newest run
// directory (by its start time, then name), then the newest file in it (by start, then seqno).
// The recorder never touches a file again after rolling over, so only this one is followed.
import { parseRunDirName, type DataFileName } from '@daqdata/core';

export interface FrameFileCandidate {
  path: string;
  runDir: string;
  name: DataFileName;
}

function runKey(runDir: string): string {
  const run = parseRunDirName(runDir);
  // Unparseable run names sort before parseable ones, among themselves by name.
  return run ? `1|${run.start}|${runDir}` : `0|${runDir}`;
}

/** Negative when a is older than b, positive when newer, 0 when the same file. */
export function compareFrameFiles(a: FrameFileCandidate, b: FrameFileCandidate): number {
  const ra = runKey(a.runDir);
  const rb = runKey(b.runDir);
  if (ra !== rb) return ra < rb ? -1 : 1;
  if (a.name.start !== b.name.start) return a.name.start < b.name.start ? -1 : 1;
  if (a.name.seqno !== b.name.seqno) return a.name.seqno - b.name.seqno;
  return a.path < b.path ? -1 : a.path > b.path ? 1 : 0;
}

/** The key under which one file at a time is followed: module and data product. */
export function streamKey(name: DataFileName): string {
  return `${name.moduleId}:${name.dataProduct}`;
}
