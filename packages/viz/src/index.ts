// @daqdata/viz: figures of DAQ images and events as Vega-Lite specs, rendered to SVG without a
// browser (for notebooks: tslab.display.svg(await renderSvg(heatmap(image)))).
export * from './render-svg.js';
export * from './heatmap.js';
export * from './histogram.js';
export * from './time-series.js';
export * from './bar-chart.js';
export * from './side-by-side.js';
export * from './pulse-height-histograms.js';
