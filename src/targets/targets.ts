// The systems the bot diagnoses and fixes, each behind its own port; absent when not configured.

export interface Targets {
  /** Closes every client (shutdown). */
  close(): Promise<void>;
}
