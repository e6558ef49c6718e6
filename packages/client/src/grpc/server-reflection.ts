// A small hand-written client definition of the standard gRPC server reflection service
// (grpc/reflection/v1/reflection.proto; v1alpha has the same messages under another package).
// Only the requests the SDK sends (list_services, file_containing_symbol) and the responses it
// reads are encoded; other fields are skipped. FileDescriptorProto bytes are decoded with
// @bufbuild/protobuf's well-known descriptor schema, so there is no second protobuf runtime.
import { fromBinary } from '@bufbuild/protobuf';
import { BinaryReader, BinaryWriter } from '@bufbuild/protobuf/wire';
import { FileDescriptorProtoSchema, type FileDescriptorProto } from '@bufbuild/protobuf/wkt';
import type { MethodDefinition } from 'nice-grpc';

export type ReflectionRequest = { host?: string } & ({ listServices: string } | { fileContainingSymbol: string });

export type ReflectionResponse =
  | { kind: 'services'; services: string[] }
  | { kind: 'files'; files: Uint8Array[] }
  | { kind: 'error'; code: number; message: string }
  | { kind: 'other' };

export function encodeReflectionRequest(req: ReflectionRequest): Uint8Array {
  const w = new BinaryWriter();
  if (req.host) w.uint32(10).string(req.host);
  if ('listServices' in req) w.uint32(58).string(req.listServices);
  else w.uint32(34).string(req.fileContainingSymbol);
  return w.finish();
}

function decodeServiceNames(bytes: Uint8Array): string[] {
  const names: string[] = [];
  const r = new BinaryReader(bytes);
  while (r.pos < r.len) {
    const tag = r.uint32();
    if (tag >>> 3 !== 1) {
      r.skip(tag & 7);
      continue;
    }
    // ServiceResponse { string name = 1; }
    const inner = new BinaryReader(r.bytes());
    while (inner.pos < inner.len) {
      const t = inner.uint32();
      if (t >>> 3 === 1) names.push(inner.string());
      else inner.skip(t & 7);
    }
  }
  return names;
}

function decodeFiles(bytes: Uint8Array): Uint8Array[] {
  const files: Uint8Array[] = [];
  const r = new BinaryReader(bytes);
  while (r.pos < r.len) {
    const tag = r.uint32();
    if (tag >>> 3 === 1) files.push(r.bytes());
    else r.skip(tag & 7);
  }
  return files;
}

function decodeError(bytes: Uint8Array): ReflectionResponse {
  let code = 0;
  let message = '';
  const r = new BinaryReader(bytes);
  while (r.pos < r.len) {
    const tag = r.uint32();
    if (tag >>> 3 === 1) code = r.int32();
    else if (tag >>> 3 === 2) message = r.string();
    else r.skip(tag & 7);
  }
  return { kind: 'error', code, message };
}

export function decodeReflectionResponse(bytes: Uint8Array): ReflectionResponse {
  let result: ReflectionResponse = { kind: 'other' };
  const r = new BinaryReader(bytes);
  while (r.pos < r.len) {
    const tag = r.uint32();
    switch (tag >>> 3) {
      case 4: // file_descriptor_response
        result = { kind: 'files', files: decodeFiles(r.bytes()) };
        break;
      case 6: // list_services_response
        result = { kind: 'services', services: decodeServiceNames(r.bytes()) };
        break;
      case 7: // error_response
        result = decodeError(r.bytes());
        break;
      default:
        r.skip(tag & 7);
    }
  }
  return result;
}

function reflectionMethod(pkg: string): MethodDefinition<ReflectionRequest, ReflectionRequest, ReflectionResponse, ReflectionResponse, true, true> {
  return {
    path: `/${pkg}.ServerReflection/ServerReflectionInfo`,
    requestStream: true,
    responseStream: true,
    requestSerialize: encodeReflectionRequest,
    requestDeserialize: () => {
      throw new Error('the SDK only sends reflection requests');
    },
    responseSerialize: () => {
      throw new Error('the SDK only reads reflection responses');
    },
    responseDeserialize: decodeReflectionResponse,
    options: {},
  };
}

/** grpc.reflection.v1 first; v1alpha for servers that only offer the older name. */
export const ReflectionV1Definition = { serverReflectionInfo: reflectionMethod('grpc.reflection.v1') } as const;
export const ReflectionV1AlphaDefinition = { serverReflectionInfo: reflectionMethod('grpc.reflection.v1alpha') } as const;

export function decodeFileDescriptor(bytes: Uint8Array): FileDescriptorProto {
  return fromBinary(FileDescriptorProtoSchema, bytes);
}
