// The DNS lab's settings: read from Pulumi config, checked as a whole (every problem at
// once), and turned into typed DnsLabArgs. Defaults follow "DNS in Microsoft Azure – Part 1".
import { type CommonSettings, type WindowsSettings, checkImage, labTags } from "../../lib/common";
import type { Setting, SettingsReader } from "../../lib/config";
import { type Cidr, azureUsable, freeBlocks, ipText, nthAddress, parseCidr, parseIp } from "../../lib/net";
import { checkNetworks, isDnsName, isSubnetName, vmSubnetNameProblem } from "../../lib/network-config";
import { DNS_RESOLVER_DELEGATION } from "../../lib/network-rules";
import type { SubnetSpec } from "../../lib/network";

export const DNS_PATTERNS = ["azure-provided", "byo-forwarders", "private-zones", "private-resolver"] as const;
export type DnsPattern = (typeof DNS_PATTERNS)[number];
export const PEERINGS = ["mesh", "hub-spoke", "none"] as const;
export type Peering = (typeof PEERINGS)[number];
export const RECORD_TYPES = ["A", "CNAME", "TXT"] as const;

export interface VmSpec {
    name: string;
    ip: string;
}

export interface VnetSpec {
    name: string;
    addressSpace: string;
    /** The subnet the lab's VMs join (first in `subnets`). */
    serverSubnet: string;
    subnets: SubnetSpec[];
    vms: VmSpec[];
    /** byo-forwarders: the VM that runs the DNS server for this VNet. */
    forwarder?: string;
}

export interface ZoneRecord {
    name: string;
    type: (typeof RECORD_TYPES)[number];
    values: string[];
    ttl: number;
}

export interface ForwardingRuleSpec {
    /** Fully qualified, ending with a dot. */
    domain: string;
    targets: Array<{ ip: string; port: number }>;
}

export interface DnsLabArgs {
    pattern: DnsPattern;
    resourceGroupName: string;
    location: string;
    tags: Record<string, string>;
    windows: WindowsSettings;
    vnets: VnetSpec[];
    /** How VNets are peered (private-resolver always peers spokes to the hub, the first VNet). */
    peering: Peering;
    zone: { name: string; registrationVnets: string[]; records: ZoneRecord[] };
    resolver: { inboundSubnet: string; outboundSubnet: string; inboundIp: string };
    forwardingRules: ForwardingRuleSpec[];
    /** A NAT gateway per VNet so Windows can activate and update (outbound only). */
    outboundInternet: boolean;
}

/** The post's VNets: vnet1 with azuredns and azuredns1; vnet2 for the multi-VNet patterns. */
export const DEFAULT_VNETS = [
    { name: "vnet1", addressSpace: "10.101.0.0/16", subnetPrefix: "10.101.0.0/24", vms: [{ name: "azuredns", ip: "10.101.0.4" }, { name: "azuredns1", ip: "10.101.0.5" }] },
    { name: "vnet2", addressSpace: "10.102.0.0/16", subnetPrefix: "10.102.0.0/24", vms: [{ name: "azuredns2", ip: "10.102.0.4" }] },
];

/** Target DNS servers one forwarding rule may have. */
export const MAX_RULE_TARGETS = 6;

export const SERVER_SUBNET_NAME = "snet-servers";
export const INBOUND_SUBNET_NAME = "snet-dns-inbound";
export const OUTBOUND_SUBNET_NAME = "snet-dns-outbound";

const VNET_FIELDS = ["name", "addressSpace", "subnetPrefix", "subnetName", "vms", "forwarder", "subnets"] as const;

export function readDnsLabSettings(reader: SettingsReader, common: CommonSettings, windows: WindowsSettings, stack: string): DnsLabArgs {
    const pattern = reader.get("dnsPattern").oneOf(DNS_PATTERNS) ?? "azure-provided";
    // An image that is not a URN has been reported already.
    if (windows.image.publisher) checkImage(reader.get("windowsImage"), windows.image, windows);
    const vnetsSetting = reader.get("dnsVnets");
    const vnetItems = vnetsSetting.isSet ? vnetsSetting.items("a list of VNets: [{name, addressSpace, subnetPrefix, vms: [{name, ip}]}], or [] for the post's") : [];
    // Empty (the default): the post's single-VNet example for azure-provided, a second VNet for the others.
    const drafts = vnetItems.length ? readVnets(vnetItems) : defaultVnets(pattern === "azure-provided" ? 1 : 2, vnetsSetting.path);
    const hub = drafts[0];
    const vnetNames = drafts.map((v) => v.name);

    if (pattern === "byo-forwarders") {
        drafts.forEach((v) => {
            v.forwarder ??= v.vms[0]?.name;
            if (!v.forwarder) reader.problems.add(`${v.path}.vms`, [], "at least one VM: byo-forwarders runs a DNS server VM in every VNet");
            else if (!v.vms.some((vm) => vm.name === v.forwarder)) reader.problems.add(`${v.path}.forwarder`, v.forwarder, `the name of a VM in ${v.name} (${v.vms.map((vm) => vm.name).join(", ")})`);
        });
    }

    const resolverSetting = reader.get("dnsResolver");
    const resolver = hub ? readResolver(resolverSetting, hub, pattern === "private-resolver") : { inboundSubnet: "", outboundSubnet: "", inboundIp: "" };
    if (pattern === "private-resolver" && hub) {
        // An empty prefix has been reported already (no room in the hub); checking it again adds nothing.
        for (const [name, prefix, field] of [
            [INBOUND_SUBNET_NAME, resolver.inboundSubnet, "inboundSubnet"],
            [OUTBOUND_SUBNET_NAME, resolver.outboundSubnet, "outboundSubnet"],
        ]) {
            if (!prefix) continue;
            hub.subnets.push({ name, addressPrefix: prefix, delegation: DNS_RESOLVER_DELEGATION });
            hub.subnetPaths.push(`${resolverSetting.path}.${field}`);
        }
    }
    checkNetworks(
        drafts.map((d) => ({ ...d, hosts: d.vms.map((vm, j) => ({ ...vm, path: `${d.path}.vms[${j}]` })) })),
        reader.problems,
    );

    const peeringSetting = reader.get("dnsPeering");
    const peering = peeringSetting.oneOf(PEERINGS) ?? "mesh";
    if (pattern === "byo-forwarders" && peering === "none" && drafts.length > 1) {
        peeringSetting.problem("mesh or hub-spoke: byo-forwarders needs the VNets peered so forwarders can reach each other");
    }
    const zoneName = reader.get("dnsZoneName").string("a DNS zone name such as dnslab.internal", isDnsName) ?? "dnslab.internal";
    const registrationSetting = reader.get("dnsZoneRegistrationVnets");
    // private-resolver links the zone to the hub only, so only the hub can register into it.
    const registrable = pattern === "private-resolver" ? vnetNames.slice(0, 1) : vnetNames;
    let registrationVnets = registrable;
    if (registrationSetting.isSet && registrationSetting.value !== "auto") {
        registrationVnets = registrationSetting
            .items('a list of VNet names, or "auto"')
            .map((s) => {
                const name = s.string("a VNet name");
                if (name !== undefined && !registrable.includes(name)) {
                    s.problem(pattern === "private-resolver" ? `the hub VNet ${registrable[0]} (private-resolver links the zone to the hub only)` : `one of the lab's VNets: ${vnetNames.join(", ")}`);
                    return undefined;
                }
                return name;
            })
            .filter((n): n is string => n !== undefined);
    }

    return {
        pattern,
        resourceGroupName: `rg-dns-lab-${stack}`,
        location: common.location,
        tags: labTags("dns-lab", common),
        windows,
        vnets: drafts.map(({ path: _path, subnetPaths: _paths, ...spec }) => spec),
        peering,
        zone: { name: zoneName, registrationVnets, records: readRecords(reader.get("dnsZoneRecords"), registeredVmNames(drafts, registrationVnets)) },
        resolver,
        forwardingRules: readForwardingRules(reader.get("dnsForwardingRules"), zoneName),
        outboundInternet: reader.get("dnsOutboundInternet").boolean() ?? true,
    };
}

/** Lower-case names of the VMs that auto-register an A record in the zone. */
function registeredVmNames(vnets: VnetSpec[], registrationVnets: string[]): Set<string> {
    return new Set(vnets.filter((v) => registrationVnets.includes(v.name)).flatMap((v) => v.vms.map((vm) => vm.name.toLowerCase())));
}

/** A VNet being read, with the config path of each value so problems can name it. */
interface Draft extends VnetSpec {
    path: string;
    subnetPaths: string[];
}

function defaultVnets(count: number, basePath: string): Draft[] {
    return DEFAULT_VNETS.slice(0, count).map((v, i) => ({
        name: v.name,
        addressSpace: v.addressSpace,
        serverSubnet: SERVER_SUBNET_NAME,
        subnets: [{ name: SERVER_SUBNET_NAME, addressPrefix: v.subnetPrefix }],
        vms: v.vms.map((vm) => ({ ...vm })),
        path: `${basePath}[${i}]`,
        subnetPaths: [`${basePath}[${i}].subnetPrefix`],
    }));
}

function readVnets(items: Setting[]): Draft[] {
    return items.map((item) => {
        item.object("a VNet: {name, addressSpace, subnetPrefix, vms: [{name, ip}]}", VNET_FIELDS);
        const name = item.field("name").string("a VNet name: 2-64 letters, digits, '-', '_' or '.'", (s) => /^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}[A-Za-z0-9_]$/.test(s)) ?? "";
        const addressSpace = item.field("addressSpace").string("an IPv4 CIDR block such as 10.101.0.0/16") ?? "";
        const subnetPrefix = item.field("subnetPrefix").string("the servers' subnet, an IPv4 CIDR block such as 10.101.0.0/24") ?? "";
        const subnetNameSetting = item.field("subnetName");
        let serverSubnet = SERVER_SUBNET_NAME;
        if (subnetNameSetting.isSet) {
            const text = subnetNameSetting.string("a subnet name");
            const problem = text === undefined ? undefined : vmSubnetNameProblem(text);
            if (problem) subnetNameSetting.problem(problem);
            else if (text) serverSubnet = text;
        }
        const vms = item.field("vms").items("a list of VMs: [{name, ip}]").map((vm) => {
            vm.object("a VM: {name, ip}", ["name", "ip"]);
            return { name: vm.field("name").string("a VM name") ?? "", ip: vm.field("ip").string("a static private IPv4 address") ?? "" };
        });
        const forwarderSetting = item.field("forwarder");
        const forwarder = forwarderSetting.isSet ? forwarderSetting.string("the name of one of this VNet's VMs") : undefined;
        const extra = item.field("subnets");
        const extraSubnets = extra.isSet
            ? extra.items("a list of extra subnets: [{name, addressPrefix}]").map((s) => {
                  s.object("a subnet: {name, addressPrefix}", ["name", "addressPrefix"]);
                  return { name: s.field("name").string("a subnet name", isSubnetName) ?? "", addressPrefix: s.field("addressPrefix").string("an IPv4 CIDR block") ?? "" };
              })
            : [];
        return {
            name,
            addressSpace,
            serverSubnet,
            subnets: [{ name: serverSubnet, addressPrefix: subnetPrefix }, ...extraSubnets],
            subnetPaths: [`${item.path}.subnetPrefix`, ...extraSubnets.map((_, i) => `${item.path}.subnets[${i}].addressPrefix`)],
            vms,
            forwarder,
            path: item.path,
        };
    });
}

function readRecords(setting: Setting, vmNames: Set<string>): ZoneRecord[] {
    if (!setting.isSet) return [];
    const seen = new Set<string>();
    return setting.items("a list of records: [{name, type, values, ttl}]").map((item) => {
        item.object("a record: {name, type: A|CNAME|TXT, values: [...], ttl}", ["name", "type", "values", "ttl"]);
        const name = item.field("name").string("a relative record name such as app, or @ for the zone apex", (s) => s === "@" || isDnsName(s) || /^[A-Za-z0-9_-]+$/.test(s)) ?? "";
        const type = item.field("type").oneOf(RECORD_TYPES) ?? "A";
        const ttlSetting = item.field("ttl");
        const ttl = ttlSetting.isSet ? (ttlSetting.integer(1, 2147483647) ?? 300) : 300;
        const valuesSetting = item.field("values");
        const values = valuesSetting.items("a list of values").map((v) =>
            type === "A"
                ? v.string("an IPv4 address", (s) => parseIp(s) !== undefined)
                : type === "CNAME"
                  ? v.string("a host name such as app.example.com", isDnsName)
                  : v.string("a TXT string"),
        );
        if (type === "CNAME" && values.length !== 1) valuesSetting.problem("exactly one host name (a CNAME has one target)");
        if (values.length === 0 && type !== "CNAME") valuesSetting.problem("at least one value");
        // Azure holds one record set per name and type: two entries would fight over it.
        const key = `${name.toLowerCase()}/${type}`;
        const nameSetting = item.field("name");
        if (name && seen.has(key)) nameSetting.problem(`a name no other ${type} record uses (put all values of one name in one record)`);
        // A CNAME owns its name: DNS allows no other record beside it (RFC 1034 3.6.2), Azure DNS
        // refuses the second record set, and refuses a CNAME at the zone apex.
        // learn.microsoft.com/azure/dns/dns-zones-records#cname-records
        else if (name && type === "CNAME" && name === "@") nameSetting.problem("a name below the zone apex: Azure DNS refuses a CNAME at @ (the apex holds the zone's SOA and NS records)");
        else if (name && type === "CNAME" && [...seen].some((k) => k.startsWith(`${name.toLowerCase()}/`))) nameSetting.problem("a name no other record uses: a CNAME cannot share its name with another record");
        else if (name && type !== "CNAME" && seen.has(`${name.toLowerCase()}/CNAME`)) nameSetting.problem(`a name no CNAME record uses: a CNAME cannot share its name with ${type === "A" ? "an" : "a"} ${type} record`);
        else if (name && type === "CNAME" && vmNames.has(name.toLowerCase())) nameSetting.problem(`a name other than the VM ${name}'s: its A record is registered in the zone, and a CNAME cannot share a name`);
        seen.add(key);
        return { name, type, values: values.filter((v): v is string => v !== undefined), ttl };
    });
}

function readResolver(setting: Setting, hub: VnetSpec, used: boolean): DnsLabArgs["resolver"] {
    if (setting.isSet) setting.object("{inboundSubnet, outboundSubnet, inboundIp}", ["inboundSubnet", "outboundSubnet", "inboundIp"]);
    const hubSpace = parseCidr(hub.addressSpace);
    const taken = hub.subnets.map((s) => parseCidr(s.addressPrefix)).filter((c): c is Cidr => !("error" in c));
    // Default: the first two free /28 blocks of the hub, after the subnets it already has.
    const free = "error" in hubSpace ? [] : freeBlocks(hubSpace, 28, taken, 2);
    const pick = (field: "inboundSubnet" | "outboundSubnet", fallback: Cidr | undefined) => {
        const s = setting.field(field);
        // Checked whatever the pattern: a value kept for later must not fail when the pattern changes.
        if (s.isSet) return s.string("an IPv4 CIDR block from /28 to /24, such as 10.101.1.0/28", (v) => !("error" in parseCidr(v))) ?? "";
        if (used && !fallback) s.problem(`a /28 to /24 block: ${hub.name} (${hub.addressSpace}) has no free /28 left for the resolver`, undefined);
        return fallback?.text ?? "";
    };
    const inboundSubnet = pick("inboundSubnet", free[0]);
    const outboundSubnet = pick("outboundSubnet", free[1]);
    const ipSetting = setting.field("inboundIp");
    const inboundBlock = parseCidr(inboundSubnet);
    let inboundIp = "error" in inboundBlock ? "" : nthAddress(inboundBlock, 4);
    if (ipSetting.isSet) {
        inboundIp = ipSetting.string("an IPv4 address") ?? "";
        const ip = parseIp(inboundIp);
        if (!("error" in inboundBlock) && (ip === undefined || ip < azureUsable(inboundBlock).first || ip > azureUsable(inboundBlock).last)) {
            ipSetting.problem(`an address from ${ipText(azureUsable(inboundBlock).first)} to ${ipText(azureUsable(inboundBlock).last)} in the inbound subnet ${inboundSubnet}`);
        }
    }
    return { inboundSubnet, outboundSubnet, inboundIp };
}

function readForwardingRules(setting: Setting, zoneName: string): ForwardingRuleSpec[] {
    if (!setting.isSet) return [];
    const domains = new Set<string>([`${zoneName.toLowerCase()}.`]);
    return setting.items("a list of rules: [{domain, targets: [ip or ip:port]}]").map((item) => {
        item.object("a rule: {domain, targets}", ["domain", "targets"]);
        const domainSetting = item.field("domain");
        let domain = domainSetting.string("a domain name such as corp.example.com", (s) => isDnsName(s.replace(/\.$/, ""))) ?? "";
        if (domain && !domain.endsWith(".")) domain += ".";
        if (domain && domains.has(domain.toLowerCase())) {
            domainSetting.problem(domain.toLowerCase() === `${zoneName.toLowerCase()}.` ? `a domain other than the lab zone ${zoneName} (the lab forwards it to the inbound endpoint itself)` : "a domain no other rule forwards");
        }
        domains.add(domain.toLowerCase());
        const targetsSetting = item.field("targets");
        const targets = targetsSetting
            .items("a list of DNS server addresses such as 192.168.1.10 or 192.168.1.10:53")
            .map((t) => {
                const text = t.string("a DNS server address such as 192.168.1.10 or 192.168.1.10:53", (s) => {
                    const [ip, port] = s.split(":");
                    return parseIp(ip) !== undefined && (port === undefined || (/^\d+$/.test(port) && Number(port) >= 1 && Number(port) <= 65535));
                });
                if (!text) return undefined;
                const [ip, port] = text.split(":");
                return { ip, port: port ? Number(port) : 53 };
            })
            .filter((t): t is { ip: string; port: number } => t !== undefined);
        // learn.microsoft.com/azure/dns/dns-private-resolver-overview#ruleset-restrictions: 1 to 6 target DNS servers per rule.
        const list = targetsSetting.parsed();
        const count = Array.isArray(list) ? list.length : undefined;
        if (count !== undefined && (count < 1 || count > MAX_RULE_TARGETS)) targetsSetting.problem(`1 to ${MAX_RULE_TARGETS} DNS server addresses (Azure's limit for one forwarding rule)`);
        return { domain, targets };
    });
}


