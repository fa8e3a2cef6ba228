// The alerts domain (Alertmanager intake), as the rest of the bot sees it: its buttons and migration.
export { alertActions } from './alert-actions.js';
export { alertsMigration } from './alert-schema.js';
export { receiveAlerts } from './receive-alerts.js';
export { alertmanagerPayload, payloadProblem } from './alertmanager-payload.js';
