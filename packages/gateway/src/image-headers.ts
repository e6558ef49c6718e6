// The NATS headers beside each image (the payload is the PanoImage's protobuf bytes, nothing
// else): which node sent it under what name, the gateway's per-node sequence, and the times.
// A pulse-height event (every-frame) also carries the node's own numbering, incarnation and
// sequence: a restarted gateway resumes the node's stream after the last one it published, and
// JetStream's duplicate window drops an event published twice around the restart (Nats-Msg-Id).
import { headers as natsHeaders, type MsgHdrs } from '@nats-io/transport-node';

export const HEADER = {
  /** The node's address as the gateway's SDK knows it ('127.0.0.2:50051', from daq_config): the subject's node token is made from it. */
  node: 'Daq-Node',
  /** The name field of the node's StreamImagesResponse (the node's own nodeName); the gateway's responses carry it. */
  nodeName: 'Daq-Node-Name',
  /** 1, 2, 3, ... per node for each image this gateway relayed since it started. */
  sequence: 'Daq-Seq',
  /** The node's send time (StreamImagesResponse.timestamp), Unix nanoseconds; absent if the node sent none. */
  nodeSentNs: 'Daq-Node-Sent-Ns',
  /** When the gateway received the image, Unix milliseconds (fractional). */
  gatewayReceivedMs: 'Daq-Gateway-Received-Ms',
  frame: 'Daq-Frame',
  /** Events only: the node's incarnation (its every-frame numbering restarts with each). */
  nodeIncarnation: 'Daq-Node-Incarnation',
  /** Events only: the node's sequence number of the frame within its incarnation. */
  nodeSequence: 'Daq-Node-Seq',
  /** JetStream's de-duplication id (events only): node, incarnation and node sequence. */
  msgId: 'Nats-Msg-Id',
} as const;

/** Where a frame stands in the node's every-frame numbering. */
export interface NodeSequence {
  incarnation: string;
  sequence: number;
}

export interface ImageHeaderValues {
  node: string;
  nodeName: string;
  sequence: number;
  nodeSentNs: bigint | null;
  gatewayReceivedMs: number;
  frame: number;
  /** Set for events (every-frame delivery); previews have none. */
  nodeSequence?: NodeSequence | undefined;
}

/** The de-duplication id of a node's frame: the same frame relayed twice gets the same id. */
export function eventMsgId(node: string, at: NodeSequence): string {
  return `${node}/${at.incarnation}/${at.sequence}`;
}

export function imageHeaders(v: ImageHeaderValues): MsgHdrs {
  const h = natsHeaders();
  h.set(HEADER.node, v.node);
  if (v.nodeName) h.set(HEADER.nodeName, v.nodeName);
  h.set(HEADER.sequence, String(v.sequence));
  if (v.nodeSentNs !== null) h.set(HEADER.nodeSentNs, String(v.nodeSentNs));
  h.set(HEADER.gatewayReceivedMs, v.gatewayReceivedMs.toFixed(3));
  h.set(HEADER.frame, String(v.frame));
  if (v.nodeSequence) {
    h.set(HEADER.nodeIncarnation, v.nodeSequence.incarnation);
    h.set(HEADER.nodeSequence, String(v.nodeSequence.sequence));
    h.set(HEADER.msgId, eventMsgId(v.node, v.nodeSequence));
  }
  return h;
}

/** The node name a message carries, or null when the header is missing (not a gateway image). */
export function nodeOf(h: MsgHdrs | undefined): string | null {
  const node = h?.get(HEADER.node);
  return node ? node : null;
}

/** A header that holds a finite number, else null (the values come from outside). */
export function numberHeader(h: MsgHdrs | undefined, name: string): number | null {
  const raw = h?.get(name);
  if (!raw) return null;
  const n = Number(raw);
  return Number.isFinite(n) ? n : null;
}

/** The node's incarnation and sequence an event carries, or null when either is missing or not a sequence number. */
export function nodeSequenceOf(h: MsgHdrs | undefined): NodeSequence | null {
  const incarnation = h?.get(HEADER.nodeIncarnation);
  const sequence = numberHeader(h, HEADER.nodeSequence);
  if (!incarnation || sequence === null || !Number.isSafeInteger(sequence) || sequence < 1) return null;
  return { incarnation, sequence };
}
