// The webhook routes of the core on the process's HTTP server: Alertmanager's alerts and PagerDuty's
// incident events.
import type { Services } from '../core/services.js';
import { ALERTMANAGER_PATH, handleAlertmanager } from './alertmanager-webhook.js';
import { handlePagerDuty, PAGERDUTY_PATH } from './pagerduty-webhook.js';
import type { HttpServer } from './server.js';

export function serveWebhooks(http: HttpServer, services: Services): void {
  http.route('POST', ALERTMANAGER_PATH, handleAlertmanager(services));
  http.route('POST', PAGERDUTY_PATH, handlePagerDuty(services));
}
