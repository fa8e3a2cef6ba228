// The poll loop the scheduler and the outbox share: `poll` runs, then again `everyMs` after it has
// finished (never two at once), until stop(), which waits (bounded) for the poll in hand.
export class PollLoop {
  private timer: NodeJS.Timeout | undefined;
  private inHand: Promise<void> | undefined;
  private running = false;

  constructor(
    private readonly poll: () => Promise<unknown>,
    private readonly everyMs: number,
    private readonly onError: (error: unknown) => void,
  ) {}

  /** True until start() and after stop(): a poll in hand checks it to end early. */
  get stopped(): boolean {
    return !this.running;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    const tick = (): void => {
      if (!this.running) return;
      this.inHand = this.poll().then(
        () => undefined,
        (error: unknown) => this.onError(error),
      );
      void this.inHand.finally(() => {
        if (this.running) this.timer = setTimeout(tick, this.everyMs);
      });
    };
    tick();
  }

  /** Stops polling and waits, at most `waitMs`, for the poll in hand to finish. */
  async stop(waitMs = Number.POSITIVE_INFINITY): Promise<void> {
    this.running = false;
    clearTimeout(this.timer);
    let timer: NodeJS.Timeout | undefined;
    const waited = Number.isFinite(waitMs)
      ? new Promise<void>((resolve) => (timer = setTimeout(resolve, waitMs)))
      : new Promise<void>(() => undefined);
    await Promise.race([this.inHand, waited]);
    clearTimeout(timer);
  }
}
