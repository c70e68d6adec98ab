// Azure network security: what may reach lab VMs from the Internet, and what must never be
// blocked. Each policy asks the NSG engine one question.
import { type Finding, resourcePolicy } from "../lib/policy";
import { asArray, asObject, asString, whenKnown } from "../lib/values";
import { NSG_TYPE, type NsgRule, RULE_TYPE, allowsFromInternet, carries, usesPorts, coversAllPorts, coversPort, deniesAzureDns, describePorts, rulesOf } from "./engine";

const RULE_TYPES = [NSG_TYPE, RULE_TYPE];

const MANAGEMENT_PORTS: Array<{ port: number; transport: "tcp" | "udp"; service: string }> = [
    { port: 3389, transport: "tcp", service: "RDP" },
    { port: 3389, transport: "udp", service: "RDP" },
    { port: 22, transport: "tcp", service: "SSH" },
    { port: 5985, transport: "tcp", service: "WinRM" },
    { port: 5986, transport: "tcp", service: "WinRM over HTTPS" },
];

function managementServices(rule: NsgRule): string[] {
    return [...new Set(MANAGEMENT_PORTS.filter((m) => carries(rule, m.transport) && coversPort(rule, m.port)).map((m) => `${m.service} ${m.port}`))];
}

function describe(rule: NsgRule): string {
    return `rule '${rule.name}' allows ${rule.protocol === "*" ? "any protocol" : rule.protocol.toUpperCase()}${usesPorts(rule) ? ` to port ${describePorts(rule)}` : ""} from ${rule.sources.join(", ")}`;
}

export const nsgNoInternetManagementPorts = resourcePolicy(
    {
        name: "nsg-no-internet-management-ports",
        family: "nsg",
        description: "No NSG rule allows RDP, SSH or WinRM in from the Internet.",
        severity: "critical",
        enforcementLevel: "mandatory",
        remediationSteps: "Set the rule's source to the network you administer from (config adminSourceCidr, a VPN range) or reach VMs through Azure Bastion or Run Command.",
        refs: { cisAzure: "7.1", checkov: ["CKV_AZURE_9", "CKV_AZURE_10"] },
    },
    RULE_TYPES,
    (props, args): Finding[] =>
        rulesOf(args.type, props)
            .filter((r) => allowsFromInternet(r) && !coversAllPorts(r))
            .flatMap((r) => {
                const services = managementServices(r);
                return services.length ? [{ finding: `Rule::${r.name}`, message: `${describe(r)} (${services.join(", ")})` }] : [];
            }),
);

export const nsgNoInternetAllPorts = resourcePolicy(
    {
        name: "nsg-no-internet-all-ports",
        family: "nsg",
        description: "No NSG rule allows every port in from the Internet.",
        severity: "critical",
        enforcementLevel: "mandatory",
        remediationSteps: "Allow only the ports the service needs, from the sources that need them.",
        refs: { cisAzure: "7.1", checkov: ["CKV_AZURE_9", "CKV_AZURE_10", "CKV_AZURE_160"] },
    },
    RULE_TYPES,
    (props, args) => rulesOf(args.type, props).filter((r) => allowsFromInternet(r) && coversAllPorts(r)).map((r) => ({ finding: `Rule::${r.name}`, message: describe(r) })),
);

export const nsgNoDenyAzureDns = resourcePolicy(
    {
        name: "nsg-no-deny-azure-dns",
        family: "nsg",
        description: "No NSG rule denies Azure DNS (service tag AzurePlatformDNS, 168.63.129.16); it breaks every Azure DNS option.",
        severity: "high",
        enforcementLevel: "mandatory",
        remediationSteps: "Remove the Deny, or narrow it so it does not cover AzurePlatformDNS / 168.63.129.16; VMs need that address for DNS, DHCP and the VM agent.",
    },
    RULE_TYPES,
    (props, args) =>
        rulesOf(args.type, props)
            .filter(deniesAzureDns)
            .map((r) => ({ finding: `Rule::${r.name}`, message: `rule '${r.name}' denies ${r.direction} traffic ${r.direction === "outbound" ? "to" : "from"} ${(r.direction === "outbound" ? r.destinations : r.sources).join(", ")}` })),
);

/** Azure's own service subnets, which must not (or need not) carry an NSG. */
const SERVICE_SUBNETS = ["gatewaysubnet", "azurebastionsubnet", "azurefirewallsubnet", "azurefirewallmanagementsubnet", "routeserversubnet"];
const DELEGATIONS_WITHOUT_NSG = ["microsoft.network/dnsresolvers"];

function subnetNeedsNsg(name: string, subnet: Record<string, unknown>): boolean {
    const delegations = asArray(subnet.delegations).map((d) => String(asObject(d)?.serviceName ?? "").toLowerCase());
    return !SERVICE_SUBNETS.includes(name.toLowerCase()) && !delegations.some((d) => DELEGATIONS_WITHOUT_NSG.includes(d));
}

export const nsgSubnetHasNsg = resourcePolicy(
    {
        name: "nsg-subnet-has-nsg",
        family: "nsg",
        description: "Every ordinary subnet has an NSG (GatewaySubnet, AzureBastionSubnet, AzureFirewallSubnet and resolver-delegated subnets excepted).",
        severity: "medium",
        enforcementLevel: "mandatory",
        remediationSteps: "Give the subnet a networkSecurityGroup (lib/network.ts LabNetwork does this for every ordinary subnet).",
        refs: { checkov: ["CKV2_AZURE_31"] },
    },
    ["azure-native:network:VirtualNetwork", "azure-native:network:Subnet"],
    (props, args) => {
        const subnets = args.type === "azure-native:network:Subnet" ? [props] : (whenKnown(() => asArray(props.subnets)) ?? []);
        return subnets.flatMap((s) => {
            const subnet = asObject(s) ?? {};
            // A standalone Subnet names itself in subnetName; inline subnets in name.
            const name = whenKnown(() => asString(subnet.name) ?? asString(props.subnetName)) ?? args.name;
            const missing = whenKnown(() => subnetNeedsNsg(name, subnet) && subnet.networkSecurityGroup === undefined);
            return missing ? [{ finding: `Subnet::${name}`, message: `subnet '${name}' has no network security group` }] : [];
        });
    },
);

export const nsgVmNicNoPublicIp = resourcePolicy(
    {
        name: "nsg-vm-nic-no-public-ip",
        family: "nsg",
        description: "VM network interfaces have no public IP address.",
        severity: "medium",
        enforcementLevel: "advisory",
        remediationSteps: "Remove publicIPAddress from the NIC; reach the VM over a VPN, Azure Bastion or Run Command.",
        refs: { cisAzure: "7.7", checkov: ["CKV_AZURE_119"] },
    },
    ["azure-native:network:NetworkInterface"],
    (props) =>
        (whenKnown(() => asArray(props.ipConfigurations)) ?? [])
            .map((c) => asObject(c) ?? {})
            .filter((c) => c.publicIPAddress !== undefined)
            .map((c) => ({ finding: `IpConfiguration::${String(c.name ?? "?")}`, message: `ip configuration '${String(c.name ?? "?")}' has a public IP address` })),
);

export const nsgInternetOpenPorts = resourcePolicy(
    {
        name: "nsg-internet-open-ports",
        family: "nsg",
        description: "NSG rules that open other ports to the Internet are reported for review.",
        severity: "medium",
        enforcementLevel: "advisory",
        remediationSteps: "Confirm the service must face the Internet; otherwise narrow the rule's source.",
        refs: { cisAzure: "7.3", checkov: ["CKV_AZURE_77", "CKV_AZURE_160"] },
    },
    RULE_TYPES,
    (props, args) =>
        rulesOf(args.type, props)
            .filter((r) => allowsFromInternet(r) && !coversAllPorts(r) && managementServices(r).length === 0 && (r.ports.length > 0 || !usesPorts(r)))
            .map((r) => ({ finding: `Rule::${r.name}`, message: describe(r) })),
);

export const NSG_POLICIES = [nsgNoInternetManagementPorts, nsgNoInternetAllPorts, nsgNoDenyAzureDns, nsgSubnetHasNsg, nsgVmNicNoPublicIp, nsgInternetOpenPorts];
