// The engine on a small program placed outside this project (so its @pulumi imports can only
// resolve through the engine), and through the `labs` command as a user runs it.
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { ProgramError } from "../../cli/engine/errors";
import { evaluateInChild } from "../../cli/engine/fork";
import type { Plan } from "../../cli/engine/plan";
import { isSecret } from "../../cli/engine/wire";
import { LABS_CLI, ROOT, input, one, output, stackOutput, stackOutputRaw } from "../support";

const FIXTURE = path.join(ROOT, "test", "fixtures", "programs", "minimal");

function copyFixture(): string {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "labs-program-"));
    for (const f of fs.readdirSync(FIXTURE)) fs.copyFileSync(path.join(FIXTURE, f), path.join(dir, f));
    return dir;
}

function labs(args: string[]) {
    const r = spawnSync(process.execPath, [LABS_CLI, ...args], { cwd: ROOT, encoding: "utf8" });
    return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe("evaluating a program outside the project (--program)", () => {
    let plan: Plan;
    let dir: string;
    beforeAll(async () => {
        dir = copyFixture();
        plan = (await evaluateInChild({ programDir: dir, stack: "dev" })).plan;
    });

    it("reads <project>:<key> config from the program's own Pulumi.yaml defaults and stack file", () => {
        expect(plan.project).toBe("minimal");
        expect(stackOutput(plan, "greeting")).toBe("hello");
        expect(input(one(plan, "azure-native:resources:ResourceGroup", "box-rg"), "location")).toBe("westeurope");
    });

    it("gives secure: values as secrets", () => {
        expect(isSecret(stackOutputRaw(plan, "tokenLength"))).toBe(true);
        expect(plan.config["minimal:token"]).toBe("[secret]");
    });

    it("builds URNs with the parent type chain and records parents", () => {
        const stack = one(plan, "pulumi:pulumi:Stack", "minimal-dev");
        const box = one(plan, "test:index:Box", "box");
        const rg = one(plan, "azure-native:resources:ResourceGroup", "box-rg");
        expect(box.urn).toBe("urn:pulumi:dev::minimal::test:index:Box::box");
        expect(rg.urn).toBe("urn:pulumi:dev::minimal::test:index:Box$azure-native:resources:ResourceGroup::box-rg");
        expect(box.parent).toBe(stack.urn);
        expect(rg.parent).toBe(box.urn);
    });

    it("imitates ARM ids and azure-native auto-names", () => {
        const rg = one(plan, "azure-native:resources:ResourceGroup", "box-rg");
        expect(output<string>(rg, "name")).toMatch(/^box-rg[0-9a-f]{8}$/);
        expect(rg.id).toMatch(/^\/subscriptions\/[0-9a-f-]{36}\/resourceGroups\/box-rg[0-9a-f]{8}$/);
        expect(one(plan, "azure-native:resources:ResourceGroup", "named").id).toMatch(/\/resourceGroups\/rg-named$/);
    });

    it("records explicit dependencies (a component stands for its resources, as in the SDK) and options", () => {
        const named = one(plan, "azure-native:resources:ResourceGroup", "named");
        expect(named.dependencies).toEqual([one(plan, "azure-native:resources:ResourceGroup", "box-rg").urn]);
        expect(named.options.customTimeouts).toEqual({ create: "90m" });
    });

    it("keeps outputs a resource declares secret secret, as the engine does", () => {
        const pw = one(plan, "random:index/randomPassword:RandomPassword", "pw");
        expect(isSecret(pw.outputs.result)).toBe(true);
        expect(isSecret(stackOutputRaw(plan, "secretPassword"))).toBe(true);
        const value = output<string>(pw, "result");
        expect(value).toHaveLength(20);
        expect(value.replace(/[^A-Z]/g, "").length).toBeGreaterThanOrEqual(3);
        expect(value).toMatch(/^[A-Za-z0-9]+$/);
    });

    it("lists the SDK modules the program imports", () => {
        expect(plan.sdkModules).toEqual(["@pulumi/azure-native/resources", "@pulumi/pulumi", "@pulumi/random"]);
    });
});

describe("programs that fail", () => {
    it("reports the program's own RunError lines as configuration problems, nothing but the stack registered", async () => {
        const error = await evaluateInChild({ programDir: copyFixture(), stack: "dev", overrides: { fail: "config" } }).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(ProgramError);
        const e = error as ProgramError;
        expect(e.reportedByProgram).toBe(true);
        expect(e.resourcesRegistered).toBe(1);
        expect(e.message.split("\n")).toEqual([
            "Stack 'dev' has 2 configuration problems:",
            '  - minimal:fail = "config": expected anything but config',
            "  - minimal:other is not set: expected a value",
            "Fix them in Pulumi.dev.yaml (or with pulumi config set) and run again.",
        ]);
    });

    it("refuses two resources with one URN, with the engine's message", async () => {
        const e = (await evaluateInChild({ programDir: copyFixture(), stack: "dev", overrides: { fail: "duplicate" } }).catch((x: unknown) => x)) as ProgramError;
        expect(e).toBeInstanceOf(ProgramError);
        expect(e.message).toContain("Duplicate resource URN 'urn:pulumi:dev::minimal::test:index:Box::box'; try giving it a unique name");
    });

    it("reports a crash with its message and where in the program it happened", async () => {
        const e = (await evaluateInChild({ programDir: copyFixture(), stack: "dev", overrides: { fail: "crash" } }).catch((x: unknown) => x)) as ProgramError;
        expect(e).toBeInstanceOf(ProgramError);
        expect(e.message).toMatch(/the program failed: boom\n\s+at .*index\.ts/);
    });
});

describe("the labs command", () => {
    it("prints a preview-shaped JSON document for --json", () => {
        const r = labs(["plan", "--program", FIXTURE, "--json"]);
        expect(r.code).toBe(0);
        const doc = JSON.parse(r.stdout);
        expect(doc.changeSummary).toEqual({ create: 5 });
        const step = doc.steps.find((s: { urn: string }) => s.urn.endsWith("::pw"));
        expect(step).toMatchObject({ op: "create", newState: { type: "random:index/randomPassword:RandomPassword", custom: true, inputs: { length: 20 } } });
        expect(step.newState.outputs.result).toBe("[secret]");
        expect(doc.steps.find((s: { newState: { type: string } }) => s.newState.type === "pulumi:pulumi:Stack").newState.outputs.tokenLength).toBe("[secret]");
    });

    it("exits 2 with one line per problem and no stack trace for bad configuration", () => {
        const r = labs(["plan", "--program", FIXTURE, "--config", "fail=config"]);
        expect(r.code).toBe(2);
        expect(r.stderr).toContain('minimal:fail = "config": expected anything but config');
        expect(r.stderr).not.toMatch(/^\s+at /m);
    });

    it("plans one lab with --lab, and names the labs there are when the name is wrong", () => {
        const one = labs(["plan", "--lab", "dns-lab"]);
        expect(one.code).toBe(0);
        expect(one.stdout).toMatch(/^ \+ {3}labs:dns:DnsLab\s+dns-lab$/m);
        expect(labs(["plan", "--lab", "dns"])).toEqual({ code: 2, stdout: "", stderr: "error: --lab dns: this project has no such lab; its labs are dns-lab, rms-lab, collector.\n" });
    });

    it("exits 2 for an unknown stack, an unknown option and a malformed --config", () => {
        expect(labs(["plan", "--program", FIXTURE, "--stack", "nope"])).toMatchObject({ code: 2, stderr: expect.stringContaining("use --stack with one of dev") });
        expect(labs(["plan", "--bogus"])).toMatchObject({ code: 2, stderr: expect.stringContaining("unknown option '--bogus'") });
        expect(labs(["plan", "--program", FIXTURE, "--config", "novalue"])).toMatchObject({ code: 2, stderr: expect.stringContaining("is not key=value") });
    });
});
