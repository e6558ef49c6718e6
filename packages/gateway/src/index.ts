// @daqdata/gateway: DAQ-node streams relayed through NATS JetStream and served again as DaqData.
export * from './gateway.js';
export * from './gateway-server.js';
export * from './events-resume.js';
export * from './image-headers.js';
export * from './jetstream-streams.js';
export * from './nats-connection.js';
export * from './nats-image-feed.js';
export * from './nats-server-process.js';
export * from './node-publisher.js';
export * from './subjects.js';
export * from './nats-daq-client.js';
