// The export function's bundle: one self-contained CommonJS file, the same bytes for the same
// checkout, without the access-key report's code, and a handler that exports a day against
// the fakes when loaded from that file alone.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { builtinModules, createRequire } from "node:module";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bundleFunction, FUNCTION_ENTRIES } from "../../../../stacks/collector/shared/bundle";
import type { FunctionBundle, FunctionEntry } from "../../../../stacks/collector/shared/bundle";
import type * as EntraFunctionModule from "../../../../stacks/collector/entra-logs/function/index";
import { BUCKET, depsFor, idsOf, RECORDS_YESTERDAY, startEntraFakes, writtenRecords, YESTERDAY } from "./harness";
import type { EntraFakes } from "./harness";

describe('bundleFunction("entra-function")', () => {
    let bundle: FunctionBundle;
    let dir: string;
    beforeAll(() => {
        bundle = bundleFunction("entra-function");
        dir = mkdtempSync(path.join(tmpdir(), "entra-bundle-"));
    });
    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    it("gives the same bytes and sha256 for the same sources, and no path of this checkout", () => {
        const again = bundleFunction("entra-function");
        expect(again.sha256).toBe(bundle.sha256);
        expect(again.code).toBe(bundle.code);
        expect(bundle.bytes).toBe(Buffer.byteLength(bundle.code));
        expect(bundle.code).not.toContain(path.resolve(__dirname, "../../../.."));
    });

    it("is its own function, not the access-key report's (which stays the default)", () => {
        expect(FUNCTION_ENTRIES).toEqual(["function", "entra-function"]);
        // The default (what reporter.ts's bundleFunction() ships) is still the access-key report.
        expect(bundleFunction().sha256).not.toBe(bundle.sha256);
        // Names kept by the minifier show which code each bundle holds.
        expect(bundle.code).toContain("GraphReader");
        expect(bundle.code).not.toContain("collectAccessKeys");
        expect(bundle.code).not.toContain("LogsIngestionClient");
        expect(() => bundleFunction("../secrets" as FunctionEntry)).toThrow('unknown function "../secrets": expected one of function, entra-function');
    });

    it("needs nothing at run time but Node's own modules: the SDKs are inside", () => {
        // Two names appear without being needed: `debug` tries supports-color inside a
        // try/catch, and the SDK names the CRT signer in an error message's text.
        const optional = new Set(["supports-color", "@aws-sdk/signature-v4-crt"]);
        const builtins = new Set(builtinModules);
        const required = [...bundle.code.matchAll(/\brequire\("([^"]+)"\)/g)].map((m) => m[1]);
        expect(required.filter((m) => !m.startsWith("node:") && !builtins.has(m) && !optional.has(m))).toEqual([]);
    });

    // From the temporary directory, with no node_modules above it to fall back on.
    describe("loaded from its file alone", () => {
        let fakes: EntraFakes;
        let mod: typeof EntraFunctionModule;
        beforeAll(async () => {
            fakes = await startEntraFakes();
            writeFileSync(path.join(dir, "index.js"), bundle.code);
            mod = createRequire(path.join(dir, "index.js"))("./index.js") as typeof EntraFunctionModule;
        });
        afterAll(() => fakes.close());

        it("exports Lambda's index.handler, and its createHandler writes the day", async () => {
            expect(typeof mod.handler).toBe("function");
            const handler = mod.createHandler({ ...depsFor(fakes, "signins"), writeLog: () => undefined });
            await expect(handler({})).resolves.toMatchObject({ day: YESTERDAY, records: RECORDS_YESTERDAY, pages: 6 });
            expect(fakes.s3.keys(BUCKET)).toEqual([`signins/dt=${YESTERDAY}/signins-${YESTERDAY}.json.gz`]);
            expect(idsOf(writtenRecords(fakes, `signins/dt=${YESTERDAY}/signins-${YESTERDAY}.json.gz`))).toEqual(idsOf(fakes.graph.recordsOf("signins", YESTERDAY)));
        });
    });
});
