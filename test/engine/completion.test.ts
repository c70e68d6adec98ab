// An evaluation that did not complete is a failure, never a plan: `labs plan` and `labs check`
// exit 2 and name what did not complete, with frames in the program's own source lines, and
// none of the Pulumi runtime's leaked-promise notice.
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { LABS_CLI, ROOT } from "../support";

const FIXTURE = path.join(ROOT, "test", "fixtures", "programs", "incomplete");
const SOURCE = path.join(FIXTURE, "index.ts");

function labs(...args: string[]) {
    return labsWith({}, ...args);
}

function labsWith(env: Record<string, string>, ...args: string[]) {
    const r = spawnSync(process.execPath, [LABS_CLI, ...args], { cwd: ROOT, encoding: "utf8", timeout: 60_000, env: { ...process.env, ...env } });
    return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const plan = (mode: string) => labs("plan", "--program", FIXTURE, "-c", `mode=${mode}`);

describe("a program that did not complete", () => {
    it("registers what a library creates in its own beforeExit handler, as the language host waits for it", () => {
        const r = plan("late-resource");
        expect(r.code).toBe(0);
        expect(r.stdout).toMatch(/azure-native:resources:ResourceGroup\s+made-before-exit/);
    });

    it("plans normally when it does complete (the baseline)", () => {
        const r = plan("none");
        expect(r.stderr).toBe("");
        expect(r.code).toBe(0);
        expect(r.stdout).toContain("Resources: 1 to create");
    });

    it("uses a function the engine cannot answer: names the token and the resource left out, for plan and check", () => {
        for (const command of ["plan", "check"]) {
            const r = labs(command, "--program", FIXTURE, "-c", "mode=invoke");
            expect(r.code).toBe(2);
            expect(r.stdout).not.toContain("No mandatory violations");
            expect(r.stderr).toContain("no answer for the function aws:ec2/getAmi:getAmi");
            expect(r.stderr).toMatch(/1 resource never registered.*\n\s+"inline" \[aws:iam\/rolePolicy:RolePolicy\] never reached the engine \(.*index\.ts:11:/);
            // The line that called the function the engine cannot answer.
            expect(r.stderr).toMatch(/getAmi:getAmi.*\n\s+at .*index\.ts:11:/);
        }
    });

    it("leaves a rejected promise: the message and the line it was made on", () => {
        const r = plan("reject");
        expect(r.code).toBe(2);
        expect(r.stderr).toContain("the program failed: rejected on line 13");
        expect(r.stderr).toContain(`at ${SOURCE}:13:`);
    });

    it("throws: the frame is the source line, not the compiled one", () => {
        const r = plan("throw");
        expect(r.code).toBe(2);
        expect(r.stderr).toContain(`the program failed: thrown on line 18\n    at ${SOURCE}:18:`);
    });

    it("throws later, from a timer, after its resources registered", () => {
        const r = plan("uncaught");
        expect(r.code).toBe(2);
        expect(r.stderr).toContain("thrown later, on line 15");
        expect(r.stderr).toContain(`${SOURCE}:15:`);
    });

    it("calls process.exit: exit 2 with where it did, not the program's exit code in silence", () => {
        const r = plan("exit");
        expect(r.code).toBe(2);
        expect(r.stderr).toContain("the program called process.exit(7) before it finished");
        expect(r.stderr).toContain(`at ${SOURCE}:14:`);
    });

    it("never settles: its exported function waits forever", () => {
        const r = plan("hang");
        expect(r.code).toBe(2);
        expect(r.stderr).toContain("the program never finished");
    });

    it("has a registration that never completes: names the resource and the input it waits for", () => {
        const r = plan("waiting");
        expect(r.code).toBe(2);
        expect(r.stderr).toContain(`"stuck" [azure-native:resources:ResourceGroup] was waiting for the value of its input property "location" (${SOURCE}:16:`);
    });

    it("has a function call whose input never resolves, even one whose result is unused", () => {
        const r = plan("invoke-waits");
        expect(r.code).toBe(2);
        expect(r.stderr).toContain("some of its resource registrations or function calls never completed");
    });

    it("finishes but keeps its event loop busy (a timer never cleared), which would hold pulumi up forever", () => {
        const r = labsWith({ LABS_EVALUATION_TIMEOUT_SECONDS: "8" }, "plan", "--program", FIXTURE, "-c", "mode=busy");
        expect(r.code).toBe(2);
        expect(r.stderr).toContain("the program finished, but something it started still runs after 8 s (Timeout)");
    });

    it.each([
        ["import", "the offline engine cannot import existing cloud resources (azure-native:resources:ResourceGroup adopted"],
        ["transforms", "the offline engine does not support transforms (the Pulumi CLI does)"],
        ["throw-object", 'a non-Error value was thrown: {"code":42}'],
    ])("%s: exit 2 with the engine's own words", (mode, words) => {
        const r = plan(mode);
        expect(r.code).toBe(2);
        expect(r.stderr).toContain(words);
    });

    it("sets process.exitCode: exit 2, as pulumi up fails on it", () => {
        const r = plan("exit-code");
        expect(r.code).toBe(2);
        expect(r.stderr).toContain("the program set process.exitCode = 3");
    });

    it.each(["invoke", "reject", "waiting", "hang"])("replaces the runtime's leaked-promise notice with its own message (%s)", (mode) => {
        const r = plan(mode);
        expect(r.stderr).not.toMatch(/promises? (were|was) still active|PULUMI_DEBUG_PROMISE_LEAKS/);
        expect(r.stderr).not.toContain("internal error");
        expect(r.stderr.match(/^error: /gm)).toHaveLength(1);
    });

    it("ends its process some other way (a signal): exit 2 saying so", () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "labs-killed-"));
        fs.copyFileSync(path.join(FIXTURE, "Pulumi.yaml"), path.join(dir, "Pulumi.yaml"));
        fs.copyFileSync(path.join(FIXTURE, "Pulumi.dev.yaml"), path.join(dir, "Pulumi.dev.yaml"));
        fs.writeFileSync(path.join(dir, "index.ts"), `process.kill(process.pid, "SIGKILL");\n`);
        const r = labs("plan", "--program", dir);
        expect(r.code).toBe(2);
        expect(r.stderr).toContain("the program ended its process before it finished (it was stopped by signal SIGKILL)");
    });
});
