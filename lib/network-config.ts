// Configuration checks every lab with VNets and servers makes: the VNets' layouts, no two
// VNets (or a VNet and a network it connects to) overlapping, server names Windows accepts
// and addresses Azure lets a VM use. Problems point at the setting to change.
import type { Problems } from "./config";
import { type Cidr, SMALLEST_SUBNET_PREFIX, azureReservedOverlap, azureUsable, containsIp, ipText, overlaps, parseCidr, parseIp } from "./net";
import { SERVICE_SUBNETS, checkLayout } from "./network-rules";
import type { SubnetSpec } from "./network";
import { windowsComputerNameProblem } from "./windows-names";

/** A VNet being read from config, with the config path of every value in it. */
export interface NetworkDraft {
    name: string;
    addressSpace: string;
    /** Config path of the VNet's entry, e.g. `labs:dnsVnets[0]`. */
    path: string;
    subnets: SubnetSpec[];
    /** Config path of each subnet's prefix, parallel to `subnets`; the servers' subnet is the first. */
    subnetPaths: string[];
    /** The servers in the first subnet, with the config path of each entry. */
    hosts: Array<{ name: string; ip: string; path: string }>;
}

/** Networks the VNets must not overlap, e.g. the home lab's behind a VPN. */
export interface OtherNetwork {
    label: string;
    cidr: string;
}

export function checkNetworks(drafts: NetworkDraft[], problems: Problems, others: OtherNetwork[] = []): void {
    const spaces: Array<{ name: string; block: Cidr }> = others.flatMap((o) => {
        const block = parseCidr(o.cidr);
        return "error" in block ? [] : [{ name: o.label, block }];
    });
    const hostNames = new Map<string, string>();
    const vnetNames = new Set<string>();
    for (const v of drafts) {
        // ARM names are case-insensitive: v1 and V1 are one VNet.
        if (v.name && vnetNames.has(v.name.toLowerCase())) problems.add(`${v.path}.name`, v.name, "a VNet name not used by another VNet, ignoring case");
        vnetNames.add(v.name.toLowerCase());
        for (const issue of checkLayout(v.name, v.addressSpace, v.subnets)) {
            if (issue.subnet === undefined) problems.add(`${v.path}.addressSpace`, v.addressSpace, issue.expected);
            else if (issue.field === "name") problems.add(v.subnetPaths[issue.subnet].replace(/\.addressPrefix$/, ".name").replace(/\.subnetPrefix$/, ".subnetName"), v.subnets[issue.subnet].name, issue.expected);
            else problems.add(v.subnetPaths[issue.subnet], v.subnets[issue.subnet].addressPrefix, issue.expected);
        }
        const space = parseCidr(v.addressSpace);
        if (!("error" in space)) {
            const clash = spaces.find((s) => overlaps(s.block, space));
            if (clash) problems.add(`${v.path}.addressSpace`, v.addressSpace, `a block that does not overlap ${clash.name} (${clash.block.text})`);
            spaces.push({ name: v.name, block: space });
        }
        const serverBlock = parseCidr(v.subnets[0]?.addressPrefix ?? "");
        const ips = new Set<string>();
        for (const host of v.hosts) {
            const nameProblem = windowsComputerNameProblem(host.name);
            if (host.name && nameProblem) problems.add(`${host.path}.name`, host.name, nameProblem);
            else if (hostNames.has(host.name.toLowerCase())) problems.add(`${host.path}.name`, host.name, `a name not used by another VM (${hostNames.get(host.name.toLowerCase())} has it)`);
            hostNames.set(host.name.toLowerCase(), v.name);
            const ip = parseIp(host.ip);
            if (host.ip && ip === undefined) problems.add(`${host.path}.ip`, host.ip, "an IPv4 address such as 10.101.0.4");
            // A subnet too small for any VM has been reported; its address range says nothing useful.
            else if (ip !== undefined && !("error" in serverBlock) && serverBlock.prefix <= SMALLEST_SUBNET_PREFIX) {
                const usable = azureUsable(serverBlock);
                if (!containsIp(serverBlock, ip) || ip < usable.first || ip > usable.last) {
                    problems.add(`${host.path}.ip`, host.ip, `an address from ${ipText(usable.first)} to ${ipText(usable.last)} in subnet ${serverBlock.text} (Azure reserves the first four and the last)`);
                } else if (ips.has(host.ip)) {
                    problems.add(`${host.path}.ip`, host.ip, "an address no other VM uses");
                }
            }
            ips.add(host.ip);
        }
    }
}

export function isDnsName(s: string): boolean {
    return s.length <= 253 && s.split(".").length >= 2 && s.split(".").every((label) => /^[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/.test(label));
}

export function isSubnetName(s: string): boolean {
    return /^[A-Za-z0-9][A-Za-z0-9_.-]{0,78}[A-Za-z0-9_]$/.test(s);
}

/** A name for the subnet VMs join: a valid subnet name that is not one Azure keeps for a service. */
export function vmSubnetNameProblem(s: string): string | undefined {
    if (!isSubnetName(s)) return "a subnet name: 2-80 letters, digits, '_', '.' or '-', starting with a letter or digit";
    const service = SERVICE_SUBNETS.find((n) => n.toLowerCase() === s.toLowerCase());
    return service ? `a name other than ${service}: Azure keeps that subnet for its own service and refuses VMs in it` : undefined;
}

/** Problems of networks outside Azure that the lab routes to (a home lab behind a VPN). */
export function reservedProblem(block: Cidr): string | undefined {
    const reserved = azureReservedOverlap(block);
    return reserved ? `a block clear of ${reserved}, which Azure reserves` : undefined;
}
