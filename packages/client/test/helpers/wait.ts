// Awaiting conditions that only a query can observe (e.g. a node's open stream count), with a
// generous bound as the failure condition. Used only where no event exists to await.
import { setTimeout as delay } from 'node:timers/promises';

export async function until(what: string, check: () => Promise<boolean> | boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await delay(25);
  }
}
