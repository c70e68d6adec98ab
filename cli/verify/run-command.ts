// Azure Run Command from the Azure CLI, as the VM checks use it: the script travels as a file
// (`--scripts @file`), parameters as `name=value`, and the answer is read from the JSON
// `az vm run-command invoke` prints: `value[]` items whose `code` names the stream
// (`ComponentStatus/StdOut/succeeded`, `ComponentStatus/StdErr/succeeded`) and whose
// `message` holds its text.
import { type Check, type Outcome, type Probe, type ProbeContext, commandLine } from "./model";
import { runJson } from "./runner";

/** A Run Command that did not come back within this is reported as failed (a DC check waits for LDAP and DNS). */
export const RUN_COMMAND_TIMEOUT_MS = 20 * 60 * 1000;

/**
 * `az vm run-command invoke` arguments. Parameters become the script's named parameters; az
 * splits each at its first `=` (azure-cli vm custom.py, run_command_invoke), so base64 values
 * ending in `=` arrive whole.
 */
export function runCommandArgs(resourceGroup: string, vm: string, scriptFile: string, parameters: Record<string, string> = {}): string[] {
    const params = Object.entries(parameters).map(([k, v]) => `${k}=${v}`);
    return [
        "vm", "run-command", "invoke",
        "--resource-group", resourceGroup,
        "--name", vm,
        "--command-id", "RunPowerShellScript",
        "--scripts", `@${scriptFile}`,
        ...(params.length ? ["--parameters", ...params] : []),
        "--output", "json",
    ];
}

interface RunCommandJson {
    value?: Array<{ code?: string; message?: string }>;
}

/** The script's standard output and error, from the CLI's JSON. */
export function runCommandStreams(answer: unknown): { stdout: string; stderr: string } {
    const items = (answer as RunCommandJson | null)?.value ?? [];
    const stream = (name: string) => items.filter((v) => v.code?.includes(`/${name}/`)).map((v) => v.message ?? "").join("\n");
    return { stdout: stream("StdOut"), stderr: stream("StdErr") };
}

/** Runs a script on a VM; its streams, or the CLI's error (a stopped VM, a missing VM, a time-out). */
export async function invokeRunCommand(
    ctx: ProbeContext,
    args: string[],
): Promise<{ ok: true; stdout: string; stderr: string } | { ok: false; error: string }> {
    const answer = await runJson<unknown>(ctx.runner, "az", args, RUN_COMMAND_TIMEOUT_MS);
    if (!answer.ok) return answer;
    return { ok: true, ...runCommandStreams(answer.value) };
}

/**
 * A probe that runs one script on one VM and grades its output: every check it holds fails
 * together, with the CLI's error, when the Run Command itself does not come back.
 */
export function runCommandProbe(
    lab: string,
    vm: string,
    checks: Check[],
    args: (dir: string, selected: Check[]) => string[],
    grade: (selected: Check[], streams: { stdout: string; stderr: string }) => Outcome[],
): Probe {
    return {
        lab,
        label: `${vm} (Run Command)`,
        clis: ["az"],
        checks,
        commands: (selected, dir) => [commandLine("az", args(dir, selected))],
        async run(ctx, selected) {
            const answer = await invokeRunCommand(ctx, args(ctx.scratchDir, selected));
            if (!answer.ok) return selected.map(() => ({ pass: false, got: `Run Command failed: ${answer.error}` }));
            return grade(selected, answer);
        },
    };
}
