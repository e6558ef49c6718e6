// Server reflection, as grpcurl and the reference client ask it: grpc.reflection.v1 and, for
// the reference client's reflect_services, grpc.reflection.v1alpha. The two protocols'
// messages are identical on the wire (same fields, same numbers), so one implementation
// serves both under their two method paths. The standard health service is described too,
// so a reflecting client sees every service the node serves.
import { create, toBinary } from '@bufbuild/protobuf';
import { FieldDescriptorProto_Label, FieldDescriptorProto_Type, FileDescriptorSetSchema } from '@bufbuild/protobuf/wkt';
import { DaqDataDefinition } from '@daqdata/core';
import { ServerReflection, ServerReflectionService } from 'nice-grpc-server-reflection';

export const HEALTH_SERVICE_NAME = 'grpc.health.v1.Health';

/** grpc.reflection.v1alpha.ServerReflection: v1's method under the older path. */
export const ServerReflectionV1AlphaService = {
  serverReflectionInfo: {
    ...ServerReflectionService.serverReflectionInfo,
    path: '/grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo',
    originalName: 'ServerReflectionInfo',
  },
} as unknown as typeof ServerReflectionService;

/** grpc/health/v1/health.proto as a file descriptor (the standard file; nice-grpc-server-health ships no descriptor). */
export function healthFileDescriptorSet(): Uint8Array {
  const optional = FieldDescriptorProto_Label.OPTIONAL;
  return toBinary(
    FileDescriptorSetSchema,
    create(FileDescriptorSetSchema, {
      file: [
        {
          name: 'grpc/health/v1/health.proto',
          package: 'grpc.health.v1',
          syntax: 'proto3',
          messageType: [
            { name: 'HealthCheckRequest', field: [{ name: 'service', number: 1, label: optional, type: FieldDescriptorProto_Type.STRING, jsonName: 'service' }] },
            {
              name: 'HealthCheckResponse',
              field: [{ name: 'status', number: 1, label: optional, type: FieldDescriptorProto_Type.ENUM, typeName: '.grpc.health.v1.HealthCheckResponse.ServingStatus', jsonName: 'status' }],
              enumType: [
                {
                  name: 'ServingStatus',
                  value: [
                    { name: 'UNKNOWN', number: 0 },
                    { name: 'SERVING', number: 1 },
                    { name: 'NOT_SERVING', number: 2 },
                    { name: 'SERVICE_UNKNOWN', number: 3 },
                  ],
                },
              ],
            },
          ],
          service: [
            {
              name: 'Health',
              method: [
                { name: 'Check', inputType: '.grpc.health.v1.HealthCheckRequest', outputType: '.grpc.health.v1.HealthCheckResponse' },
                { name: 'Watch', inputType: '.grpc.health.v1.HealthCheckRequest', outputType: '.grpc.health.v1.HealthCheckResponse', serverStreaming: true },
              ],
            },
          ],
          options: { javaMultipleFiles: true, javaOuterClassname: 'HealthProto', javaPackage: 'io.grpc.health.v1', csharpNamespace: 'Grpc.Health.V1', goPackage: 'google.golang.org/grpc/health/grpc_health_v1' },
        },
      ],
    }),
  );
}

/** One reflection implementation over DaqData's descriptor set and the health file, for both protocol versions. */
export function reflectionImplementation(daqDataDescriptorSet: Uint8Array): ReturnType<typeof ServerReflection> {
  // A FileDescriptorSet is one repeated field: two encoded sets concatenated are their union.
  const health = healthFileDescriptorSet();
  const all = new Uint8Array(daqDataDescriptorSet.length + health.length);
  all.set(daqDataDescriptorSet);
  all.set(health, daqDataDescriptorSet.length);
  return ServerReflection(all, [DaqDataDefinition.fullName, HEALTH_SERVICE_NAME]);
}
