import { describe, expect, it } from 'vitest';
import { aggregateRepeatedLines, createLogger, formatLogLine, REDACTED, REDACTED_FIELDS, resolveLogFormat } from './logger.js';

describe('logger', () => {
  it('writes human lines by default and JSON lines on request, with child fields on every line', () => {
    const lines: string[] = [];
    const human = createLogger({ format: 'human', sink: (l) => lines.push(l) }).child({ client: 'c1@ipv4:1.2.3.4:5' });
    human.info('stream started', { intervalSeconds: 0.1 });
    human.debug('hidden');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^\S+Z INFO  stream started client=c1@ipv4:1\.2\.3\.4:5 intervalSeconds=0\.1$/);
    const json: string[] = [];
    createLogger({ format: 'json', sink: (l) => json.push(l) }).child({ client: 'c2' }).warn('x y', { file: 'a b' });
    expect(JSON.parse(json[0]!)).toMatchObject({ level: 'warn', msg: 'x y', client: 'c2', file: 'a b' });
  });

  it('quotes values with spaces in human lines', () => {
    expect(formatLogLine('human', new Date(0), 'info', 'm', { reason: 'two words', n: undefined })).toBe('1970-01-01T00:00:00.000Z INFO  m reason="two words"');
  });

  it('logs the first repeated lines of each group at once and summarises the rest per window', () => {
    const lines: string[] = [];
    const log = createLogger({ format: 'json', sink: (l) => lines.push(l) });
    const repeated = aggregateRepeatedLines(log, { windowMs: 60_000, firstLines: 2 });
    for (let i = 0; i < 500; i++) repeated.log('info', 'stream started', '10.0.0.9', { client: `c${i}@10.0.0.9:1` });
    repeated.log('info', 'stream started', '10.0.0.7', { client: 'c501@10.0.0.7:1' });
    repeated.log('warn', 'call refused', '10.0.0.9');
    expect(lines.map((l) => JSON.parse(l).msg)).toEqual(['stream started', 'stream started', 'stream started', 'call refused']);
    expect(lines.map((l) => JSON.parse(l).client)).toEqual(['c0@10.0.0.9:1', 'c1@10.0.0.9:1', 'c501@10.0.0.7:1', undefined]);
    repeated.close();
    const summaries = lines.slice(4).map((l) => JSON.parse(l));
    expect(summaries).toEqual([expect.objectContaining({ msg: '"stream started" repeated', count: 498, from: '10.0.0.9', seconds: 60 })]);
    repeated.log('info', 'stream started', '10.0.0.9');
    expect(lines).toHaveLength(6); // a new window logs the first lines again
    repeated.close();
  });

  it('writes JSON lines as pino does: ISO time, level by name, fields, msg', () => {
    const lines: string[] = [];
    createLogger({ format: 'json', sink: (l) => lines.push(l), level: 'debug' }).debug('watching', { dir: '/data/run1', files: 3 });
    const line = JSON.parse(lines[0]!) as Record<string, unknown>;
    expect(line).toEqual({ time: expect.stringMatching(/^\d{4}-\d\d-\d\dT.*Z$/), level: 'debug', dir: '/data/run1', files: 3, msg: 'watching' });
  });

  it('writes the CLI\'s short lines, and nothing at level silent', () => {
    const lines: string[] = [];
    const log = createLogger({ format: 'short', name: 'daq', level: 'info', sink: (l) => lines.push(l) });
    log.warn('host 10.0.0.5:50051 unreachable', { attempt: 2 });
    log.debug('hidden');
    expect(lines).toEqual(['daq warn: host 10.0.0.5:50051 unreachable attempt=2']);
    createLogger({ format: 'short', level: 'silent', sink: (l) => lines.push(l) }).error('never');
    expect(lines).toHaveLength(1);
  });

  it('auto is human on a terminal and JSON otherwise', () => {
    expect(resolveLogFormat('auto', { isTTY: true })).toBe('human');
    expect(resolveLogFormat('auto', { isTTY: false })).toBe('json');
    expect(resolveLogFormat('auto', {})).toBe('json');
    expect(resolveLogFormat('human', { isTTY: false })).toBe('human');
  });

  it.each(['json', 'human', 'short'] as const)('never writes a token field in %s lines: call fields, child fields, one object down', (format) => {
    const secret = 'tok-3f9a1c';
    const lines: string[] = [];
    const log = createLogger({ format, sink: (l) => lines.push(l) });
    for (const field of REDACTED_FIELDS) {
      log.info('call', { [field]: secret, method: 'InitHpIo' });
      log.child({ [field]: secret }).warn('child');
      (log.info as (msg: string, fields: object) => void)('nested', { metadata: { [field]: `Bearer ${secret}` } });
    }
    expect(lines).toHaveLength(REDACTED_FIELDS.length * 3);
    for (const line of lines) expect(line).not.toContain(secret);
    // Human and short lines write a nested object as [object Object]; JSON lines keep it, redacted.
    expect(lines.filter((l) => l.includes(REDACTED))).toHaveLength(REDACTED_FIELDS.length * (format === 'json' ? 3 : 2));
  });
});
