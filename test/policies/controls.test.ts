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

    it("treats a value not known until the update as not applicable", async () => {
        const r = await check(pack.host(), [
            { type: "aws:cfg/recorderStatus:RecorderStatus", props: { name: "default", isEnabled: UNKNOWN } },
            { type: "azure-native:storage:StorageAccount", props: { resourceGroupName: "rg", enableHttpsTrafficOnly: UNKNOWN, allowBlobPublicAccess: UNKNOWN } },
        ]);
        expect([...findings(r, "config-recorder-enabled"), ...findings(r, "storage-account-secure-access")]).toEqual([]);
    });
});
