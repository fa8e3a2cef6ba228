// The work this process has in hand (a command being answered, a button being handled, a fix
// running), so a graceful shutdown can wait for it — and record, for what cannot finish in time,
// that it was interrupted, instead of leaving a fix "running" forever.

type Interruption = () => Promise<void>;

export class WorkInHand {
  private readonly running = new Set<Promise<unknown>>();
  private readonly interruptions = new Set<Interruption>();

  /** How many pieces of work are in hand now. */
  get size(): number {
    return this.running.size;
  }

  /** Follows `work` until it settles; returns it unchanged. */
  track<T>(work: Promise<T>): Promise<T> {
    this.running.add(work);
    const forget = () => this.running.delete(work);
    work.then(forget, forget);
    return work;
  }

  /** What to record if the process stops before the work finishes; returns the function that
   * withdraws it (call it when the work finishes). */
  onInterrupt(record: Interruption): () => void {
    this.interruptions.add(record);
    return () => this.interruptions.delete(record);
  }

  /** Waits for the work in hand (and the work it starts meanwhile) for at most `ms`; true when all finished. */
  async drain(ms: number): Promise<boolean> {
    const deadline = performance.now() + ms;
    while (this.running.size > 0) {
      const left = deadline - performance.now();
      if (left <= 0) return false;
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<void>((resolve) => (timer = setTimeout(resolve, left)));
      await Promise.race([Promise.allSettled([...this.running]), timeout]);
      clearTimeout(timer);
    }
    return true;
  }

  /** Records every interruption still registered (the work that did not finish), each at most once. */
  async interruptRest(): Promise<number> {
    const records = [...this.interruptions];
    this.interruptions.clear();
    await Promise.allSettled(records.map((record) => record()));
    return records.length;
  }
}
