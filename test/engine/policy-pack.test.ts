// `labs check --policy-pack` runs any pack as `pulumi preview --policy-pack` would: the pack's own
// enforcement (set in code, as @pulumi/awsguard does) applies under --policy-config, a broken pack
// is one line and exit 2, and a policy that never returns is stopped and named.
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { LABS_CLI, ROOT } from "../support";

const GUARD = path.join(ROOT, "test", "fixtures", "packs", "guard");

/** A copy of a folder outside the project, so nothing resolves through the project by accident of place. */
function copyOutside(dir: string, changes: Record<string, string | null> = {}): string {
    const target = fs.mkdtempSync(path.join(os.tmpdir(), "labs-pack-"));
    for (const f of fs.readdirSync(dir)) fs.copyFileSync(path.join(dir, f), path.join(target, f));
    for (const [f, text] of Object.entries(changes)) {
        if (text === null) fs.rmSync(path.join(target, f));
        else fs.writeFileSync(path.join(target, f), text);
    }
    return target;
}

let program: string;
beforeAll(() => {
    program = fs.mkdtempSync(path.join(os.tmpdir(), "labs-kms-"));
    fs.writeFileSync(path.join(program, "Pulumi.yaml"), "name: kms\nruntime: nodejs\n");
    fs.writeFileSync(path.join(program, "Pulumi.dev.yaml"), "config: {}\n");
    fs.writeFileSync(path.join(program, "index.ts"), 'import * as aws from "@pulumi/aws";\nnew aws.kms.Key("unrotated", { description: "no rotation" });\n');
});

function check(pack: string, env: Record<string, string> = {}, ...args: string[]) {
    const r = spawnSync(process.execPath, [LABS_CLI, "check", "--program", program, "--policy-pack", pack, ...args], { cwd: ROOT, encoding: "utf8", env: { ...process.env, ...env }, timeout: 90_000 });
    return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe("a pack's own enforcement", () => {
    it("applies the level the pack sets in code (new Guard({ all: 'mandatory' })): an unrotated key fails the check", () => {
        const r = check(copyOutside(GUARD));
        expect(r.stderr).toBe("");
        expect(r.code).toBe(1);
        expect(r.stdout).toMatch(/aws:kms\/key:Key {2}unrotated\n {2}mandatory .*KMS key rotation is not enabled/);
    });

    it("leaves the policies at their declared level when the pack's code sets none", () => {
        const r = check(copyOutside(GUARD), { GUARD_CONFIG: "{}" });
        expect(r.code).toBe(0);
        expect(r.stdout).toMatch(/ {2}advisory .*KMS key rotation is not enabled/);
    });

    it("lets --policy-config win over the pack's own config, policy by policy", () => {
        const config = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "labs-policy-config-")), "config.json");
        fs.writeFileSync(config, JSON.stringify({ "kms-key-rotation-enabled": "advisory" }));
        const r = check(copyOutside(GUARD), {}, "--policy-config", config);
        expect(r.code).toBe(0);
        expect(r.stdout).toMatch(/ {2}advisory .*KMS key rotation is not enabled/);
    });
});

describe("a pack's settings schema", () => {
    it("is applied whole, as the CLI validates it: required settings and ranges, not only types", () => {
        const schema = 'configSchema: { properties: { exemptAliases: { type: "array", items: { type: "string" }, default: [] }, max: { type: "integer", minimum: 1 } }, required: ["max"] },';
        const source = fs.readFileSync(path.join(GUARD, "index.ts"), "utf8").replace(/configSchema: \{ properties: \{ exemptAliases: [^\n]*\n/, `${schema}\n`);
        expect(source).toContain('required: ["max"]');
        const pack = copyOutside(GUARD, { "index.ts": source });
        const config = (settings: unknown) => {
            const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "labs-policy-config-")), "config.json");
            fs.writeFileSync(file, JSON.stringify({ "kms-key-rotation-enabled": settings }));
            return file;
        };
        expect(check(pack).stderr).toContain("kms-key-rotation-enabled needs the setting max");
        expect(check(pack, {}, "--policy-config", config({ max: 0 })).stderr).toContain("kms-key-rotation-enabled.max must be >= 1");
        expect(check(pack, {}, "--policy-config", config({ max: 3 })).code).toBe(1);
    });
});

describe("a broken pack: one line naming the pack folder and the cause, exit 2", () => {
    it.each([
        ["a syntax error", { "index.ts": "import { PolicyPack } from '@pulumi/policy';\nnew PolicyPack('p', { policies: [ });\n" }, /syntax error: .*index\.ts:2\)/],
        ["a throw at load", { "index.ts": "import '@pulumi/policy';\n\nthrow new Error('the pack broke');\n" }, /the pack broke \(.*index\.ts:3\)/],
        ["no package.json", { "package.json": null }, /has no package\.json/],
        ["not a nodejs pack", { "PulumiPolicy.yaml": "runtime: python\n" }, /declares runtime "python" in PulumiPolicy\.yaml/],
        ["no PolicyPack", { "index.ts": "export const nothing = 1;\n" }, /created no PolicyPack/],
        [
            "an enforcement level @pulumi/policy does not know",
            { "index.ts": "import { PolicyPack } from '@pulumi/policy';\nnew PolicyPack('p', { enforcementLevel: 'strict' as never, policies: [{ name: 'a', description: 'd', validateResource: () => undefined }] });\n" },
            /could not describe its policies: Error: Unknown enforcement level type 'strict'/,
        ],
    ])("%s", (_kind, changes, cause) => {
        const pack = copyOutside(GUARD, changes);
        const r = check(pack);
        expect(r.code).toBe(2);
        expect(r.stdout).toBe("");
        expect(r.stderr).toContain(pack);
        expect(r.stderr).toMatch(cause);
        expect(r.stderr.trim().split("\n")).toHaveLength(1);
        expect(r.stderr).not.toMatch(/^\s+at /m);
    });
});

describe("a pack that starts late or stops while analyzing", () => {
    it("may create its PolicyPack after a timer, as the CLI allows", () => {
        const pack = copyOutside(GUARD, { "index.ts": "import { PolicyPack } from '@pulumi/policy';\nsetTimeout(() => new PolicyPack('late', { policies: [{ name: 'a', description: 'd', validateResource: () => undefined }] }), 100);\n" });
        expect(check(pack).code).toBe(0);
    });

    it("names the policy that ended the pack's process", () => {
        const pack = copyOutside(GUARD, { "index.ts": "import { PolicyPack } from '@pulumi/policy';\nnew PolicyPack('crashy', { policies: [{ name: 'exits', description: 'd', validateResource: () => { process.exit(0); } }] });\n" });
        const r = check(pack);
        expect(r.code).toBe(2);
        expect(r.stderr).toMatch(/the policy pack crashy stopped while analyzing .* \(policy exits was running\): the pack's process exited with code 0/);
    });
});

describe("a policy that never returns", () => {
    it("is stopped after the time limit and named", () => {
        const r = check(copyOutside(GUARD), { GUARD_BROKEN: "1", LABS_POLICY_TIMEOUT_SECONDS: "2" });
        expect(r.code).toBe(2);
        expect(r.stderr).toContain("did not answer within 2 s while analyzing");
        expect(r.stderr).toContain("policy never-returns never returned");
    });
});
