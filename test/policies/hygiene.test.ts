// Lab hygiene: advisory findings for missing tags and missing auto-shutdown.
import { describe, expect, it } from "vitest";
import { takesTags } from "../../policies/hygiene";
import { type Spec, check, findings, usePack } from "./support";

const pack = usePack();
const tags = { lab: "dns-lab", owner: "o", expires: "2999-01-01" };

describe("required tags", () => {
    it("know which resource types take tags from the SDKs' declarations", () => {
        expect([takesTags("azure-native:network:VirtualNetwork"), takesTags("azure-native:network:VirtualNetworkPeering"), takesTags("aws:s3/bucket:Bucket"), takesTags("aws:iam/rolePolicy:RolePolicy"), takesTags("random:index/randomPassword:RandomPassword")]).toEqual([
            true,
            false,
            true,
            false,
            false,
        ]);
    });

    it("report a taggable resource missing lab, owner or expires, as advisory", async () => {
        const r = await check(pack.host(), [
            { type: "azure-native:network:VirtualNetwork", props: { tags: { lab: "dns-lab" } } },
            { type: "azure-native:network:VirtualNetworkPeering", props: {} },
        ]);
        expect(findings(r, "labs-required-tags")).toEqual(["labs-required-tags[Tags::owner,expires]"]);
        expect(r.violations[0].enforcementLevel).toBe("advisory");
    });

    it("accept AWS tags given once as the provider's defaultTags, as an object or as the JSON text providers carry", async () => {
        const provider: Spec = { type: "pulumi:providers:aws", name: "aws", props: { region: "us-east-1", defaultTags: { tags } } };
        const r = await check(pack.host(), [{ type: "aws:sqs/queue:Queue", props: {}, provider }]);
        expect(findings(r, "labs-required-tags")).toEqual([]);
        const asText: Spec = { type: "pulumi:providers:aws", name: "aws-text", props: { region: "us-east-1", defaultTags: JSON.stringify({ tags }) } };
        expect(findings(await check(pack.host(), [{ type: "aws:sqs/queue:Queue", props: {}, provider: asText }]), "labs-required-tags")).toEqual([]);
        const partial: Spec = { type: "pulumi:providers:aws", name: "aws-partial", props: { region: "us-east-1", defaultTags: JSON.stringify({ tags: { lab: "x" } }) } };
        expect(findings(await check(pack.host(), [{ type: "aws:sqs/queue:Queue", props: {}, provider: partial }]), "labs-required-tags")).toEqual(["labs-required-tags[Tags::owner,expires]"]);
    });

    it("read tags given as a list of name and value (saved searches take them so)", async () => {
        const search = (list: Array<{ name: string; value: string }>): Spec => ({ type: "azure-native:operationalinsights:SavedSearch", props: { category: "c", displayName: "d", query: "q", tags: list } });
        const all = Object.entries(tags).map(([name, value]) => ({ name, value }));
        expect(findings(await check(pack.host(), [search(all)]), "labs-required-tags")).toEqual([]);
        expect(findings(await check(pack.host(), [search(all.slice(0, 1))]), "labs-required-tags")).toEqual(["labs-required-tags[Tags::owner,expires]"]);
    });
});

describe("auto-shutdown", () => {
    const vm = (name: string): Spec => ({ type: "azure-native:compute:VirtualMachine", name, props: { vmName: name, osProfile: { computerName: name, windowsConfiguration: {} }, tags } });
    const schedule = (vmName: string, status = "Enabled"): Spec => ({ type: "azure-native:devtestlab:GlobalSchedule", name: `shutdown-${vmName}`, props: { name: `shutdown-computevm-${vmName}`, status, taskType: "ComputeVmShutdownTask", tags } });

    it("report a Windows VM without a schedule on the VM, and a disabled schedule on the schedule", async () => {
        const r = await check(pack.host(), [vm("dc1"), schedule("dc1"), vm("rms1"), vm("sql1"), schedule("sql1", "Disabled")]);
        expect(r.violations.filter((v) => v.policy === "labs-vm-auto-shutdown").map((v) => [v.resourceName, v.enforcementLevel, v.message])).toEqual([
            ["rms1", "advisory", "labs-vm-auto-shutdown[Schedule::auto-shutdown]: VM rms1 has no enabled auto-shutdown schedule"],
            ["shutdown-sql1", "advisory", "labs-vm-auto-shutdown[Schedule::status]: the auto-shutdown schedule of VM sql1 is Disabled"],
        ]);
    });
});
