export { TrainyardClient, type ClientOptions, type Job, type JobPage } from './client.js';
export { TrainyardError } from './errors.js';
export { TERMINAL_EVENT_TYPES, type FollowOptions, type JobEvent, type JobServerEvent } from './follow.js';
export { parseEventStream, type ServerEvent } from './sse.js';
export type { paths as ApiPaths, operations as ApiOperations, components as ApiComponents } from './openapi.js';
