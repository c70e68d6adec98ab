// Fake pulumi, az and aws on PATH (test/fixtures/fake-cli), answering from a scenario, and
// `labs verify` run against them with fast polling. Answers are shaped as the real CLIs print
// them (sources beside each builder).
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { type VerifyDeps, type VerifyOptions, verifyCommand } from "../../cli/commands/verify";
import { UserError } from "../../cli/engine/errors";
import { type Runner, spawnRunner } from "../../cli/verify/runner";
import { ROOT } from "../support";

const FAKE = path.join(ROOT, "test", "fixtures", "fake-cli", "fake-cli.js");

export interface Answer {
    json?: unknown;
    stdout?: string;
    stderr?: string;
    code?: number;
    /** Written to `aws lambda invoke`'s outfile, as the function's answer. */
    payload?: unknown;
    delayMs?: number;
}

export interface Rule {
    cli: "pulumi" | "az" | "aws";
    command: string;
    /** Options the call must carry (a substring of the value), e.g. `{ "--name": "jog-dc1" }`. */
    where?: Record<string, string>;
    answers: Answer[];
}

export interface Scenario {
    azLoggedIn?: boolean;
    awsLoggedIn?: boolean;
    rules: Rule[];
}

export interface Call {
    cli: string;
    command: string;
    options: Record<string, string | string[] | true>;
    positionals: string[];
}

export interface Fakes {
    runner: Runner;
    calls(): Call[];
}

/** Puts shims for `clis` in a fresh folder that is the whole PATH: a CLI left out is not installed. */
export function fakeClis(scenario: Scenario, clis: Array<"pulumi" | "az" | "aws"> = ["pulumi", "az", "aws"]): Fakes {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "labs-fake-cli-"));
    const bin = path.join(dir, "bin");
    fs.mkdirSync(bin);
    for (const cli of clis) {
        const shim = path.join(bin, cli);
        fs.writeFileSync(shim, `#!${process.execPath}\nrequire(${JSON.stringify(FAKE)});\n`);
        fs.chmodSync(shim, 0o755);
    }
    const scenarioFile = path.join(dir, "scenario.json");
    fs.writeFileSync(scenarioFile, JSON.stringify(scenario));
    const log = path.join(dir, "calls.jsonl");
    fs.writeFileSync(log, "");
    const env = { PATH: bin, HOME: dir, FAKE_CLI_SCENARIO: scenarioFile, FAKE_CLI_LOG: log };
    return {
        runner: spawnRunner(env),
        calls: () =>
            fs
                .readFileSync(log, "utf8")
                .split("\n")
                .filter(Boolean)
                .map((l) => JSON.parse(l) as Call),
    };
}

/** `pulumi stack output --json --stack dev` printing these outputs (secrets as "[secret]"). */
export function stackOutputs(outputs: Record<string, unknown>, stack = "dev"): Rule {
    return { cli: "pulumi", command: "stack output", where: { "--stack": stack }, answers: [{ json: outputs }] };
}

/** Signed in to both clouds: `az account show` and `aws sts get-caller-identity` answer. */
export const SIGNED_IN: Rule[] = [
    { cli: "az", command: "account show", answers: [{ json: { id: "00000000-0000-0000-0000-000000000001", name: "lab subscription", state: "Enabled", tenantId: "00000000-0000-0000-0000-000000000002", user: { name: "me@example.com", type: "user" } } }] },
    { cli: "aws", command: "sts get-caller-identity", answers: [{ json: { UserId: "AIDAEXAMPLE", Account: "123456789012", Arn: "arn:aws:iam::123456789012:user/me" } }] },
];

/** `az vm run-command invoke --output json`: the script's stdout and stderr as `value[]` items (learn: run-command, az vm run-command invoke). */
export function runCommandAnswer(stdout: string[], stderr = ""): Answer {
    return {
        json: {
            value: [
                { code: "ComponentStatus/StdOut/succeeded", displayStatus: "Provisioning succeeded", level: "Info", message: stdout.join("\n"), time: null },
                { code: "ComponentStatus/StdErr/succeeded", displayStatus: "Provisioning succeeded", level: "Info", message: stderr, time: null },
            ],
        },
    };
}

export interface VerifyRun {
    code: number;
    out: string;
    progress: string[];
    error?: UserError;
}

/** Runs `labs verify` against the fakes; a UserError becomes `error` with code 2, as the CLI prints it. */
export async function verify(fakes: Fakes, options: Partial<VerifyOptions> = {}, deps: Partial<VerifyDeps> = {}): Promise<VerifyRun> {
    const out: string[] = [];
    const progress: string[] = [];
    try {
        const code = await verifyCommand(
            { stack: "dev", ...options },
            (t) => out.push(t),
            {
                runner: fakes.runner,
                now: () => new Date(),
                sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
                progress: (l) => progress.push(l),
                pollMs: 20,
                heartbeatMs: 60_000,
                plannedOutputs: async () => {
                    throw new Error("this test does not plan offline");
                },
                ...deps,
            },
        );
        return { code, out: out.join("\n"), progress };
    } catch (err) {
        if (!(err instanceof UserError)) throw err;
        return { code: err.exitCode, out: out.join("\n"), progress, error: err };
    }
}

/** One row of the table: the line for this check and target. */
export function row(out: string, kind: string, target: string): string {
    const line = out.split("\n").find((l) => new RegExp(`^(pass|FAIL)\\s+\\S+\\s+${kind}\\s+`).test(l) && l.includes(target));
    if (!line) throw new Error(`no row for ${kind} ${target} in:\n${out}`);
    return line;
}
