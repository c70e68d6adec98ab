// What the plan must hold for `pulumi up` to succeed and the lab to work afterwards, for
// settings whose effect is in the resources rather than in a refusal.
import { describe, expect, it } from "vitest";
import { estimate } from "../../cli/cost/estimate";
import { loadPrices } from "../../cli/cost/price-table";
import type { Plan } from "../../cli/engine/plan";
import { input, ofType, one, output, planLab, planProject, stackOutput } from "../support";

describe("VPN gateway generation follows the SKU", () => {
    it.each([
        ["VpnGw1AZ", "Generation1"],
        ["VpnGw2AZ", "Generation2"],
        ["VpnGw4AZ", "Generation2"],
        ["VpnGw5AZ", "Generation2"],
    ])("%s is created as %s", async (sku, generation) => {
        const plan = await planLab("rms-lab", { rmsVpnSku: sku });
        for (const gw of ofType(plan, "azure-native:network:VirtualNetworkGateway")) expect({ sku: input(gw, "sku.name"), generation: input(gw, "vpnGatewayGeneration") }).toEqual({ sku, generation });
    });
});

describe("outbound access for the DNS lab", () => {
    it("gives each VNet a NAT gateway by default, which labs cost prices", async () => {
        const plan = await planLab("dns-lab", { dnsPattern: "private-zones" });
        const nats = ofType(plan, "azure-native:network:NatGateway");
        expect(nats.map((n) => n.name).sort()).toEqual(["ng-dns-vnet1", "ng-dns-vnet2"]);
        const priced = estimate(plan.resources, loadPrices()).lines.filter((l) => l.type === "azure-native:network:NatGateway");
        expect(priced).toHaveLength(2);
        expect(priced.every((l) => l.running > 0 && l.stopped === l.running)).toBe(true);
    });

    it("has none with dnsOutboundInternet false", async () => {
        const plan = await planLab("dns-lab", { dnsOutboundInternet: false });
        expect(ofType(plan, "azure-native:network:NatGateway")).toEqual([]);
        expect(ofType(plan, "azure-native:network:PublicIPAddress")).toEqual([]);
    });

    it("makes the NAT gateway's IP zone-redundant only where the region has zones", async () => {
        const zonal = await planLab("dns-lab", { location: "eastus" });
        expect(input(one(zonal, "azure-native:network:PublicIPAddress", "pip-ng-dns-vnet1"), "zones")).toEqual(["1", "2", "3"]);
        const plain = await planLab("dns-lab", { location: "westus" });
        expect(input(one(plain, "azure-native:network:PublicIPAddress", "pip-ng-dns-vnet1"), "zones")).toBeNull();
    });
});

describe("auto-shutdown in the outputs", () => {
    it("says when the VMs stop, when they next will, and how to start them", async () => {
        const plan = await planLab("dns-lab", { autoShutdownTime: "1830", autoShutdownTimeZone: "W. Europe Standard Time" });
        const shutdown = stackOutput<{ daily: string; nextStopUtc: string; startAgain: string[] }>(plan, "dns-lab.autoShutdown");
        expect(shutdown.daily).toBe("18:30 W. Europe Standard Time");
        // 18:30 in Berlin is 17:30 UTC in winter, 16:30 in summer.
        expect(shutdown.nextStopUtc).toMatch(/^\d{4}-\d{2}-\d{2}T1[67]:30Z$/);
        expect(Date.parse(shutdown.nextStopUtc) - Date.now()).toBeLessThanOrEqual(24 * 3600_000);
        expect(shutdown.startAgain).toEqual(["az vm start --resource-group rg-dns-lab-dev --name azuredns", "az vm start --resource-group rg-dns-lab-dev --name azuredns1"]);
    });

    it("says it is off when it is", async () => {
        const plan = await planLab("dns-lab", { autoShutdown: false });
        expect(stackOutput<string>(plan, "dns-lab.autoShutdown")).toMatch(/^off \(autoShutdown is false\)/);
        expect(ofType(plan, "azure-native:devtestlab:GlobalSchedule")).toEqual([]);
    });
});

describe("the Entra log export's key", () => {
    it("always lets the identity running pulumi up use it, beside the named users", async () => {
        const plan = await planLab("collector", { collectorEntraLogsEnabled: true, collectorKeyUsers: ["arn:aws:iam::123456789012:role/Admin"] });
        const policy = JSON.parse(output<string>(one(plan, "aws:kms/key:Key", "entra-logs"), "policy")) as { Statement: Array<{ Sid: string; Principal: { AWS: string | string[] } }> };
        const people = policy.Statement.find((s) => s.Sid === "PeoplePutSecretsAndReadLogs")!;
        const principals = ([] as string[]).concat(people.Principal.AWS);
        expect(principals).toContain("arn:aws:iam::123456789012:role/Admin");
        expect(principals).toHaveLength(2);
        expect(principals.find((p) => p !== "arn:aws:iam::123456789012:role/Admin")).toMatch(/^arn:aws:iam::\d{12}:(role|user)\//);
    });
});

describe("no drift right after pulumi up: the labs send what ARM returns", () => {
    let plan: Plan;
    it("plans every lab", async () => {
        plan = await planProject({ rmsBastion: true });
        expect(plan.resources.length).toBeGreaterThan(100);
    });

    it.each([
        ["azure-native:operationalinsights:Table", "schema"],
        ["azure-native:applicationinsights:Workbook", "sourceId"],
        ["azure-native:network:PublicIPAddress", "zones"],
    ])("%s %s as sent equals what the imitation of ARM returns", (type, property) => {
        const resources = ofType(plan, type);
        expect(resources.length).toBeGreaterThan(0);
        for (const r of resources) expect({ r: r.name, sent: input(r, property) }).toEqual({ r: r.name, sent: output(r, property) });
    });

    it("sends table columns in ARM's casing and the stream declaration in the DCR's", () => {
        const table = one(plan, "azure-native:operationalinsights:Table", "AWS_Access_Key_Report_CL");
        expect(input<Array<{ type: string }>>(table, "schema.columns").map((c) => c.type)).toContain("dateTime");
        const rule = ofType(plan, "azure-native:monitor:DataCollectionRule")[0];
        const streams = input<Record<string, { columns: Array<{ type: string }> }>>(rule, "streamDeclarations");
        expect(Object.values(streams)[0].columns.map((c) => c.type)).toContain("datetime");
    });
});
