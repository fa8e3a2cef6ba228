// When a batch of writes goes (group commit), for the logs that batch their rows (audit-log.ts,
// delivery-log.ts): the first row waits `windowMs` for others (0: the next turn of the event loop),
// a batch of `fullBatch` goes at once, and rows that come while one is being written go in the next.
// One batch is written at a time.

export interface WriteWindowOptions {
  windowMs: number;
  /** Rows that end the window early (a busy bot's work queue must not wait it out). */
  fullBatch: number;
  /** How many rows wait now. */
  waiting(): number;
  /** Writes one batch of what waits; settles each row's caller itself, and never throws. */
  writeBatch(): Promise<void>;
}

export class WriteWindow {
  private writing = false;
  /** The window's timer, while the first batch waits in it. */
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly options: WriteWindowOptions) {}

  /** A row joined the waiting ones. */
  added(): void {
    if (!this.writing) {
      this.writing = true;
      if (this.options.windowMs > 0) this.timer = setTimeout(() => void this.run(), this.options.windowMs);
      else setImmediate(() => void this.run());
    } else if (this.timer !== undefined && this.options.waiting() >= this.options.fullBatch) {
      clearTimeout(this.timer);
      this.timer = undefined;
      setImmediate(() => void this.run());
    }
  }

  private async run(): Promise<void> {
    this.timer = undefined;
    while (this.options.waiting() > 0) await this.options.writeBatch();
    this.writing = false;
  }
}
