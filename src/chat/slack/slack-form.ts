// A neutral Form as a Slack modal, and a submitted modal back into the form's action id and values.
import type { types } from '@slack/bolt';
import { z } from 'zod';
import type { Form, FormField } from '../message.js';
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
  return {
    type: 'plain_text_input',
    action_id: VALUE_ACTION,
    multiline: field.type === 'textarea',
    ...(field.initial ? { initial_value: field.initial.slice(0, L.inputInitial) } : {}),
  };
}

/** The modal for `form`; private_metadata carries the stored action id and the channel to answer in. */
export function renderForm(form: Form, channel: string | undefined): types.ModalView {
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
    private_metadata: JSON.stringify({ a: form.actionId, ...(channel ? { c: channel } : {}) }),
    blocks,
  };
}

const metadataSchema = z.object({ a: z.string().min(1).max(64), c: z.string().min(1).max(64).optional() });
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
}

/** Reads a view_submission's view: undefined when it is not one of ours or is malformed. */
export function readSubmission(view: {
  private_metadata?: string;
  state?: { values?: unknown };
}): Submission | undefined {
  let metadata: unknown;
  try {
    metadata = JSON.parse(view.private_metadata ?? '');
  } catch {
    return undefined;
  }
  const meta = metadataSchema.safeParse(metadata);
  const state = stateSchema.safeParse(view.state?.values ?? {});
  if (!meta.success || !state.success) return undefined;
  const values: Record<string, string> = {};
  for (const [name, inputs] of Object.entries(state.data)) {
    const input = inputs[VALUE_ACTION];
    const value = input?.value ?? input?.selected_option?.value;
    if (FIELD_NAME.test(name) && typeof value === 'string' && value.trim() !== '')
      values[name] = value.slice(0, L.inputInitial);
  }
  return { actionId: meta.data.a, channel: meta.data.c, values };
}
