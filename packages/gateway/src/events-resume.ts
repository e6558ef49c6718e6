// Where a (re)started gateway resumes each node's every-frame stream: after the last event it
// (or a gateway before it) published for that node, read from the newest message of the node's
// subjects in the events stream, whose headers carry the node's incarnation and sequence. The
// state lives in JetStream, not in the gateway, so a gateway killed without warning loses
// nothing the node's ring still holds; an event published twice around the kill (in flight when
// the newest message was read) is dropped by the stream's duplicate window (Nats-Msg-Id).
import type { ResumeFrom } from '@daqdata/client';
import type { JetStreamManager } from '@nats-io/jetstream';
import { HEADER, nodeSequenceOf } from './image-headers.js';
import { EVENTS_STREAM } from './jetstream-streams.js';
import { SUBJECT_ROOT, nodeToken } from './subjects.js';

/** The newest event of `node` in the events stream, as a resume point; null when there is none (or it was not published by a gateway that numbers events). */
export async function lastPublishedEvent(jsm: JetStreamManager, node: string): Promise<ResumeFrom | null> {
  // null: no message on those subjects (nothing published for this node yet, or all aged out).
  const last = await jsm.streams.getMessage(EVENTS_STREAM, { last_by_subj: `${SUBJECT_ROOT}.${nodeToken(node)}.*.*` }).catch((err: Error) => {
    throw new Error(`cannot read the newest event of ${node} in ${EVENTS_STREAM}: ${err.message}`);
  });
  // Two node names may share a subject token ('a:1' and 'a_1'): only this node's own event counts.
  if (!last || last.header.get(HEADER.node) !== node) return null;
  const at = nodeSequenceOf(last.header);
  return at && { incarnation: at.incarnation, afterSequence: at.sequence };
}

/** Per node, the resume point of its every-frame stream (nodes with nothing published start with the oldest frame their node holds). */
export async function resumePoints(jsm: JetStreamManager, nodes: readonly string[]): Promise<Record<string, ResumeFrom>> {
  const points: Record<string, ResumeFrom> = {};
  for (const node of nodes) {
    const at = await lastPublishedEvent(jsm, node);
    if (at) points[node] = at;
  }
  return points;
}
