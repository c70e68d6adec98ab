// private-zones: one Azure Private DNS zone linked to every VNet.
import { beforeAll, describe, expect, it } from "vitest";
import type { Plan } from "../../cli/engine/plan";
import { input, ofType, one, planLab, stackOutput } from "../support";
import { itKeepsTheLabHygiene } from "../hygiene";
import { DNS_LAB } from "./expectations";

describe("dns-lab: private-zones", () => {
    let plan: Plan;
    beforeAll(async () => {
        plan = await planLab("dns-lab", {
            dnsPattern: "private-zones",
            dnsZoneName: "corp.internal",
            dnsZoneRegistrationVnets: ["vnet1"],
            dnsZoneRecords: [
                { name: "app", type: "A", values: ["10.101.0.50"] },
                { name: "www", type: "CNAME", values: ["app.corp.internal"], ttl: 60 },
            ],
        });
    });

    it("creates the zone from config, global", () => {
        const zone = one(plan, "azure-native:privatedns:PrivateZone", "corp.internal");
        expect([input(zone, "privateZoneName"), input(zone, "location")]).toEqual(["corp.internal", "Global"]);
    });

    it("links every VNet; only the configured ones register their VMs", () => {
        const links = ofType(plan, "azure-native:privatedns:VirtualNetworkLink")
            .sort((a, b) => a.name.localeCompare(b.name))
            .map((l) => [String(input<string>(l, "virtualNetwork.id").split("/").pop()), input(l, "registrationEnabled"), input(l, "privateZoneName")]);
        expect(links).toEqual([
            ["vnet1", true, "corp.internal"],
            ["vnet2", false, "corp.internal"],
        ]);
    });

    it("adds the configured records", () => {
        const records = ofType(plan, "azure-native:privatedns:PrivateRecordSet")
            .sort((a, b) => a.name.localeCompare(b.name))
            .map((r) => ({
            name: input(r, "relativeRecordSetName"),
            type: input(r, "recordType"),
            ttl: input(r, "ttl"),
            a: input(r, "aRecords"),
            cname: input(r, "cnameRecord"),
        }));
        expect(records).toEqual([
            { name: "app", type: "A", ttl: 300, a: [{ ipv4Address: "10.101.0.50" }], cname: null },
            { name: "www", type: "CNAME", ttl: 60, a: null, cname: { cname: "app.corp.internal" } },
        ]);
    });

    it("keeps every VNet on Azure-provided DNS, which answers for linked zones", () => {
        for (const vnet of ofType(plan, "azure-native:network:VirtualNetwork")) expect(input(vnet, "dhcpOptions.dnsServers")).toEqual([]);
        expect(ofType(plan, "azure-native:compute:VirtualMachineRunCommandByVirtualMachine")).toEqual([]);
    });

    it("names registered VMs in the zone and expects every VM to resolve them and the A records", () => {
        const vms = stackOutput<Array<{ name: string; fqdn: string }>>(plan, "dns-lab.vms");
        expect(vms.map((v) => v.fqdn.replace(/\.[a-z0-9]{26}\..*$/, ".<namespace>"))).toEqual(["azuredns.corp.internal", "azuredns1.corp.internal", "azuredns2.<namespace>"]);
        const checks = stackOutput<Array<{ vm: string; name: string; expect: string }>>(plan, "dns-lab.checks");
        expect(checks).toContainEqual({ vm: "azuredns2", name: "azuredns.corp.internal", expect: "10.101.0.4" });
        expect(checks).toContainEqual({ vm: "azuredns2", name: "app.corp.internal", expect: "10.101.0.50" });
        expect(checks.filter((c) => c.name.startsWith("azuredns2."))).toEqual([]);
    });

    itKeepsTheLabHygiene(() => plan, DNS_LAB);
});
