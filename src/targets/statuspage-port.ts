// The status page port (Atlassian Statuspage when STATUSPAGE_API_KEY and STATUSPAGE_PAGE_ID are
// set): incidents opened and updated there from `incident update … --public` and resolution.

export type StatusPageStatus = 'investigating' | 'identified' | 'monitoring' | 'resolved';
export type StatusPageImpact = 'none' | 'minor' | 'major' | 'critical';

export interface StatusPageTarget {
  /** Where it points, for messages (the API host and page id, never the key). */
  readonly description: string;
  /** Opens an incident on the page; returns its id there. */
  open(incident: {
    name: string;
    status: StatusPageStatus;
    body: string;
    impact: StatusPageImpact;
  }): Promise<string>;
  /** Adds an update (new status and text) to an incident opened before. */
  update(id: string, update: { status: StatusPageStatus; body: string }): Promise<void>;
}
