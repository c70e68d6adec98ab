// `labs verify` for the DNS lab: from the stack outputs, the lookups each VM must get right
// (the `checks` output, one per pattern's promise), scripts/Test-NameResolution.ps1 performing
// them through Azure Run Command, and reading its answer. One probe per VM: a VM runs one command at a time.
import * as fs from "node:fs";
import * as path from "node:path";
import { type Check, type Outcome, type Probe } from "../../cli/verify/model";
import { runCommandArgs, runCommandProbe } from "../../cli/verify/run-command";
import type { NameCheck } from "./outputs";

const LAB = "dns-lab";

interface DnsLabOutputs {
    resourceGroup?: unknown;
    checks?: unknown;
}

/** One probe per VM, resolving every name that VM must resolve. Throws when the outputs are not the DNS lab's. */
export function dnsLabProbes(outputs: Record<string, unknown>): Probe[] {
    const lab = outputs as DnsLabOutputs;
    if (typeof lab.resourceGroup !== "string" || !Array.isArray(lab.checks)) {
        throw new Error("the dns-lab outputs have no resourceGroup and checks: deploy the dns-lab (pulumi up) before verifying it");
    }
    const resourceGroup = lab.resourceGroup;
    const byVm = new Map<string, NameCheck[]>();
    for (const c of lab.checks as NameCheck[]) byVm.set(c.vm, [...(byVm.get(c.vm) ?? []), c]);
    return [...byVm].map(([vm, lookups]): Probe => {
        const checks = lookups.map(
            (c): Check => ({
                kind: "dns-lookup",
                lab: LAB,
                target: `${vm} -> ${c.name}`,
                expected: c.expect,
                cause: "the VM's DNS server does not know the name: a forwarder not configured, a zone not linked or not registering, a missing peering or ruleset link, or an NSG rule denying AzurePlatformDNS",
                log: `C:\\ProgramData\\Labs\\dns-forwarder.log on the VNet's forwarder (byo-forwarders); Resolve-DnsName ${c.name} on ${vm} through Run Command`,
            }),
        );
        const names = (selected: Check[]) => selected.map((s) => s.target.slice(`${vm} -> `.length));
        const args = (dir: string, selected: Check[]) => {
            const file = path.join(dir, "dns-lab-Test-NameResolution.ps1");
            fs.writeFileSync(file, RESOLVE_SCRIPT);
            return runCommandArgs(resourceGroup, vm, file, namesParameter(names(selected)));
        };
        return runCommandProbe(LAB, vm, checks, args, (selected, answer) => gradeLookups(selected, answer.stdout));
    });
}

/** The script each VM runs: resolves the names it is given with DNS only, one `RESOLVE|name|ips|error` line each. */
export const RESOLVE_SCRIPT = fs.readFileSync(path.join(__dirname, "scripts", "Test-NameResolution.ps1"), "utf8");

/** The script's `Names` parameter; refuses anything but DNS names, since it travels on a command line. */
export function namesParameter(names: string[]): Record<string, string> {
    for (const n of names) {
        if (!/^[A-Za-z0-9.-]+$/.test(n)) throw new Error(`refusing to pass '${n}' to a VM: not a DNS name`);
    }
    return { Names: names.join(",") };
}

/** Grades each lookup from the script's output: a pass when the expected address is among the answers. */
export function gradeLookups(checks: Check[], stdout: string): Outcome[] {
    const answers = new Map<string, { ips: string[]; error?: string }>();
    for (const line of stdout.split(/\r?\n/)) {
        const [tag, name, ips, error] = line.split("|");
        if (tag !== "RESOLVE" || !name) continue;
        answers.set(name.toLowerCase(), { ips: ips ? ips.split(",").filter(Boolean) : [], error: error?.trim() || undefined });
    }
    return checks.map((c) => {
        const name = c.target.split(" -> ")[1];
        const answer = answers.get(name.toLowerCase());
        if (!answer) return { pass: false, got: "no answer from the VM (the Run Command output did not mention this name)" };
        return { pass: answer.ips.includes(c.expected), got: answer.ips.join(",") || answer.error || "no address" };
    });
}
