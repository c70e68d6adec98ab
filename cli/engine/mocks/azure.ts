// Imitates Azure Resource Manager for azure-native resources: ARM ids built from the same
// path segments Azure uses, azure-native's auto-names, and the read-only properties the
// labs read back (NIC private IPs and DNS suffix, subnet ids, vault URIs, DCR ids...).
import { IPv4, IPv4CidrRange } from "ip-num";
import { zoneRedundant } from "../../../lib/azure-facts";
import { DIGITS, Entropy, LOWER } from "./ids";
import { type CloudIdentity, type CloudMock, type NewResourceRequest, type NewResourceResult, type Props, lowerFirst, parseToken, str } from "./types";

/** One ARM path segment: the collection name and the input property holding the name (or a fixed name). */
type Segment = [collection: string, nameProperty: string];

interface ArmShape {
    namespace: string;
    segments: Segment[];
    /** For scope-based (extension) resources, the input property holding the scope id. */
    scopeProperty?: string;
}

// Resource types the labs create. Anything else falls back to a namespace derived from the
// module and a name property derived from the type (`<type>Name`), which is right for most.
const SHAPES: Record<string, ArmShape> = {
    "compute:VirtualMachine": { namespace: "Microsoft.Compute", segments: [["virtualMachines", "vmName"]] },
    "compute:VirtualMachineExtension": { namespace: "Microsoft.Compute", segments: [["virtualMachines", "vmName"], ["extensions", "vmExtensionName"]] },
    "compute:VirtualMachineRunCommandByVirtualMachine": { namespace: "Microsoft.Compute", segments: [["virtualMachines", "vmName"], ["runCommands", "runCommandName"]] },
    "devtestlab:GlobalSchedule": { namespace: "Microsoft.DevTestLab", segments: [["schedules", "name"]] },
    "network:PublicIPAddress": { namespace: "Microsoft.Network", segments: [["publicIPAddresses", "publicIpAddressName"]] },
    "network:VirtualNetworkGatewayConnection": { namespace: "Microsoft.Network", segments: [["connections", "virtualNetworkGatewayConnectionName"]] },
    "network:VirtualNetworkPeering": { namespace: "Microsoft.Network", segments: [["virtualNetworks", "virtualNetworkName"], ["virtualNetworkPeerings", "virtualNetworkPeeringName"]] },
    "network:Subnet": { namespace: "Microsoft.Network", segments: [["virtualNetworks", "virtualNetworkName"], ["subnets", "subnetName"]] },
    "network:SecurityRule": { namespace: "Microsoft.Network", segments: [["networkSecurityGroups", "networkSecurityGroupName"], ["securityRules", "securityRuleName"]] },
    "privatedns:PrivateZone": { namespace: "Microsoft.Network", segments: [["privateDnsZones", "privateZoneName"]] },
    "privatedns:VirtualNetworkLink": { namespace: "Microsoft.Network", segments: [["privateDnsZones", "privateZoneName"], ["virtualNetworkLinks", "virtualNetworkLinkName"]] },
    "privatedns:PrivateRecordSet": { namespace: "Microsoft.Network", segments: [["privateDnsZones", "privateZoneName"], ["{recordType}", "relativeRecordSetName"]] },
    "dnsresolver:DnsResolver": { namespace: "Microsoft.Network", segments: [["dnsResolvers", "dnsResolverName"]] },
    "dnsresolver:InboundEndpoint": { namespace: "Microsoft.Network", segments: [["dnsResolvers", "dnsResolverName"], ["inboundEndpoints", "inboundEndpointName"]] },
    "dnsresolver:OutboundEndpoint": { namespace: "Microsoft.Network", segments: [["dnsResolvers", "dnsResolverName"], ["outboundEndpoints", "outboundEndpointName"]] },
    "dnsresolver:DnsForwardingRuleset": { namespace: "Microsoft.Network", segments: [["dnsForwardingRulesets", "dnsForwardingRulesetName"]] },
    "dnsresolver:ForwardingRule": { namespace: "Microsoft.Network", segments: [["dnsForwardingRulesets", "dnsForwardingRulesetName"], ["forwardingRules", "forwardingRuleName"]] },
    "dnsresolver:PrivateResolverVirtualNetworkLink": { namespace: "Microsoft.Network", segments: [["dnsForwardingRulesets", "dnsForwardingRulesetName"], ["virtualNetworkLinks", "virtualNetworkLinkName"]] },
    "operationalinsights:SavedSearch": { namespace: "Microsoft.OperationalInsights", segments: [["workspaces", "workspaceName"], ["savedSearches", "savedSearchId"]] },
    "operationalinsights:Table": { namespace: "Microsoft.OperationalInsights", segments: [["workspaces", "workspaceName"], ["tables", "tableName"]] },
    "applicationinsights:Workbook": { namespace: "Microsoft.Insights", segments: [["workbooks", "resourceName"]] },
    "monitor:DataCollectionEndpoint": { namespace: "Microsoft.Insights", segments: [["dataCollectionEndpoints", "dataCollectionEndpointName"]] },
    "monitor:DataCollectionRule": { namespace: "Microsoft.Insights", segments: [["dataCollectionRules", "dataCollectionRuleName"]] },
    "keyvault:Secret": { namespace: "Microsoft.KeyVault", segments: [["vaults", "vaultName"], ["secrets", "secretName"]] },
    "storage:StorageAccount": { namespace: "Microsoft.Storage", segments: [["storageAccounts", "accountName"]] },
    "authorization:RoleAssignment": { namespace: "Microsoft.Authorization", segments: [["roleAssignments", "roleAssignmentName"]], scopeProperty: "scope" },
};

/** Log Analytics column types as ARM spells them (ColumnTypeEnum of Microsoft.OperationalInsights/tables). */
const ARM_COLUMN_TYPES: Record<string, string> = { string: "string", int: "int", long: "long", real: "real", boolean: "boolean", datetime: "dateTime", guid: "guid", dynamic: "dynamic" };

const NAMESPACES: Record<string, string> = {
    network: "Microsoft.Network",
    compute: "Microsoft.Compute",
    privatedns: "Microsoft.Network",
    dnsresolver: "Microsoft.Network",
    operationalinsights: "Microsoft.OperationalInsights",
    insights: "Microsoft.Insights",
    applicationinsights: "Microsoft.Insights",
    keyvault: "Microsoft.KeyVault",
    storage: "Microsoft.Storage",
    authorization: "Microsoft.Authorization",
    devtestlab: "Microsoft.DevTestLab",
    monitor: "Microsoft.Insights",
};

interface SubnetState {
    range: IPv4CidrRange;
    used: Set<string>;
}

export class AzureMock implements CloudMock {
    private readonly subnets = new Map<string, SubnetState>();

    constructor(private readonly identity: CloudIdentity) {}

    newResource(req: NewResourceRequest): NewResourceResult | undefined {
        const { pkg, module, name: typeName } = parseToken(req.type);
        if (pkg !== "azure-native") return undefined;
        const key = `${module}:${typeName}`;
        const inputs = req.inputs;

        if (key === "resources:ResourceGroup") {
            const name = str(inputs.resourceGroupName) ?? autoName(req);
            const id = `/subscriptions/${this.identity.subscriptionId}/resourceGroups/${name}`;
            return { id, computed: { id, name, resourceGroupName: name, type: "Microsoft.Resources/resourceGroups", location: inputs.location ?? this.identity.azureLocation } };
        }

        const shape = SHAPES[key] ?? fallbackShape(module, typeName, inputs);
        const names = shape.segments.map(([, prop], i) => (i === shape.segments.length - 1 ? (str(inputs[prop]) ?? autoName(req)) : (str(inputs[prop]) ?? "unknown")));
        const collections = shape.segments.map(([collection]) => (collection === "{recordType}" ? String(inputs.recordType ?? "A") : collection));
        const scope = shape.scopeProperty
            ? (str(inputs[shape.scopeProperty]) ?? `/subscriptions/${this.identity.subscriptionId}`)
            : `/subscriptions/${this.identity.subscriptionId}/resourceGroups/${str(inputs.resourceGroupName) ?? "unknown"}`;
        const id = `${scope}/providers/${shape.namespace}/${collections.map((c, i) => `${c}/${names[i]}`).join("/")}`;
        const name = names[names.length - 1];
        const computed: Props = { id, name, type: `${shape.namespace}/${collections.join("/")}` };
        const lastNameProperty = shape.segments[shape.segments.length - 1][1];
        computed[lastNameProperty] = name;
        const dropped: string[] = [];
        this.computeOutputs(key, id, req, computed, dropped);
        return { id, computed, dropped };
    }

    call(token: string): Props | undefined {
        if (token === "azure-native:authorization:getClientConfig") {
            return {
                clientId: this.identity.principalClientId,
                objectId: this.identity.principalObjectId,
                subscriptionId: this.identity.subscriptionId,
                tenantId: this.identity.tenantId,
            };
        }
        return undefined;
    }

    private computeOutputs(key: string, id: string, req: NewResourceRequest, out: Props, dropped: string[]): void {
        const inputs = req.inputs;
        const e = req.entropy;
        switch (key) {
            case "network:VirtualNetwork": {
                out.resourceGuid = e.guid("resourceGuid");
                const subnets = Array.isArray(inputs.subnets) ? (inputs.subnets as Props[]) : [];
                out.subnets = subnets.map((s) => {
                    const subnetId = `${id}/subnets/${String(s.name)}`;
                    this.registerSubnet(subnetId, s);
                    return { ...s, id: subnetId, provisioningState: "Succeeded", type: "Microsoft.Network/virtualNetworks/subnets" };
                });
                break;
            }
            case "network:Subnet":
                this.registerSubnet(id, inputs);
                break;
            case "network:NetworkInterface": {
                const configs = Array.isArray(inputs.ipConfigurations) ? (inputs.ipConfigurations as Props[]) : [];
                out.ipConfigurations = configs.map((c, i) => {
                    const subnetId = str((c.subnet as Props | undefined)?.id);
                    const ip = str(c.privateIPAddress) ?? this.allocate(subnetId);
                    this.claim(subnetId, ip);
                    return { ...c, id: `${id}/ipConfigurations/${String(c.name ?? `ipconfig${i + 1}`)}`, privateIPAddress: ip, privateIPAllocationMethod: c.privateIPAllocationMethod ?? "Dynamic", primary: i === 0 };
                });
                const firstSubnet = str(((configs[0]?.subnet ?? {}) as Props).id);
                const dns = (inputs.dnsSettings ?? {}) as Props;
                out.dnsSettings = {
                    ...dns,
                    appliedDnsServers: dns.dnsServers ?? [],
                    internalDomainNameSuffix: this.internalDomainNameSuffix(firstSubnet, String(inputs.location ?? this.identity.azureLocation)),
                };
                out.macAddress = e.hex("mac", 12).toUpperCase().replace(/(..)(?!$)/g, "$1-");
                out.primary = true;
                break;
            }
            case "compute:VirtualMachine":
                out.vmId = e.guid("vmId");
                // Azure never returns the admin password.
                dropped.push("osProfile.adminPassword");
                break;
            case "network:PublicIPAddress": {
                // Documentation range (TEST-NET-3): never a real address.
                out.ipAddress = `203.0.113.${1 + e.below("ip", 254)}`;
                // A Standard public IP created without zones is zone-redundant in a region that has
                // zones, and ARM returns all three (Azure's default since 2025).
                const zones = zoneRedundant(String(inputs.location ?? this.identity.azureLocation));
                if (str((inputs.sku as Props | undefined)?.name) === "Standard" && inputs.zones === undefined && zones) out.zones = zones;
                break;
            }
            case "operationalinsights:Table": {
                // ARM returns column types in its enum's casing (dateTime), whatever casing was sent.
                const schema = (inputs.schema ?? {}) as Props;
                const columns = Array.isArray(schema.columns) ? (schema.columns as Props[]) : [];
                out.schema = { ...schema, columns: columns.map((c) => ({ ...c, type: ARM_COLUMN_TYPES[String(c.type).toLowerCase()] ?? c.type })) };
                break;
            }
            case "applicationinsights:Workbook":
                // ARM stores a workbook's sourceId lowercased.
                if (typeof inputs.sourceId === "string") out.sourceId = inputs.sourceId.toLowerCase();
                break;
            case "dnsresolver:InboundEndpoint": {
                const configs = Array.isArray(inputs.ipConfigurations) ? (inputs.ipConfigurations as Props[]) : [];
                out.ipConfigurations = configs.map((c) => {
                    const subnetId = str((c.subnet as Props | undefined)?.id);
                    const ip = str(c.privateIpAddress) ?? this.allocate(subnetId);
                    this.claim(subnetId, ip);
                    return { ...c, privateIpAddress: ip, privateIpAllocationMethod: c.privateIpAllocationMethod ?? "Dynamic" };
                });
                break;
            }
            case "dnsresolver:DnsResolver":
                out.resourceGuid = e.guid("resourceGuid");
                out.dnsResolverState = "Connected";
                break;
            case "keyvault:Vault":
                out.properties = { ...((inputs.properties ?? {}) as Props), vaultUri: `https://${String(out.name)}.vault.azure.net/` };
                break;
            case "operationalinsights:Workspace":
                out.customerId = e.guid("customerId");
                break;
            case "monitor:DataCollectionEndpoint":
                out.logsIngestion = { endpoint: `https://${String(out.name)}-${e.pick("dce", LOWER + DIGITS, 4)}.${String(inputs.location ?? this.identity.azureLocation)}-1.ingest.monitor.azure.com` };
                out.configurationAccess = { endpoint: `https://${String(out.name)}-${e.pick("dce", LOWER + DIGITS, 4)}.${String(inputs.location ?? this.identity.azureLocation)}-1.handler.control.monitor.azure.com` };
                break;
            case "monitor:DataCollectionRule":
                out.immutableId = `dcr-${e.hex("immutableId", 32)}`;
                break;
            case "storage:StorageAccount":
                out.primaryEndpoints = {
                    blob: `https://${String(out.name)}.blob.core.windows.net/`,
                    queue: `https://${String(out.name)}.queue.core.windows.net/`,
                    table: `https://${String(out.name)}.table.core.windows.net/`,
                };
                break;
            case "authorization:RoleAssignment":
                out.principalType = inputs.principalType ?? "ServicePrincipal";
                break;
        }
    }

    private registerSubnet(id: string, subnet: Props): void {
        const prefix = str(subnet.addressPrefix) ?? (Array.isArray(subnet.addressPrefixes) ? str(subnet.addressPrefixes[0]) : undefined);
        if (!prefix) return;
        try {
            this.subnets.set(id.toLowerCase(), { range: IPv4CidrRange.fromCidr(prefix), used: new Set() });
        } catch {
            // An invalid prefix is the program's problem; Azure would reject it. Leave the subnet unknown.
        }
    }

    private claim(subnetId: string | undefined, ip: string): void {
        if (subnetId) this.subnets.get(subnetId.toLowerCase())?.used.add(ip);
    }

    /** Azure's dynamic allocation: the lowest free address after the five Azure reserves. */
    private allocate(subnetId: string | undefined): string {
        const state = subnetId ? this.subnets.get(subnetId.toLowerCase()) : undefined;
        if (!state) return "10.0.0.4";
        const first = state.range.getFirst().getValue();
        const last = state.range.getLast().getValue();
        for (let v = first + 4n; v < last; v++) {
            const ip = IPv4.fromNumber(v).toString();
            if (!state.used.has(ip)) return ip;
        }
        throw new Error(`subnet ${subnetId} has no free address`);
    }

    /** Azure gives each VNet one `<26 chars>.<2 chars>.internal.cloudapp.net` namespace; NICs report it. */
    private internalDomainNameSuffix(subnetId: string | undefined, location: string): string {
        // The label is seeded by the VNet id so every NIC of a VNet reports the same namespace;
        // the two-letter part stands for the region.
        const vnet = new Entropy(subnetId?.replace(/\/subnets\/[^/]+$/i, "").toLowerCase() ?? "none");
        return `${vnet.pick("label", LOWER + DIGITS, 26)}.${new Entropy(location).pick("region", LOWER, 2)}.internal.cloudapp.net`;
    }
}

/** azure-native auto-names a resource as its logical name plus eight random hex characters. */
function autoName(req: NewResourceRequest): string {
    return `${req.name}${req.entropy.hex("autoname", 8)}`;
}

function fallbackShape(module: string, typeName: string, inputs: Props): ArmShape {
    const namespace = NAMESPACES[module] ?? `Microsoft.${module.charAt(0).toUpperCase()}${module.slice(1)}`;
    const candidates = [`${lowerFirst(typeName)}Name`, "resourceName", "name"];
    const nameProperty = candidates.find((c) => inputs[c] !== undefined) ?? candidates[0];
    return { namespace, segments: [[`${lowerFirst(typeName)}s`, nameProperty]] };
}
