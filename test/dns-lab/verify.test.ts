// `labs verify` for the DNS lab, up to the Azure CLI: one Run Command per VM with every name
// that VM must resolve, read back and graded, through a fake az on PATH.
import * as fs from "node:fs";
import { describe, expect, it } from "vitest";
import { RESOLVE_SCRIPT, namesParameter } from "../../stacks/dns-lab/verify";
import { SIGNED_IN, fakeClis, row, runCommandAnswer, stackOutputs, verify } from "../verify/harness";

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

const vmAnswer = (vm: string, lines: string[]) => ({ cli: "az" as const, command: "vm run-command invoke", where: { "--name": vm }, answers: [runCommandAnswer(lines)] });

describe("dns-lab verify", () => {
    it("runs one Run Command per VM with that VM's names in its script, passes the right address and fails a wrong one, an error and a silence", async () => {
        const fakes = fakeClis({
            rules: [
                stackOutputs(OUTPUTS),
                ...SIGNED_IN,
                vmAnswer("azuredns1", ["RESOLVE|azuredns.abc.bx.internal.cloudapp.net|10.101.0.4|"]),
                vmAnswer("azuredns", ["RESOLVE|azuredns1.abc.bx.internal.cloudapp.net||DNS name does not exist"]),
            ],
        });
        const run = await verify(fakes);
        expect(run.code).toBe(1);
        expect(row(run.out, "dns-lookup", "azuredns1 -> azuredns.abc")).toMatch(/^pass .*10\.101\.0\.4\s+10\.101\.0\.4$/);
        expect(row(run.out, "dns-lookup", "azuredns -> azuredns1.abc")).toMatch(/^FAIL .*DNS name does not exist$/);
        expect(row(run.out, "dns-lookup", "app.dnslab.internal")).toMatch(/^FAIL .*no answer from the VM/);
        expect(run.out).toContain("2 of 3 checks failed.");
        const invokes = fakes.calls().filter((c) => c.command === "vm run-command invoke");
        expect(invokes.map((c) => c.options["--name"]).sort()).toEqual(["azuredns", "azuredns1"]);
        const azuredns1 = invokes.find((c) => c.options["--name"] === "azuredns1")!;
        expect(azuredns1.options["--parameters"]).toEqual(["Names=azuredns.abc.bx.internal.cloudapp.net,app.dnslab.internal"]);
        const script = fs.readFileSync((azuredns1.options["--scripts"] as string[])[0].slice(1), "utf8");
        expect(script).toBe(RESOLVE_SCRIPT);
        expect(script).toContain("Resolve-DnsName -Name $n -Type A -DnsOnly -QuickTimeout");
        expect(script).toMatch(/param\(\s*\[Parameter\(Mandatory = \$true\)\] \[string\] \$Names\s*\)/);
    });

    it("passes when every VM resolves every name it must", async () => {
        const fakes = fakeClis({
            rules: [
                stackOutputs(OUTPUTS),
                ...SIGNED_IN,
                vmAnswer("azuredns1", ["RESOLVE|azuredns.abc.bx.internal.cloudapp.net|10.101.0.4|", "RESOLVE|app.dnslab.internal|10.101.0.50,10.101.0.51|"]),
                vmAnswer("azuredns", ["RESOLVE|azuredns1.abc.bx.internal.cloudapp.net|10.101.0.5|"]),
            ],
        });
        const run = await verify(fakes, { lab: "dns-lab" });
        expect(run.code).toBe(0);
        expect(run.out).toContain("All 3 checks passed.");
    });

    it("fails a VM's lookups with the Azure CLI's words when its Run Command cannot run", async () => {
        const fakes = fakeClis({
            rules: [
                stackOutputs(OUTPUTS),
                ...SIGNED_IN,
                { cli: "az", command: "vm run-command invoke", answers: [{ code: 1, stderr: "ERROR: (Conflict) Operation 'runCommand' is not allowed since the VM is deallocated.\n" }] },
            ],
        });
        const run = await verify(fakes);
        expect(run.code).toBe(1);
        expect(row(run.out, "dns-lookup", "app.dnslab.internal")).toContain("Run Command failed: (Conflict) Operation 'runCommand' is not allowed since the VM is deallocated.");
    });

    it("refuses to pass anything but a DNS name to a VM", () => {
        expect(() => namesParameter(["x'; Remove-Item C:\\ -Recurse; '"])).toThrowError(/not a DNS name/);
        expect(namesParameter(["a.b", "c-d.e"])).toEqual({ Names: "a.b,c-d.e" });
    });
});
