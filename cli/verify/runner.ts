// The one place `labs verify` touches the outside world: it starts the Pulumi, Azure and AWS
// CLIs and reads what they print. Everything above this boundary is tested with fake CLIs on
// PATH that answer as the real ones do.
import { spawn } from "node:child_process";
import { UserError } from "../engine/errors";

export interface CommandResult {
    /** The exit code; -1 when the command was stopped at its time limit. */
    code: number;
    stdout: string;
    stderr: string;
}

/** Runs a command to completion. Rejects only for a CLI that is not installed (a UserError). */
export type Runner = (command: string, args: string[], options?: { timeoutMs?: number }) => Promise<CommandResult>;

export type Cli = "pulumi" | "az" | "aws";

const INSTALL: Record<Cli, string> = {
    pulumi: "install the Pulumi CLI (https://www.pulumi.com/docs/install/) and run labs verify from this folder",
    az: "install the Azure CLI (https://learn.microsoft.com/cli/azure/install-azure-cli), then run az login",
    aws: "install the AWS CLI v2 (https://docs.aws.amazon.com/cli/latest/userguide/getting-started-install.html), then run aws configure or aws sso login",
};

/** How each CLI says nobody is signed in (their own words), and what to run. */
const NOT_LOGGED_IN: Record<Cli, { pattern: RegExp; fix: string }> = {
    // azure-cli's profile: "Please run 'az login' to setup account."
    az: { pattern: /az login/i, fix: "run az login (and az account set --subscription <id>)" },
    // botocore's NoCredentialsError, and expired SSO or session tokens.
    aws: { pattern: /Unable to locate credentials|ExpiredToken|Token has expired|InvalidClientTokenId|aws sso login/i, fix: "run aws configure (or aws sso login) for the lab's account" },
    pulumi: { pattern: /pulumi login|PULUMI_ACCESS_TOKEN/i, fix: "run pulumi login with the backend the stack lives in" },
};

const windows = process.platform === "win32";

/**
 * Starts real processes. On Windows az and aws are .cmd files, which only run through a
 * shell; arguments with spaces are quoted for it (the scripts travel as files, never inline).
 */
export function spawnRunner(env: NodeJS.ProcessEnv = process.env): Runner {
    return (command, args, options = {}) =>
        new Promise((resolve, reject) => {
            const shellArgs = windows ? args.map((a) => (/[\s"]/.test(a) ? `"${a.replace(/"/g, '\\"')}"` : a)) : args;
            const child = spawn(command, shellArgs, { env, shell: windows, stdio: ["ignore", "pipe", "pipe"] });
            let stdout = "";
            let stderr = "";
            let timedOut = false;
            child.stdout.on("data", (d: Buffer) => (stdout += d.toString("utf8")));
            child.stderr.on("data", (d: Buffer) => (stderr += d.toString("utf8")));
            const timer = options.timeoutMs
                ? setTimeout(() => {
                      timedOut = true;
                      child.kill();
                  }, options.timeoutMs)
                : undefined;
            child.on("error", (err: NodeJS.ErrnoException) => {
                if (timer) clearTimeout(timer);
                if (err.code === "ENOENT") reject(new UserError(`${command} is not installed (or not on PATH): ${INSTALL[command as Cli] ?? "install it"}.`));
                else reject(err);
            });
            child.on("close", (code) => {
                if (timer) clearTimeout(timer);
                if (timedOut) resolve({ code: -1, stdout, stderr: `${stderr}\ntimed out after ${Math.round((options.timeoutMs ?? 0) / 100) / 10} s`.trim() });
                else resolve({ code: code ?? 1, stdout, stderr });
            });
        });
}

/** The last meaningful line a CLI wrote to stderr, without its `ERROR:` prefix. */
export function lastError(result: CommandResult): string {
    const lines = result.stderr.split(/\r?\n/).map((l) => l.trim()).filter(Boolean);
    return (lines.at(-1) ?? `exit code ${result.code}`).replace(/^(ERROR|error|aws: \[ERROR\]):\s*/, "");
}

/** A UserError when the failure says nobody is signed in to this CLI, else undefined. */
export function loginProblem(cli: Cli, result: CommandResult): UserError | undefined {
    const { pattern, fix } = NOT_LOGGED_IN[cli];
    if (result.code !== 0 && pattern.test(result.stderr)) return new UserError(`${cli} is not signed in (${lastError(result)}): ${fix}, then run labs verify again.`);
    return undefined;
}

/**
 * Runs a CLI that prints JSON (`--output json`) and parses it. A failure is returned as the
 * CLI's own last error line, for the check to report; a missing login throws (exit 2).
 */
export async function runJson<T>(runner: Runner, cli: Cli, args: string[], timeoutMs?: number): Promise<{ ok: true; value: T } | { ok: false; error: string }> {
    const result = await runner(cli, args, { timeoutMs });
    const login = loginProblem(cli, result);
    if (login) throw login;
    if (result.code !== 0) return { ok: false, error: lastError(result) };
    try {
        return { ok: true, value: JSON.parse(result.stdout || "null") as T };
    } catch {
        return { ok: false, error: `${cli} ${args.slice(0, 3).join(" ")} printed something that is not JSON` };
    }
}
