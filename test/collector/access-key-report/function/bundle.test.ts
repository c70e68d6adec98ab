// The bundle Lambda runs: one self-contained CommonJS file, the same bytes for the same
// checkout, and a handler that works against the fakes when loaded from that file alone.
import { mkdtempSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from "node:fs";
import { builtinModules, createRequire } from "node:module";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bundleFunction } from "../../../../stacks/collector/shared/bundle";
import type { FunctionBundle } from "../../../../stacks/collector/shared/bundle";
import type * as FunctionModule from "../../../../stacks/collector/access-key-report/function/index";
import { CHECKPOINT_BUCKET, environmentFor, expectedPairs, fastStandardRetry, receivedPairs, startFakes, type Fakes } from "./harness";
import { FAKE_CREDENTIALS } from "./fake-iam";

describe("bundleFunction", () => {
    let bundle: FunctionBundle;
    let dir: string;
    beforeAll(() => {
        bundle = bundleFunction();
        dir = mkdtempSync(path.join(tmpdir(), "collector-bundle-"));
    });
    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    it("gives the same bytes and sha256 for the same sources, and no path of this checkout", () => {
        const again = bundleFunction();
        expect(again.sha256).toBe(bundle.sha256);
        expect(again.code).toBe(bundle.code);
        expect(bundle.bytes).toBe(Buffer.byteLength(bundle.code));
        expect(bundle.code).not.toContain(path.resolve(__dirname, "../../../.."));
    });

    it("is kept on disk under its hash, reused while its sources are unchanged, and built again when one changes", () => {
        expect(readFileSync(bundle.file, "utf8")).toBe(bundle.code);
        expect(path.basename(bundle.file)).toBe(`function-${bundle.sha256.slice(0, 16)}.js`);
        const manifest = path.join(path.dirname(bundle.file), "function.json");
        const before = statSync(manifest).mtimeMs;
        expect(bundleFunction().file).toBe(bundle.file);
        // Reused: nothing was written.
        expect(statSync(manifest).mtimeMs).toBe(before);
        // A source touched (same content, new time): bundled again, same bytes.
        const source = path.resolve(__dirname, "../../../../stacks/collector/shared/runtime/mask.ts");
        const { atime, mtime } = statSync(source);
        try {
            utimesSync(source, atime, new Date(mtime.getTime() + 1000));
            const rebuilt = bundleFunction();
            expect(statSync(manifest).mtimeMs).not.toBe(before);
            expect(rebuilt.sha256).toBe(bundle.sha256);
        } finally {
            utimesSync(source, atime, mtime);
        }
    });

    it("needs nothing at run time but Node's own modules: the SDKs and p-limit are inside", () => {
        // Two names appear without being needed: `debug` tries supports-color inside a
        // try/catch, and the SDK names the CRT signer in an error message's text.
        const optional = new Set(["supports-color", "@aws-sdk/signature-v4-crt"]);
        const builtins = new Set(builtinModules);
        const required = [...bundle.code.matchAll(/\brequire\("([^"]+)"\)/g)].map((m) => m[1]);
        expect(required.filter((m) => !m.startsWith("node:") && !builtins.has(m) && !optional.has(m))).toEqual([]);
    });

    // From the temporary directory, with no node_modules above it to fall back on.
    describe("loaded from its file alone", () => {
        let fakes: Fakes;
        let mod: typeof FunctionModule;
        beforeAll(async () => {
            fakes = await startFakes({ users: 40 });
            writeFileSync(path.join(dir, "index.js"), bundle.code);
            mod = createRequire(path.join(dir, "index.js"))("./index.js") as typeof FunctionModule;
        });
        afterAll(() => fakes.close());

        it("exports Lambda's index.handler, and its createHandler reports every key", async () => {
            expect(typeof mod.handler).toBe("function");
            const aws = { endpoint: fakes.iam.url, region: "us-east-1", credentials: FAKE_CREDENTIALS };
            const handler = mod.createHandler({
                env: environmentFor(fakes),
                iam: () => ({ ...aws, retryStrategy: fastStandardRetry() }),
                ssm: aws,
                s3: { ...aws, endpoint: fakes.s3.url, forcePathStyle: true },
                credential: { authorityHost: fakes.azure.url, disableInstanceDiscovery: true, tlsOptions: { ca: fakes.azure.ca } },
                ingestion: { tlsOptions: { ca: fakes.azure.ca } },
                writeLog: () => undefined,
            });
            await expect(handler({})).resolves.toMatchObject({ users: 40, keys: 80, recordsDelivered: 80 });
            expect(receivedPairs(fakes.azure)).toEqual(expectedPairs(fakes.iam));
            expect(fakes.s3.keys(CHECKPOINT_BUCKET)).toHaveLength(1);
        });
    });
});
