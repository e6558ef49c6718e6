// Per-module pulse-height histograms: every event counted once in its module's panel, shared
// bin edges and ADC axis across panels, log counts; and the figure renders one panel per module.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { moduleHistograms, pulseHeightHistograms, renderSvg, type PulseHeightDatum } from '../src/index.js';

const eventArb: fc.Arbitrary<PulseHeightDatum> = fc.record({ moduleId: fc.constantFrom(1, 2, 254), pulseHeight: fc.integer({ min: -200, max: 4095 }) });

describe('moduleHistograms', () => {
  it('counts every event once in its own module, on bin edges every module shares (property)', () => {
    fc.assert(
      fc.property(fc.array(eventArb, { minLength: 1, maxLength: 300 }), fc.integer({ min: 1, max: 80 }), (events, bins) => {
        const { modules, binWidth, domain } = moduleHistograms(events, { bins });
        expect(modules.map((m) => m.moduleId)).toEqual([...new Set(events.map((e) => e.moduleId))].sort((a, b) => a - b));
        for (const m of modules) {
          const mine = events.filter((e) => e.moduleId === m.moduleId);
          expect(m.events).toBe(mine.length);
          expect(m.bins.reduce((n, b) => n + b.count, 0)).toBe(mine.length);
          for (const b of m.bins) {
            expect(b.end - b.start).toBe(binWidth);
            expect(Number.isInteger((b.start - domain[0]) / binWidth)).toBe(true);
            expect(b.start).toBeGreaterThanOrEqual(domain[0]);
            expect(b.end).toBeLessThanOrEqual(domain[1]);
          }
        }
      }),
    );
  });

  it('names the problem when no event has a pulse height', () => {
    expect(() => moduleHistograms([])).toThrow('pulse-height histograms: no event with a finite pulse height');
    expect(() => moduleHistograms([{ moduleId: 1, pulseHeight: Number.NaN }])).toThrow(/no event with a finite pulse height/);
  });
});

describe('pulseHeightHistograms', () => {
  const events = fc.sample(eventArb, { numRuns: 200, seed: 15 });

  it('is one log-count panel per module on one ADC axis', () => {
    const spec = pulseHeightHistograms(events) as unknown as {
      concat: { title: string; encoding: { x: { title: string; scale: { domain: number[] } }; y: { scale: { type: string } } } }[];
      columns: number;
    };
    const { modules, domain } = moduleHistograms(events);
    expect(spec.concat.map((p) => p.title)).toEqual(modules.map((m) => `module ${m.moduleId} (${m.events} events)`));
    expect(spec.columns).toBe(3);
    for (const panel of spec.concat) {
      expect(panel.encoding.y.scale.type).toBe('log');
      expect(panel.encoding.x.title).toBe('pulse height, maximum pixel (ADC)');
      expect(panel.encoding.x.scale.domain).toEqual(domain);
    }
  });

  it('renders every module panel with its title and axis', async () => {
    const svg = await renderSvg(pulseHeightHistograms(events, { title: 'three modules' }));
    expect(svg).toContain('three modules');
    for (const m of moduleHistograms(events).modules) expect(svg).toContain(`module ${m.moduleId} (${m.events} events)`);
    expect(svg.match(/pulse height, maximum pixel \(ADC\)/g)!.length).toBeGreaterThanOrEqual(3);
    expect(svg).toContain('count (log scale)');
  });
});
