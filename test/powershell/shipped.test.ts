// The scripts the labs ship pass the checker: each file with its includes, each Run Command as
// the program creates it (its inline script and the parameters it passes), and every command
// they call is in the cmdlet reference or defined by them, so the reference grows with them.
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import type { Plan } from "../../cli/engine/plan";
import { checkFile, checkScript, labScripts } from "../../powershell/check";
import { inlineSource, parse, readSource } from "../../powershell/parse";
import { findCmdlet } from "../../powershell/reference";
import { dnsLabProbes } from "../../stacks/dns-lab/verify";
import { rmsLabProbes } from "../../stacks/rms-lab/verify";
import { LABS_CLI, ROOT, input, ofType, planLab, stackOutput } from "../support";

const RUN_COMMAND = "azure-native:compute:VirtualMachineRunCommandByVirtualMachine";

function names(value: unknown): string[] {
    return ((value as Array<{ name: string }> | null) ?? []).map((p) => p.name);
}

describe("the labs' own scripts", () => {
    const scripts = labScripts(ROOT);

    it("are every .ps1 of the labs that is not only included by another", () => {
        expect(scripts.map((s) => path.relative(ROOT, s))).toContain("stacks/dns-lab/scripts/Configure-DnsForwarder.ps1");
        expect(scripts.map((s) => path.relative(ROOT, s))).toContain("stacks/rms-lab/scripts/Promote-DomainController.ps1");
        expect(scripts.map((s) => path.basename(s))).not.toContain("common.ps1");
        const all = ["dns-lab", "rms-lab"].flatMap((lab) => fs.readdirSync(path.join(ROOT, "stacks", lab, "scripts")).filter((f) => f.endsWith(".ps1")));
        expect(scripts).toHaveLength(all.length - 1);
    });

    it.each(scripts.map((s) => [path.relative(ROOT, s), s]))("%s passes, with its includes", (_name, file) => {
        expect(checkFile(file)).toEqual([]);
    });

    it("call only cmdlets of the reference or functions they define", () => {
        const missing: string[] = [];
        for (const file of scripts) {
            const root = parse(readSource(file).text).rootNode;
            const defined = new Set(root.descendantsOfType("function_name").map((n) => n.text.toLowerCase()));
            for (const command of root.descendantsOfType("command_name")) {
                const name = command.text;
                if (!defined.has(name.toLowerCase()) && !/[\\/.]/.test(name) && !findCmdlet(name)) missing.push(`${path.basename(file)}: ${name}`);
            }
        }
        expect(missing).toEqual([]);
    });
});

describe("the Run Commands the programs create", () => {
    let plans: Plan[];
    beforeAll(async () => {
        plans = [await planLab("rms-lab"), await planLab("dns-lab", { dnsPattern: "byo-forwarders" })];
    }, 240_000);

    it("run scripts that pass, with exactly the parameters their param blocks declare", () => {
        const runs = plans.flatMap((p) => ofType(p, RUN_COMMAND));
        expect(runs.length).toBeGreaterThanOrEqual(18);
        for (const run of runs) {
            const findings = checkScript(inlineSource(run.name, input<string>(run, "source.script")), {
                parameters: names(input(run, "parameters")),
                protectedParameters: names(input(run, "protectedParameters")),
            });
            expect({ run: run.name, findings }).toEqual({ run: run.name, findings: [] });
        }
    });

    it("give labs verify's scripts exactly the parameters their param blocks declare (az vm run-command --parameters)", () => {
        const [rms, dns] = plans;
        const probes = [...rmsLabProbes(stackOutput(rms, "rms-lab")), ...dnsLabProbes(stackOutput(dns, "dns-lab"))].filter((p) => p.label.endsWith("(Run Command)"));
        expect(probes.length).toBeGreaterThanOrEqual(9);
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "labs-verify-"));
        const passed = new Set<string>();
        for (const probe of probes) {
            const [line] = probe.commands(probe.checks, dir);
            const file = /--scripts @(\S+)/.exec(line)![1];
            // `--parameters name=value ...` up to the next option; values are base64 or plain words.
            const parameters = (/--parameters (.*?) --output/.exec(line)?.[1] ?? "").split(" ").map((p) => p.replace(/^'/, "").split("=")[0]);
            for (const p of parameters) passed.add(p);
            const findings = checkScript(inlineSource(path.basename(file), fs.readFileSync(file, "utf8")), { parameters, protectedParameters: [] });
            expect({ probe: probe.label, findings }).toEqual({ probe: probe.label, findings: [] });
        }
        // The command lines were read: the parameters both scripts are given are among them.
        expect([...passed]).toEqual(expect.arrayContaining(["DomainName", "Checks"]));
        expect(passed.size).toBeGreaterThanOrEqual(4);
    });
});

describe("labs scripts", () => {
    const labs = (...args: string[]) => spawnSync(process.execPath, [LABS_CLI, "scripts", ...args], { cwd: ROOT, encoding: "utf8", timeout: 60_000 });

    it("exits 0 over the labs' scripts, saying how many it checked", () => {
        const run = labs();
        expect(run.stdout).toBe("");
        expect(run.stderr).toMatch(/^\d+ scripts checked against \d+ cmdlets \(reference taken \d{4}-\d{2}-\d{2}\): no problems\n$/);
        expect(run.status).toBe(0);
    });

    it("prints file:line:col  rule  message and exits 1, an included file's findings at its own lines", () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "labs-scripts-"));
        fs.writeFileSync(path.join(dir, "helpers.ps1"), "function Write-Step([string] $Message) { Write-Output $Mesage }\n");
        fs.writeFileSync(path.join(dir, "Main.ps1"), "param([string] $DomainName)\n# @include helpers.ps1\nWrite-Step -Message $DomainName\nInstall-ADDSForest -DomainName $DomainName -SafeModePassword $null\n");
        const run = labs(path.join(dir, "Main.ps1"));
        const rel = (f: string) => path.relative(ROOT, path.join(dir, f));
        expect(run.stdout.trimEnd().split("\n")).toEqual([
            `${rel("helpers.ps1")}:1:55  undefined-variable  $Mesage is read before anything assigns it`,
            `${rel("Main.ps1")}:4:44  unknown-parameter  Install-ADDSForest has no parameter -SafeModePassword`,
        ]);
        expect(run.status).toBe(1);
    });

    it("names a missing file in one line, exit 2", () => {
        const run = labs("no-such-script.ps1");
        expect(run.stderr.trim()).toMatch(/^error: .*no-such-script\.ps1: no such script; name \.ps1 files, or none for every script the labs run$/);
        expect(run.status).toBe(2);
    });
});
