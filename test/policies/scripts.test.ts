// run-command-script-valid: a Run Command's inline PowerShell passes the script checker and
// declares exactly the parameters the resource passes, in a lab or in a user's own program.
import { spawnSync } from "node:child_process";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { LABS_CLI, ROOT } from "../support";
import { type Spec, UNKNOWN, check, findings, secret, usePack } from "./support";

const pack = usePack();
const POLICY = "run-command-script-valid";
const SCRIPT = 'param([Parameter(Mandatory = $true)] [string] $DomainName, [Parameter(Mandatory = $true)] [string] $SafeModePassword)\nInstall-ADDSForest -DomainName $DomainName -SafeModeAdministratorPassword (ConvertTo-SecureString $SafeModePassword -AsPlainText -Force) -InstallDns -Force\n';

function runCommand(change: Record<string, unknown> = {}, type = "azure-native:compute:VirtualMachineRunCommandByVirtualMachine"): Spec {
    return {
        type,
        name: "dc1-promote",
        props: {
            runCommandName: "promote",
            vmName: "dc1",
            source: { script: SCRIPT },
            parameters: [{ name: "DomainName", value: "corp.example" }],
            protectedParameters: secret([{ name: "SafeModePassword", value: "s3cret!" }]),
            ...change,
        },
        additionalSecretOutputs: ["protectedParameters"],
    };
}

describe("run-command-script-valid", () => {
    it("passes a script that checks clean with its parameters, protected ones included", async () => {
        const r = await check(pack.host(), [runCommand()]);
        expect(findings(r, POLICY)).toEqual([]);
    });

    it("reports a wrong cmdlet parameter, mandatory, with line and column", async () => {
        const r = await check(pack.host(), [runCommand({ source: { script: SCRIPT.replace("-SafeModeAdministratorPassword", "-SafeModePassword") } })]);
        expect(findings(r, POLICY)).toEqual(["run-command-script-valid[Script::unknown-parameter@2:44]"]);
        const v = r.violations.find((x) => x.policy === POLICY)!;
        expect(v.enforcementLevel).toBe("mandatory");
        expect(v.message).toContain("line 2, column 44: Install-ADDSForest has no parameter -SafeModePassword");
    });

    it("reports a parameter the resource passes that the script does not declare, and a mandatory one it does not pass", async () => {
        const r = await check(pack.host(), [runCommand({ parameters: [{ name: "DomainNam", value: "corp.example" }] })]);
        expect(findings(r, POLICY)).toEqual(["run-command-script-valid[Script::run-command-missing@1:7]", "run-command-script-valid[Script::run-command-parameter@1:1]"]);
    });

    it("reports a script that does not parse", async () => {
        const r = await check(pack.host(), [runCommand({ source: { script: "if ($x {\n" } })]);
        expect(findings(r, POLICY)).toEqual(["run-command-script-valid[Script::parse-error@1:1]"]);
    });

    it("checks the other Run Command types too", async () => {
        const r = await check(pack.host(), [runCommand({ source: { script: "Get-Frobnicator" }, parameters: [], protectedParameters: [] }, "azure-native:compute:VirtualMachineScaleSetVMRunCommand")]);
        expect(findings(r, POLICY)).toEqual(["run-command-script-valid[Script::unknown-command@1:1]"]);
    });

    it("is not applicable to a built-in command, a shell script or a script not known until the deployment", async () => {
        const r = await check(pack.host(), [
            runCommand({ source: { commandId: "RunPowerShellScript" } }),
            runCommand({ source: { script: "#!/bin/bash\necho hi\n" }, parameters: [], protectedParameters: [] }),
            runCommand({ source: UNKNOWN }),
        ]);
        expect(findings(r, POLICY)).toEqual([]);
    });

    it("fails labs check on a user's own program whose Run Command script is wrong, naming the resource and the line", () => {
        const r = spawnSync(process.execPath, [LABS_CLI, "check", "--program", path.join(ROOT, "test", "fixtures", "programs", "run-command")], { cwd: ROOT, encoding: "utf8", timeout: 120_000 });
        expect(r.stdout).toContain("VirtualMachineRunCommandByVirtualMachine  promote-wrong\n  mandatory high     run-command-script-valid[Script::unknown-parameter@2:44]: line 2, column 44: Install-ADDSForest has no parameter -SafeModePassword");
        expect(r.stdout).not.toMatch(/promote-right\n\s+mandatory/);
        expect(r.status).toBe(1);
    }, 120_000);
});
