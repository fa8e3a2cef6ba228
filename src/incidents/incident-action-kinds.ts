// The kinds of stored actions (buttons and form submissions) of incidents; handlers in incident-actions.ts.

export const IncidentAction = {
  /** Acknowledge button: payload { incidentId }. */
  Ack: 'incident.ack',
  /** Post update button: opens the update form, or says what to type. Payload { incidentId }. */
  Update: 'incident.update',
  /** Resolve button: opens the resolution form, or says what to type. Payload { incidentId }. */
  Resolve: 'incident.resolve',
  /** "Declare another" after a repeated declaration: payload { severity, title, service, impact, channel }. */
  DeclareAnyway: 'incident.declare-anyway',
  /** Declare form submitted: payload { channel }, values severity, title, service, impact. */
  DeclareForm: 'incident.declare-form',
  /** Update form submitted: payload { incidentId }, values status, text, public (yes|no). */
  UpdateForm: 'incident.update-form',
  /** Resolution form submitted: payload { incidentId }, values rootCause, resolution, prevention. */
  ResolveForm: 'incident.resolve-form',
} as const;
