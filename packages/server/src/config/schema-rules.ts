// The rules settings are declared with (zod), each with one message whatever zod found wrong,
// so an error says what the value must be: "must be a positive number, at most 86400".
// Every number has an upper bound: 1e308 s overflowed the timers, and no node needs a
// billion streams or a week-long shutdown.
import { z } from 'zod';

export const nonEmptyString = () => z.string({ error: 'must be a non-empty string' }).min(1, { error: 'must be a non-empty string' });

export const positiveNumberUpTo = (max: number) => {
  const error = `must be a positive number, at most ${max}`;
  return z.number({ error }).gt(0, { error }).lte(max, { error });
};

export const nonNegativeNumberUpTo = (max: number) => {
  const error = `must be a number >= 0, at most ${max}`;
  return z.number({ error }).gte(0, { error }).lte(max, { error });
};

export const integerBetween = (min: number, max: number, error: string) => z.number({ error }).int({ error }).gte(min, { error }).lte(max, { error });

export const positiveIntegerUpTo = (max: number) => integerBetween(1, max, `must be a positive integer, at most ${max}`);

export const moduleId = () => integerBetween(0, 65535, 'must be a module id 0-65535');

export const stringList = () => z.array(nonEmptyString(), { error: 'must be a list of non-empty strings' });

export const flag = () => z.boolean({ error: 'must be true or false' });

/** One day: the longest interval or timeout any setting needs (also below Node's 24.8-day timer limit). */
export const DAY_SECONDS = 86_400;

/** An object whose unknown keys are errors naming the known ones: a typo must not fall back to a default. */
export const settingsObject = <T extends z.ZodRawShape>(shape: T, orWhat = '') =>
  z.strictObject(shape, {
    error: (issue) =>
      issue.code === 'unrecognized_keys'
        ? `is not a known setting (known: ${Object.keys(shape).join(', ')})`
        : `must be an object { ${Object.keys(shape).join(', ')} }${orWhat && ` ${orWhat}`}`,
  });

/** `.a[0].b` for a zod issue path. */
export function issuePath(path: readonly PropertyKey[]): string {
  return path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('');
}

/** The first problem zod found: the path below the top-level key (unknown keys included) and the reason. */
export function firstIssue(error: z.ZodError): { key: string | undefined; below: string; reason: string } {
  const issue = error.issues[0]!;
  const [key, ...rest] = issue.path;
  const below = issue.code === 'unrecognized_keys' ? [...rest, issue.keys[0]!] : rest;
  if (key === undefined && issue.code === 'unrecognized_keys') return { key: issue.keys[0], below: '', reason: issue.message };
  return { key: key === undefined ? undefined : String(key), below: issuePath(below), reason: issue.message };
}
