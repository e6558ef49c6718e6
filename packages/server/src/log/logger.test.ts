import { describe, expect, it } from 'vitest';
import { createLogger, formatLogLine } from './logger.js';

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
});
