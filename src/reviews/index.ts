// After the incident: the post-incident review drafted from the timeline, and response metrics.
export { reviewCommands } from './review-commands.js';
export { responseSamples } from './response-samples.js';
