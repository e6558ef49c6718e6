// @daqdata/core: what the server, the client and the CLI share.
export * from './gen/daq_data.js';
