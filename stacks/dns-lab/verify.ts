// `npm run verify` for the DNS lab: from the stack outputs, the lookups each VM must get
// right, the PowerShell that performs them through Azure Run Command, and reading its answer.
import type { NameCheck } from "./outputs";

export interface VmProbe {
    vm: string;
    resourceGroup: string;
    checks: NameCheck[];
    /** PowerShell that performs the lookups on the VM. */
    script: string;
}

export interface CheckResult extends NameCheck {
    got: string[];
    error?: string;
    pass: boolean;
}

interface DnsLabOutputs {
    resourceGroup?: unknown;
    checks?: unknown;
}

/** One Run Command per VM, resolving every name that VM must resolve. */
export function probesFromOutputs(outputs: Record<string, unknown>): VmProbe[] {
    const lab = outputs["dns-lab"] as DnsLabOutputs | undefined;
    if (!lab || typeof lab.resourceGroup !== "string" || !Array.isArray(lab.checks)) {
        throw new Error("the stack has no dns-lab outputs: deploy the dns-lab (pulumi up) before verifying it");
    }
    const checks = lab.checks as NameCheck[];
    const byVm = new Map<string, NameCheck[]>();
    for (const c of checks) byVm.set(c.vm, [...(byVm.get(c.vm) ?? []), c]);
    return [...byVm].map(([vm, vmChecks]) => ({ vm, resourceGroup: lab.resourceGroup as string, checks: vmChecks, script: resolveScript(vmChecks.map((c) => c.name)) }));
}

/**
 * Arguments for `az` to run a probe's script, read from a file (`@file`): no argument then
 * holds anything a shell could misread, on Windows (where az is a .cmd) as elsewhere.
 */
export function azArgs(probe: VmProbe, scriptFile: string): string[] {
    return ["vm", "run-command", "invoke", "--resource-group", probe.resourceGroup, "--name", probe.vm, "--command-id", "RunPowerShellScript", "--scripts", `@${scriptFile}`, "--output", "json"];
}

/** PowerShell that resolves each name with DNS only and prints one `RESOLVE|name|ips|error` line per name. */
export function resolveScript(names: string[]): string {
    for (const n of names) {
        if (!/^[A-Za-z0-9.-]+$/.test(n)) throw new Error(`refusing to put '${n}' in a script: not a DNS name`);
    }
    const list = names.map((n) => `'${n}'`).join(",");
    return [
        `foreach ($n in @(${list})) {`,
        "  try {",
        "    $ips = @(Resolve-DnsName -Name $n -Type A -DnsOnly -QuickTimeout -ErrorAction Stop | Where-Object { $_.Type -eq 'A' } | ForEach-Object { $_.IPAddress }) -join ','",
        '    Write-Output "RESOLVE|$n|$ips|"',
        "  } catch {",
        "    $msg = $_.Exception.Message -replace '[|\\r\\n]', ' '",
        '    Write-Output "RESOLVE|$n||$msg"',
        "  }",
        "}",
    ].join("\n");
}

/** Reads `az vm run-command invoke --output json` and grades each check. */
export function gradeRunCommandOutput(probe: VmProbe, azJson: string): CheckResult[] {
    let stdout = "";
    try {
        const parsed = JSON.parse(azJson) as { value?: Array<{ code?: string; message?: string }> };
        stdout = (parsed.value ?? []).filter((v) => v.code?.includes("StdOut")).map((v) => v.message ?? "").join("\n");
    } catch {
        stdout = "";
    }
    const answers = new Map<string, { ips: string[]; error?: string }>();
    for (const line of stdout.split(/\r?\n/)) {
        const [tag, name, ips, error] = line.split("|");
        if (tag !== "RESOLVE" || !name) continue;
        answers.set(name.toLowerCase(), { ips: ips ? ips.split(",").filter(Boolean) : [], error: error?.trim() || undefined });
    }
    return probe.checks.map((c) => {
        const answer = answers.get(c.name.toLowerCase());
        if (!answer) return { ...c, got: [], error: "no answer from the VM (Run Command output did not mention this name)", pass: false };
        return { ...c, got: answer.ips, error: answer.error, pass: answer.ips.includes(c.expect) };
    });
}

export function renderResults(results: CheckResult[]): string {
    const rows = [["RESULT", "VM", "NAME", "EXPECTED", "GOT"], ...results.map((r) => [r.pass ? "pass" : "FAIL", r.vm, r.name, r.expect, r.got.join(",") || r.error || "-"])];
    const widths = rows[0].map((_, i) => Math.max(...rows.map((row) => row[i].length)));
    const lines = rows.map((row) => row.map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i]))).join("  "));
    const failed = results.filter((r) => !r.pass).length;
    lines.push("", failed ? `${failed} of ${results.length} lookups failed.` : `All ${results.length} lookups resolved as expected.`);
    return lines.join("\n");
}
