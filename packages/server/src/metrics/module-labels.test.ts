import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ModuleLabels, OTHER_MODULE } from './module-labels.js';

describe('ModuleLabels', () => {
  it('gives each of the first `max` module ids its own label, the same every time, and every later one "other"', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 0xffff }), { maxLength: 300 }), fc.integer({ min: 1, max: 40 }), (ids, max) => {
        const labels = new ModuleLabels(max);
        const firstSeen = [...new Set(ids)];
        const given = ids.map((id) => labels.of(id));
        ids.forEach((id, i) => expect(given[i]).toBe(firstSeen.indexOf(id) < max ? String(id) : OTHER_MODULE));
        expect(new Set(given).size).toBeLessThanOrEqual(max + 1);
      }),
    );
  });
});
