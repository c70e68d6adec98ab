// NSG rules: a compliant baseline, then one change per failing case, including what other
// scanners miss (0.0.0.0/0 written out, the second rule being the bad one, lists of sources).
import { describe, expect, it } from "vitest";
import { isInternetSource, parsePorts } from "../../policies/nsg/engine";
import { UNKNOWN, check, findings, usePack } from "./support";

const NSG = "azure-native:network:NetworkSecurityGroup";
const rule = (over: Record<string, unknown>) => ({ name: "r", direction: "Inbound", access: "Allow", protocol: "Tcp", sourceAddressPrefix: "10.0.0.0/8", sourcePortRange: "*", destinationAddressPrefix: "*", destinationPortRange: "3389", priority: 100, ...over });
const tags = { lab: "t", owner: "o", expires: "2999-01-01" };
const nsg = (...rules: Record<string, unknown>[]) => ({ type: NSG, props: { securityRules: rules, tags } });

describe("the NSG engine", () => {
    it("reads ports as *, single, ranges and lists", () => {
        expect(parsePorts("*")).toEqual([[0, 65535]]);
        expect(parsePorts("3389")).toEqual([[3389, 3389]]);
        expect(parsePorts("3000-4000, 22")).toEqual([
            [3000, 4000],
            [22, 22],
        ]);
    });

    it("knows every way of saying 'the Internet'", () => {
        for (const s of ["*", "Any", "ANY", "Internet", "internet", "0.0.0.0/0", "::/0", "::0/0", "0:0:0:0:0:0:0:0/0", "2000::/3", "0.0.0.0/1", "128.0.0.0/1"]) expect({ s, open: isInternetSource(s) }).toEqual({ s, open: true });
        for (const s of ["10.0.0.0/8", "192.168.1.0/24", "VirtualNetwork", "AzureLoadBalancer", "203.0.113.7/32", "100.64.0.0/10", "fd00::/8", "2001:db8::/32"]) expect({ s, open: isInternetSource(s) }).toEqual({ s, open: false });
    });
});

describe("NSG policies", () => {
    const pack = usePack();

    it("pass a baseline: RDP from a private network, Azure's defaults otherwise", async () => {
        const r = await check(pack.host(), [nsg(rule({}), rule({ name: "deny-all", access: "Deny", sourceAddressPrefix: "*", destinationPortRange: "*", priority: 4096 }))]);
        expect(r.violations).toEqual([]);
    });

    it.each([
        ["source *", { sourceAddressPrefix: "*" }],
        ["source Any", { sourceAddressPrefix: "Any" }],
        ["source internet in lower case", { sourceAddressPrefix: "internet" }],
        ["source 0.0.0.0/0 written out", { sourceAddressPrefix: "0.0.0.0/0" }],
        ["source ::/0", { sourceAddressPrefix: "::/0" }],
        ["a source list holding Internet", { sourceAddressPrefix: undefined, sourceAddressPrefixes: ["10.0.0.0/8", "Internet"] }],
        ["a port range around 3389", { sourceAddressPrefix: "*", destinationPortRange: "3000-4000" }],
        ["a port list with 22", { sourceAddressPrefix: "*", destinationPortRange: undefined, destinationPortRanges: ["80", "22"] }],
        ["RDP over UDP", { sourceAddressPrefix: "*", protocol: "Udp" }],
        ["WinRM 5986", { sourceAddressPrefix: "*", destinationPortRange: "5986" }],
    ])("refuse management ports from the Internet: %s", async (_case, over) => {
        const r = await check(pack.host(), [nsg(rule({ name: "bad", ...over }))]);
        expect(findings(r, "nsg-no-internet-management-ports")).toEqual(["nsg-no-internet-management-ports[Rule::bad]"]);
    });

    it("look at every rule, not the first only", async () => {
        const r = await check(pack.host(), [nsg(rule({ name: "good" }), rule({ name: "second", sourceAddressPrefix: "0.0.0.0/0", destinationPortRange: "22" }))]);
        expect(findings(r, "nsg-no-internet-management-ports")).toEqual(["nsg-no-internet-management-ports[Rule::second]"]);
    });

    it("read standalone SecurityRule resources the same way", async () => {
        const r = await check(pack.host(), [{ type: "azure-native:network:SecurityRule", props: rule({ name: "standalone", sourceAddressPrefix: "*" }) }]);
        expect(findings(r, "nsg-no-internet-management-ports")).toEqual(["nsg-no-internet-management-ports[Rule::standalone]"]);
    });

    it("leave SSH over UDP and Deny rules alone", async () => {
        const r = await check(pack.host(), [nsg(rule({ name: "udp22", sourceAddressPrefix: "*", protocol: "Udp", destinationPortRange: "22" }), rule({ name: "deny", access: "Deny", sourceAddressPrefix: "*" }))]);
        expect(findings(r, "nsg-no-internet-management-ports")).toEqual([]);
    });

    it("refuse every port from the Internet, in its own policy", async () => {
        const r = await check(pack.host(), [nsg(rule({ name: "open", sourceAddressPrefix: "Internet", protocol: "*", destinationPortRange: "*" }))]);
        expect(findings(r, "nsg-no-internet-all-ports")).toEqual(["nsg-no-internet-all-ports[Rule::open]"]);
        expect(findings(r, "nsg-no-internet-management-ports")).toEqual([]);
    });

    it("judge ICMP from the Internet by protocol, not by its (meaningless) port field", async () => {
        const r = await check(pack.host(), [nsg(rule({ name: "ping", sourceAddressPrefix: "*", protocol: "Icmp", destinationPortRange: "*" }))]);
        expect(findings(r, "nsg-no-internet-all-ports")).toEqual([]);
        expect(findings(r, "nsg-no-internet-management-ports")).toEqual([]);
        expect(r.violations.map((v) => [v.policy, v.enforcementLevel, v.message.replace(/^.*?: /, "")])).toEqual([["nsg-internet-open-ports", "advisory", "rule 'ping' allows ICMP from *"]]);
    });

    it("report other Internet-open ports as advisory", async () => {
        const r = await check(pack.host(), [nsg(rule({ name: "https", sourceAddressPrefix: "*", destinationPortRange: "443" }))]);
        expect(r.violations.map((v) => [v.policy, v.enforcementLevel])).toEqual([["nsg-internet-open-ports", "advisory"]]);
    });

    it.each([
        ["the AzurePlatformDNS tag, outbound", { direction: "Outbound", destinationAddressPrefix: "AzurePlatformDNS" }],
        ["168.63.129.16, outbound", { direction: "Outbound", destinationAddressPrefix: "168.63.129.16" }],
        ["a block holding 168.63.129.16", { direction: "Outbound", destinationAddressPrefix: "168.63.0.0/16" }],
        ["168.63.129.16 as a source, inbound", { sourceAddressPrefix: "168.63.129.16/32" }],
    ])("refuse a Deny of Azure DNS: %s", async (_case, over) => {
        const r = await check(pack.host(), [nsg(rule({ name: "deny-dns", access: "Deny", destinationPortRange: "53", ...over }))]);
        expect(findings(r, "nsg-no-deny-azure-dns")).toEqual(["nsg-no-deny-azure-dns[Rule::deny-dns]"]);
    });

    it("allow a Deny to the Internet (it does not touch Azure DNS)", async () => {
        const r = await check(pack.host(), [nsg(rule({ name: "deny-out", access: "Deny", direction: "Outbound", destinationAddressPrefix: "Internet", destinationPortRange: "*" }))]);
        expect(findings(r, "nsg-no-deny-azure-dns")).toEqual([]);
    });

    it("treat a rule whose source is unknown until the update as not applicable, and still check the others", async () => {
        const r = await check(pack.host(), [nsg(rule({ name: "later", sourceAddressPrefix: UNKNOWN }), rule({ name: "bad", sourceAddressPrefix: "*", destinationPortRange: "22" }))]);
        expect(findings(r, "nsg-no-internet-management-ports")).toEqual(["nsg-no-internet-management-ports[Rule::bad]"]);
        const unknownOnly = await check(pack.host(), [nsg(rule({ name: "later", sourceAddressPrefix: UNKNOWN }))]);
        expect(unknownOnly.violations).toEqual([]);
    });
});

describe("subnets and NICs", () => {
    const pack = usePack();
    const vnet = (subnets: Record<string, unknown>[]) => ({ type: "azure-native:network:VirtualNetwork", props: { subnets, tags } });

    it("require an NSG on ordinary subnets, not on Azure's service subnets or resolver-delegated ones", async () => {
        const r = await check(pack.host(), [
            vnet([
                { name: "snet-ok", addressPrefix: "10.0.0.0/24", networkSecurityGroup: { id: "/x/nsg" } },
                { name: "snet-bare", addressPrefix: "10.0.1.0/24" },
                { name: "GatewaySubnet", addressPrefix: "10.0.2.0/27" },
                { name: "AzureBastionSubnet", addressPrefix: "10.0.3.0/26" },
                { name: "snet-in", addressPrefix: "10.0.4.0/28", delegations: [{ name: "d", serviceName: "Microsoft.Network/dnsResolvers" }] },
            ]),
            { type: "azure-native:network:Subnet", props: { subnetName: "snet-standalone", addressPrefix: "10.0.5.0/24" } },
            { type: "azure-native:network:Subnet", props: { subnetName: "AzureBastionSubnet", addressPrefix: "10.0.6.0/26" } },
        ]);
        expect(findings(r, "nsg-subnet-has-nsg")).toEqual(["nsg-subnet-has-nsg[Subnet::snet-bare]", "nsg-subnet-has-nsg[Subnet::snet-standalone]"]);
    });

    it("an NSG whose id is not known yet still counts", async () => {
        const r = await check(pack.host(), [vnet([{ name: "snet", addressPrefix: "10.0.0.0/24", networkSecurityGroup: { id: UNKNOWN } }])]);
        expect(findings(r, "nsg-subnet-has-nsg")).toEqual([]);
    });

    it("report a NIC with a public IP, as advisory", async () => {
        const r = await check(pack.host(), [
            { type: "azure-native:network:NetworkInterface", props: { ipConfigurations: [{ name: "ipconfig1", publicIPAddress: { id: "/x/pip" } }], tags } },
            { type: "azure-native:network:NetworkInterface", props: { ipConfigurations: [{ name: "ipconfig1" }], tags } },
        ]);
        expect(r.violations.map((v) => [v.policy, v.enforcementLevel])).toEqual([["nsg-vm-nic-no-public-ip", "advisory"]]);
    });
});
