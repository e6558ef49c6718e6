// @daqdata/client: the SDK for DaqData nodes.
export { DaqClient, SIMULATED_HP_IO } from './daq-client.js';
export type { DaqClientOptions, DaqClientSource, Hosts, HpIoConfig, InitHpIoResult, RawImageMessage, StreamImagesOptions } from './daq-client.js';
export { ClientConfigError } from './config/client-config-error.js';
export { nodesFromAddresses, nodesFromDaqConfig } from './config/daq-config.js';
export type { DaqConfig, DaqNode, DaqNodeConfig, NetworkConfig, PortForwarding } from './config/daq-config.js';
export { DEFAULT_DAQ_PORT, parseNodeAddress } from './config/node-address.js';
export type { NodeAddress } from './config/node-address.js';
export { formatReflection } from './grpc/reflect-node.js';
export type { HostReflection, ReflectedMethod } from './grpc/reflect-node.js';
export { NoResponsiveHostsError, UnknownHostError } from './host-selection.js';
export type { HostState, StreamEvent } from './status/stream-event.js';
export { DEFAULT_RECONNECT, backoffDelayMs, reconnectOptions } from './stream/backoff.js';
export type { ReconnectOptions } from './stream/backoff.js';
export { HostGoneError } from './stream/host-image-stream.js';
export { AllHostsFailedError } from './stream/merge-in-arrival-order.js';
export { SyncDaqClient } from './sync/sync-client.js';
export type { ParsedImage, PanoImage, StreamImagesResponse } from '@daqdata/core';
