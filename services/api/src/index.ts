export { buildApp } from './app.js';
export { loadConfig, type ApiConfig } from './config.js';
