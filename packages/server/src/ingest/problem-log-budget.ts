// How many problem lines one recorder connection may log: a recorder sending nothing but bad
// frames at 25,000 frames/s must not write 25,000 log lines a second. Up to `perWindow` lines
// per window; beyond that lines are counted, and the next line logged says how many were not.
// Pure (the caller passes the clock reading), so the rule is testable.
export class ProblemLogBudget {
  private windowStart: number | null = null;
  private logged = 0;
  private suppressed = 0;

  constructor(
    private readonly perWindow: number,
    private readonly windowMs: number,
  ) {}

  /** Whether to log a line now; when yes, how many were suppressed since the last one logged. */
  take(now: number): { log: true; suppressed: number } | { log: false } {
    if (this.windowStart === null || now - this.windowStart >= this.windowMs) {
      this.windowStart = now;
      this.logged = 0;
    }
    if (this.logged >= this.perWindow) {
      this.suppressed++;
      return { log: false };
    }
    this.logged++;
    const suppressed = this.suppressed;
    this.suppressed = 0;
    return { log: true, suppressed };
  }

  /** Lines suppressed and not yet reported. */
  get pending(): number {
    return this.suppressed;
  }
}
