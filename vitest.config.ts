import { defineConfig } from 'vitest/config';

// One run over every package (each folder below is a vitest project), so the JSON report
// holds the whole suite's totals. Workspace packages resolve to their TypeScript sources
// through the "source" export condition: tests never run against a stale build.
export default defineConfig({
  test: {
    projects: ['packages/*', 'notebooks'],
    reporters: ['default', ['json', { outputFile: '.test-results/vitest.json' }]],
  },
});
