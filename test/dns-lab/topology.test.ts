import { describe, expect, it } from "vitest";
import { conditionalForwarders, peeringPairs } from "../../stacks/dns-lab/topology";

describe("peering pairs", () => {
    it("mesh peers every pair both ways", () => {
        expect(peeringPairs(["a", "b", "c"], "mesh")).toEqual([
            ["a", "b"],
            ["b", "a"],
            ["a", "c"],
            ["c", "a"],
            ["b", "c"],
            ["c", "b"],
        ]);
    });

    it("hub-spoke peers the first VNet with each other one", () => {
        expect(peeringPairs(["hub", "s1", "s2"], "hub-spoke")).toEqual([
            ["hub", "s1"],
            ["s1", "hub"],
            ["hub", "s2"],
            ["s2", "hub"],
        ]);
    });

    it("none peers nothing, and one VNet has nothing to peer", () => {
        expect(peeringPairs(["a", "b"], "none")).toEqual([]);
        expect(peeringPairs(["a"], "mesh")).toEqual([]);
    });
});

describe("conditional forwarders", () => {
    const forwarders = [
        { vnet: "hub", ip: "10.0.0.4" },
        { vnet: "s1", ip: "10.1.0.4" },
        { vnet: "s2", ip: "10.2.0.4" },
    ];

    it("in a mesh, go straight to the forwarder of the VNet that owns the namespace", () => {
        expect(conditionalForwarders(forwarders, "mesh").get("s1")).toEqual([
            { namespaceOf: "hub", via: "10.0.0.4" },
            { namespaceOf: "s2", via: "10.2.0.4" },
        ]);
    });

    it("in hub-and-spoke, go from spoke to spoke through the hub's forwarder", () => {
        const plan = conditionalForwarders(forwarders, "hub-spoke");
        expect(plan.get("s1")).toEqual([
            { namespaceOf: "hub", via: "10.0.0.4" },
            { namespaceOf: "s2", via: "10.0.0.4" },
        ]);
        expect(plan.get("hub")).toEqual([
            { namespaceOf: "s1", via: "10.1.0.4" },
            { namespaceOf: "s2", via: "10.2.0.4" },
        ]);
    });
});
