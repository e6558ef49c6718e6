// @daqdata/core: what the server, the client and the CLI share. Nothing here imports a Node
// built-in: reading and writing files on disk (PffFile, PffWriter, record files) is
// @daqdata/core/node, so a bundle of this entry runs in a browser too.
export * from './gen/daq_data.js';
export * from './pff/data-product.js';
export * from './pff/header.js';
export * from './pff/errors.js';
export * from './pff/file-name.js';
export * from './pff/header-fields.js';
export * from './pff/frame-layout.js';
export * from './pff/frame-scanner.js';
export * from './pff/frame-reader.js';
export * from './pff/header-checker.js';
export * from './pff/frame-run.js';
export * from './pff/header-format.js';
export * from './pff/frame-encoder.js';
export * from './image/pano-image.js';
export * from './image/stream-images-response-decoding.js';
export * from './image/quabo-quadrant.js';
export * from './time/white-rabbit.js';
export * from './roi/roi.js';
export * from './roi/light-curve.js';
export * from './scale/colour-limits.js';
export * from './scale/colour-map.js';
export * from './image/module-field.js';
export * from './time/frame-rate.js';
export * from './record/record-format.js';
export * from './record/record-stream.js';
export * from './time/data-rate.js';
export * from './image/pulse-height-histogram.js';
export * from './pff/run-name.js';
