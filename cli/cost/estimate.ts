// What each planned resource costs, from the price table: per hour while the lab's VMs run,
// per hour while auto-shutdown has stopped them (gateways, endpoints, Bastion, public IPs and
// disks bill around the clock), and per month at a daily schedule. Resource types that cost
// nothing are listed as such; a billable type missing from both lists is reported, so the
// table cannot silently fall behind the labs.
import { vmSize } from "../../lib/azure-facts";
import type { PlannedResource } from "../engine/plan";
import { at, reveal } from "../engine/wire";
import { HOURS_PER_MONTH, type PriceItem, type PriceTable, hourly } from "./price-table";

export interface CostLine {
    urn: string;
    type: string;
    name: string;
    /** Which price-table entry, e.g. `vpnGateway/VpnGw1AZ`. */
    item: string;
    /** $/hour while the lab's VMs run. */
    running: number;
    /** $/hour while they are stopped by auto-shutdown. */
    stopped: number;
    note?: string;
}

export interface Unpriced {
    urn: string;
    type: string;
    name: string;
    /** What is missing: a type the table does not know, or a SKU it has no price for. */
    reason: string;
}

/** Types that cost nothing by themselves (traffic, requests and storage at lab scale are cents, stated in the docs). */
export const FREE_TYPES = new Set([
    "azure-native:resources:ResourceGroup",
    "azure-native:network:VirtualNetwork",
    "azure-native:network:Subnet",
    "azure-native:network:NetworkSecurityGroup",
    "azure-native:network:SecurityRule",
    "azure-native:network:NetworkInterface",
    "azure-native:network:VirtualNetworkPeering",
    "azure-native:network:LocalNetworkGateway",
    // Site-to-site tunnels are included in the gateway's price (up to 10 on VpnGw1AZ).
    "azure-native:network:VirtualNetworkGatewayConnection",
    "azure-native:devtestlab:GlobalSchedule",
    "azure-native:compute:VirtualMachineRunCommandByVirtualMachine",
    "azure-native:privatedns:VirtualNetworkLink",
    "azure-native:privatedns:PrivateRecordSet",
    // The resolver is billed through its endpoints and rulesets.
    "azure-native:dnsresolver:DnsResolver",
    "azure-native:dnsresolver:ForwardingRule",
    "azure-native:dnsresolver:PrivateResolverVirtualNetworkLink",
    "azure-native:authorization:RoleAssignment",
    // Logs Ingestion bills at the workspace, by GB.
    "azure-native:monitor:DataCollectionEndpoint",
    "azure-native:monitor:DataCollectionRule",
    "azure-native:operationalinsights:Table",
    "azure-native:operationalinsights:SavedSearch",
    "azure-native:applicationinsights:Workbook",
    "aws:iam/role:Role",
    "aws:iam/rolePolicy:RolePolicy",
    "aws:iam/policy:Policy",
    "aws:iam/user:User",
    "aws:iam/userPolicyAttachment:UserPolicyAttachment",
    "aws:iam/accessKey:AccessKey",
    "aws:iam/openIdConnectProvider:OpenIdConnectProvider",
    "aws:kms/alias:Alias",
    // Standard parameters are free.
    "aws:ssm/parameter:Parameter",
    "aws:cloudwatch/eventRule:EventRule",
    "aws:cloudwatch/eventTarget:EventTarget",
    "aws:cloudwatch/logGroup:LogGroup",
    "aws:lambda/permission:Permission",
    "aws:lambda/functionEventInvokeConfig:FunctionEventInvokeConfig",
    "aws:sns/topic:Topic",
    "aws:sns/topicSubscription:TopicSubscription",
    "aws:sqs/queue:Queue",
    "aws:sqs/queuePolicy:QueuePolicy",
    "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration",
    "aws:s3/bucketNotification:BucketNotification",
    "aws:s3/bucketOwnershipControls:BucketOwnershipControls",
    "aws:s3/bucketPolicy:BucketPolicy",
    "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
    "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
    "aws:s3/bucketVersioning:BucketVersioning",
    // The Glue catalog is free up to a million objects; Athena bills per query.
    "aws:glue/catalogDatabase:CatalogDatabase",
    "aws:glue/catalogTable:CatalogTable",
    "aws:athena/namedQuery:NamedQuery",
]);

/** Resource types outside the clouds: generated values, local commands. */
const NOT_CLOUD = /^(random:|command:|pulumi:|azuread:)/;

/** Windows images ship a 127 GiB OS disk: tier E10 (128 GiB) on Standard SSD. */
const WINDOWS_OS_DISK_TIER = "E10";
/** The collector's table at lab scale: a few hundred keys a day, well under a GB a month. */
export const LAB_INGESTION_GB_PER_MONTH = 0.05;
export const LAB_S3_GB = 1;

export interface Estimate {
    lines: CostLine[];
    unpriced: Unpriced[];
}

export function estimate(resources: PlannedResource[], prices: PriceTable): Estimate {
    const lines: CostLine[] = [];
    const unpriced: Unpriced[] = [];
    for (const r of resources) {
        if (!r.custom || NOT_CLOUD.test(r.type) || FREE_TYPES.has(r.type)) continue;
        const found = linesFor(r, prices);
        if ("reason" in found) unpriced.push({ urn: r.urn, type: r.type, name: r.name, reason: found.reason });
        else lines.push(...found.lines);
    }
    return { lines, unpriced };
}

type Found = { lines: CostLine[] } | { reason: string };

function linesFor(r: PlannedResource, prices: PriceTable): Found {
    const azure = (id: string) => prices.azure.items[id];
    const aws = (id: string) => prices.aws.items[id];
    const input = (p: string) => reveal(at(r.inputs, p) ?? null) as unknown;
    const line = (id: string, item: PriceItem | undefined, billsWhenStopped: boolean, note?: string): Found => {
        if (!item) return { reason: `the price table has no ${id}; add it to cli/cost/prices.json` };
        const rate = item.unit === "hour" || item.unit === "month" ? hourly(item) : 0;
        return { lines: [{ urn: r.urn, type: r.type, name: r.name, item: id, running: rate, stopped: billsWhenStopped ? rate : 0, note: note ?? item.note }] };
    };
    const usage = (id: string, item: PriceItem | undefined, quantity: number, note: string): Found => {
        if (!item) return { reason: `the price table has no ${id}; add it to cli/cost/prices.json` };
        const rate = (item.price * quantity) / HOURS_PER_MONTH;
        return { lines: [{ urn: r.urn, type: r.type, name: r.name, item: id, running: rate, stopped: rate, note }] };
    };

    switch (r.type) {
        case "azure-native:compute:VirtualMachine": {
            const size = String(input("hardwareProfile.vmSize") ?? "");
            const windows = input("osProfile.windowsConfiguration") !== null || /windows/i.test(String(input("storageProfile.imageReference.publisher") ?? ""));
            const computeId = `vm/${size}/${windows ? "windows" : "linux"}`;
            const facts = vmSize(size);
            const compute = line(computeId, azure(computeId), false, facts ? `billed while the VM runs (${facts.vCPUs} vCPU, ${facts.memoryGiB} GiB)` : "billed while the VM runs");
            if ("reason" in compute && facts) return { reason: `no price for ${computeId} yet: labs cost --refresh prices every size of lib/data/azure-vm-sizes.json` };
            const diskType = String(input("storageProfile.osDisk.managedDisk.storageAccountType") ?? "StandardSSD_LRS");
            const diskId = `disk/${diskType}/${WINDOWS_OS_DISK_TIER}`;
            const disk = line(diskId, azure(diskId), true, "OS disk: billed while it exists, running or not");
            if ("reason" in compute) return compute;
            if ("reason" in disk) return disk;
            return { lines: [...compute.lines, ...disk.lines] };
        }
        case "azure-native:network:PublicIPAddress":
            return line(`publicIp/${String(input("sku.name") ?? "Standard")}`, azure(`publicIp/${String(input("sku.name") ?? "Standard")}`), true);
        case "azure-native:network:VirtualNetworkGateway": {
            const id = `vpnGateway/${String(input("sku.name") ?? "")}`;
            return line(id, azure(id), true, "billed by the hour while it exists, VMs stopped or not");
        }
        case "azure-native:network:BastionHost": {
            const id = `bastion/${String(input("sku.name") ?? "Basic")}`;
            return line(id, azure(id), true, "billed by the hour while it exists");
        }
        case "azure-native:network:NatGateway":
            return line("natGateway", azure("natGateway"), true, "plus $0.045 per GB it carries");
        case "azure-native:dnsresolver:InboundEndpoint":
        case "azure-native:dnsresolver:OutboundEndpoint":
            return line("dnsResolver/endpoint", azure("dnsResolver/endpoint"), true, "billed by the hour while it exists");
        case "azure-native:dnsresolver:DnsForwardingRuleset":
            return line("dnsResolver/ruleset", azure("dnsResolver/ruleset"), true);
        case "azure-native:privatedns:PrivateZone":
            return line("privateDns/zone", azure("privateDns/zone"), true, "plus queries, cents at lab scale");
        case "azure-native:operationalinsights:Workspace":
            return usage("logAnalytics/ingestionGB", azure("logAnalytics/ingestionGB"), LAB_INGESTION_GB_PER_MONTH, `ingestion, about ${LAB_INGESTION_GB_PER_MONTH} GB a month at lab scale`);
        case "aws:kms/key:Key":
            return line("kms/key", aws("kms/key"), true, "$1 a month per key, plus requests");
        case "aws:cloudtrail/trail:Trail":
            return line("cloudtrail/trail", aws("cloudtrail/trail"), true);
        case "aws:lambda/function:Function":
            return line("lambda/run", aws("lambda/run"), true);
        case "aws:cloudwatch/metricAlarm:MetricAlarm":
            return line("cloudwatch/alarm", aws("cloudwatch/alarm"), true);
        case "aws:s3/bucket:Bucket":
            return usage("s3/GB", aws("s3/GB"), LAB_S3_GB, `storage, about ${LAB_S3_GB} GB at lab scale`);
        case "aws:athena/workgroup:Workgroup":
            return line("athena/TB", aws("athena/TB"), true, "$5 per TB a query scans: fractions of a cent at lab scale");
    }
    return { reason: "a resource type the price table does not know; price it in cli/cost/estimate.ts or list it in FREE_TYPES" };
}

export interface Totals {
    running: number;
    stopped: number;
    /** At `hoursPerDay` hours of VMs a day, every day. */
    monthly: number;
}

export function totals(lines: CostLine[], hoursPerDay: number): Totals {
    const running = lines.reduce((sum, l) => sum + l.running, 0);
    const stopped = lines.reduce((sum, l) => sum + l.stopped, 0);
    const days = HOURS_PER_MONTH / 24;
    return { running, stopped, monthly: stopped * HOURS_PER_MONTH + (running - stopped) * hoursPerDay * days };
}
