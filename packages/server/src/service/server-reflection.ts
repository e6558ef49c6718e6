// Server reflection, as grpcurl and the reference client ask it: grpc.reflection.v1 and, for
// the reference client's reflect_services, grpc.reflection.v1alpha. The two protocols'
// messages are identical on the wire (same fields, same numbers), so one implementation
// serves both under their two method paths. The descriptor set holds the standard
// health.proto beside daq_data.proto (npm run generate), so a reflecting client sees every
// service the node serves.
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

/** One reflection implementation over the descriptor set (DaqData and health), for both protocol versions. */
export function reflectionImplementation(daqDataDescriptorSet: Uint8Array): ReturnType<typeof ServerReflection> {
  return ServerReflection(daqDataDescriptorSet, [DaqDataDefinition.fullName, HEALTH_SERVICE_NAME]);
}
