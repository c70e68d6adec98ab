// A program of `count` azure-native resources, for the engine's scale benchmark: one resource
// group, then network security groups with a few rules each (the shape of the labs' own NSGs),
// every fourth one depending on the group's output.
import * as network from "@pulumi/azure-native/network";
import * as resources from "@pulumi/azure-native/resources";
import * as pulumi from "@pulumi/pulumi";

const count = new pulumi.Config().requireNumber("count");
const group = new resources.ResourceGroup("scale", { location: "eastus", tags: { lab: "scale", owner: "bench", expires: "2026-12-31" } });
for (let i = 1; i < count; i++) {
    new network.NetworkSecurityGroup(`nsg-${i}`, {
        resourceGroupName: group.name,
        location: "eastus",
        tags: { lab: "scale", owner: "bench", expires: "2026-12-31" },
        securityRules: [
            { name: "rdp", priority: 100, direction: "Inbound", access: "Allow", protocol: "Tcp", sourceAddressPrefix: "10.0.0.0/8", sourcePortRange: "*", destinationAddressPrefix: "*", destinationPortRange: "3389" },
            { name: "deny-all", priority: 4096, direction: "Inbound", access: "Deny", protocol: "*", sourceAddressPrefix: "*", sourcePortRange: "*", destinationAddressPrefix: "*", destinationPortRange: "*" },
        ],
    }, i % 4 === 0 ? { dependsOn: [group] } : undefined);
}
