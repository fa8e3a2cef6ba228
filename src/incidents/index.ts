// The incidents domain, as the rest of the bot sees it: its commands, buttons, timers, outbox steps, migration,
// and the hook other domains use to add to an incident's "Actions taken".
export { incidentCommands } from './incident-commands.js';
export { incidentActions } from './incident-actions.js';
export { incidentTimerKinds } from './incident-timer-kinds.js';
export { incidentsMigration } from './incident-schema.js';
export { recordIncidentAction } from './record-action.js';
export { IncidentAction } from './incident-action-kinds.js';
export { incidentStepKinds } from './incident-delivery.js';
