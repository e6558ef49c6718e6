// The NATS headers beside each image (the payload is the PanoImage's protobuf bytes, nothing
// else): which node sent it under what name, the gateway's per-node sequence, and the times.
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
} as const;

export interface ImageHeaderValues {
  node: string;
  nodeName: string;
  sequence: number;
  nodeSentNs: bigint | null;
  gatewayReceivedMs: number;
  frame: number;
}

export function imageHeaders(v: ImageHeaderValues): MsgHdrs {
  const h = natsHeaders();
  h.set(HEADER.node, v.node);
  if (v.nodeName) h.set(HEADER.nodeName, v.nodeName);
  h.set(HEADER.sequence, String(v.sequence));
  if (v.nodeSentNs !== null) h.set(HEADER.nodeSentNs, String(v.nodeSentNs));
  h.set(HEADER.gatewayReceivedMs, v.gatewayReceivedMs.toFixed(3));
  h.set(HEADER.frame, String(v.frame));
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
