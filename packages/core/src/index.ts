// @daqdata/core: what the server, the client and the CLI share.
export * from './gen/daq_data.js';
export * from './pff/data-product.js';
export * from './pff/header.js';
export * from './time/white-rabbit.js';
