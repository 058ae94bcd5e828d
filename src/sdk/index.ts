export { createClient, MaestroError, type ClientOptions, type MaestroClient } from './client.js';
export { managers } from '../protocol/commands/index.js';
