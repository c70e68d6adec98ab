// byo-forwarders: the post's multi-VNet picture, a Windows DNS forwarder in every VNet.
import * as fs from "node:fs";
import * as path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import type { Plan } from "../../cli/engine/plan";
import { ROOT, input, ofType, one, output, planLab, stackOutput } from "../support";
import { itKeepsTheLabHygiene } from "../hygiene";
import { DNS_LAB } from "./expectations";

const SCRIPT = fs.readFileSync(path.join(ROOT, "stacks", "dns-lab", "scripts", "Configure-DnsForwarder.ps1"), "utf8");
const RUN_COMMAND = "azure-native:compute:VirtualMachineRunCommandByVirtualMachine";

function suffixOf(plan: Plan, vm: string): string {
    return output<string>(one(plan, "azure-native:network:NetworkInterface", `nic-${vm}`), "dnsSettings.internalDomainNameSuffix");
}

/** The forwarder script's parameters, its base64 JSON one decoded. */
function parameters(plan: Plan, vm: string): { Forwarders: string; conditional: Array<{ zone: string; servers: string[] }> } {
    const run = one(plan, RUN_COMMAND, `${vm}-configure-dns-forwarder`);
    const p = Object.fromEntries(input<Array<{ name: string; value: string }>>(run, "parameters").map((x) => [x.name, x.value]));
    expect(Object.keys(p).sort()).toEqual(["ConditionalForwardersBase64", "Forwarders"]);
    expect(p.ConditionalForwardersBase64).toMatch(/^[A-Za-z0-9+/]+=*$/);
    return { Forwarders: p.Forwarders, conditional: JSON.parse(Buffer.from(p.ConditionalForwardersBase64, "base64").toString("utf8")) };
}

function peerings(plan: Plan): string[] {
    return ofType(plan, "azure-native:network:VirtualNetworkPeering").map((p) => `${input<string>(p, "virtualNetworkName")}->${String(input<string>(p, "remoteVirtualNetwork.id").split("/").pop())}`).sort();
}

describe("dns-lab: byo-forwarders, full mesh (default)", () => {
    let plan: Plan;
    beforeAll(async () => {
        plan = await planLab("dns-lab", { dnsPattern: "byo-forwarders" });
    });

    it("makes each VNet hand out its own forwarder as DNS server", () => {
        expect(ofType(plan, "azure-native:network:VirtualNetwork").map((v) => [input(v, "virtualNetworkName"), input(v, "dhcpOptions.dnsServers")]).sort()).toEqual([
            ["vnet1", ["10.101.0.4"]],
            ["vnet2", ["10.102.0.4"]],
        ]);
    });

    it("points each forwarder's own NIC at itself, then Azure DNS (for the minutes before its DNS role runs); clients keep the VNet's setting", () => {
        expect(input(one(plan, "azure-native:network:NetworkInterface", "nic-azuredns"), "dnsSettings")).toEqual({ dnsServers: ["10.101.0.4", "168.63.129.16"] });
        expect(input(one(plan, "azure-native:network:NetworkInterface", "nic-azuredns2"), "dnsSettings")).toEqual({ dnsServers: ["10.102.0.4", "168.63.129.16"] });
        expect(input(one(plan, "azure-native:network:NetworkInterface", "nic-azuredns1"), "dnsSettings")).toBeNull();
    });

    it("peers the VNets both ways, VNet access only, no gateway transit, one peering at a time", () => {
        expect(peerings(plan)).toEqual(["vnet1->vnet2", "vnet2->vnet1"]);
        for (const p of ofType(plan, "azure-native:network:VirtualNetworkPeering")) {
            expect({ access: input(p, "allowVirtualNetworkAccess"), forwarded: input(p, "allowForwardedTraffic"), transit: input(p, "allowGatewayTransit"), remote: input(p, "useRemoteGateways") }).toEqual({
                access: true,
                forwarded: false,
                transit: false,
                remote: false,
            });
        }
        // Each peering updates both VNets: the second waits for the first.
        const [first, second] = ofType(plan, "azure-native:network:VirtualNetworkPeering").sort((a, b) => a.dependencies.length - b.dependencies.length);
        expect(second.dependencies).toContain(first.urn);
    });

    it("runs the forwarder script on each forwarder only, and fails the deployment if it fails", () => {
        const runs = ofType(plan, RUN_COMMAND);
        expect(runs.map((r) => input(r, "vmName")).sort()).toEqual(["azuredns", "azuredns2"]);
        for (const run of runs) {
            expect(input(run, "source.script")).toBe(SCRIPT);
            expect({ sync: input(run, "asyncExecution"), fail: input(run, "treatFailureAsDeploymentFailure") }).toEqual({ sync: false, fail: true });
        }
    });

    it("forwards to Azure DNS and each other VNet's Azure namespace to that VNet's forwarder", () => {
        expect(parameters(plan, "azuredns")).toEqual({ Forwarders: "168.63.129.16", conditional: [{ zone: suffixOf(plan, "azuredns2"), servers: ["10.102.0.4"] }] });
        expect(parameters(plan, "azuredns2")).toEqual({ Forwarders: "168.63.129.16", conditional: [{ zone: suffixOf(plan, "azuredns"), servers: ["10.101.0.4"] }] });
        expect(suffixOf(plan, "azuredns")).toBe(suffixOf(plan, "azuredns1"));
        expect(suffixOf(plan, "azuredns")).not.toBe(suffixOf(plan, "azuredns2"));
    });

    it("configures a forwarder only after the peerings exist", () => {
        const peeringUrns = ofType(plan, "azure-native:network:VirtualNetworkPeering").map((p) => p.urn);
        for (const run of ofType(plan, RUN_COMMAND)) expect(run.dependencies).toEqual(expect.arrayContaining(peeringUrns));
    });

    it("expects every VM to resolve every other VM's Azure-assigned name, across VNets", () => {
        const checks = stackOutput<Array<{ vm: string; name: string; expect: string }>>(plan, "dns-lab.checks");
        expect(checks).toContainEqual({ vm: "azuredns1", name: `azuredns2.${suffixOf(plan, "azuredns2")}`, expect: "10.102.0.4" });
        expect(checks).toContainEqual({ vm: "azuredns2", name: `azuredns1.${suffixOf(plan, "azuredns1")}`, expect: "10.101.0.5" });
        expect(checks).toHaveLength(6);
        expect(stackOutput<Array<{ name: string; role: string }>>(plan, "dns-lab.vms").map((v) => `${v.name}:${v.role}`)).toEqual(["azuredns:dns-forwarder", "azuredns1:client", "azuredns2:dns-forwarder"]);
    });

    itKeepsTheLabHygiene(() => plan, DNS_LAB);
});

describe("dns-lab: byo-forwarders, hub and spoke with three VNets", () => {
    let plan: Plan;
    beforeAll(async () => {
        const vnet = (n: number) => ({ name: `vnet${n}`, addressSpace: `10.10${n}.0.0/16`, subnetPrefix: `10.10${n}.0.0/24`, vms: [{ name: `dns${n}`, ip: `10.10${n}.0.4` }] });
        plan = await planLab("dns-lab", { dnsPattern: "byo-forwarders", dnsPeering: "hub-spoke", dnsVnets: [vnet(1), vnet(2), vnet(3)] });
    });

    it("peers each spoke with the hub only", () => {
        expect(peerings(plan)).toEqual(["vnet1->vnet2", "vnet1->vnet3", "vnet2->vnet1", "vnet3->vnet1"]);
    });

    it("sends spoke-to-spoke lookups through the hub's forwarder, which reaches every spoke", () => {
        const [s1, s2, s3] = [1, 2, 3].map((n) => suffixOf(plan, `dns${n}`));
        expect(parameters(plan, "dns1").conditional).toEqual([
            { zone: s2, servers: ["10.102.0.4"] },
            { zone: s3, servers: ["10.103.0.4"] },
        ]);
        expect(parameters(plan, "dns2").conditional).toEqual([
            { zone: s1, servers: ["10.101.0.4"] },
            { zone: s3, servers: ["10.101.0.4"] },
        ]);
        expect(parameters(plan, "dns3").conditional).toEqual([
            { zone: s1, servers: ["10.101.0.4"] },
            { zone: s2, servers: ["10.101.0.4"] },
        ]);
    });

    it("chains all four peerings, so no two update the hub at once", () => {
        const peerings = ofType(plan, "azure-native:network:VirtualNetworkPeering");
        const urns = new Set(peerings.map((p) => p.urn));
        expect(peerings.map((p) => p.dependencies.filter((d) => urns.has(d)).length).sort()).toEqual([0, 1, 1, 1]);
    });
});

describe("dns-lab: byo-forwarders with a single VNet", () => {
    it("still passes the script a well-formed, empty list of conditional forwarders", async () => {
        const plan = await planLab("dns-lab", { dnsPattern: "byo-forwarders", dnsVnets: [{ name: "vnet1", addressSpace: "10.101.0.0/16", subnetPrefix: "10.101.0.0/24", vms: [{ name: "dns1", ip: "10.101.0.4" }] }] });
        expect(parameters(plan, "dns1")).toEqual({ Forwarders: "168.63.129.16", conditional: [] });
        expect(ofType(plan, "azure-native:network:VirtualNetworkPeering")).toEqual([]);
    });
});
