// Azure's rules for a VNet layout, shared by every lab's configuration checks and by the
// LabNetwork component: subnets inside their VNet, no overlaps, and the sizes Azure
// requires of its special subnets.
import { type Cidr, SMALLEST_SUBNET_PREFIX, azureReservedOverlap, contains, overlaps, parseCidr } from "./net";

/** Subnets Azure reserves for its own services; none of them may carry a lab NSG. */
export const SERVICE_SUBNETS = ["GatewaySubnet", "AzureBastionSubnet", "AzureFirewallSubnet", "AzureFirewallManagementSubnet", "RouteServerSubnet"];

export const DNS_RESOLVER_DELEGATION = "Microsoft.Network/dnsResolvers";

interface SizeRule {
    /** Largest allowed prefix length (smallest block). */
    maxPrefix: number;
    /** Smallest allowed prefix length (largest block), if Azure caps it. */
    minPrefix?: number;
    expected: string;
}

/** The size Azure requires of a subnet, by name or delegation; undefined for ordinary subnets. */
export function subnetSizeRule(name: string, delegation?: string): SizeRule | undefined {
    if (delegation === DNS_RESOLVER_DELEGATION) {
        // learn.microsoft.com/azure/dns/dns-private-resolver-overview#subnet-restrictions
        return { minPrefix: 24, maxPrefix: 28, expected: "a /28 to /24 block (DNS Private Resolver endpoint subnets)" };
    }
    switch (name) {
        case "GatewaySubnet":
            // learn.microsoft.com/azure/vpn-gateway/vpn-gateway-about-vpn-gateway-settings#gwsub
            return { maxPrefix: 27, expected: "a /27 or larger block (Azure VPN gateways need room for their instances)" };
        case "AzureBastionSubnet":
        case "AzureFirewallSubnet":
        case "AzureFirewallManagementSubnet":
            return { maxPrefix: 26, expected: `a /26 or larger block (${name} must be at least /26)` };
        case "RouteServerSubnet":
            return { maxPrefix: 27, expected: "a /27 or larger block (RouteServerSubnet must be at least /27)" };
    }
    return undefined;
}

/** Whether the lab puts an NSG on the subnet: every ordinary subnet, no service or delegated one. */
export function takesNsg(name: string, delegation?: string): boolean {
    return !SERVICE_SUBNETS.includes(name) && delegation === undefined;
}

export interface LayoutIssue {
    /** Which value is wrong: the VNet's address space, or subnet number `subnet`... */
    subnet?: number;
    /** ...and of that subnet, its name or (the default) its address prefix. */
    field?: "name";
    expected: string;
}

/** Checks one VNet layout; each issue points at the value to change. */
export function checkLayout(vnetName: string, addressSpace: string, subnets: Array<{ name: string; addressPrefix: string; delegation?: string }>): LayoutIssue[] {
    const issues: LayoutIssue[] = [];
    const space = parseCidr(addressSpace);
    if ("error" in space) issues.push({ expected: space.error });
    else {
        const reserved = azureReservedOverlap(space);
        if (reserved) issues.push({ expected: `an address space clear of ${reserved}, which Azure reserves` });
    }
    const seen: Array<{ name: string; block: Cidr }> = [];
    const names = new Set<string>();
    subnets.forEach((s, i) => {
        if (names.has(s.name.toLowerCase())) issues.push({ subnet: i, field: "name", expected: `a subnet name no other subnet of ${vnetName} uses` });
        names.add(s.name.toLowerCase());
        const block = parseCidr(s.addressPrefix);
        if ("error" in block) {
            issues.push({ subnet: i, expected: block.error });
            return;
        }
        if (!("error" in space) && !contains(space, block)) {
            issues.push({ subnet: i, expected: `a block inside ${vnetName}'s address space ${addressSpace}` });
            return;
        }
        if (block.prefix > SMALLEST_SUBNET_PREFIX) {
            issues.push({ subnet: i, expected: `a /${SMALLEST_SUBNET_PREFIX} or larger block (Azure's smallest subnet; it keeps five addresses of every subnet)` });
            return;
        }
        const rule = subnetSizeRule(s.name, s.delegation);
        if (rule && (block.prefix > rule.maxPrefix || (rule.minPrefix !== undefined && block.prefix < rule.minPrefix))) {
            issues.push({ subnet: i, expected: rule.expected });
        }
        const clash = seen.find((o) => overlaps(o.block, block));
        if (clash) issues.push({ subnet: i, expected: `a block that does not overlap subnet ${clash.name} (${clash.block.text})` });
        seen.push({ name: s.name, block });
    });
    return issues;
}
