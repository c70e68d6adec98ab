// Controls switched off, added in the second generation: for each, the compliant baseline (or the
// service's default) passes and turning the one setting off fails.
import { describe, expect, it } from "vitest";
import { type Spec, UNKNOWN, check, findings, usePack } from "./support";

const pack = usePack();

describe("controls switched off", () => {
    it.each([
        ["cloudtrail-logging-enabled", "aws:cloudtrail/trail:Trail", { s3BucketName: "b" }, { includeGlobalServiceEvents: false }, "Property::includeGlobalServiceEvents"],
        ["cloudtrail-logging-enabled", "aws:cloudtrail/trail:Trail", { s3BucketName: "b", eventSelectors: [{ readWriteType: "All", includeManagementEvents: true }] }, { eventSelectors: [{ readWriteType: "All", includeManagementEvents: false }] }, "Property::eventSelectors"],
        ["config-recorder-enabled", "aws:cfg/recorderStatus:RecorderStatus", { name: "default", isEnabled: true }, { isEnabled: false }, "Property::isEnabled"],
        ["s3-versioning-not-suspended", "aws:s3/bucketVersioning:BucketVersioning", { bucket: "b", versioningConfiguration: { status: "Enabled" } }, { versioningConfiguration: { status: "Suspended" } }, "Property::status"],
        ["storage-account-secure-access", "azure-native:storage:StorageAccount", { resourceGroupName: "rg", minimumTlsVersion: "TLS1_2" }, { enableHttpsTrafficOnly: false }, "Property::enableHttpsTrafficOnly"],
        ["storage-account-secure-access", "azure-native:storage:StorageAccount", { resourceGroupName: "rg" }, { allowBlobPublicAccess: true }, "Property::allowBlobPublicAccess"],
        ["storage-account-secure-access", "azure-native:storage:StorageAccount", { resourceGroupName: "rg" }, { minimumTlsVersion: "TLS1_0" }, "Property::minimumTlsVersion"],
        ["nsg-flow-log-enabled", "azure-native:network:FlowLog", { resourceGroupName: "rg", networkWatcherName: "nw", enabled: true }, { enabled: false }, "Property::enabled"],
        ["vm-linux-no-password-auth", "azure-native:compute:VirtualMachine", { resourceGroupName: "rg", osProfile: { linuxConfiguration: { disablePasswordAuthentication: true } } }, { osProfile: { linuxConfiguration: { disablePasswordAuthentication: false } } }, "Property::disablePasswordAuthentication"],
        ["web-app-https-only", "azure-native:web:WebApp", { resourceGroupName: "rg", httpsOnly: true, siteConfig: { minTlsVersion: "1.2" } }, { httpsOnly: false }, "Property::httpsOnly"],
        ["web-app-https-only", "azure-native:web:WebApp", { resourceGroupName: "rg", httpsOnly: true }, { siteConfig: { minTlsVersion: "1.0" } }, "Property::minTlsVersion"],
    ])("%s: the baseline passes, %s switched off fails", async (policy, type, baseline, off, finding) => {
        const spec = (props: Record<string, unknown>): Spec => ({ type, props });
        expect(findings(await check(pack.host(), [spec(baseline)]), policy)).toEqual([]);
        expect(findings(await check(pack.host(), [spec({ ...baseline, ...off })]), policy)).toEqual([`${policy}[${finding}]`]);
    });

    it.each([
        ["ec2-imdsv2-required", "aws:ec2/instance:Instance", { ami: "ami-1", instanceType: "t3.micro", metadataOptions: { httpTokens: "required" } }, { metadataOptions: { httpTokens: "optional" } }, "Property::httpTokens"],
        ["ec2-imdsv2-required", "aws:ec2/launchTemplate:LaunchTemplate", { metadataOptions: { httpTokens: "optional", httpEndpoint: "disabled" } }, { metadataOptions: { httpTokens: "optional", httpEndpoint: "enabled" } }, "Property::httpTokens"],
        ["storage-encryption-not-off", "aws:ebs/volume:Volume", { availabilityZone: "us-east-1a", size: 8, encrypted: true }, { encrypted: false }, "Property::encrypted"],
        ["storage-encryption-not-off", "aws:rds/instance:Instance", { instanceClass: "db.t4g.micro", storageEncrypted: true }, { publiclyAccessible: true }, "Property::publiclyAccessible"],
    ])("%s on %s: the baseline passes, one setting off fails", async (policy, type, baseline, off, finding) => {
        expect(findings(await check(pack.host(), [{ type, props: baseline }]), policy)).toEqual([]);
        expect(findings(await check(pack.host(), [{ type, props: { ...baseline, ...off } }]), policy)).toEqual([`${policy}[${finding}]`]);
    });

    it("treats a value not known until the update as not applicable", async () => {
        const r = await check(pack.host(), [
            { type: "aws:cfg/recorderStatus:RecorderStatus", props: { name: "default", isEnabled: UNKNOWN } },
            { type: "azure-native:storage:StorageAccount", props: { resourceGroupName: "rg", enableHttpsTrafficOnly: UNKNOWN, allowBlobPublicAccess: UNKNOWN } },
        ]);
        expect([...findings(r, "config-recorder-enabled"), ...findings(r, "storage-account-secure-access")]).toEqual([]);
    });
});

describe("AWS security groups", () => {
    const group = (...ingress: Record<string, unknown>[]): Spec => ({ type: "aws:ec2/securityGroup:SecurityGroup", props: { vpcId: "vpc-1", ingress } });

    it("pass a baseline: HTTPS from anywhere, SSH from a private range", async () => {
        const r = await check(pack.host(), [group({ protocol: "tcp", fromPort: 443, toPort: 443, cidrBlocks: ["0.0.0.0/0"] }, { protocol: "tcp", fromPort: 22, toPort: 22, cidrBlocks: ["10.0.0.0/8"] })]);
        expect([...findings(r, "sg-no-internet-management-ports"), ...findings(r, "sg-no-internet-all-ports")]).toEqual([]);
    });

    it.each([
        ["SSH from 0.0.0.0/0", [group({ protocol: "tcp", fromPort: 22, toPort: 22, cidrBlocks: ["0.0.0.0/0"] })], "sg-no-internet-management-ports", "Rule::ingress #1"],
        ["RDP inside a range from ::/0", [group({ protocol: "6", fromPort: 3000, toPort: 4000, ipv6CidrBlocks: ["::/0"] })], "sg-no-internet-management-ports", "Rule::ingress #1"],
        ["a standalone ingress rule for WinRM", [{ type: "aws:ec2/securityGroupRule:SecurityGroupRule", props: { type: "ingress", securityGroupId: "sg-1", protocol: "tcp", fromPort: 5985, toPort: 5986, cidrBlocks: ["0.0.0.0/0"] } }], "sg-no-internet-management-ports", "Rule::rule"],
        ["every protocol from anywhere", [group({ protocol: "-1", fromPort: 0, toPort: 0, cidrBlocks: ["0.0.0.0/0"] })], "sg-no-internet-all-ports", "Rule::ingress #1"],
        ["a vpc ingress rule for all traffic", [{ type: "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", props: { securityGroupId: "sg-1", ipProtocol: "-1", cidrIpv4: "0.0.0.0/0" } }], "sg-no-internet-all-ports", "Rule::rule"],
    ])("refuse %s", async (_case, specs, policy, finding) => {
        expect(findings(await check(pack.host(), specs as Spec[]), policy)).toEqual([`${policy}[${finding}]`]);
    });

    it("leave egress rules alone", async () => {
        const egress: Spec = { type: "aws:ec2/securityGroupRule:SecurityGroupRule", props: { type: "egress", securityGroupId: "sg-1", protocol: "-1", fromPort: 0, toPort: 0, cidrBlocks: ["0.0.0.0/0"] } };
        expect(findings(await check(pack.host(), [egress]), "sg-no-internet-all-ports")).toEqual([]);
    });
});
