// Configurations Azure, AWS or Entra would refuse, or that would deploy a lab that does not work:
// each is refused before anything is registered, with one line naming the setting, the value and
// the fix. One case per refusal; the message must carry all three.
import { describe, expect, it } from "vitest";
import { problems } from "../settings";

/** The single problem these settings give (anything else the dev stack reports is a failure too). */
function only(overrides: Record<string, unknown>, remove: string[] = []): string {
    const found = problems(overrides, remove);
    expect(found, JSON.stringify(found)).toHaveLength(1);
    return found[0];
}

describe("setting names", () => {
    it("refuses a misspelt setting, naming the nearest declared one", () => {
        expect(only({ dnsPatern: "private-resolver" })).toBe(
            'labs:dnsPatern = "private-resolver": no such setting; did you mean labs:dnsPattern? Rename or remove it (pulumi config rm dnsPatern); Pulumi.yaml lists every setting.',
        );
    });

    it("refuses a setting nothing resembles, without a guess", () => {
        expect(only({ frobnicate: "yes" })).toBe('labs:frobnicate = "yes": no such setting. Rename or remove it (pulumi config rm frobnicate); Pulumi.yaml lists every setting.');
    });

    it("refuses an empty lab list", () => {
        expect(only({ labs: [] })).toMatch(/^labs:labs = \[\]: expected at least one lab from: dns-lab, rms-lab, collector \(to remove every lab, run pulumi destroy\)$/);
    });
});

const dnsVnet = (extra: Record<string, unknown> = {}) => [{ name: "vnet1", addressSpace: "10.101.0.0/16", subnetPrefix: "10.101.0.0/24", vms: [{ name: "azuredns", ip: "10.101.0.4" }], ...extra }];

describe("subnets and address spaces", () => {
    it("refuses a subnet smaller than /29, without a nonsense address range for its VMs", () => {
        expect(only({ dnsVnets: dnsVnet({ subnetPrefix: "10.101.0.0/30" }) })).toBe(
            `labs:dnsVnets[0].subnetPrefix = "10.101.0.0/30": expected a /29 or larger block (Azure's smallest subnet; it keeps five addresses of every subnet)`,
        );
    });

    it.each(["GatewaySubnet", "AzureBastionSubnet", "AzureFirewallSubnet", "RouteServerSubnet", "gatewaysubnet"])("refuses %s as the VMs' subnet", (name) => {
        expect(only({ dnsVnets: dnsVnet({ subnetName: name }) })).toMatch(new RegExp(`^labs:dnsVnets\\[0\\]\\.subnetName = "${name}": expected a name other than \\w+: Azure keeps that subnet for its own service and refuses VMs in it$`));
    });

    it.each([
        ["168.63.0.0/16", "168.63.129.16/32 (Azure's internal DNS, DHCP and health-probe address)"],
        ["224.0.0.0/8", "224.0.0.0/4 (multicast)"],
        ["127.0.0.0/16", "127.0.0.0/8 (loopback)"],
        ["169.254.0.0/16", "169.254.0.0/16 (link-local)"],
        ["255.255.255.255/32", "255.255.255.255/32 (broadcast)"],
    ])("refuses a VNet address space %s that holds %s", (space, reserved) => {
        const found = problems({ dnsVnets: [{ name: "vnet1", addressSpace: space, subnetPrefix: space, vms: [] }] });
        expect(found).toContain(`labs:dnsVnets[0].addressSpace = "${space}": expected an address space clear of ${reserved}, which Azure reserves`);
    });

    it("refuses a home network behind the tunnels that Azure reserves", () => {
        expect(only({ labs: ["rms-lab"], rmsHomeAddressSpaces: ["192.168.0.0/16", "169.254.0.0/16"] })).toBe(
            'labs:rmsHomeAddressSpaces[1] = "169.254.0.0/16": expected a block clear of 169.254.0.0/16 (link-local), which Azure reserves',
        );
    });

    it.each(["0.0.0.0", "127.0.0.1", "169.254.1.1", "100.64.0.1", "224.0.0.1", "255.255.255.255", "240.0.0.1", "10.1.2.3"])("refuses %s as the home router's public IP", (ip) => {
        expect(only({ labs: ["rms-lab"], rmsHomePublicIp: ip })).toMatch(new RegExp(`^labs:rmsHomePublicIp = "${ip.replace(/\./g, "\\.")}": expected a public unicast IPv4 address such as 203\\.0\\.113\\.10`));
    });
});
