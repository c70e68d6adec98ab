// The RMS lab's settings: two AD forests (the post's legacy jog.local and modern
// geekintheweeds.com labs), each in its own resource group and VNet, their VPN tunnels to the
// home lab, and optional Entra ID users. Read from Pulumi config and checked as a whole.
import { type CommonSettings, type WindowsSettings, checkImage, labTags } from "../../lib/common";
import { type Problems, Setting, type SettingsReader } from "../../lib/config";
import { azureRegion, zonalRegions } from "../../lib/azure-facts";
import { type Cidr, freeBlocks, isPublicUnicast, parseCidr } from "../../lib/net";
import { type NetworkDraft, checkNetworks, isDnsName, reservedProblem } from "../../lib/network-config";
import type { SubnetSpec } from "../../lib/network";
import { VPN_SKUS, type VpnSku } from "../../lib/vpn-gateway";
import { RESERVED_NAMES } from "../../lib/windows-names";
import type { ImageReference } from "../../lib/windows-vm";

export const ROLES = ["dc", "adcs", "rms", "sql", "adfs", "aadc"] as const;
export type Role = (typeof ROLES)[number];

export interface ServerSpec {
    name: string;
    ip: string;
    roles: Role[];
}

export interface ForestSpec {
    /** Short name: rg-rms-<name>-<stack>, vnet-rms-<name>. */
    name: string;
    /** Active Directory forest root domain, e.g. jog.local. */
    domain: string;
    netbios: string;
    addressSpace: string;
    subnets: SubnetSpec[];
    serverSubnet: string;
    image: ImageReference;
    servers: ServerSpec[];
}

export interface RmsLabArgs {
    location: string;
    stack: string;
    tags: Record<string, string>;
    windows: WindowsSettings;
    forests: ForestSpec[];
    vpn: { enabled: boolean; sku: VpnSku; home: { publicIp: string; addressSpaces: string[] }; sharedKey?: string };
    forestTrust: boolean;
    outboundInternet: boolean;
    /** AzureBastionSubnet prefix in the first forest's VNet, when Bastion is on. */
    bastionSubnet?: string;
    tenant: { enabled: boolean; domain: string; users: string[] };
}

const SERVER_SUBNET = "snet-servers";

/** The post's two labs: legacy (jog.local, three servers) and modern (geekintheweeds.com, four). */
export const DEFAULT_FORESTS = [
    {
        name: "legacy",
        domain: "jog.local",
        netbios: "JOG",
        addressSpace: "10.110.0.0/16",
        subnetPrefix: "10.110.0.0/24",
        gatewaySubnetPrefix: "10.110.255.0/27",
        // The oldest Windows Server image still in the marketplace (2008 R2 and 2012 R2 are gone), Generation 2.
        windowsImage: "MicrosoftWindowsServer:WindowsServer:2016-datacenter-gensecond:latest",
        servers: [
            { name: "jog-dc1", ip: "10.110.0.4", roles: ["dc", "adcs"] },
            { name: "jog-rms1", ip: "10.110.0.5", roles: ["rms"] },
            { name: "jog-sql1", ip: "10.110.0.6", roles: ["sql"] },
        ],
    },
    {
        name: "modern",
        domain: "geekintheweeds.com",
        netbios: "GITW",
        addressSpace: "10.120.0.0/16",
        subnetPrefix: "10.120.0.0/24",
        gatewaySubnetPrefix: "10.120.255.0/27",
        // Entra Connect v2 supports Windows Server 2016 to 2022, not 2025. The standard URN of
        // Windows Server 2022 Azure Edition (learn.microsoft.com/azure/virtual-machines/windows/quick-create-powershell).
        windowsImage: "MicrosoftWindowsServer:WindowsServer:2022-datacenter-azure-edition:latest",
        servers: [
            { name: "gitw-dc1", ip: "10.120.0.4", roles: ["dc", "adcs"] },
            { name: "gitw-rms1", ip: "10.120.0.5", roles: ["rms", "sql"] },
            { name: "gitw-adfs1", ip: "10.120.0.6", roles: ["adfs"] },
            { name: "gitw-aadc1", ip: "10.120.0.7", roles: ["aadc"] },
        ],
    },
];

const FOREST_FIELDS = ["name", "domain", "netbios", "addressSpace", "subnetPrefix", "gatewaySubnetPrefix", "windowsImage", "servers"];

interface Draft extends ForestSpec, NetworkDraft {}

export function readRmsLabSettings(reader: SettingsReader, common: CommonSettings, windows: WindowsSettings, stack: string): RmsLabArgs {
    const forestsSetting = reader.get("rmsLabs");
    const items = forestsSetting.isSet ? forestsSetting.items("a list of labs: [{name, domain, netbios, addressSpace, subnetPrefix, gatewaySubnetPrefix, windowsImage, servers}], or [] for the post's") : [];
    const forestSettings = items.length ? items : DEFAULT_FORESTS.map((f, i) => new Setting(`${forestsSetting.path}[${i}]`, f, reader.problems));
    const forests = forestSettings.map(readForest);
    forests.forEach((f, i) => {
        // The default forests' images are the post's; say so, since the user never wrote them.
        if (f.image.publisher) checkImage(forestSettings[i].field("windowsImage"), f.image, windows, items.length ? "" : " (this is the default forest's image: choose another vmSize, or set rmsLabs with your own images)");
    });

    const vpnEnabled = reader.get("rmsVpnEnabled").boolean() ?? true;
    const region = common.location ? azureRegion(common.location) : undefined;
    if (vpnEnabled && region && !region.availabilityZones) {
        // AZ gateway SKUs and their zone-redundant public IPs need zones; non-AZ SKUs can no longer be created.
        reader.problems.add(
            reader.get("location").path,
            common.location,
            `a region with availability zones while rmsVpnEnabled is true (such as ${zonalRegions(common.location).join(", ")}): ${region.displayName} has none, and VPN gateways now need AZ SKUs (VpnGw1AZ-VpnGw5AZ) with zone-redundant public IPs; or set rmsVpnEnabled false`,
        );
    }
    const sku = reader.get("rmsVpnSku").oneOf(VPN_SKUS) ?? "VpnGw1AZ";
    const homeSpacesSetting = reader.get("rmsHomeAddressSpaces");
    const homeSpaces = homeSpacesSetting.items("a list of the home lab's networks, e.g. [192.168.0.0/16]").map((s) => {
        const text = s.string("an IPv4 CIDR block such as 192.168.0.0/16") ?? "";
        const parsed = parseCidr(text);
        if (text && "error" in parsed) s.problem(parsed.error);
        else if (text && !("error" in parsed) && reservedProblem(parsed)) s.problem(reservedProblem(parsed) ?? "");
        return text;
    });
    // A route-based tunnel without BGP routes only the local network gateway's prefixes: none means no route home.
    if (vpnEnabled && homeSpacesSetting.isSet && Array.isArray(homeSpacesSetting.parsed()) && homeSpaces.length === 0) {
        homeSpacesSetting.problem("at least one home network for the tunnels to route to, e.g. [192.168.0.0/16] (or set rmsVpnEnabled false)", []);
    }
    const homeIpSetting = reader.get("rmsHomePublicIp");
    const homePublicIp = typeof homeIpSetting.value === "string" ? homeIpSetting.value : "";
    if (vpnEnabled) {
        if (!homePublicIp) homeIpSetting.problem("the public IPv4 address of your home router, for the site-to-site VPN (or set rmsVpnEnabled false)", undefined);
        else if (!isPublicUnicast(homePublicIp)) homeIpSetting.problem("a public unicast IPv4 address such as 203.0.113.10 (your router's address on the Internet; private, loopback, link-local, multicast and reserved addresses cannot end a tunnel)");
    }
    const { setting: sharedKeySetting, value: sharedKey, placeholder } = reader.secret("rmsVpnSharedKey");
    if (sharedKey !== undefined && !placeholder && !/^[\x21-\x7e]{8,128}$/.test(sharedKey)) sharedKeySetting.problem("8 to 128 printable ASCII characters without spaces");

    const bastion = reader.get("rmsBastion").boolean() ?? false;
    let bastionSubnet: string | undefined;
    if (bastion && forests[0]) {
        const space = parseCidr(forests[0].addressSpace);
        const taken = forests[0].subnets.map((s) => parseCidr(s.addressPrefix)).filter((c): c is Cidr => !("error" in c));
        bastionSubnet = "error" in space ? undefined : freeBlocks(space, 26, taken, 1)[0]?.text;
        if (bastionSubnet) {
            forests[0].subnets.push({ name: "AzureBastionSubnet", addressPrefix: bastionSubnet });
            forests[0].subnetPaths.push(`${forestsSetting.path}[0].addressSpace`);
        } else if (!("error" in space)) {
            reader.problems.add(`${forestsSetting.path}[0].addressSpace`, forests[0].addressSpace, "a VNet with a free /26 for AzureBastionSubnet (rmsBastion is true)");
        }
    }

    checkNetworks(forests, reader.problems, vpnEnabled ? homeSpaces.map((cidr) => ({ label: "the home lab", cidr })) : []);
    checkForests(forests, reader.problems);

    const tenantEnabled = reader.get("rmsTenantEnabled").boolean() ?? false;
    const tenantDomainSetting = reader.get("rmsTenantDomain");
    const tenantDomain = typeof tenantDomainSetting.value === "string" ? tenantDomainSetting.value : "";
    if (tenantEnabled && !isDnsName(tenantDomain)) tenantDomainSetting.problem("a domain of your Entra tenant such as contoso.onmicrosoft.com (users are created as <name>@<domain>)", tenantDomain || undefined);
    // Entra compares user principal names without regard to case: alice and Alice are one user
    // (and one Pulumi resource name), so the second would fail the deployment.
    const userNames = new Map<string, string>();
    const usersSetting = reader.get("rmsTenantUsers");
    const users = usersSetting
        .items("a list of user names such as [aip-admin, alice]")
        .map((s) => {
            const name = s.string("a user name: 1-64 letters, digits, '.', '-' or '_', starting with a letter or digit", (v) => /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/.test(v));
            if (name === undefined) return undefined;
            const other = userNames.get(name.toLowerCase());
            if (other !== undefined) {
                s.problem(`a user name no other entry has, ignoring case (${other} is the same Entra user)`);
                return undefined;
            }
            userNames.set(name.toLowerCase(), name);
            return name;
        })
        .filter((u): u is string => u !== undefined);
    if (tenantEnabled && Array.isArray(usersSetting.parsed()) && (usersSetting.parsed() as unknown[]).length === 0) {
        usersSetting.problem("at least one user name: the first is made the AIP super user, so the group needs one", []);
    }

    const outboundSetting = reader.get("rmsOutboundInternet");
    const outboundInternet = outboundSetting.boolean() ?? true;
    // Install-SqlExpress.ps1 downloads the installer and its media from Microsoft; without the NAT
    // gateway a lab subnet has no way out (defaultOutboundAccess is off), the download retries for
    // 15 minutes and AD RMS, which needs the database, is never installed.
    const sqlServers = forests.flatMap((f) => f.servers.filter((s) => s.roles.includes("sql")).map((s) => s.name));
    if (!outboundInternet && sqlServers.length) {
        outboundSetting.problem(`true while a forest has a sql server (${sqlServers.join(", ")}): SQL Server Express's installer downloads from the Internet, and without the NAT gateway the servers' subnet has no outbound path`, false);
    }

    return {
        location: common.location,
        stack,
        tags: labTags("rms-lab", common),
        windows,
        forests: forests.map(({ path: _p, subnetPaths: _s, hosts: _h, ...spec }) => spec),
        vpn: { enabled: vpnEnabled, sku, home: { publicIp: homePublicIp, addressSpaces: homeSpaces }, sharedKey },
        forestTrust: reader.get("rmsForestTrust").boolean() ?? true,
        outboundInternet,
        bastionSubnet,
        tenant: { enabled: tenantEnabled, domain: tenantDomain, users },
    };
}

function readForest(item: Setting): Draft {
    item.object("a lab: {name, domain, netbios, addressSpace, subnetPrefix, gatewaySubnetPrefix, windowsImage, servers}", FOREST_FIELDS);
    const name = item.field("name").string("a short lab name: 1-12 lower-case letters or digits", (s) => /^[a-z0-9]{1,12}$/.test(s)) ?? "";
    const domainSetting = item.field("domain");
    const domain = domainSetting.string(
        typeof domainSetting.value === "string" && domainSetting.value.endsWith(".") ? "an Active Directory domain name without a trailing dot, such as jog.local" : "an Active Directory domain name such as jog.local (at least two labels of letters, digits and hyphens, each at most 63 characters)",
        isDnsName,
    ) ?? "";
    const netbios = item.field("netbios").string("a NetBIOS domain name: 1-15 upper-case letters or digits", (s) => /^[A-Z0-9][A-Z0-9-]{0,14}$/.test(s)) ?? "";
    const addressSpace = item.field("addressSpace").string("an IPv4 CIDR block such as 10.110.0.0/16") ?? "";
    const subnetPrefix = item.field("subnetPrefix").string("the servers' subnet, an IPv4 CIDR block such as 10.110.0.0/24") ?? "";
    const gatewaySubnetPrefix = item.field("gatewaySubnetPrefix").string("the GatewaySubnet, a /27 or larger block such as 10.110.255.0/27") ?? "";
    const imageText = item.field("windowsImage").string("an image URN publisher:offer:sku:version", (s) => s.split(":").length === 4 && !s.split(":").includes("")) ?? ":::";
    const [publisher, offer, sku, version] = imageText.split(":");
    const servers = item
        .field("servers")
        .items("a list of servers: [{name, ip, roles}]")
        .map((s) => {
            s.object("a server: {name, ip, roles}", ["name", "ip", "roles"]);
            const roles = s
                .field("roles")
                .items(`a list of roles from ${ROLES.join(", ")}`)
                .map((r) => r.oneOf(ROLES))
                .filter((r): r is Role => r !== undefined);
            return { name: s.field("name").string("a server name") ?? "", ip: s.field("ip").string("a static private IPv4 address") ?? "", roles };
        });
    return {
        name,
        domain,
        netbios,
        addressSpace,
        serverSubnet: SERVER_SUBNET,
        subnets: [
            { name: SERVER_SUBNET, addressPrefix: subnetPrefix },
            { name: "GatewaySubnet", addressPrefix: gatewaySubnetPrefix },
        ],
        image: { publisher, offer, sku, version },
        servers,
        path: item.path,
        subnetPaths: [`${item.path}.subnetPrefix`, `${item.path}.gatewaySubnetPrefix`],
        hosts: servers.map((s, j) => ({ name: s.name, ip: s.ip, path: `${item.path}.servers[${j}]` })),
    };
}

/** What a forest's servers must add up to: one DC, the CA on it, a SQL Server for AD RMS, Entra Connect off 2025. */
function checkForests(forests: Draft[], problems: Problems): void {
    const domains = new Set<string>();
    const netbiosNames = new Set<string>();
    for (const f of forests) {
        if (f.domain && domains.has(f.domain.toLowerCase())) problems.add(`${f.path}.domain`, f.domain, "a domain no other lab uses (the forests trust each other by name)");
        domains.add(f.domain.toLowerCase());
        if (f.netbios && netbiosNames.has(f.netbios)) problems.add(`${f.path}.netbios`, f.netbios, "a NetBIOS name no other lab uses");
        else if (RESERVED_NAMES.has(f.netbios)) problems.add(`${f.path}.netbios`, f.netbios, `a NetBIOS domain name other than ${f.netbios}, a word Windows reserves for a well-known security principal (a domain so named cannot take part in a trust)`);
        netbiosNames.add(f.netbios);
        const withRole = (role: Role) => f.servers.filter((s) => s.roles.includes(role));
        if (withRole("dc").length !== 1) problems.add(`${f.path}.servers`, f.servers.map((s) => `${s.name}:${s.roles.join("+")}`), "exactly one server with the dc role (it creates the forest)");
        for (const [i, s] of f.servers.entries()) {
            // Promotion names the domain's NetBIOS name; a computer already answering to it breaks the DC promotion.
            if (s.name && f.netbios && s.name.toUpperCase() === f.netbios.toUpperCase()) problems.add(`${f.path}.servers[${i}].name`, s.name, `a name other than the domain's NetBIOS name ${f.netbios} (domain controller promotion fails when a computer has it)`);
            if (s.roles.includes("adcs") && !s.roles.includes("dc")) problems.add(`${f.path}.servers[${i}].roles`, s.roles, "adcs on the dc server (the enterprise root CA lives on the domain controller)");
            if (s.roles.includes("aadc") && /2025/.test(f.image.sku)) problems.add(`${f.path}.windowsImage`, `${f.image.publisher}:${f.image.offer}:${f.image.sku}:${f.image.version}`, "a Windows Server 2016 to 2022 image: Entra Connect does not support 2025");
        }
        if (withRole("rms").length > 1) problems.add(`${f.path}.servers`, withRole("rms").map((s) => s.name), "one server with the rms role (the lab runs a single-server AD RMS cluster)");
        if (withRole("rms").length === 1 && withRole("sql").length !== 1) problems.add(`${f.path}.servers`, f.servers.map((s) => `${s.name}:${s.roles.join("+")}`), `exactly one server with the sql role (${withRole("sql").length} have it): AD RMS keeps its configuration and cluster key in SQL Server Express`);
    }
}

export { SERVER_SUBNET };
