// A neutral Form as a Slack modal, and a submitted modal back into the form's action id and values.
import type { types } from '@slack/bolt';
import { z } from 'zod';
import type { Form, FormField } from '../message.js';
import { rawBlock, type RawBlock } from './slack-clicked.js';
import { SLACK_LIMITS as L } from './slack-limits.js';
import { plain } from './slack-text.js';

/** The callback_id of every modal the bot opens: one listener handles them all. */
export const FORM_CALLBACK_ID = 'oatie_form';
const VALUE_ACTION = 'value';
const FIELD_NAME = /^[A-Za-z][A-Za-z0-9_-]{0,63}$/;

function element(field: FormField): types.InputBlockElement {
  if (field.type === 'select') {
    const options = (field.options ?? []).slice(0, L.selectOptions).map((o) => ({
      text: {
        type: 'plain_text' as const,
        text: plain(o.label, L.optionText) || o.value.slice(0, L.optionText),
      },
      value: o.value.slice(0, L.optionValue),
    }));
    const initial = options.find((o) => o.value === field.initial);
    return {
      type: 'static_select',
      action_id: VALUE_ACTION,
      options,
      ...(initial ? { initial_option: initial } : {}),
    };
  }
  // Slack refuses a longer entry before submit, so what the user typed stays in the modal to shorten.
  const max =
    field.maxLength === undefined ? undefined : Math.max(1, Math.min(field.maxLength, L.inputInitial));
  return {
    type: 'plain_text_input',
    action_id: VALUE_ACTION,
    multiline: field.type === 'textarea',
    ...(max === undefined ? {} : { max_length: max }),
    ...(field.initial ? { initial_value: field.initial.slice(0, max ?? L.inputInitial) } : {}),
  };
}

/**
 * The message whose button opened a form, carried through the modal so the submission can edit it:
 * where it is and its blocks without the clicked button's row (left out when they do not fit).
 */
export interface FormOrigin {
  channel: string;
  ts: string;
  text?: string;
  blocks?: RawBlock[];
}

/** The modal's private_metadata; the origin's blocks travel only if everything fits Slack's 3,000 characters. */
function metadataFor(actionId: string, channel: string | undefined, origin: FormOrigin | undefined): string {
  const base = { a: actionId, ...(channel ? { c: channel } : {}) };
  if (!origin) return JSON.stringify(base);
  const where = { c: origin.channel, t: origin.ts };
  const full = JSON.stringify({ ...base, o: { ...where, x: origin.text, b: origin.blocks } });
  return full.length <= L.privateMetadata ? full : JSON.stringify({ ...base, o: where });
}

/**
 * The modal for `form`; private_metadata carries the stored action id, the channel to answer in and,
 * when a button opened it, that button's message (edited once the submission did its job).
 */
export function renderForm(form: Form, channel: string | undefined, origin?: FormOrigin): types.ModalView {
  const blocks: types.InputBlock[] = form.fields
    .filter((f) => FIELD_NAME.test(f.name))
    .slice(0, L.modalBlocks)
    .map((field) => ({
      type: 'input',
      block_id: field.name,
      optional: field.optional === true,
      label: { type: 'plain_text', text: plain(field.label, L.inputLabel) || field.name },
      element: element(field),
    }));
  return {
    type: 'modal',
    callback_id: FORM_CALLBACK_ID,
    title: { type: 'plain_text', text: plain(form.title, L.modalTitle) || 'oatie-ops' },
    submit: { type: 'plain_text', text: plain(form.submitLabel, L.modalButton) || 'Submit' },
    close: { type: 'plain_text', text: 'Cancel' },
    private_metadata: metadataFor(form.actionId, channel, origin),
    blocks,
  };
}

const metadataSchema = z.object({
  a: z.string().min(1).max(64),
  c: z.string().min(1).max(64).optional(),
  o: z
    .object({
      c: z.string().min(1).max(64),
      t: z.string().min(1).max(40),
      x: z.string().max(L.privateMetadata).optional(),
      b: z.array(rawBlock).max(L.blocks).optional(),
    })
    .optional(),
});
const stateSchema = z.record(
  z.string(),
  z.record(
    z.string(),
    z.object({
      value: z.string().nullish(),
      selected_option: z.object({ value: z.string() }).nullish(),
    }),
  ),
);

export interface Submission {
  actionId: string;
  channel: string | undefined;
  values: Record<string, string>;
  /** The message whose button opened the form, if one did. */
  origin?: FormOrigin;
}

function metadataOf(view: { private_metadata?: string }): unknown {
  try {
    return JSON.parse(view.private_metadata ?? '');
  } catch {
    return undefined;
  }
}

/** The channel a modal was opened from, read on its own: enough to answer a submission that is malformed. */
export function formChannel(view: { private_metadata?: string }): string | undefined {
  const meta = z.object({ c: z.string().min(1).max(64) }).safeParse(metadataOf(view));
  return meta.success ? meta.data.c : undefined;
}

/** Reads a view_submission's view: undefined when it is not one of ours or is malformed. */
export function readSubmission(view: {
  private_metadata?: string;
  state?: { values?: unknown };
}): Submission | undefined {
  const meta = metadataSchema.safeParse(metadataOf(view));
  const state = stateSchema.safeParse(view.state?.values ?? {});
  if (!meta.success || !state.success) return undefined;
  const values: Record<string, string> = {};
  for (const [name, inputs] of Object.entries(state.data)) {
    const input = inputs[VALUE_ACTION];
    const value = input?.value ?? input?.selected_option?.value;
    if (FIELD_NAME.test(name) && typeof value === 'string' && value.trim() !== '')
      values[name] = value.slice(0, L.inputInitial);
  }
  const { a: actionId, c: channel, o } = meta.data;
  const origin = o && { channel: o.c, ts: o.t, text: o.x, blocks: o.b };
  return { actionId, channel, values, ...(origin ? { origin } : {}) };
}
