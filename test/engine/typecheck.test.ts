// `pulumi up` type-checks a TypeScript program before it runs it, so `labs plan` does too: a
// program with a type error is exit 2 naming file, line and error, unless the user skips the check
// the way Pulumi lets them (PULUMI_NODEJS_TRANSPILE_ONLY=true). The suite sets that variable for
// speed (vitest.config.mts); these tests take it away.
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { LABS_CLI, ROOT } from "../support";

function program(source: string): string {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "labs-typecheck-"));
    fs.writeFileSync(path.join(dir, "Pulumi.yaml"), "name: typed\nruntime: nodejs\n");
    fs.writeFileSync(path.join(dir, "Pulumi.dev.yaml"), "config: {}\n");
    fs.writeFileSync(path.join(dir, "index.ts"), source);
    return dir;
}

function plan(dir: string, env: Record<string, string | undefined> = {}) {
    const merged = { ...process.env, ...env };
    if (env.PULUMI_NODEJS_TRANSPILE_ONLY === undefined) delete merged.PULUMI_NODEJS_TRANSPILE_ONLY;
    return spawnSync(process.execPath, [LABS_CLI, "plan", "--program", dir], { cwd: ROOT, encoding: "utf8", env: merged, timeout: 120_000 });
}

const BROKEN = 'import * as resources from "@pulumi/azure-native/resources";\nconst location: number = "eastus";\nnew resources.ResourceGroup("rg", { location: String(location) });\n';

describe("the type check pulumi up does first", () => {
    it("refuses a program with a type error: file, line, column and the compiler's words, exit 2", () => {
        const r = plan(program(BROKEN));
        expect(r.status).toBe(2);
        expect(r.stdout).toBe("");
        expect(r.stderr).toContain("the program does not type-check, and pulumi up type-checks it before it runs anything");
        expect(r.stderr).toContain("index.ts:2:7 TS2322: Type 'string' is not assignable to type 'number'.");
    }, 120_000);

    it("resolves the SDKs from the project for a program without node_modules, as the engine runs it", () => {
        const r = plan(program(BROKEN.replace('const location: number = "eastus";', 'const location = "eastus";')));
        expect(r.stderr).not.toContain("TS2307");
        expect(r.status).toBe(0);
    }, 120_000);

    it("is skipped as pulumi up skips it, with PULUMI_NODEJS_TRANSPILE_ONLY=true", () => {
        expect(plan(program(BROKEN), { PULUMI_NODEJS_TRANSPILE_ONLY: "true" }).status).toBe(0);
    });
});

describe("the type check pulumi preview --policy-pack does first", () => {
    it("refuses a pack with a type error, in one message naming the pack, exit 2", () => {
        const pack = fs.mkdtempSync(path.join(os.tmpdir(), "labs-typed-pack-"));
        const guard = path.join(ROOT, "test", "fixtures", "packs", "guard");
        for (const f of fs.readdirSync(guard)) fs.copyFileSync(path.join(guard, f), path.join(pack, f));
        fs.appendFileSync(path.join(pack, "index.ts"), 'export const wrong: number = "x";\n');
        const env = { ...process.env };
        delete env.PULUMI_NODEJS_TRANSPILE_ONLY;
        const r = spawnSync(process.execPath, [LABS_CLI, "check", "--program", program("export const ok = true;\n"), "--policy-pack", pack], { cwd: ROOT, encoding: "utf8", env, timeout: 120_000 });
        expect(r.status).toBe(2);
        expect(r.stderr).toContain(`the policy pack in ${pack} does not type-check`);
        expect(r.stderr).toMatch(/index\.ts:\d+:14 TS2322: Type 'string' is not assignable to type 'number'\./);
    }, 120_000);
});
