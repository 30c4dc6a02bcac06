import { defineConfig } from "vitest/config";
import tsconfigPaths from "vite-tsconfig-paths";

// Tests run outside Remix's Vite plugin: loaders and actions are called directly with a Request.
export default defineConfig({
  plugins: [tsconfigPaths()],
  test: {
    include: ["app/**/*.test.{ts,tsx}", "test/**/*.test.ts", "scripts/**/*.test.ts", "extensions/**/*.test.{ts,js}"],
    environment: "node",
    testTimeout: 30_000,
    hookTimeout: 120_000,
    pool: "forks",
    // two workers on the 2-core CI machine (vitest's default is cores − 1, i.e. one): the suite
    // takes ~10 minutes instead of ~13; tests that time things allow for a busy second core
    maxWorkers: 2,
    minWorkers: 1,
    globalSetup: ["test/setup/global.ts"],
  },
});
