// @daqdata/core/browser: the parts of core a web page needs, and nothing that imports a Node
// built-in (no fs, no path): data products, PFF frame and file-name parsing, the image model,
// the quabo mapping, White Rabbit time, colour limits and colour maps, and the `daq record`
// format (decoding a fetched file's bytes). A test follows this entry's imports and checks it
// stays so. Unlike the main entry it leaves out the generated gRPC service code.
export * from './pff/data-product.js';
export * from './pff/header.js';
export * from './pff/errors.js';
export * from './pff/file-name.js';
export * from './pff/frame-layout.js';
export * from './pff/frame-reader.js';
export * from './pff/frame-run.js';
export * from './image/pano-image.js';
export * from './image/quabo-quadrant.js';
export * from './image/module-field.js';
export * from './time/white-rabbit.js';
export * from './scale/colour-limits.js';
export * from './scale/colour-map.js';
export * from './time/frame-rate.js';
export * from './record/record-format.js';
export * from './record/record-stream.js';
export * from './time/data-rate.js';
export * from './image/pulse-height-histogram.js';
export * from './pff/run-name.js';
