// A YAML-level `kubectl kustomize` for the subset manifests/kubernetes uses (no kubectl on CI
// machines): resource files, and configMapGenerator from files with kustomize's name hash (the same
// hash, so the output can be compared with the real kustomize where it is installed), and the
// references to a generated ConfigMap rewritten in pod templates. Anything else is refused, so a
// kustomization that outgrows this subset fails its test instead of rendering wrongly.
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { basename, join, relative, resolve } from 'node:path';
import { parseAllDocuments, parse } from 'yaml';
import { z } from 'zod';

export type KubeObject = {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string> };
  [key: string]: unknown;
};

const kustomizationSchema = z.strictObject({
  apiVersion: z.literal('kustomize.config.k8s.io/v1beta1'),
  kind: z.literal('Kustomization'),
  resources: z.array(z.string()).default([]),
  configMapGenerator: z
    .array(z.strictObject({ name: z.string(), namespace: z.string().optional(), files: z.array(z.string()) }))
    .default([]),
});

/** kustomize's hash of a generated ConfigMap (api/hasher): sha256 of Go's JSON of kind, name and data;
 * kustomize 5 hashes the generated object before it has a name, so the name is empty. */
function configMapHash(data: Record<string, string>): string {
  const sorted = Object.fromEntries(Object.entries(data).sort(([a], [b]) => (a < b ? -1 : 1)));
  // Go's encoding/json escapes <, > and & (and U+2028/2029) where JSON.stringify does not.
  const json = JSON.stringify({ data: sorted, kind: 'ConfigMap', name: '' })
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/&/g, '\\u0026')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
  const hex = createHash('sha256').update(json).digest('hex').slice(0, 10);
  const swap: Record<string, string> = { '0': 'g', '1': 'h', '3': 'k', a: 'm', e: 't' };
  return hex.replace(/[013ae]/g, (c) => swap[c] ?? c);
}

/** Reads a file named by the kustomization, refusing what kustomize's load restrictor refuses. */
async function readInRoot(root: string, file: string): Promise<string> {
  const path = resolve(root, file);
  if (relative(root, path).startsWith('..'))
    throw new Error(`security; file '${path}' is not in or below '${root}'`);
  return readFile(path, 'utf8');
}

type PodTemplateHolder = { spec?: { template?: { spec?: PodSpec } } };
type PodSpec = {
  volumes?: Array<{ configMap?: { name: string } }>;
  containers?: Array<{ envFrom?: Array<{ configMapRef?: { name: string } }> }>;
};

function renameReferences(objects: KubeObject[], namespace: string | undefined, from: string, to: string) {
  for (const o of objects) {
    if (o.metadata.namespace !== namespace) continue;
    const pod = (o as PodTemplateHolder).spec?.template?.spec;
    for (const v of pod?.volumes ?? []) if (v.configMap?.name === from) v.configMap.name = to;
    for (const c of pod?.containers ?? [])
      for (const e of c.envFrom ?? []) if (e.configMapRef?.name === from) e.configMapRef.name = to;
  }
}

/** The objects `kubectl kustomize <dir>` would print, in the order of the resources, then generated. */
export async function kustomize(dir: string): Promise<KubeObject[]> {
  const root = resolve(dir);
  const k = kustomizationSchema.parse(parse(await readFile(join(root, 'kustomization.yaml'), 'utf8')));
  const objects: KubeObject[] = [];
  for (const file of k.resources) {
    for (const doc of parseAllDocuments(await readInRoot(root, file))) {
      if (doc.errors.length > 0) throw new Error(`${file}: ${doc.errors[0]?.message ?? ''}`);
      const value = doc.toJS() as KubeObject | null;
      if (value !== null) objects.push(value);
    }
  }
  for (const generator of k.configMapGenerator) {
    const data: Record<string, string> = {};
    for (const file of generator.files) data[basename(file)] = await readInRoot(root, file);
    const name = `${generator.name}-${configMapHash(data)}`;
    renameReferences(objects, generator.namespace, generator.name, name);
    const metadata = { name, ...(generator.namespace ? { namespace: generator.namespace } : {}) };
    objects.push({ apiVersion: 'v1', kind: 'ConfigMap', metadata, data });
  }
  return objects;
}

/** The one object of a kind and name (and namespace when given); throws when there is none. */
export function find(objects: KubeObject[], kind: string, name: string, namespace?: string): KubeObject {
  const found = objects.find(
    (o) =>
      o.kind === kind &&
      o.metadata.name === name &&
      (namespace === undefined || o.metadata.namespace === namespace),
  );
  if (!found) throw new Error(`no ${kind} ${namespace ?? '*'}/${name} in the rendered manifests`);
  return found;
}
