// `npm start -- --print-config`: the effective configuration, one `NAME=value` line per setting, with
// every secret masked: tokens and keys read [redacted] when set (as the output masker writes them), URLs lose their password.
import { maskSecrets } from '../core/secrets.js';
import { chatMode, envSchema, type Config } from './env.js';

/** Settings whose whole value is a credential, by name (new ones are caught by the same words). */
const SECRET_NAME = /TOKEN|SECRET|KEY|PASSWORD/;

function shown(name: string, value: unknown): string {
  if (value === undefined) return '(not set)';
  if (SECRET_NAME.test(name)) return '[redacted]';
  const text =
    typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean'
      ? String(value)
      : Array.isArray(value)
        ? value.join(',')
        : JSON.stringify(value);
  if (URL.canParse(text)) {
    const url = new URL(text);
    if (url.password !== '') url.password = '***';
    return maskSecrets(url.toString());
  }
  return maskSecrets(text);
}

/** The lines printed by --print-config, in the order of the schema (the order of .env.example). */
export function describeConfig(config: Config, policyFile: string): string[] {
  const lines = Object.keys(envSchema.shape).map((name) => {
    const value: unknown = config[name as keyof Config];
    return `${name}=${shown(name, value)}`;
  });
  return [...lines, `# chat adapter: ${chatMode(config)}`, `# policy file: ${policyFile}`];
}
