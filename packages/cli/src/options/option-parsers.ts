// Option value parsers for commander: a bad value becomes commander's "option '--x' argument
// 'y' is invalid. <reason>" (exit code 2), so every message says what was expected.
import { InvalidArgumentError } from 'commander';

/** Wraps a parser so its Error becomes commander's InvalidArgumentError. */
export function argParser<T>(parse: (value: string) => T): (value: string) => T {
  return (value) => {
    try {
      return parse(value);
    } catch (e) {
      throw new InvalidArgumentError(e instanceof Error ? e.message.replace(/^--[\w-]+: /, '') : String(e));
    }
  };
}

export function parseList(value: string): string[] {
  const items = value.split(',').map((s) => s.trim()).filter((s) => s.length > 0);
  if (items.length === 0) throw new Error(`"${value}" names nothing: expected a comma-separated list`);
  return items;
}

export function parseModuleIds(value: string): number[] {
  return parseList(value).map((s) => {
    if (!/^\d+$/.test(s) || Number(s) > 0xffffffff) throw new Error(`module id "${s}" is not a non-negative integer`);
    return Number(s);
  });
}

export function parsePositiveNumber(value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n <= 0) throw new Error(`"${value}" is not a positive number`);
  return n;
}

export function parseCount(value: string): number {
  if (!/^\d+$/.test(value) || Number(value) < 1) throw new Error(`"${value}" is not a positive integer`);
  return Number(value);
}

export function parseWindows(value: string): number[] {
  return parseList(value).map((s) => parsePositiveNumber(s.replace(/s$/, '')));
}

/** A TCP port 1-65535; with allowZero, 0 (any free port) too. */
export function parsePort(value: string, allowZero = false): number {
  const min = allowZero ? 0 : 1;
  if (!/^\d+$/.test(value) || Number(value) < min || Number(value) > 65535) throw new Error(`"${value}" is not a port ${min}-65535`);
  return Number(value);
}
