// @daqdata/web: the live dashboard `daq web` serves. startDashboard runs the server; the page
// itself is built into dist/public by rolldown (src/browser).
export * from './server/dashboard-server.js';
export * from './server/browser-feed.js';
export * from './server/node-health.js';
export * from './server/node-drops.js';
export * from './shared/image-message.js';
export * from './shared/control-messages.js';
