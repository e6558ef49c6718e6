// Settings from a browser are outside input: any interval outside 0.01-60 s, any module list
// that is not a bounded list of non-negative integers, anything not JSON, is refused with the
// field named; good settings pass unchanged. The module filter text parses ranges.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { INTERVAL_BOUNDS_S, MAX_FILTER_MODULES, parseModuleFilter, parseSettings } from '../src/shared/control-messages.js';

describe('settings from the browser', () => {
  it('accepts exactly the bounded intervals and module lists', () => {
    fc.assert(
      fc.property(fc.double(), fc.option(fc.array(fc.integer({ min: -5, max: 2 ** 33 }), { maxLength: 20 })), (intervalS, moduleIds) => {
        const r = parseSettings(JSON.stringify({ t: 'settings', intervalS, moduleIds }));
        const intervalOk = intervalS >= INTERVAL_BOUNDS_S.min && intervalS <= INTERVAL_BOUNDS_S.max;
        const idsOk = moduleIds === null || moduleIds.every((id) => id >= 0 && id <= 0xffffffff);
        if (intervalOk && idsOk) expect(r).toEqual({ intervalS, moduleIds });
        else expect((r as { error: string }).error).toMatch(intervalOk ? /moduleIds/ : /intervalS/);
      }),
    );
  });

  it('refuses non-JSON, another message type and an over-long module list', () => {
    expect(parseSettings('{')).toEqual({ error: 'settings: not JSON' });
    expect(parseSettings('{"t":"x"}')).toEqual({ error: 'settings: t must be "settings"' });
    const many = Array.from({ length: MAX_FILTER_MODULES + 1 }, (_, i) => i);
    expect((parseSettings(JSON.stringify({ t: 'settings', intervalS: 1, moduleIds: many })) as { error: string }).error).toMatch(/at most 4096/);
  });

  it('module filter text: ids and ranges, sorted and unique; empty = all; bad parts named', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.integer({ min: 0, max: 300 }), fc.integer({ min: 0, max: 5 })), { minLength: 1, maxLength: 8 }), (parts) => {
        const text = parts.map(([a, n]) => (n === 0 ? `${a}` : `${a}-${a + n}`)).join(', ');
        const want = [...new Set(parts.flatMap(([a, n]) => Array.from({ length: n + 1 }, (_, i) => a + i)))].sort((x, y) => x - y);
        expect(parseModuleFilter(text)).toEqual(want);
      }),
    );
    expect(parseModuleFilter('  ')).toBeNull();
    expect(parseModuleFilter('1,x')).toEqual({ error: 'module filter: "x" is not a module id or a range a-b' });
    expect(parseModuleFilter('0-100000')).toEqual({ error: 'module filter: range 0-100000 is empty or longer than 4096' });
  });
});
