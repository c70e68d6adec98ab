// `npm run verify` up to the cloud boundary: the Run Command calls it makes for a stack's
// outputs, how it reads their answers, and what it tells the user.
import * as fs from "node:fs";
import { describe, expect, it } from "vitest";
import { type Exec, realExec, verifyCommand } from "../../cli/commands/verify";
import { UserError } from "../../cli/engine/errors";
import { azArgs, gradeRunCommandOutput, probesFromOutputs, resolveScript } from "../../stacks/dns-lab/verify";

const OUTPUTS = {
    "dns-lab": {
        resourceGroup: "rg-dns-lab-dev",
        checks: [
            { vm: "azuredns", name: "azuredns1.abc.bx.internal.cloudapp.net", expect: "10.101.0.5" },
            { vm: "azuredns1", name: "azuredns.abc.bx.internal.cloudapp.net", expect: "10.101.0.4" },
            { vm: "azuredns1", name: "app.dnslab.internal", expect: "10.101.0.50" },
        ],
    },
};

function runCommandAnswer(lines: string[]): string {
    return JSON.stringify({ value: [{ code: "ComponentStatus/StdOut/succeeded", message: lines.join("\n") }, { code: "ComponentStatus/StdErr/succeeded", message: "" }] });
}

describe("the Run Command calls", () => {
    it("make one call per VM with every name that VM must resolve", () => {
        const probes = probesFromOutputs(OUTPUTS);
        expect(probes.map((p) => [p.vm, p.checks.length])).toEqual([
            ["azuredns", 1],
            ["azuredns1", 2],
        ]);
        expect(azArgs(probes[1], "/tmp/x/azuredns1.ps1")).toEqual([
            "vm", "run-command", "invoke", "--resource-group", "rg-dns-lab-dev", "--name", "azuredns1", "--command-id", "RunPowerShellScript", "--scripts", "@/tmp/x/azuredns1.ps1", "--output", "json",
        ]);
        expect(probes[1].script).toBe(resolveScript(["azuredns.abc.bx.internal.cloudapp.net", "app.dnslab.internal"]));
        expect(probes[1].script).toContain("foreach ($n in @('azuredns.abc.bx.internal.cloudapp.net','app.dnslab.internal'))");
        expect(probes[1].script).toContain("Resolve-DnsName -Name $n -Type A -DnsOnly");
    });

    it("refuse to put anything but a DNS name into the script", () => {
        expect(() => resolveScript(["x'; Remove-Item C:\\ -Recurse; '"])).toThrowError(/not a DNS name/);
    });

    it("say what to do when the stack has no dns-lab outputs", () => {
        expect(() => probesFromOutputs({})).toThrowError(/deploy the dns-lab/);
    });
});

describe("reading the answers", () => {
    const [probe] = probesFromOutputs({ "dns-lab": { ...OUTPUTS["dns-lab"], checks: OUTPUTS["dns-lab"].checks.slice(1) } });

    it("passes a name that resolved to the expected address, fails a wrong one or an error, and a name never answered", () => {
        expect(gradeRunCommandOutput(probe, runCommandAnswer(["RESOLVE|azuredns.abc.bx.internal.cloudapp.net|10.101.0.4|", "RESOLVE|app.dnslab.internal|10.9.9.9|"])).map((r) => r.pass)).toEqual([true, false]);
        const failed = gradeRunCommandOutput(probe, runCommandAnswer(["RESOLVE|azuredns.abc.bx.internal.cloudapp.net||DNS name does not exist"]));
        expect(failed.map((r) => [r.pass, r.error])).toEqual([
            [false, "DNS name does not exist"],
            [false, "no answer from the VM (Run Command output did not mention this name)"],
        ]);
    });
});

describe("labs verify", () => {
    function fakeExec(answers: Record<string, string>): { exec: Exec; calls: string[][] } {
        const calls: string[][] = [];
        const exec: Exec = async (command, args) => {
            calls.push([command, ...args]);
            if (command === "pulumi") return JSON.stringify(OUTPUTS);
            return runCommandAnswer([answers[args[6]] ?? ""]);
        };
        return { exec, calls };
    }

    it("reads the stack's outputs, runs each VM's script from a file, prints a table and exits 1 on any failure", async () => {
        const { exec, calls } = fakeExec({ azuredns: "RESOLVE|azuredns1.abc.bx.internal.cloudapp.net|10.101.0.5|", azuredns1: "RESOLVE|azuredns.abc.bx.internal.cloudapp.net|10.101.0.4|" });
        const out: string[] = [];
        const code = await verifyCommand({ stack: "dev" }, (t) => out.push(t), exec);
        expect(calls[0]).toEqual(["pulumi", "stack", "output", "--json", "--stack", "dev"]);
        const azCalls = calls.filter((c) => c[0] === "az");
        expect(azCalls).toHaveLength(2);
        const scriptFile = azCalls[1][azCalls[1].indexOf("--scripts") + 1].slice(1);
        expect(fs.readFileSync(scriptFile, "utf8")).toContain("'app.dnslab.internal'");
        expect(code).toBe(1);
        const table = out.join("\n");
        expect(table).toMatch(/pass\s+azuredns\s+azuredns1\.abc\.bx\.internal\.cloudapp\.net\s+10\.101\.0\.5\s+10\.101\.0\.5/);
        expect(table).toMatch(/FAIL\s+azuredns1\s+app\.dnslab\.internal\s+10\.101\.0\.50\s+no answer/);
        expect(table).toContain("1 of 3 lookups failed.");
    });

    it("with --dry-run prints the az calls and calls nothing but pulumi", async () => {
        const { exec, calls } = fakeExec({});
        const out: string[] = [];
        expect(await verifyCommand({ stack: "dev", dryRun: true }, (t) => out.push(t), exec)).toBe(0);
        expect(calls).toHaveLength(1);
        expect(out[0]).toMatch(/^az vm run-command invoke --resource-group rg-dns-lab-dev --name azuredns --command-id RunPowerShellScript --scripts @\S+azuredns\.ps1 --output json$/);
    });

    it("turns a missing CLI or a failing one into a user error that says what to do", async () => {
        await expect(realExec("az-not-installed-here", [])).rejects.toThrowError(UserError);
        await expect(realExec("az-not-installed-here", [])).rejects.toThrowError(/az-not-installed-here is not installed: install it/);
        await expect(realExec(process.execPath, ["-e", "process.stderr.write('not logged in'); process.exit(3)"])).rejects.toThrowError(/failed: not logged in/);
    });
});
