// The work behind an acknowledgement. A chat adapter acks a request at once and hands what it asked
// for to this queue, which runs a bounded number of jobs at a time, so that under a burst the acks of
// new requests do not wait behind the answers of earlier ones. Past `limit` waiting jobs it refuses
// more, and the adapter answers "busy, try again" in the ack: never a silent drop.
import { describeError } from '../core/errors.js';
import type { Logger } from '../core/logger.js';

export interface WorkQueueOptions {
  /** Jobs running at once. */
  concurrency: number;
  /** Jobs waiting (not yet running) past which `offer` refuses. */
  limit: number;
  log: Logger;
}

export type Job = () => Promise<void>;

/** What the ack says when the queue is full. */
export const BUSY_TEXT =
  '⏳ The bot is busy with many requests right now, so this one did not run. Please try again in a moment.';

export class WorkQueue {
  private readonly waiting: Job[] = [];
  private head = 0;
  private running = 0;
  private idle: Array<() => void> = [];

  constructor(private readonly options: WorkQueueOptions) {}

  /** Jobs accepted and not finished. */
  get pending(): number {
    return this.waiting.length - this.head + this.running;
  }

  /** Whether `offer` would accept a job now (to answer "busy" in the ack before acking). */
  hasRoom(): boolean {
    return this.waiting.length - this.head < this.options.limit;
  }

  /** Queues `job` unless the queue is full; false means refused (answer "busy"). Jobs never throw out. */
  offer(job: Job): boolean {
    if (!this.hasRoom()) return false;
    this.waiting.push(job);
    this.pump();
    return true;
  }

  /**
   * Queues `job` whatever the limit: its ack is already written, by a caller that bounded what it
   * admits itself (the front door's thread, src/http/front-door.ts).
   */
  admit(job: Job): void {
    this.waiting.push(job);
    this.pump();
  }

  /** Resolves when every accepted job has finished (shutdown, tests). */
  drained(): Promise<void> {
    if (this.pending === 0) return Promise.resolve();
    return new Promise((resolve) => this.idle.push(resolve));
  }

  private pump(): void {
    while (this.running < this.options.concurrency && this.head < this.waiting.length) {
      const job = this.waiting[this.head];
      if (job === undefined) break;
      this.head += 1;
      // Compact now and then instead of shift() on every job (O(n) on a long queue).
      if (this.head > 1024 && this.head * 2 > this.waiting.length) {
        this.waiting.splice(0, this.head);
        this.head = 0;
      }
      this.running += 1;
      // setImmediate: the job starts after pending I/O (new requests and their acks) has had its turn.
      setImmediate(() => void this.run(job));
    }
  }

  private async run(job: Job): Promise<void> {
    try {
      await job();
    } catch (error) {
      this.options.log.error({ err: describeError(error) }, 'queued work failed');
    } finally {
      this.running -= 1;
      this.pump();
      if (this.pending === 0) for (const resolve of this.idle.splice(0)) resolve();
    }
  }
}
