// The shared building blocks check their own arguments, whoever calls them.
import * as pulumi from "@pulumi/pulumi";
import { beforeAll, describe, expect, it } from "vitest";
import { ConfigError } from "../../lib/config";
import { freeBlocks, parseCidr } from "../../lib/net";
import { LabNetwork } from "../../lib/network";
import { checkLayout, takesNsg } from "../../lib/network-rules";
import { adminUsernameProblem, windowsComputerNameProblem } from "../../lib/windows-names";
import { WindowsVm } from "../../lib/windows-vm";

beforeAll(async () => {
    await pulumi.runtime.setMocks({ newResource: (a) => ({ id: `${a.name}-id`, state: a.inputs }), call: () => ({}) }, "test", "dev", false);
});

const base = { resourceGroupName: "rg", location: "eastus", tags: {} };

describe("LabNetwork", () => {
    it("refuses a layout Azure would refuse, naming the argument", () => {
        expect(() => new LabNetwork("vnet-a", { ...base, addressSpace: "10.0.0.0/16", subnets: [{ name: "GatewaySubnet", addressPrefix: "10.0.0.0/28" }] })).toThrowError(ConfigError);
        expect(() => new LabNetwork("vnet-b", { ...base, addressSpace: "10.0.0.0/16", subnets: [{ name: "a", addressPrefix: "10.1.0.0/24" }] })).toThrowError(
            "LabNetwork(vnet-b).subnets[0].addressPrefix = \"10.1.0.0/24\": expected a block inside vnet-b's address space 10.0.0.0/16",
        );
    });

    it("finds overlapping subnets and keeps NSGs off service and delegated subnets", () => {
        expect(checkLayout("v", "10.0.0.0/16", [{ name: "a", addressPrefix: "10.0.0.0/24" }, { name: "b", addressPrefix: "10.0.0.128/25" }])).toEqual([
            { subnet: 1, expected: "a block that does not overlap subnet a (10.0.0.0/24)" },
        ]);
        expect([takesNsg("snet-servers"), takesNsg("GatewaySubnet"), takesNsg("AzureBastionSubnet"), takesNsg("snet-in", "Microsoft.Network/dnsResolvers")]).toEqual([true, false, false, false]);
    });
});

describe("WindowsVm", () => {
    it("refuses computer names Windows would refuse and administrator names Azure reserves", () => {
        const vm = (name: string, adminUsername = "labadmin") => () => new WindowsVm(name, { ...base, subnetId: "s", privateIp: "10.0.0.4", image: { publisher: "p", offer: "o", sku: "s", version: "latest" }, adminUsername, adminPassword: pulumi.secret("x") });
        expect(vm("sixteen-chars-xx")).toThrowError(/WindowsVm.name = "sixteen-chars-xx": expected a Windows computer name/);
        expect(vm("ok-name", "Administrator")).toThrowError(/adminUsername = "Administrator": expected a user name Azure accepts/);
        expect([windowsComputerNameProblem("12345"), windowsComputerNameProblem("dc-01"), windowsComputerNameProblem("-dc")]).toEqual([expect.any(String), undefined, expect.any(String)]);
        expect(adminUsernameProblem("lab.admin")).toBeUndefined();
    });
});

describe("address math", () => {
    it("finds the first free blocks around what is taken", () => {
        const space = parseCidr("10.0.0.0/16");
        const taken = [parseCidr("10.0.0.0/24"), parseCidr("10.0.1.16/28")];
        if ("error" in space || taken.some((t) => "error" in t)) throw new Error("bad fixture");
        expect(freeBlocks(space, 28, taken as Exclude<(typeof taken)[number], { error: string }>[], 3).map((b) => b.text)).toEqual(["10.0.1.0/28", "10.0.1.32/28", "10.0.1.48/28"]);
    });
});
