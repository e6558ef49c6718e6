import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { peerHost, StreamStartLimit } from './stream-start-limit.js';

describe('peerHost', () => {
  it('strips the port and the address family', () => {
    expect(peerHost('127.0.0.1:5000')).toBe('127.0.0.1');
    expect(peerHost('ipv4:10.1.2.3:77')).toBe('10.1.2.3');
    expect(peerHost('::1:5000')).toBe('::1');
    expect(peerHost('[fe80::1]:5000')).toBe('fe80::1');
    expect(peerHost('unknown')).toBe('unix');
  });
});

describe('StreamStartLimit', () => {
  it('accepts a burst of twice the rate, then the rate', () => {
    let now = 0;
    const limit = new StreamStartLimit(10, () => now);
    let accepted = 0;
    for (let i = 0; i < 100; i++) if (limit.take('a')) accepted++;
    expect(accepted).toBe(20);
    expect(limit.take('b')).toBe(true); // another host has its own bucket
    now += 1000;
    accepted = 0;
    for (let i = 0; i < 100; i++) if (limit.take('a')) accepted++;
    expect(accepted).toBe(10);
  });

  it('never accepts more than burst + rate x elapsed time (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 50 }), fc.array(fc.integer({ min: 0, max: 300 }), { maxLength: 200 }), (rate, gaps) => {
        let now = 0;
        const limit = new StreamStartLimit(rate, () => now);
        let accepted = 0;
        for (const gap of gaps) {
          now += gap;
          if (limit.take('h')) accepted++;
        }
        expect(accepted).toBeLessThanOrEqual(2 * rate + (now / 1000) * rate + 1e-9);
      }),
    );
  });
});
