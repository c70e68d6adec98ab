// azure-provided: the post's single-VNet example, exactly.
import { beforeAll, describe, expect, it } from "vitest";
import type { Plan } from "../../cli/engine/plan";
import { input, ofType, one, output, planLab, stackOutput } from "../support";
import { itKeepsTheLabHygiene } from "../hygiene";
import { DNS_LAB } from "./expectations";

describe("dns-lab: azure-provided", () => {
    let plan: Plan;
    beforeAll(async () => {
        plan = await planLab("dns-lab", { dnsPattern: "azure-provided" });
    });

    it("builds vnet1 10.101.0.0/16 with one subnet 10.101.0.0/24, on Azure-provided DNS", () => {
        const [vnet] = ofType(plan, "azure-native:network:VirtualNetwork");
        expect(ofType(plan, "azure-native:network:VirtualNetwork")).toHaveLength(1);
        expect(input(vnet, "virtualNetworkName")).toBe("vnet1");
        expect(input(vnet, "addressSpace")).toEqual({ addressPrefixes: ["10.101.0.0/16"] });
        expect(input<Array<{ name: string; addressPrefix: string }>>(vnet, "subnets").map((s) => [s.name, s.addressPrefix])).toEqual([["snet-servers", "10.101.0.0/24"]]);
        expect(input(vnet, "dhcpOptions.dnsServers")).toEqual([]);
    });

    it("puts azuredns at 10.101.0.4 and azuredns1 at 10.101.0.5, static, in that subnet", () => {
        const vnet = one(plan, "azure-native:network:VirtualNetwork", "vnet1");
        const subnetId = output<Array<{ id: string }>>(vnet, "subnets")[0].id;
        const nics = ["azuredns", "azuredns1"].map((vm) => one(plan, "azure-native:network:NetworkInterface", `nic-${vm}`));
        expect(nics.map((n) => input(n, "ipConfigurations[0]"))).toEqual([
            { name: "ipconfig1", subnet: { id: subnetId }, privateIPAllocationMethod: "Static", privateIPAddress: "10.101.0.4" },
            { name: "ipconfig1", subnet: { id: subnetId }, privateIPAllocationMethod: "Static", privateIPAddress: "10.101.0.5" },
        ]);
        expect(nics.map((n) => input(n, "dnsSettings"))).toEqual([null, null]);
        expect(ofType(plan, "azure-native:compute:VirtualMachine").map((vm) => input<string>(vm, "osProfile.computerName")).sort()).toEqual(["azuredns", "azuredns1"]);
    });

    it("builds nothing of the other patterns", () => {
        for (const type of ["azure-native:network:VirtualNetworkPeering", "azure-native:privatedns:PrivateZone", "azure-native:dnsresolver:DnsResolver", "azure-native:compute:VirtualMachineRunCommandByVirtualMachine"]) {
            expect(ofType(plan, type)).toEqual([]);
        }
    });

    it("outputs each VM's address, its name in the VNet's Azure namespace, and how to reach it", () => {
        const vms = stackOutput<Array<{ name: string; privateIp: string; fqdn: string; connect: { runCommand: string } }>>(plan, "dns-lab.vms");
        const suffix = output<string>(one(plan, "azure-native:network:NetworkInterface", "nic-azuredns"), "dnsSettings.internalDomainNameSuffix");
        expect(vms.map((v) => [v.name, v.privateIp, v.fqdn])).toEqual([
            ["azuredns", "10.101.0.4", `azuredns.${suffix}`],
            ["azuredns1", "10.101.0.5", `azuredns1.${suffix}`],
        ]);
        expect(vms[0].connect.runCommand).toBe(`az vm run-command invoke --resource-group rg-dns-lab-dev --name azuredns --command-id RunPowerShellScript --scripts "Resolve-DnsName azuredns1.${suffix}"`);
    });

    it("expects each VM to resolve the other inside the VNet", () => {
        const suffix = output<string>(one(plan, "azure-native:network:NetworkInterface", "nic-azuredns"), "dnsSettings.internalDomainNameSuffix");
        expect(stackOutput(plan, "dns-lab.checks")).toEqual([
            { vm: "azuredns", name: `azuredns1.${suffix}`, expect: "10.101.0.5" },
            { vm: "azuredns1", name: `azuredns.${suffix}`, expect: "10.101.0.4" },
        ]);
    });

    itKeepsTheLabHygiene(() => plan, DNS_LAB);
});
