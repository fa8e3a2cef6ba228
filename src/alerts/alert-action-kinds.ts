// The kinds of stored actions (buttons) of alert groups; handlers in alert-actions.ts.
export const AlertAction = {
  /** Acknowledge button: payload { alertId }. */
  Ack: 'alert.ack',
  /** Declare incident button: payload { alertId }. */
  Declare: 'alert.declare',
} as const;
