// `labs verify` for the RMS lab, up to the Azure CLI: which checks each server runs (by its
// roles), what the script is given, how its VERIFY lines and the network's states are graded.
import * as fs from "node:fs";
import { describe, expect, it } from "vitest";
import { RMS_CHECKS, rmsLabProbes } from "../../stacks/rms-lab/verify";
import { script } from "../../stacks/rms-lab/scripts";
import { type Rule, SIGNED_IN, fakeClis, row, runCommandAnswer, stackOutputs, verify } from "../verify/harness";

const server = (name: string, ip: string, roles: string[]) => ({ name, roles, privateIp: ip, fqdn: `${name}.x`, reach: [] });
const OUTPUTS = {
    "rms-lab": {
        forests: [
            {
                name: "legacy", domain: "jog.local", netbios: "JOG", resourceGroup: "rg-rms-legacy-dev", addressSpace: "10.110.0.0/16", adminUser: "JOG\\labadmin",
                rmsClusterUrl: "http://jog-rms1.jog.local",
                servers: [server("jog-dc1", "10.110.0.4", ["dc", "adcs"]), server("jog-rms1", "10.110.0.5", ["rms"]), server("jog-sql1", "10.110.0.6", ["sql"])],
                vpnGatewayPublicIp: "20.1.2.3", vnet: "vnet-rms-legacy", peerings: ["peer-legacy-to-modern"], vpnConnection: "con-rms-legacy-home", certificateAuthority: "JOG-ROOT-CA",
            },
            {
                name: "modern", domain: "geekintheweeds.com", netbios: "GITW", resourceGroup: "rg-rms-modern-dev", addressSpace: "10.120.0.0/16", adminUser: "GITW\\labadmin",
                rmsClusterUrl: "http://gitw-rms1.geekintheweeds.com",
                servers: [server("gitw-dc1", "10.120.0.4", ["dc", "adcs"]), server("gitw-rms1", "10.120.0.5", ["rms", "sql"]), server("gitw-adfs1", "10.120.0.6", ["adfs"])],
                vpnGatewayPublicIp: "20.1.2.4", vnet: "vnet-rms-modern", peerings: ["peer-modern-to-legacy"], vpnConnection: "con-rms-modern-home", certificateAuthority: "GITW-ROOT-CA",
            },
        ],
        forestTrust: true,
        adminPasswords: "[secret]",
    },
};

const RMS_URLS = (base: string) => [`${base}/_wmcs/licensing/license.asmx`, `${base}/_wmcs/certification/certification.asmx`];
/** Each server's VERIFY lines as Test-LabServer.ps1 prints them, all passing or all failing. */
function lines(verdict: "PASS" | "FAIL"): Record<string, string[]> {
    const v = (kind: string, target: string, found: string) => `VERIFY|${kind}|${target}|${verdict}|${found}`;
    return {
        "jog-dc1": [
            v("dc-dns-ldap", "jog.local", "SRV jog-dc1.jog.local; LDAP DC=jog,DC=local"), v("forwarders", "geekintheweeds.com", "zone Forwarder to 10.120.0.4"), v("forest-trust", "geekintheweeds.com", "direction BiDirectional"),
            v("ca-published", "JOG-ROOT-CA", "enrollment services in AD: JOG-ROOT-CA"), ...RMS_URLS("http://jog-rms1.jog.local").map((u) => v("rms-urls", u, verdict === "PASS" ? "HTTP 200" : "HTTP 503")),
        ],
        "jog-rms1": [v("member-joined", "JOG-RMS1", "domain jog.local, secure channel holds")],
        "jog-sql1": [v("member-joined", "JOG-SQL1", "domain jog.local"), v("sql-rms-db", "SQLEXPRESS", verdict === "PASS" ? "service Running; DRMS_Config_jog_local present" : "service Stopped; DRMS_Config_jog_local missing")],
        "gitw-dc1": [
            v("dc-dns-ldap", "geekintheweeds.com", "SRV"), v("forwarders", "jog.local", "zone Forwarder"), v("forest-trust", "jog.local", verdict === "PASS" ? "direction BiDirectional" : "direction Outbound"),
            v("ca-published", "GITW-ROOT-CA", "published"), ...RMS_URLS("http://gitw-rms1.geekintheweeds.com").map((u) => v("rms-urls", u, "HTTP")),
        ],
        "gitw-rms1": [v("member-joined", "GITW-RMS1", "domain geekintheweeds.com"), v("sql-rms-db", "SQLEXPRESS", "service")],
        "gitw-adfs1": [v("member-joined", "GITW-ADFS1", "domain"), v("adfs-installed", "GITW-ADFS1", verdict === "PASS" ? "ADFS-Federation Installed" : "ADFS-Federation Available")],
    };
}

function scenario(verdict: "PASS" | "FAIL"): Rule[] {
    const state = verdict === "PASS" ? { vpn: "Connected", peering: "Connected" } : { vpn: "NotConnected", peering: "Disconnected" };
    return [
        stackOutputs(OUTPUTS),
        ...SIGNED_IN,
        ...Object.entries(lines(verdict)).map(([vm, l]): Rule => ({ cli: "az", command: "vm run-command invoke", where: { "--name": vm }, answers: [runCommandAnswer(l)] })),
        ...["legacy", "modern"].map((f): Rule => ({ cli: "az", command: "network vpn-connection show", where: { "--name": `con-rms-${f}-home` }, answers: [{ json: { name: `con-rms-${f}-home`, connectionStatus: state.vpn, connectionType: "IPsec", provisioningState: "Succeeded" } }] })),
        ...["legacy", "modern"].map((f): Rule => ({
            cli: "az",
            command: "network vnet peering list",
            where: { "--vnet-name": `vnet-rms-${f}` },
            answers: [{ json: [{ name: `peer-${f}-to-${f === "legacy" ? "modern" : "legacy"}`, peeringState: state.peering, peeringSyncLevel: "FullyInSync", provisioningState: "Succeeded" }] }],
        })),
    ];
}

const decode = (b64: string) => Buffer.from(b64, "base64").toString("utf8");

describe("rms-lab verify", () => {
    it("runs on each server the checks its roles call for, with the script and its parameters base64-encoded, and passes a healthy lab", async () => {
        const fakes = fakeClis({ rules: scenario("PASS") });
        const run = await verify(fakes, { lab: "rms-lab" });
        expect(run.out).toContain("All 23 checks passed.");
        expect(run.code).toBe(0);
        const invoke = (vm: string) => fakes.calls().find((c) => c.command === "vm run-command invoke" && c.options["--name"] === vm)!;
        const params = (vm: string) => Object.fromEntries((invoke(vm).options["--parameters"] as string[]).map((p) => [p.slice(0, p.indexOf("=")), decode(p.slice(p.indexOf("=") + 1))]));
        expect(params("jog-dc1")).toEqual({ DomainName: "jog.local", Checks: "dc-dns-ldap,forwarders,forest-trust,ca-published,rms-urls", DomainControllerIp: "10.110.0.4", RemoteDomains: "geekintheweeds.com", TrustDomains: "geekintheweeds.com", CaName: "JOG-ROOT-CA", ClusterUrl: "http://jog-rms1.jog.local" });
        expect(params("jog-sql1").Checks).toBe("member-joined,sql-rms-db");
        expect(params("gitw-rms1").Checks).toBe("member-joined,sql-rms-db");
        expect(params("jog-rms1").Checks).toBe("member-joined");
        expect(params("gitw-adfs1").Checks).toBe("member-joined,adfs-installed");
        expect(invoke("jog-dc1").options["--resource-group"]).toBe("rg-rms-legacy-dev");
        expect(fs.readFileSync((invoke("jog-dc1").options["--scripts"] as string[])[0].slice(1), "utf8")).toBe(script("Test-LabServer"));
    });

    it("fails each check the servers and the network report failing, with the finding, the likely cause and the log to read", async () => {
        const run = await verify(fakeClis({ rules: scenario("FAIL") }), { lab: "rms-lab" });
        expect(run.code).toBe(1);
        expect(run.out).toContain("23 of 23 checks failed.");
        for (const kind of RMS_CHECKS) expect(run.out).toMatch(new RegExp(`^FAIL\\s+rms-lab\\s+${kind}\\s`, "m"));
        expect(row(run.out, "forest-trust", "gitw-dc1: jog.local")).toMatch(/direction Outbound$/);
        expect(row(run.out, "sql-rms-db", "jog-sql1")).toMatch(/service Stopped; DRMS_Config_jog_local missing$/);
        expect(row(run.out, "vpn-connected", "con-rms-legacy-home")).toMatch(/NotConnected$/);
        expect(row(run.out, "rms-urls", "jog-dc1: http://jog-rms1.jog.local/_wmcs/certification/certification.asmx")).toMatch(/HTTP 503$/);
        expect(row(run.out, "peering-connected", "vnet-rms-modern/peer-modern-to-legacy")).toMatch(/Disconnected$/);
        expect(run.out).toMatch(/ {2}adfs-installed gitw-adfs1: gitw-adfs1\n {4}likely cause: the install-adfs step did not finish\n {4}read: C:\\ProgramData\\Labs\\rms-lab\.log on gitw-adfs1/);
    });

    it("fails a check the script never answered, with the script's error", async () => {
        const rules = scenario("PASS").map((r) => (r.where?.["--name"] === "jog-sql1" ? { ...r, answers: [runCommandAnswer([], "Get-Service : Cannot find any service with service name 'MSSQL$SQLEXPRESS'.\n")] } : r));
        const fakes = fakeClis({ rules });
        const run = await verify(fakes, { lab: "rms-lab", only: ["sql-rms-db"] });
        expect(run.code).toBe(1);
        expect(row(run.out, "sql-rms-db", "jog-sql1")).toMatch(/the script stopped: Get-Service : Cannot find any service/);
        expect(row(run.out, "sql-rms-db", "gitw-rms1")).toMatch(/^pass/);
        // --only: just the servers that hold the check, with only that check asked for.
        const invokes = fakes.calls().filter((c) => c.command === "vm run-command invoke");
        expect(invokes.map((c) => c.options["--name"]).sort()).toEqual(["gitw-rms1", "jog-sql1"]);
        for (const c of invokes) expect(decode((c.options["--parameters"] as string[]).find((p) => p.startsWith("Checks="))!.slice(7))).toBe("sql-rms-db");
        expect(fakes.calls().some((c) => c.command.startsWith("network"))).toBe(false);
    });

    it("expects the trusts the lab makes with three forests: the first with each other, the others with the first only", () => {
        const [legacy, modern] = OUTPUTS["rms-lab"].forests;
        const third = { ...modern, name: "third", domain: "third.example", netbios: "THIRD", servers: [server("third-dc1", "10.130.0.4", ["dc"])], vnet: "vnet-rms-third", peerings: [], vpnConnection: "con-rms-third-home" };
        const probes = rmsLabProbes({ ...OUTPUTS["rms-lab"], forests: [legacy, modern, third] });
        const trustTargets = probes.flatMap((p) => p.checks.filter((c) => c.kind === "forest-trust").map((c) => c.target));
        expect(trustTargets.sort()).toEqual(["gitw-dc1: jog.local", "jog-dc1: geekintheweeds.com", "jog-dc1: third.example", "third-dc1: jog.local"]);
        const forwarderTargets = probes.flatMap((p) => p.checks.filter((c) => c.kind === "forwarders").map((c) => c.target));
        expect(forwarderTargets).toContain("gitw-dc1: third.example");
    });

    it("keeps the script's checks and the ones verify grades in step", () => {
        const text = script("Test-LabServer");
        for (const kind of RMS_CHECKS.filter((k) => k !== "vpn-connected" && k !== "peering-connected")) expect(text).toContain(`-contains "${kind}"`);
        for (const cmdlet of ["Resolve-DnsName -Name \"_ldap._tcp.dc._msdcs.$DomainName\" -Type SRV", "Test-ComputerSecureChannel", "Get-ADTrust -Identity $remote", "nltest /sc_verify:$remote", "pKIEnrollmentService", "-ping", "Invoke-WebRequest -Uri", "-UseDefaultCredentials", 'Get-Service -Name "MSSQL`$$SqlInstance"', "Get-WindowsFeature -Name ADFS-Federation"]) expect(text).toContain(cmdlet);
    });
});
