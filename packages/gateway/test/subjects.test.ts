// Subject naming is pure: any node name gives a valid subject that parses back, and the single
// NATS filter subject chosen for a filter never excludes a message the filter selects.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DATA_PRODUCTS, type DataProduct } from '@daqdata/core';
import { EVENT_PRODUCTS, PREVIEW_PRODUCTS } from '../src/jetstream-streams.js';
import { filterSubject, imageSubject, matchesFilter, nodeToken, parseImageSubject } from '../src/subjects.js';

const products = Object.keys(DATA_PRODUCTS) as DataProduct[];
const moduleId = fc.integer({ min: 0, max: 0xffffffff });
const product = fc.constantFrom(...products);

/** NATS subject matching: '*' one token, '>' the rest. */
function natsMatches(pattern: string, subject: string): boolean {
  const p = pattern.split('.');
  const s = subject.split('.');
  for (let i = 0; i < p.length; i++) {
    if (p[i] === '>') return s.length > i;
    if (i >= s.length || (p[i] !== '*' && p[i] !== s[i])) return false;
  }
  return p.length === s.length;
}

describe('subjects', () => {
  it('any node name, module and product make a four-token subject that parses back', () => {
    fc.assert(
      fc.property(fc.string(), moduleId, product, (node, m, p) => {
        const subject = imageSubject(node, m, p);
        const tokens = subject.split('.');
        expect(tokens).toHaveLength(4);
        for (const t of tokens) expect(t).toMatch(/^[A-Za-z0-9_-]+$/);
        expect(parseImageSubject(subject)).toEqual({ nodeToken: nodeToken(node), moduleId: m, product: p });
      }),
    );
  });

  it('refuses subjects that are not images', () => {
    for (const s of ['daqdata.n.1', 'other.n.1.img16', 'daqdata.n.x.img16', 'daqdata.n.1.img99', 'daqdata.n.99999999999.img16', 'daqdata.n.1.img16.extra']) expect(parseImageSubject(s), s).toBeNull();
  });

  it("a filter's NATS subject covers every message the filter selects", () => {
    const names = fc.array(fc.constantFrom('127.0.0.2:50051', '127.0.0.3:50051', 'node-a', 'unix:/run/daq.sock'), { maxLength: 3 });
    fc.assert(
      fc.property(names, fc.array(fc.integer({ min: 0, max: 20 }), { maxLength: 3 }), fc.array(product, { maxLength: 3 }), fc.constantFrom('127.0.0.2:50051', 'node-a', 'unix:/run/daq.sock'), fc.integer({ min: 0, max: 20 }), product, (nodes, modules, wanted, node, m, p) => {
        const filter = { nodes, modules, products: wanted };
        const subject = imageSubject(node, m, p);
        const streamProducts = PREVIEW_PRODUCTS.includes(p) ? PREVIEW_PRODUCTS : EVENT_PRODUCTS;
        if (matchesFilter(filter, parseImageSubject(subject)!)) expect(natsMatches(filterSubject(filter, streamProducts), subject)).toBe(true);
      }),
    );
  });
});
