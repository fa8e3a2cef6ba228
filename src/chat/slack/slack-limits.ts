// Slack's published limits for messages and modals (docs.slack.dev, Block Kit reference), in one place.
export const SLACK_LIMITS = {
  /** Blocks in one message. */
  blocks: 50,
  /** Characters of a message, all of it (we count the JSON of the blocks, which over-estimates: safe). */
  messageChars: 40_000,
  /** Characters of a section's text, a context element or a confirm dialog's mrkdwn. */
  sectionText: 3000,
  headerText: 150,
  fieldsPerSection: 10,
  fieldText: 2000,
  buttonsPerActions: 25,
  buttonText: 75,
  buttonValue: 2000,
  actionId: 255,
  confirmTitle: 100,
  confirmText: 300,
  confirmButton: 30,
  /** The notification (fallback) text we send; Slack allows more, people read less. */
  fallbackText: 3000,
  // Modals.
  modalBlocks: 100,
  modalTitle: 24,
  modalButton: 24,
  inputLabel: 2000,
  inputInitial: 3000,
  selectOptions: 100,
  optionText: 75,
  optionValue: 150,
  privateMetadata: 3000,
  channelTopic: 250,
} as const;
