import { defineProject } from 'vitest/config';

// The vitest project of one workspace package. Workspace packages resolve to their TypeScript
// sources through the "source" export condition, so tests never run against a stale build.
export function packageProject(name: string) {
  return defineProject({
    resolve: { conditions: ['source'] },
    ssr: { resolve: { conditions: ['source'] } },
    test: {
      name,
      include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
      // Bounds for a stuck server or child process, not speed checks.
      testTimeout: 30_000,
      hookTimeout: 30_000,
    },
  });
}
