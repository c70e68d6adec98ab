// `labs verify` for the RMS lab, per forest: from inside each server (one Run Command per VM,
// scripts/Test-LabServer.ps1 with the checks its roles call for) the DC answers DNS and LDAP,
// forwards to and trusts the other forests, publishes its CA, and reaches AD RMS's licensing and
// certification URLs; members are joined with a sound secure channel; SQL Express holds its
// configuration database; AD FS is installed. From Azure: each tunnel and peering is Connected.
import * as fs from "node:fs";
import * as path from "node:path";
import { type Check, type Outcome, type Probe, commandLine, field } from "../../cli/verify/model";
import { runCommandArgs, runCommandProbe } from "../../cli/verify/run-command";
import { runJson } from "../../cli/verify/runner";
import { script } from "./scripts";

const LAB = "rms-lab";
export const RMS_CHECKS = ["dc-dns-ldap", "member-joined", "forwarders", "forest-trust", "ca-published", "rms-urls", "sql-rms-db", "adfs-installed", "vpn-connected", "peering-connected"] as const;
type Kind = (typeof RMS_CHECKS)[number];

const LOG = "C:\\ProgramData\\Labs\\rms-lab.log";

/** What a failure most often means, per check, in the order the deployment's steps run. */
const CAUSE: Record<Kind, string> = {
    "dc-dns-ldap": "the DC's promote-dc or configure-dc step did not finish, or the DC is stopped (az vm start)",
    "member-joined": "join-domain did not finish, or the machine password is out of sync with the DC (Test-ComputerSecureChannel -Repair)",
    forwarders: "configure-dc did not add the conditional forwarder, or DNS (53) to the other DC is blocked over the peering",
    "forest-trust": "the forest-trust step failed, or the other forest's DC is stopped or unreachable over the peering",
    "ca-published": "configure-dc did not install the enterprise root CA, or the CertSvc service is stopped",
    "rms-urls": "install-rms did not finish, or IIS or the AD RMS service is not running on the AD RMS server",
    "sql-rms-db": "install-sql failed (its Summary.txt under C:\\Program Files\\Microsoft SQL Server), or install-rms did not create its database",
    "adfs-installed": "the install-adfs step did not finish",
    "vpn-connected": "the home router's tunnel is not up: its IKEv2 settings must match the homeRouter output and the key in vpnSharedKeys (pulumi stack output rms-lab --show-secrets)",
    "peering-connected": "one side of the peering is missing or was recreated alone: run pulumi up again",
};

interface ServerOutput {
    name: string;
    roles: string[];
    privateIp: string;
}

interface ForestOutput {
    name: string;
    domain: string;
    resourceGroup: string;
    servers: ServerOutput[];
    rmsClusterUrl?: string;
    vnet?: string;
    peerings?: string[];
    vpnConnection?: string;
    certificateAuthority?: string;
}

/** The probes for the RMS lab's outputs (`forests`, `forestTrust`). Throws naming what is missing. */
export function rmsLabProbes(outputs: Record<string, unknown>): Probe[] {
    const forests = outputs.forests;
    if (!Array.isArray(forests) || forests.length === 0) throw new Error("the rms-lab outputs have no forests: deploy the rms-lab (pulumi up) before verifying it");
    const trust = outputs.forestTrust === true;
    const probes: Probe[] = [];
    for (const raw of forests as ForestOutput[]) {
        for (const key of ["name", "domain", "resourceGroup", "vnet"]) field(raw, key, LAB);
        const all = forests as ForestOutput[];
        const remotes = trust ? all.filter((f) => f !== raw).map((f) => f.domain) : [];
        // The lab makes trusts from the first forest to each other one (stacks/rms-lab/index.ts createTrusts).
        const trusted = !trust ? [] : raw === all[0] ? remotes : [all[0].domain];
        for (const server of raw.servers) probes.push(serverProbe(raw, server, remotes, trusted));
        probes.push(networkProbe(raw));
    }
    return probes;
}

function check(kind: Kind, target: string, expected: string, log: string): Check {
    return { kind, lab: LAB, target, expected, cause: CAUSE[kind], log };
}

/** One Run Command on a server with every check its roles call for; targets are `server: what`. */
function serverProbe(forest: ForestOutput, server: ServerOutput, remotes: string[], trusted: string[]): Probe {
    const dc = forest.servers.find((s) => s.roles.includes("dc"));
    if (!dc) throw new Error(`the rms-lab outputs list no DC in forest ${forest.name}`);
    const log = `${LOG} on ${server.name} (its reach output has the command that shows it)`;
    const at = (what: string) => `${server.name}: ${what}`;
    const rmsServer = forest.servers.find((s) => s.roles.includes("rms"));
    const rmsLog = `${LOG} on ${rmsServer?.name ?? "the AD RMS server"} (install-rms step); its IIS and AD RMS event logs`;
    const checks: Check[] = [];
    if (server === dc) {
        checks.push(check("dc-dns-ldap", at(forest.domain), "SRV and LDAP answer", log));
        for (const r of remotes) checks.push(check("forwarders", at(r), "forwarder zone, SRV resolves", log));
        for (const r of trusted) checks.push(check("forest-trust", at(r), "BiDirectional forest trust, verified", `${LOG} on the first forest's DC (its forest-trust step), and nltest /sc_verify on ${server.name}`));
        if (forest.certificateAuthority) checks.push(check("ca-published", at(forest.certificateAuthority), "published in AD, answers certutil -ping", log));
        // Asked from the DC, as a client would: a server asking its own name with Windows
        // authentication can meet the loopback check instead of AD RMS.
        if (forest.rmsClusterUrl) {
            for (const p of ["/_wmcs/licensing/license.asmx", "/_wmcs/certification/certification.asmx"]) checks.push(check("rms-urls", at(`${forest.rmsClusterUrl}${p}`), "HTTP 200", rmsLog));
        }
    } else {
        checks.push(check("member-joined", at(server.name), `member of ${forest.domain}, secure channel holds`, log));
    }
    if (server.roles.includes("sql") && forest.rmsClusterUrl) checks.push(check("sql-rms-db", at("SQLEXPRESS"), "MSSQL$SQLEXPRESS running, AD RMS configuration database present", log));
    if (server.roles.includes("adfs")) checks.push(check("adfs-installed", at(server.name), "ADFS-Federation installed", log));

    const parameters = (selected: Check[]): Record<string, string> => {
        const plain: Record<string, string> = {
            DomainName: forest.domain,
            Checks: [...new Set(selected.map((c) => c.kind))].join(","),
            DomainControllerIp: dc.privateIp,
            RemoteDomains: remotes.join(";"),
            TrustDomains: trusted.join(";"),
            CaName: forest.certificateAuthority ?? "",
            ClusterUrl: forest.rmsClusterUrl ?? "",
        };
        // Every value travels base64-encoded, as the role scripts take them (common.ps1 decodes).
        return Object.fromEntries(Object.entries(plain).filter(([, v]) => v !== "").map(([k, v]) => [k, Buffer.from(v, "utf8").toString("base64")]));
    };
    const args = (dir: string, selected: Check[]) => {
        const file = path.join(dir, "rms-lab-Test-LabServer.ps1");
        fs.writeFileSync(file, script("Test-LabServer"));
        return runCommandArgs(forest.resourceGroup, server.name, file, parameters(selected));
    };
    return runCommandProbe(LAB, server.name, checks, args, (selected, answer) => gradeVerdicts(selected, `${server.name}: `, answer.stdout, answer.stderr));
}

/** Reads the script's `VERIFY|check|target|PASS or FAIL|found` lines into each selected check's outcome. */
export function gradeVerdicts(selected: Check[], prefix: string, stdout: string, stderr: string): Outcome[] {
    const verdicts = new Map<string, Outcome>();
    for (const line of stdout.split(/\r?\n/)) {
        const [tag, kind, target, verdict, ...found] = line.trim().split("|");
        if (tag !== "VERIFY" || !kind || !target || (verdict !== "PASS" && verdict !== "FAIL")) continue;
        verdicts.set(`${kind}|${target.toLowerCase()}`, { pass: verdict === "PASS", got: found.join("|") || verdict });
    }
    const scriptError = stderr.split(/\r?\n/).map((l) => l.trim()).filter(Boolean)[0];
    return selected.map(
        (c) =>
            verdicts.get(`${c.kind}|${c.target.slice(prefix.length).toLowerCase()}`) ?? {
                pass: false,
                got: scriptError ? `the script stopped: ${scriptError}` : "no answer for this check in the Run Command output",
            },
    );
}

/** From Azure: the forest's tunnel (`connectionStatus`) and its VNet's peerings (`peeringState`). */
function networkProbe(forest: ForestOutput): Probe {
    const rg = forest.resourceGroup;
    const vnet = forest.vnet as string;
    const checks: Check[] = [];
    const vpnArgs = forest.vpnConnection ? ["network", "vpn-connection", "show", "--resource-group", rg, "--name", forest.vpnConnection, "--output", "json"] : undefined;
    const peeringArgs = ["network", "vnet", "peering", "list", "--resource-group", rg, "--vnet-name", vnet, "--output", "json"];
    if (forest.vpnConnection) checks.push(check("vpn-connected", forest.vpnConnection, "Connected", `az network vpn-connection show --resource-group ${rg} --name ${forest.vpnConnection}; the router's IKE log`));
    for (const p of forest.peerings ?? []) checks.push(check("peering-connected", `${vnet}/${p}`, "Connected", `az network vnet peering list --resource-group ${rg} --vnet-name ${vnet}`));
    return {
        lab: LAB,
        label: `${forest.name} network (az network)`,
        clis: ["az"],
        checks,
        commands: (selected) => [
            ...(vpnArgs && selected.some((c) => c.kind === "vpn-connected") ? [commandLine("az", vpnArgs)] : []),
            ...(selected.some((c) => c.kind === "peering-connected") ? [commandLine("az", peeringArgs)] : []),
        ],
        async run(ctx, selected) {
            const vpn = vpnArgs && selected.some((c) => c.kind === "vpn-connected") ? await runJson<{ connectionStatus?: string }>(ctx.runner, "az", vpnArgs) : undefined;
            const peerings = selected.some((c) => c.kind === "peering-connected") ? await runJson<Array<{ name?: string; peeringState?: string }>>(ctx.runner, "az", peeringArgs) : undefined;
            return selected.map((c): Outcome => {
                if (c.kind === "vpn-connected") {
                    if (!vpn?.ok) return { pass: false, got: vpn ? vpn.error : "not asked" };
                    const status = vpn.value.connectionStatus ?? "no connectionStatus";
                    return { pass: status === "Connected", got: status };
                }
                if (!peerings?.ok) return { pass: false, got: peerings ? peerings.error : "not asked" };
                const name = c.target.slice(vnet.length + 1);
                const state = (peerings.value ?? []).find((p) => p.name === name)?.peeringState;
                return { pass: state === "Connected", got: state ?? "no such peering on the VNet" };
            });
        },
    };
}
