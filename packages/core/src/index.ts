// @daqdata/core: what the server, the client and the CLI share.
export * from './gen/daq_data.js';
export * from './pff/data-product.js';
export * from './pff/header.js';
export * from './pff/errors.js';
export * from './pff/file-name.js';
export * from './pff/header-fields.js';
export * from './pff/frame-layout.js';
export * from './pff/frame-scanner.js';
export * from './pff/frame-reader.js';
export * from './pff/pff-file.js';
export * from './pff/header-format.js';
export * from './pff/writer.js';
export * from './image/pano-image.js';
export * from './image/quabo-quadrant.js';
export * from './time/white-rabbit.js';
export * from './scale/colour-limits.js';
export * from './scale/colour-map.js';
