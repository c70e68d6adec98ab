// `labs verify` (npm run verify -- --stack NAME): checks a deployed lab from inside its VMs.
// Reads the stack outputs with the Pulumi CLI and runs lookups with the Azure CLI; nothing
// here is reachable offline, so the lab-specific logic lives in pure, tested functions.
import { execFile } from "node:child_process";
import { type CheckResult, gradeRunCommandOutput, probesFromOutputs, renderResults } from "../../stacks/dns-lab/verify";
import { UserError } from "../engine/errors";

export type Exec = (command: string, args: string[]) => Promise<string>;

export interface VerifyOptions {
    stack: string;
    dryRun?: boolean;
}

const INSTALL_HINT: Record<string, string> = {
    pulumi: "install the Pulumi CLI (https://www.pulumi.com/docs/install/) and run it from this folder",
    az: "install the Azure CLI (https://learn.microsoft.com/cli/azure/install-azure-cli) and run az login",
};

export const realExec: Exec = (command, args) =>
    new Promise((resolve, reject) => {
        execFile(command, args, { maxBuffer: 32 * 1024 * 1024, shell: process.platform === "win32" }, (err, stdout, stderr) => {
            if (err && (err as NodeJS.ErrnoException).code === "ENOENT") return reject(new UserError(`${command} is not installed: ${INSTALL_HINT[command] ?? "install it"}.`));
            if (err) return reject(new UserError(`${command} ${args.slice(0, 3).join(" ")} failed: ${(stderr || err.message).trim().split("\n").slice(-3).join(" ")}`));
            resolve(stdout);
        });
    });

export async function verifyCommand(options: VerifyOptions, write: (text: string) => void, exec: Exec = realExec, parallel = 4): Promise<number> {
    const outputsJson = await exec("pulumi", ["stack", "output", "--json", "--stack", options.stack]);
    let outputs: Record<string, unknown>;
    try {
        outputs = JSON.parse(outputsJson) as Record<string, unknown>;
    } catch {
        throw new UserError(`pulumi stack output for '${options.stack}' was not JSON; is the stack deployed?`);
    }
    let probes;
    try {
        probes = probesFromOutputs(outputs);
    } catch (err) {
        throw new UserError((err as Error).message);
    }
    if (options.dryRun) {
        for (const p of probes) write(`az ${p.azArgs.map((a) => (/[\s'"|;$]/.test(a) ? JSON.stringify(a) : a)).join(" ")}`);
        return 0;
    }
    write(`Checking name resolution on ${probes.length} VMs of stack '${options.stack}' (Run Command takes about a minute per VM)...`);
    const results: CheckResult[] = [];
    let next = 0;
    const worker = async () => {
        while (next < probes.length) {
            const probe = probes[next++];
            const started = Date.now();
            const graded = gradeRunCommandOutput(probe, await exec("az", probe.azArgs));
            results.push(...graded);
            write(`  ${probe.vm}: ${graded.filter((r) => r.pass).length}/${graded.length} lookups passed (${Math.round((Date.now() - started) / 1000)}s)`);
        }
    };
    await Promise.all(Array.from({ length: Math.min(parallel, probes.length) }, worker));
    write("");
    write(renderResults(results));
    return results.every((r) => r.pass) ? 0 : 1;
}
