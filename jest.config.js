// Jest runs the TypeScript sources as native ES modules (lowdb and faker are ESM-only).
// Type checking is done once by `tsc` in `npm test`, so ts-jest only transpiles.
// The HTTP tests of every API run twice: on the embedded store, and on a fleet of three app
// instances sharing a real Redis (Debian's redis-server, started per test file), round-robin.
const common = {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  transform: {
    '^.+\\.ts$': ['ts-jest', { useESM: true, diagnostics: false }],
  },
};

export default {
  testTimeout: 30000,
  projects: [
    { ...common, displayName: 'embedded', testMatch: ['<rootDir>/test/**/*.test.ts'] },
    {
      ...common,
      displayName: 'redis fleet',
      testMatch: ['<rootDir>/test/*.http.test.ts'],
      setupFilesAfterEnv: ['<rootDir>/test/fleet-mode.each.ts'],
    },
    {
      ...common,
      displayName: 'redis cluster',
      testMatch: ['<rootDir>/test/*.http.test.ts'],
      setupFilesAfterEnv: ['<rootDir>/test/fleet-cluster.each.ts'],
    },
  ],
};
