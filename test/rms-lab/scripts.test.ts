// The PowerShell each server runs: the program passes exactly the parameters each script
// declares (secrets only as protected ones), with the configured domain and addresses, and
// every script logs, fails loudly, changes nothing on a rerun and never sleeps blindly.
import * as fs from "node:fs";
import * as path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import type { Plan } from "../../cli/engine/plan";
import { SCRIPT_NAMES, VERIFY_SCRIPT_NAMES, script } from "../../stacks/rms-lab/scripts";
import { ROOT, input, ofType, planLab } from "../support";
import { RUN_COMMAND, parametersOf, step } from "./support";

const DIR = path.join(ROOT, "stacks", "rms-lab", "scripts");
const source = (name: string) => fs.readFileSync(path.join(DIR, `${name}.ps1`), "utf8");

/** The parameters a script's param() block declares, and which are mandatory. */
function declared(text: string): { all: string[]; mandatory: string[] } {
    const block = /^param\(([\s\S]*?)^\)/m.exec(text)?.[1] ?? "";
    const all = [...block.matchAll(/\[string\]\s*\$(\w+)/g)].map((m) => m[1]);
    const mandatory = [...block.matchAll(/\[Parameter\(Mandatory = \$true\)\]\s*\[string\]\s*\$(\w+)/g)].map((m) => m[1]);
    return { all, mandatory };
}

/** Which script a step runs: the one whose text it carries. */
function scriptOf(run: Plan["resources"][number]): string {
    const text = input<string>(run, "source.script");
    const name = SCRIPT_NAMES.find((n) => script(n) === text);
    if (!name) throw new Error(`${run.name} runs a script that is not one of stacks/rms-lab/scripts`);
    return name;
}

describe("rms-lab scripts, as the program passes them", () => {
    let plan: Plan;
    beforeAll(async () => {
        plan = await planLab("rms-lab");
    });

    it("pass each script exactly what its param block declares, every mandatory parameter included", () => {
        const runs = ofType(plan, RUN_COMMAND);
        expect(runs).toHaveLength(16);
        for (const run of runs) {
            const name = scriptOf(run);
            const { plain, protected: secret } = parametersOf(run);
            const passed = [...Object.keys(plain), ...Object.keys(secret)];
            const { all, mandatory } = declared(source(name));
            expect({ run: run.name, undeclared: passed.filter((p) => !all.includes(p)), missing: mandatory.filter((p) => !passed.includes(p)) }).toEqual({ run: run.name, undeclared: [], missing: [] });
        }
    });

    it("pass passwords and keys only as protected parameters", () => {
        for (const run of ofType(plan, RUN_COMMAND)) {
            const { plain, protected: secret } = parametersOf(run);
            expect({ run: run.name, plain: Object.keys(plain).filter((p) => /password|key|secret/i.test(p)) }).toEqual({ run: run.name, plain: [] });
            for (const name of Object.keys(secret)) expect(name).toMatch(/Password$/);
        }
    });

    it("create each forest with its configured domain and NetBIOS name, the DSRM password protected", () => {
        expect(parametersOf(step(plan, "jog-dc1", "promote-dc")).plain).toEqual({ DomainName: "jog.local", NetbiosName: "JOG" });
        expect(parametersOf(step(plan, "gitw-dc1", "promote-dc")).plain).toEqual({ DomainName: "geekintheweeds.com", NetbiosName: "GITW" });
        expect(Object.keys(parametersOf(step(plan, "jog-dc1", "promote-dc")).protected)).toEqual(["SafeModePassword"]);
        expect(source("Promote-DomainController")).toContain("Install-ADDSForest -DomainName $DomainName -DomainNetbiosName $NetbiosName");
    });

    it("forward each forest to the other's DC, install the enterprise root CA, create the AD RMS service account", () => {
        expect(parametersOf(step(plan, "jog-dc1", "configure-dc")).plain).toEqual({
            DomainName: "jog.local",
            AdminUser: "labadmin@jog.local",
            ConditionalForwarders: "geekintheweeds.com=10.120.0.4",
            InstallCertificateAuthority: "true",
            CaCommonName: "JOG-ROOT-CA",
            RmsServiceAccount: "svc-adrms",
        });
        expect(parametersOf(step(plan, "gitw-dc1", "configure-dc")).plain.ConditionalForwarders).toBe("jog.local=10.110.0.4");
        const text = source("Configure-DomainController");
        for (const command of ["Add-DnsServerConditionalForwarderZone", "Install-AdcsCertificationAuthority -CAType EnterpriseRootCA", "New-ADUser", 'Set-DnsServerForwarder -IPAddress "168.63.129.16"']) expect(text).toContain(command);
    });

    it("join members to their domain through their DC's address, waiting for it in a retry loop", () => {
        expect(parametersOf(step(plan, "jog-sql1", "join-domain")).plain).toEqual({ DomainName: "jog.local", DomainControllerIp: "10.110.0.4", JoinUser: "labadmin" });
        expect(parametersOf(step(plan, "gitw-aadc1", "join-domain")).plain).toEqual({ DomainName: "geekintheweeds.com", DomainControllerIp: "10.120.0.4", JoinUser: "labadmin" });
        expect(source("Join-Domain")).toMatch(/Wait-LabCondition "the domain controller \$DomainControllerIp answers[^"]*" \{[\s\S]*_ldap\._tcp\.dc\._msdcs\.\$DomainName/);
    });

    it("install SQL Server Express unattended with the domain's admins as sysadmins", () => {
        expect(parametersOf(step(plan, "jog-sql1", "install-sql")).plain).toEqual({ NetbiosName: "JOG" });
        expect(source("Install-SqlExpress")).toContain('$sysAdmins = "$NetbiosName\\Domain Admins"');
        expect(source("Install-SqlExpress")).toMatch(/"\/Q", "\/ACTION=Install", "\/FEATURES=SQLEngine"[\s\S]*"\/IACCEPTSQLSERVERLICENSETERMS"/);
    });

    it("install AD RMS on the lab's SQL instance, cluster key in the database, cryptographic mode 1", () => {
        expect(parametersOf(step(plan, "jog-rms1", "install-rms")).plain).toEqual({
            DomainName: "jog.local",
            SqlInstance: "jog-sql1\\SQLEXPRESS",
            ClusterUrl: "http://jog-rms1.jog.local",
            ServiceAccount: "JOG\\svc-adrms",
            CryptographicMode: "1",
        });
        expect(parametersOf(step(plan, "gitw-rms1", "install-rms")).plain.SqlInstance).toBe("gitw-rms1\\SQLEXPRESS");
        expect(Object.keys(parametersOf(step(plan, "jog-rms1", "install-rms")).protected).sort()).toEqual(["ClusterKeyPassword", "ServicePassword"]);
        const text = source("Install-AdRms");
        // Mode 1 is "mode 2 not supported", in the installer's CryptoSupport container.
        expect(text).toContain('Set-ItemProperty -Path RC:\\CryptoSupport -Name SupportCryptoMode2 -Value ($CryptographicMode -eq "2")');
        expect(text).toContain("Set-ItemProperty -Path RC:\\ClusterKey -Name UseCentrallyManaged -Value $true");
        expect(text).toContain("Set-ItemProperty -Path RC:\\ClusterDatabase -Name UseWindowsInternalDatabase -Value $false");
        expect(input(step(plan, "jog-rms1", "install-rms"), "runAsUser")).toBe("JOG\\labadmin");
    });

    it("install the AD FS role and prepare Entra Connect with TLS 1.2", () => {
        expect(source("Install-AdfsRole")).toContain('Install-LabFeature @("ADFS-Federation")');
        const aadc = source("Prepare-EntraConnect");
        expect(aadc).toContain('"SchUseStrongCrypto" 1');
        expect(aadc).toContain("SCHANNEL\\Protocols\\TLS 1.2");
        expect(parametersOf(step(plan, "gitw-aadc1", "prepare-entra-connect")).plain).toEqual({ DomainName: "geekintheweeds.com" });
    });

    it("create a two-way trust from the first forest to the other, with the other's admin protected", () => {
        const trust = step(plan, "jog-dc1", "forest-trust-modern");
        expect(parametersOf(trust).plain).toEqual({ LocalForest: "jog.local", LocalUser: "labadmin", RemoteForest: "geekintheweeds.com", RemoteUser: "labadmin" });
        expect(Object.keys(parametersOf(trust).protected).sort()).toEqual(["LocalPassword", "RemotePassword"]);
        expect(source("New-ForestTrust")).toContain('CreateTrustRelationship($remote, "Bidirectional")');
    });
});

describe("every rms-lab script", () => {
    // The scripts labs verify runs on the servers meet the same rules.
    it.each([...SCRIPT_NAMES, ...VERIFY_SCRIPT_NAMES].map((n) => [n]))("%s gets the shared helpers, runs as one logged step, and checks before it changes anything", (name) => {
        const text = script(name);
        expect(text).not.toContain("# @include");
        expect(text).toContain('$ErrorActionPreference = "Stop"');
        expect(text).toContain('Add-Content -Path (Join-Path $LabDir "rms-lab.log")');
        // The body is one Invoke-LabStep: a failure is logged and thrown with the step's name.
        expect(source(name)).toMatch(/^Invoke-LabStep "[a-z-]+" \{\n/m);
        // Restarts come from outside: a script that restarted its own VM would cut off its Run Command.
        expect(text).not.toMatch(/Restart-Computer|shutdown(\.exe)? \/r|-Restart\b/i);
        // No blind waits: pauses live in the helpers' retry loops only.
        expect(source(name)).not.toMatch(/Start-Sleep/);
    });

    it.each([
        ["Promote-DomainController", /DomainRole -ge 4\) \{ Write-LabLog "already a domain controller[^\n]*\n\s*if \(Test-LabMarker "promoted"\)/],
        ["Join-Domain", /PartOfDomain -and \$system\.Domain -eq \$DomainName\) \{ Write-LabLog "already a member[^\n]*\n\s*if \(Test-LabMarker "joined"\)/],
        ["Install-SqlExpress", /if \(Get-Service -Name "MSSQL`\$\$InstanceName"/],
        ["Install-AdRms", /if \(Test-Path \$done\) \{ Write-LabLog "AD RMS already installed/],
        ["New-ForestTrust", /TrustDirection -eq "Bidirectional"\) \{ Write-LabLog "two-way trust with \$RemoteForest already exists"; return \}/],
        ["Configure-DomainController", /if \(-not \(Get-ADUser -Filter/],
    ])("%s changes nothing when run again", (name, guard) => {
        expect(source(name)).toMatch(guard);
    });

    it("keeps the shared helpers' only pause inside a bounded retry loop", () => {
        const common = source("common");
        expect(common.match(/Start-Sleep/g)).toHaveLength(1);
        expect(common).toMatch(/if \(\(Get-Date\) -gt \$deadline\) \{ throw "gave up after/);
    });

    it("decode every passed parameter before anything uses it", () => {
        const text = script("Join-Domain");
        const decode = text.indexOf("[Convert]::FromBase64String([string]$PSBoundParameters[$name])");
        expect(decode).toBeGreaterThan(text.indexOf("param("));
        expect(decode).toBeLessThan(text.indexOf('Invoke-LabStep "join-domain"'));
    });

    it("holds no secret: every password comes in as a parameter", () => {
        for (const name of [...SCRIPT_NAMES, ...VERIFY_SCRIPT_NAMES, "common"]) {
            // No literal turned into a SecureString, no password or key variable given a literal value.
            expect({ name, literal: /ConvertTo-SecureString\s+(-String\s+)?["']/.test(source(name)) }).toEqual({ name, literal: false });
            expect({ name, assigned: /\$\w*(Password|Key)\w*\s*=\s*["'][^"'$]+["']/i.test(source(name)) }).toEqual({ name, assigned: false });
        }
    });
});
