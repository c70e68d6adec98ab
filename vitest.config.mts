import { defineConfig } from "vitest/config";

export default defineConfig({
    test: {
        include: ["test/**/*.test.ts"],
        // Plans run in child processes (one Pulumi program per process); each takes about a second.
        testTimeout: 60_000,
        hookTimeout: 120_000,
        pool: "forks",
        // One fresh process per test file: Pulumi's runtime state is global to a process, and several
        // files evaluate a program in-process. Said explicitly, so vitest does not suggest otherwise.
        isolate: true,
        // The programs the tests plan are type-checked by npm run typecheck; labs plan's own type
        // check (the one pulumi up does) is skipped, as Pulumi's variable skips it, except where
        // test/engine/typecheck.test.ts tests it.
        env: { PULUMI_NODEJS_TRANSPILE_ONLY: "true" },
    },
});
