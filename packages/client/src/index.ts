export { TrainyardClient, TrainyardError, type ClientOptions } from './client.js';
export { parseEventStream, type ServerEvent } from './sse.js';
