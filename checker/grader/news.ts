/**
 * "Something happened": a waiter sleeps until the next piece of news (bytes arrived, a line was
 * printed, a process exited) or until its time is up, whichever comes first. Never unbounded.
 */
export class News {
  private waiters = new Set<() => void>();

  /** Resolves at the next `tell()`, or after `timeoutMs`. */
  next(timeoutMs: number): Promise<void> {
    return new Promise((resolve) => {
      const wake = (): void => {
        clearTimeout(timer);
        this.waiters.delete(wake);
        resolve();
      };
      const timer = setTimeout(wake, timeoutMs);
      this.waiters.add(wake);
    });
  }

  tell(): void {
    for (const wake of [...this.waiters]) wake();
  }
}
