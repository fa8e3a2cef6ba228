// Stored button actions: a button carries only an opaque id; what it does is looked up here.
import { randomBytes } from 'node:crypto';
import type { Db } from '../store/db.js';

export interface StoredAction {
  id: string;
  kind: string;
  payload: unknown;
  createdAt: Date;
}

/** Ids are unguessable, so a forged click cannot name an action it was never shown. */
const newId = (): string => randomBytes(12).toString('base64url');

export class ActionStore {
  constructor(private readonly db: Db) {}

  async create(kind: string, payload: unknown = {}): Promise<string> {
    const id = newId();
    await this.db.query('INSERT INTO action_buttons (id, kind, payload) VALUES ($1, $2, $3::jsonb)', [
      id,
      kind,
      JSON.stringify(payload),
    ]);
    return id;
  }

  async get(id: string): Promise<StoredAction | undefined> {
    if (!/^[A-Za-z0-9_-]{1,64}$/.test(id)) return undefined;
    const result = await this.db.query<{ id: string; kind: string; payload: unknown; created_at: Date }>(
      'SELECT id, kind, payload, created_at FROM action_buttons WHERE id = $1',
      [id],
    );
    const row = result.rows[0];
    return row
      ? { id: row.id, kind: row.kind, payload: row.payload, createdAt: new Date(row.created_at) }
      : undefined;
  }
}
