// `labs verify` (npm run verify -- --stack NAME): checks a deployed lab from inside its VMs.
// Reads the stack outputs with the Pulumi CLI and runs lookups with the Azure CLI; nothing
// here is reachable offline, so the lab-specific logic lives in pure, tested functions.
import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { type CheckResult, azArgs, gradeRunCommandOutput, probesFromOutputs, renderResults } from "../../stacks/dns-lab/verify";
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

// On Windows az is az.cmd, which only runs through a shell; quote what has spaces (paths).
const windows = process.platform === "win32";

export const realExec: Exec = (command, args) =>
    new Promise((resolve, reject) => {
        const shellArgs = windows ? args.map((a) => (/\s/.test(a) ? `"${a}"` : a)) : args;
        execFile(command, shellArgs, { maxBuffer: 32 * 1024 * 1024, shell: windows }, (err, stdout, stderr) => {
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
    const scriptDir = fs.mkdtempSync(path.join(os.tmpdir(), "labs-verify-"));
    const scriptFile = (vm: string) => {
        const file = path.join(scriptDir, `${vm}.ps1`);
        fs.writeFileSync(file, probes.find((p) => p.vm === vm)?.script ?? "");
        return file;
    };
    if (options.dryRun) {
        for (const p of probes) write(`az ${azArgs(p, scriptFile(p.vm)).join(" ")}`);
        write(`(the scripts are in ${scriptDir})`);
        return 0;
    }
    write(`Checking name resolution on ${probes.length} VMs of stack '${options.stack}' (Run Command takes about a minute per VM)...`);
    const results: CheckResult[] = [];
    let next = 0;
    const worker = async () => {
        while (next < probes.length) {
            const probe = probes[next++];
            const started = Date.now();
            const graded = gradeRunCommandOutput(probe, await exec("az", azArgs(probe, scriptFile(probe.vm))));
            results.push(...graded);
            write(`  ${probe.vm}: ${graded.filter((r) => r.pass).length}/${graded.length} lookups passed (${Math.round((Date.now() - started) / 1000)}s)`);
        }
    };
    await Promise.all(Array.from({ length: Math.min(parallel, probes.length) }, worker));
    write("");
    write(renderResults(results));
    return results.every((r) => r.pass) ? 0 : 1;
}
