// @daqdata/core/browser: the parts of core a web page needs, and nothing that imports a Node
// built-in (no fs, no path): data products, the quabo mapping, White Rabbit time, colour
// limits and colour maps. A test bundles this entry for the browser and checks it stays so.
export * from './pff/data-product.js';
export * from './image/quabo-quadrant.js';
export * from './image/module-field.js';
export * from './scale/colour-limits.js';
export * from './scale/colour-map.js';
export * from './time/frame-rate.js';
export * from './time/data-rate.js';
export * from './image/pulse-height-histogram.js';
export * from './pff/run-name.js';
