// The clouds as the engine imitates them: id formats, auto-names and the computed outputs
// programs read back. A program that works here and fails in Azure because of a fake id
// format is a bug, so the formats are spelled out.
import { describe, expect, it } from "vitest";
import { CloudSimulator } from "../../cli/engine/mocks";

const SUB = "11111111-2222-4333-8444-555555555555";
const RG = `/subscriptions/${SUB}/resourceGroups/rg`;

function cloud() {
    return new CloudSimulator({ "azure-native:subscriptionId": SUB, "aws:region": "eu-west-1" }, "test");
}

describe("Azure (azure-native)", () => {
    it("builds ARM ids from the resource's path segments", () => {
        const c = cloud();
        expect(c.newResource("azure-native:resources:ResourceGroup", "rg", "u0", { resourceGroupName: "rg" }).id).toBe(RG);
        expect(c.newResource("azure-native:network:VirtualNetwork", "v", "u1", { resourceGroupName: "rg", virtualNetworkName: "vnet1" }).id).toBe(`${RG}/providers/Microsoft.Network/virtualNetworks/vnet1`);
        expect(c.newResource("azure-native:network:Subnet", "s", "u2", { resourceGroupName: "rg", virtualNetworkName: "vnet1", subnetName: "a" }).id).toBe(
            `${RG}/providers/Microsoft.Network/virtualNetworks/vnet1/subnets/a`,
        );
        expect(c.newResource("azure-native:privatedns:PrivateRecordSet", "r", "u3", { resourceGroupName: "rg", privateZoneName: "z.internal", recordType: "CNAME", relativeRecordSetName: "www" }).id).toBe(
            `${RG}/providers/Microsoft.Network/privateDnsZones/z.internal/CNAME/www`,
        );
        expect(c.newResource("azure-native:authorization:RoleAssignment", "ra", "u4", { scope: `${RG}/providers/Microsoft.Insights/dataCollectionRules/dcr`, roleAssignmentName: "g" }).id).toBe(
            `${RG}/providers/Microsoft.Insights/dataCollectionRules/dcr/providers/Microsoft.Authorization/roleAssignments/g`,
        );
        expect(c.newResource("azure-native:devtestlab:GlobalSchedule", "s", "u5", { resourceGroupName: "rg", name: "shutdown-computevm-vm1" }).id).toBe(
            `${RG}/providers/Microsoft.DevTestLab/schedules/shutdown-computevm-vm1`,
        );
    });

    it("auto-names like azure-native: the logical name and eight hex characters", () => {
        const r = cloud().newResource("azure-native:network:NetworkSecurityGroup", "nsg", "urn:x", { resourceGroupName: "rg" });
        expect(r.computed.name).toMatch(/^nsg[0-9a-f]{8}$/);
        expect(r.id).toBe(`${RG}/providers/Microsoft.Network/networkSecurityGroups/${String(r.computed.name)}`);
    });

    it("gives inline subnets ids, NICs their static or next free address, and one DNS namespace per VNet", () => {
        const c = cloud();
        const vnet = (name: string) =>
            c.newResource("azure-native:network:VirtualNetwork", name, `u-${name}`, { resourceGroupName: "rg", virtualNetworkName: name, subnets: [{ name: "a", addressPrefix: "10.1.0.0/24" }] });
        const subnetId = (vnet("vnet1").computed.subnets as Array<{ id: string }>)[0].id;
        const otherSubnetId = (vnet("vnet2").computed.subnets as Array<{ id: string }>)[0].id;
        expect(subnetId).toBe(`${RG}/providers/Microsoft.Network/virtualNetworks/vnet1/subnets/a`);
        const nic = (n: string, subnet: string, ip?: string) =>
            c.newResource("azure-native:network:NetworkInterface", n, `u-${n}`, {
                resourceGroupName: "rg",
                location: "eastus",
                ipConfigurations: [{ name: "ip", subnet: { id: subnet }, privateIPAddress: ip, privateIPAllocationMethod: ip ? "Static" : "Dynamic" }],
            }).computed as { ipConfigurations: Array<{ privateIPAddress: string }>; dnsSettings: { internalDomainNameSuffix: string } };
        const a = nic("a", subnetId, "10.1.0.4");
        const b = nic("b", subnetId);
        const c2 = nic("c", subnetId);
        const other = nic("d", otherSubnetId);
        expect([a, b, c2].map((n) => n.ipConfigurations[0].privateIPAddress)).toEqual(["10.1.0.4", "10.1.0.5", "10.1.0.6"]);
        expect(a.dnsSettings.internalDomainNameSuffix).toMatch(/^[a-z0-9]{26}\.[a-z]{2}\.internal\.cloudapp\.net$/);
        expect(b.dnsSettings.internalDomainNameSuffix).toBe(a.dnsSettings.internalDomainNameSuffix);
        expect(other.dnsSettings.internalDomainNameSuffix).not.toBe(a.dnsSettings.internalDomainNameSuffix);
    });

    it("computes what labs read back: vault URIs, DCR immutable ids, DCE ingestion endpoints, workspace ids", () => {
        const c = cloud();
        expect(c.newResource("azure-native:keyvault:Vault", "kv", "u", { resourceGroupName: "rg", vaultName: "kv-lab" }).computed.properties).toMatchObject({ vaultUri: "https://kv-lab.vault.azure.net/" });
        expect(c.newResource("azure-native:monitor:DataCollectionRule", "dcr", "u", { resourceGroupName: "rg" }).computed.immutableId).toMatch(/^dcr-[0-9a-f]{32}$/);
        expect((c.newResource("azure-native:monitor:DataCollectionEndpoint", "dce", "u", { resourceGroupName: "rg", dataCollectionEndpointName: "dce-lab", location: "eastus" }).computed.logsIngestion as { endpoint: string }).endpoint).toMatch(
            /^https:\/\/dce-lab-[a-z0-9]{4}\.eastus-1\.ingest\.monitor\.azure\.com$/,
        );
        expect(c.newResource("azure-native:operationalinsights:Workspace", "log", "u", { resourceGroupName: "rg" }).computed.customerId).toMatch(/^[0-9a-f-]{36}$/);
    });

    it("never returns a VM's admin password", () => {
        expect(cloud().newResource("azure-native:compute:VirtualMachine", "vm", "u", { resourceGroupName: "rg", vmName: "vm1", osProfile: { adminPassword: "x" } }).dropped).toContain("osProfile.adminPassword");
    });
});

describe("AWS", () => {
    it("names a resource from its namePrefix or bucketPrefix as the provider does, and refuses a bucket prefix over 37 characters", () => {
        const c = cloud();
        const bucket = String(c.newResource("aws:s3/bucket:Bucket", "trail", "u-b", { bucketPrefix: "labs-trail-dev-" }).computed.bucket);
        expect(bucket).toMatch(/^labs-trail-dev-[0-9]{18}[0-9a-f]{8}$/);
        expect(String(c.newResource("aws:iam/role:Role", "r", "u-r", { namePrefix: "fn-" }).computed.name)).toMatch(/^fn-[0-9]{18}[0-9a-f]{8}$/);
        expect(() => c.newResource("aws:s3/bucket:Bucket", "long", "u-l", { bucketPrefix: "labs-trail-a-stack-name-that-is-too-long-" })).toThrowError(/expected length of bucket_prefix to be in the range \(0 - 37\)/);
    });

    it("builds ARNs with the account, and the region where the service has one", () => {
        const c = cloud();
        expect(c.newResource("aws:iam/role:Role", "fn-role", "u1", { name: "fn-role" }).computed.arn).toBe("arn:aws:iam::123456789012:role/fn-role");
        expect(c.newResource("aws:lambda/function:Function", "fn", "u2", { name: "collector" }).computed.arn).toBe("arn:aws:lambda:eu-west-1:123456789012:function:collector");
        expect(c.newResource("aws:sqs/queue:Queue", "q", "u3", { name: "dlq" }, { region: "us-west-2" }).computed.arn).toBe("arn:aws:sqs:us-west-2:123456789012:dlq");
        const key = c.newResource("aws:kms/key:Key", "key", "u4", {});
        expect(key.computed.arn).toBe(`arn:aws:kms:eu-west-1:123456789012:key/${key.id}`);
    });

    it("auto-names like Pulumi: name-<7 hex>, lower case for buckets", () => {
        const bucket = cloud().newResource("aws:s3/bucket:Bucket", "TrailLogs", "u", {});
        expect(bucket.computed.bucket).toMatch(/^traillogs-[0-9a-f]{7}$/);
        expect(bucket.computed.arn).toBe(`arn:aws:s3:::${String(bucket.computed.bucket)}`);
    });
});

describe("functions and generated values", () => {
    it("answers the identity calls and refuses unknown functions by name", () => {
        const c = cloud();
        expect(c.call("azure-native:authorization:getClientConfig", {})).toMatchObject({ subscriptionId: SUB });
        expect(c.call("aws:index/getCallerIdentity:getCallerIdentity", {})).toMatchObject({ accountId: "123456789012" });
        expect(() => c.call("aws:ec2/getAmi:getAmi", {})).toThrowError(/no answer for the function aws:ec2\/getAmi:getAmi.*cli\/engine\/mocks\/aws.ts/);
    });

    it("generates passwords that meet the requested length and character classes, the same on every run", () => {
        const args = { length: 24, minUpper: 2, minLower: 2, minNumeric: 2, minSpecial: 2, overrideSpecial: "!#" };
        const first = String(cloud().newResource("random:index/randomPassword:RandomPassword", "pw", "urn:pw", args).computed.result);
        expect(first).toHaveLength(24);
        expect(first.replace(/[^!#]/g, "").length).toBeGreaterThanOrEqual(2);
        expect(first).toMatch(/^[A-Za-z0-9!#]+$/);
        expect(String(cloud().newResource("random:index/randomPassword:RandomPassword", "pw", "urn:pw", args).computed.result)).toBe(first);
    });
});
