// The DaqData service as the server registers it: the generated ts-proto definition turned
// into nice-grpc's serializer form, with one change: StreamImages' responseSerialize takes an
// ImageResponse (pre-encoded image bytes) instead of a message object, so each frame is
// encoded once for all clients. Paths, names and wire bytes stay exactly the generated ones;
// clients use the unmodified DaqDataDefinition.
import { DaqDataDefinition, StreamImagesResponse } from '@daqdata/core';
import type { MethodDefinition } from 'nice-grpc';
import { encodeImageResponse, type ImageResponse } from './image-response-encoding.js';

interface TsProtoMessageType<T> {
  encode(message: T): { finish(): Uint8Array };
  decode(input: Uint8Array): T;
  fromPartial(object: unknown): T;
}

type Methods = typeof DaqDataDefinition.methods;
type Req<M extends keyof Methods> = ReturnType<Methods[M]['requestType']['decode']>;
type Res<M extends keyof Methods> = ReturnType<Methods[M]['responseType']['decode']>;

export type WireMethod<M extends keyof Methods> = MethodDefinition<
  Req<M>,
  Req<M>,
  Res<M>,
  Res<M>,
  Methods[M]['requestStream'],
  Methods[M]['responseStream']
>;

function methodOf<M extends keyof Methods>(key: M): WireMethod<M> {
  const m = DaqDataDefinition.methods[key];
  const request = m.requestType as unknown as TsProtoMessageType<Req<M>>;
  const response = m.responseType as unknown as TsProtoMessageType<Res<M>>;
  return {
    path: `/${DaqDataDefinition.fullName}/${m.name}`,
    requestStream: m.requestStream,
    responseStream: m.responseStream,
    requestSerialize: (v) => request.encode(request.fromPartial(v)).finish(),
    requestDeserialize: (b) => request.decode(b),
    responseSerialize: (v) => response.encode(response.fromPartial(v)).finish(),
    responseDeserialize: (b) => response.decode(b),
    options: {},
  };
}

/** A StreamImages response: its parts, or its wire bytes already (the node's own streams encode in the turn they read the ring in). */
export type StreamImagesWireMethod = MethodDefinition<Req<'streamImages'>, Req<'streamImages'>, ImageResponse | Uint8Array, StreamImagesResponse, false, true>;

export const DaqDataWireDefinition: {
  streamImages: StreamImagesWireMethod;
  initHpIo: WireMethod<'initHpIo'>;
  ping: WireMethod<'ping'>;
  uploadImages: WireMethod<'uploadImages'>;
  streamRoiStats: WireMethod<'streamRoiStats'>;
  getRoiStatistics: WireMethod<'getRoiStatistics'>;
} = {
  streamImages: {
    ...methodOf('streamImages'),
    responseSerialize: (v: ImageResponse | Uint8Array) => handedOver(v instanceof Uint8Array ? v : encodeImageResponse(v)),
    responseDeserialize: (b: Uint8Array) => StreamImagesResponse.decode(b),
  },
  initHpIo: methodOf('initHpIo'),
  ping: methodOf('ping'),
  uploadImages: methodOf('uploadImages'),
  streamRoiStats: methodOf('streamRoiStats'),
  getRoiStatistics: methodOf('getRoiStatistics'),
};

export type DaqDataWireDefinition = typeof DaqDataWireDefinition;

/**
 * The response bytes as nice-grpc's `Buffer.from(serialized)` takes them without a copy: it
 * copies a Uint8Array (each response was copied three times: encoded, by nice-grpc, into
 * grpc-js's framed buffer) but wraps an ArrayBuffer. Only bytes that are their
 * whole ArrayBuffer are handed over so (never a view of a larger one); the wire bytes are the same.
 */
export function handedOver(bytes: Uint8Array): Uint8Array {
  return bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength ? (bytes.buffer as unknown as Uint8Array) : bytes;
}
