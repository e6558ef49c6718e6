import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    name: 'notebooks',
    include: ['test/**/*.test.ts'],
    // Executing the notebooks against a live observatory takes about half a minute on 2 cores;
    // the bound is for a stuck kernel, not a speed check.
    testTimeout: 600_000,
    hookTimeout: 60_000,
  },
});
