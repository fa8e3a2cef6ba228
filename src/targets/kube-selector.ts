// Label and field selectors for the Kubernetes API, built from structures, never from chat text.
// A selector is data (matchLabels/matchExpressions, as in the API's V1LabelSelector); every key and
// value is checked against the Kubernetes label syntax before it is written out, so no value can
// add a requirement of its own (a comma, `!=`, parentheses or spaces are refused, not escaped).
import type { V1LabelSelector } from '@kubernetes/client-node';
import { ErrorCode, OpsError, badArgument } from '../core/errors.js';
import type { LabelSelector } from './kube-port.js';

const NAME = /^([A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)$/;
const PREFIX = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;

function checkKey(key: string): string {
  const slash = key.indexOf('/');
  const prefix = slash === -1 ? undefined : key.slice(0, slash);
  const name = slash === -1 ? key : key.slice(slash + 1);
  const prefixOk = prefix === undefined || (prefix.length <= 253 && PREFIX.test(prefix));
  if (!prefixOk || !NAME.test(name)) throw badArgument('A label key is not a valid Kubernetes label key.');
  return key;
}

function checkValue(value: string): string {
  if (value !== '' && !NAME.test(value))
    throw badArgument('A label value is not a valid Kubernetes label value.');
  return value;
}

/** A DNS label (pod, deployment, service, namespace name) or a usage error; used before any path or selector. */
export function checkName(name: string, what = 'name'): string {
  if (!DNS_LABEL.test(name))
    throw badArgument(`That is not a valid Kubernetes ${what} (lowercase letters, digits, -).`);
  return name;
}

/** The port's selector for the library's V1LabelSelector (as read from a deployment or a policy). */
export function fromV1Selector(selector: V1LabelSelector | undefined): LabelSelector {
  return {
    matchLabels: { ...(selector?.matchLabels ?? {}) },
    matchExpressions: (selector?.matchExpressions ?? []).map((r) => ({
      key: r.key,
      operator: asOperator(r.operator),
      values: [...(r.values ?? [])],
    })),
  };
}

// An operator the bot does not know cannot be approximated without selecting the wrong pods.
function asOperator(operator: string): LabelSelector['matchExpressions'][number]['operator'] {
  if (operator === 'In' || operator === 'NotIn' || operator === 'Exists' || operator === 'DoesNotExist')
    return operator;
  throw new OpsError(
    ErrorCode.TargetDown,
    'The Kubernetes API returned a label selector operator the bot does not know.',
  );
}

/** The `labelSelector` query value for a selector (the API's V1LabelSelector shape); undefined selects everything. */
export function labelSelectorString(selector: LabelSelector | undefined): string | undefined {
  if (!selector) return undefined;
  const parts = Object.entries(selector.matchLabels).map(([k, v]) => `${checkKey(k)}=${checkValue(v)}`);
  for (const r of selector.matchExpressions) {
    const key = checkKey(r.key);
    const values = r.values.map(checkValue);
    if (r.operator === 'Exists') parts.push(key);
    else if (r.operator === 'DoesNotExist') parts.push(`!${key}`);
    else {
      if (values.length === 0) throw badArgument('A set-based label requirement has no values.');
      parts.push(`${key} ${r.operator.toLowerCase()} (${values.join(',')})`);
    }
  }
  return parts.length === 0 ? undefined : parts.join(',');
}

/** The `fieldSelector` for events about one object: the name is a checked DNS label. */
export function involvedObjectSelector(kind: 'Pod', name: string): string {
  return `involvedObject.kind=${kind},involvedObject.name=${checkName(name, 'pod name')}`;
}
