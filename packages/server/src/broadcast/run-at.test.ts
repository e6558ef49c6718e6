import { afterEach, describe, expect, it } from 'vitest';
import { MAX_TIMER_DELAY_MS, runAt } from './run-at.js';

/** Resolves after `turns` timer phases, so a timer that fires "every 1 ms" would have fired. */
const loopTurns = (turns: number) =>
  new Promise<void>((resolve) => {
    let n = 0;
    const step = () => (++n >= turns ? resolve() : setTimeout(step, 1));
    setTimeout(step, 1);
  });

describe('runAt', () => {
  const warnings: Error[] = [];
  const onWarning = (w: Error) => warnings.push(w);
  process.on('warning', onWarning);
  afterEach(() => {
    warnings.length = 0;
  });

  for (const delay of [1e7 * 1000, 1e308, MAX_TIMER_DELAY_MS + 1, Number.POSITIVE_INFINITY]) {
    it(`a delay of ${delay} ms neither warns nor fires early`, async () => {
      let fired = 0;
      const cancel = runAt(Date.now() + delay, Date.now, () => fired++);
      await loopTurns(20);
      cancel();
      // Warnings are emitted on the next tick after the timer is created.
      await new Promise((resolve) => setImmediate(resolve));
      expect(warnings.filter((w) => w.name === 'TimeoutOverflowWarning')).toEqual([]);
      expect(fired).toBe(0);
    });
  }

  it('a due or past time fires on the next loop turn', async () => {
    let fired = 0;
    runAt(Date.now() - 1000, Date.now, () => fired++);
    await new Promise((resolve) => setImmediate(resolve));
    expect(fired).toBe(1);
  });

  it('cancel stops a pending callback', async () => {
    let fired = 0;
    const cancel = runAt(Date.now() + 2, Date.now, () => fired++);
    cancel();
    await loopTurns(10);
    expect(fired).toBe(0);
  });
});
