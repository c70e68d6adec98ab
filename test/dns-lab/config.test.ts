// The DNS lab's settings, read in-process from the dev stack plus overrides: one test per
// message a user can get, and the defaults each pattern starts from.
import { describe, expect, it } from "vitest";
import { formatProblem } from "../../lib/config";
import { readCommonSettings, readWindowsSettings } from "../../lib/common";
import { type DnsLabArgs, readDnsLabSettings } from "../../stacks/dns-lab/config";
import { ProgramError } from "../../cli/engine/errors";
import { evaluateInChild } from "../../cli/engine/fork";
import { ROOT } from "../support";
import { configure, problems } from "../settings";

function settings(overrides: Record<string, unknown>): DnsLabArgs {
    const reader = configure(overrides);
    const args = readDnsLabSettings(reader, readCommonSettings(reader), readWindowsSettings(reader), "dev");
    expect(reader.problems.list.map(formatProblem)).toEqual([]);
    return args;
}

const vnet = (name: string, addressSpace: string, subnetPrefix: string, vms: Array<{ name: string; ip: string }>, extra: Record<string, unknown> = {}) => ({ name, addressSpace, subnetPrefix, vms, ...extra });
const VNET1 = vnet("vnet1", "10.101.0.0/16", "10.101.0.0/24", [{ name: "azuredns", ip: "10.101.0.4" }]);

describe("dns-lab defaults", () => {
    it("is the dev stack's valid azure-provided lab: the post's single VNet and two VMs", () => {
        const args = settings({});
        expect(args.pattern).toBe("azure-provided");
        expect(args.vnets).toEqual([
            {
                name: "vnet1",
                addressSpace: "10.101.0.0/16",
                serverSubnet: "snet-servers",
                subnets: [{ name: "snet-servers", addressPrefix: "10.101.0.0/24" }],
                vms: [
                    { name: "azuredns", ip: "10.101.0.4" },
                    { name: "azuredns1", ip: "10.101.0.5" },
                ],
            },
        ]);
        expect(args.tags).toEqual({ lab: "dns-lab", owner: "lab-user@example.com", expires: "2027-12-31" });
        expect(args.windows).toMatchObject({ size: "Standard_B2s", adminUsername: "labadmin", autoShutdown: { time: "1900", timeZone: "UTC" }, rdpSourceCidr: undefined });
    });

    it("adds vnet2 (10.102.0.0/16, azuredns2 at 10.102.0.4) for the multi-VNet patterns", () => {
        for (const pattern of ["byo-forwarders", "private-zones", "private-resolver"]) {
            const args = settings({ dnsPattern: pattern });
            expect(args.vnets.map((v) => [v.name, v.addressSpace, v.vms.map((vm) => `${vm.name}@${vm.ip}`)])).toEqual([
                ["vnet1", "10.101.0.0/16", ["azuredns@10.101.0.4", "azuredns1@10.101.0.5"]],
                ["vnet2", "10.102.0.0/16", ["azuredns2@10.102.0.4"]],
            ]);
        }
    });

    it("makes each VNet's first VM its forwarder in byo-forwarders", () => {
        expect(settings({ dnsPattern: "byo-forwarders" }).vnets.map((v) => v.forwarder)).toEqual(["azuredns", "azuredns2"]);
    });

    it("registers every VNet in the zone for private-zones, only the hub for private-resolver", () => {
        expect(settings({ dnsPattern: "private-zones" }).zone.registrationVnets).toEqual(["vnet1", "vnet2"]);
        expect(settings({ dnsPattern: "private-resolver" }).zone.registrationVnets).toEqual(["vnet1"]);
    });

    it("places the resolver endpoints in the hub's first free /28 blocks, delegated, inbound IP the first usable", () => {
        const args = settings({ dnsPattern: "private-resolver" });
        expect(args.resolver).toEqual({ inboundSubnet: "10.101.1.0/28", outboundSubnet: "10.101.1.16/28", inboundIp: "10.101.1.4" });
        expect(args.vnets[0].subnets.slice(1)).toEqual([
            { name: "snet-dns-inbound", addressPrefix: "10.101.1.0/28", delegation: "Microsoft.Network/dnsResolvers" },
            { name: "snet-dns-outbound", addressPrefix: "10.101.1.16/28", delegation: "Microsoft.Network/dnsResolvers" },
        ]);
        const custom = settings({ dnsPattern: "private-resolver", dnsVnets: [vnet("hub", "10.50.0.0/16", "10.50.0.0/24", [{ name: "vm1", ip: "10.50.0.4" }])] });
        expect(custom.resolver).toEqual({ inboundSubnet: "10.50.1.0/28", outboundSubnet: "10.50.1.16/28", inboundIp: "10.50.1.4" });
    });

    it("normalises forwarding rules: trailing dot, port 53 unless given", () => {
        const args = settings({ dnsPattern: "private-resolver", dnsForwardingRules: [{ domain: "corp.example.com", targets: ["192.168.1.10", "192.168.1.11:5353"] }] });
        expect(args.forwardingRules).toEqual([{ domain: "corp.example.com.", targets: [{ ip: "192.168.1.10", port: 53 }, { ip: "192.168.1.11", port: 5353 }] }]);
    });
});

describe("dns-lab configuration problems: one line each, naming the setting, the value and the expected form", () => {
    it("unknown lab", () => {
        expect(problems({ labs: ["dns-lab", "nope"] })).toEqual(['labs:labs[1] = "nope": expected one of dns-lab, rms-lab, collector']);
    });

    it("unknown pattern", () => {
        expect(problems({ dnsPattern: "split-horizon" })).toEqual(['labs:dnsPattern = "split-horizon": expected one of azure-provided, byo-forwarders, private-zones, private-resolver']);
    });

    it("invalid CIDR", () => {
        expect(problems({ dnsVnets: [vnet("vnet1", "10.300.0.0/16", "10.101.0.0/24", [])] })).toEqual(['labs:dnsVnets[0].addressSpace = "10.300.0.0/16": expected an IPv4 CIDR block such as 10.101.0.0/16']);
    });

    it("CIDR with host bits set", () => {
        expect(problems({ dnsVnets: [vnet("vnet1", "10.101.0.5/16", "10.101.0.0/24", [])] })).toEqual([
            'labs:dnsVnets[0].addressSpace = "10.101.0.5/16": expected the block\'s network address, 10.101.0.0/16 (host bits must be zero)',
        ]);
    });

    it("overlapping VNets", () => {
        expect(problems({ dnsVnets: [VNET1, vnet("vnet2", "10.101.128.0/17", "10.101.128.0/24", [])] })).toEqual([
            'labs:dnsVnets[1].addressSpace = "10.101.128.0/17": expected a block that does not overlap vnet1 (10.101.0.0/16)',
        ]);
    });

    it("subnet outside its VNet", () => {
        expect(problems({ dnsVnets: [vnet("vnet1", "10.101.0.0/16", "10.102.0.0/24", [])] })).toEqual([
            "labs:dnsVnets[0].subnetPrefix = \"10.102.0.0/24\": expected a block inside vnet1's address space 10.101.0.0/16",
        ]);
    });

    it("Windows computer name longer than 15 characters", () => {
        expect(problems({ dnsVnets: [vnet("vnet1", "10.101.0.0/16", "10.101.0.0/24", [{ name: "dns-forwarder-01", ip: "10.101.0.4" }])] })).toEqual([
            'labs:dnsVnets[0].vms[0].name = "dns-forwarder-01": expected a Windows computer name: 1-15 letters, digits or hyphens, not only digits, not starting or ending with a hyphen',
        ]);
    });

    it("GatewaySubnet smaller than /27", () => {
        expect(problems({ dnsVnets: [{ ...VNET1, subnets: [{ name: "GatewaySubnet", addressPrefix: "10.101.255.0/28" }] }] })).toEqual([
            'labs:dnsVnets[0].subnets[0].addressPrefix = "10.101.255.0/28": expected a /27 or larger block (Azure VPN gateways need room for their instances)',
        ]);
    });

    it("resolver subnet outside /28 to /24, and outside the hub", () => {
        expect(problems({ dnsPattern: "private-resolver", dnsResolver: { inboundSubnet: "10.101.1.0/29", outboundSubnet: "10.101.4.0/23" } })).toEqual([
            'labs:dnsResolver.inboundSubnet = "10.101.1.0/29": expected a /28 to /24 block (DNS Private Resolver endpoint subnets)',
            'labs:dnsResolver.outboundSubnet = "10.101.4.0/23": expected a /28 to /24 block (DNS Private Resolver endpoint subnets)',
        ]);
        expect(problems({ dnsPattern: "private-resolver", dnsResolver: { inboundSubnet: "10.200.0.0/28" } })).toEqual([
            "labs:dnsResolver.inboundSubnet = \"10.200.0.0/28\": expected a block inside vnet1's address space 10.101.0.0/16",
        ]);
    });

    it("resolver inbound IP outside its subnet", () => {
        expect(problems({ dnsPattern: "private-resolver", dnsResolver: { inboundIp: "10.101.1.20" } })).toEqual([
            'labs:dnsResolver.inboundIp = "10.101.1.20": expected an address from 10.101.1.4 to 10.101.1.14 in the inbound subnet 10.101.1.0/28',
        ]);
    });

    it("missing required setting", () => {
        expect(problems({}, ["owner"])).toEqual(["labs:owner is not set: expected your name or e-mail, used as the lab's owner tag (pulumi config set owner <you>)"]);
    });

    it("VM address Azure reserves, and two VMs on one address", () => {
        expect(problems({ dnsVnets: [vnet("vnet1", "10.101.0.0/16", "10.101.0.0/24", [{ name: "a", ip: "10.101.0.1" }, { name: "b", ip: "10.101.0.9" }, { name: "c", ip: "10.101.0.9" }])] })).toEqual([
            'labs:dnsVnets[0].vms[0].ip = "10.101.0.1": expected an address from 10.101.0.4 to 10.101.0.254 in subnet 10.101.0.0/24 (Azure reserves the first four and the last)',
            'labs:dnsVnets[0].vms[2].ip = "10.101.0.9": expected an address no other VM uses',
        ]);
    });

    it("two VNets with one name, two subnets with one name, a subnet name Azure refuses", () => {
        expect(problems({ dnsVnets: [VNET1, vnet("vnet1", "10.102.0.0/16", "10.102.0.0/24", [])] })).toEqual(['labs:dnsVnets[1].name = "vnet1": expected a VNet name not used by another VNet, ignoring case']);
        expect(problems({ dnsVnets: [{ ...VNET1, subnets: [{ name: "snet-servers", addressPrefix: "10.101.1.0/24" }] }] })).toEqual([
            'labs:dnsVnets[0].subnets[0].name = "snet-servers": expected a subnet name no other subnet of vnet1 uses',
        ]);
        expect(problems({ dnsVnets: [{ ...VNET1, subnetName: "bad name!" }] })).toEqual(["labs:dnsVnets[0].subnetName = \"bad name!\": expected a subnet name: 2-80 letters, digits, '_', '.' or '-', starting with a letter or digit"]);
    });

    it("a hub too small to hold the resolver's subnets", () => {
        expect(problems({ dnsPattern: "private-resolver", dnsVnets: [vnet("hub", "10.50.0.0/24", "10.50.0.0/24", [{ name: "vm1", ip: "10.50.0.4" }])] })).toEqual([
            "labs:dnsResolver.inboundSubnet is not set: expected a /28 to /24 block: hub (10.50.0.0/24) has no free /28 left for the resolver",
            "labs:dnsResolver.outboundSubnet is not set: expected a /28 to /24 block: hub (10.50.0.0/24) has no free /28 left for the resolver",
        ]);
    });

    it("two VMs with one name", () => {
        expect(problems({ dnsVnets: [VNET1, vnet("vnet2", "10.102.0.0/16", "10.102.0.0/24", [{ name: "AzureDNS", ip: "10.102.0.4" }])] })).toEqual([
            'labs:dnsVnets[1].vms[0].name = "AzureDNS": expected a name not used by another VM (vnet1 has it)',
        ]);
    });

    it("a field name the lab does not know (a typo)", () => {
        expect(problems({ dnsVnets: [{ ...VNET1, adressSpace: "10.0.0.0/16" }] })).toEqual([
            'labs:dnsVnets[0].adressSpace = "10.0.0.0/16": expected no such field; fields are name, addressSpace, subnetPrefix, subnetName, vms, forwarder, subnets',
        ]);
    });

    it("byo-forwarders: forwarder that is not a VM of its VNet, and VNets left unpeered", () => {
        expect(problems({ dnsPattern: "byo-forwarders", dnsVnets: [{ ...VNET1, forwarder: "dns9" }, vnet("vnet2", "10.102.0.0/16", "10.102.0.0/24", [{ name: "b", ip: "10.102.0.4" }])], dnsPeering: "none" })).toEqual([
            'labs:dnsVnets[0].forwarder = "dns9": expected the name of a VM in vnet1 (azuredns)',
            'labs:dnsPeering = "none": expected mesh or hub-spoke: byo-forwarders needs the VNets peered so forwarders can reach each other',
        ]);
    });

    it("zone registration for a VNet that is not in the lab, or not the hub with private-resolver", () => {
        expect(problems({ dnsPattern: "private-zones", dnsZoneRegistrationVnets: ["vnet3"] })).toEqual(['labs:dnsZoneRegistrationVnets[0] = "vnet3": expected one of the lab\'s VNets: vnet1, vnet2']);
        expect(problems({ dnsPattern: "private-resolver", dnsZoneRegistrationVnets: ["vnet2"] })).toEqual([
            'labs:dnsZoneRegistrationVnets[0] = "vnet2": expected the hub VNet vnet1 (private-resolver links the zone to the hub only)',
        ]);
    });

    it("zone records: an A record that is not an address, a CNAME with two targets, a TXT without values, one name twice", () => {
        expect(
            problems({
                dnsPattern: "private-zones",
                dnsZoneRecords: [
                    { name: "app", type: "A", values: ["ten"] },
                    { name: "www", type: "CNAME", values: ["a.example.com", "b.example.com"] },
                    { name: "spf", type: "TXT", values: [] },
                    { name: "APP", type: "A", values: ["10.0.0.9"] },
                ],
            }),
        ).toEqual([
            'labs:dnsZoneRecords[0].values[0] = "ten": expected an IPv4 address',
            'labs:dnsZoneRecords[1].values = ["a.example.com","b.example.com"]: expected exactly one host name (a CNAME has one target)',
            "labs:dnsZoneRecords[2].values = []: expected at least one value",
            'labs:dnsZoneRecords[3].name = "APP": expected a name no other A record uses (put all values of one name in one record)',
        ]);
    });

    it("forwarding rules: a target that is not an address, a rule for the lab zone itself", () => {
        expect(problems({ dnsPattern: "private-resolver", dnsForwardingRules: [{ domain: "corp.example.com", targets: ["dns.corp"] }, { domain: "dnslab.internal", targets: ["10.0.0.1"] }] })).toEqual([
            'labs:dnsForwardingRules[0].targets[0] = "dns.corp": expected a DNS server address such as 192.168.1.10 or 192.168.1.10:53',
            'labs:dnsForwardingRules[1].domain = "dnslab.internal": expected a domain other than the lab zone dnslab.internal (the lab forwards it to the inbound endpoint itself)',
        ]);
    });

    it("RDP source open to the Internet, public, or not a CIDR", () => {
        const privateOnly = "expected a private network inside 10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16 or 100.64.0.0/10: lab VMs are reached over a VPN, never from the Internet";
        expect(problems({ adminSourceCidr: "0.0.0.0/0" })).toEqual([`labs:adminSourceCidr = "0.0.0.0/0": ${privateOnly}`]);
        expect(problems({ adminSourceCidr: "0.0.0.0/1" })).toEqual([`labs:adminSourceCidr = "0.0.0.0/1": ${privateOnly}`]);
        expect(problems({ adminSourceCidr: "8.8.8.0/24" })).toEqual([`labs:adminSourceCidr = "8.8.8.0/24": ${privateOnly}`]);
        expect(settings({ adminSourceCidr: "192.168.1.0/24" }).windows.rdpSourceCidr).toBe("192.168.1.0/24");
        expect(problems({ adminSourceCidr: "my-home" })).toEqual(['labs:adminSourceCidr = "my-home": expected an IPv4 CIDR block such as 10.101.0.0/16, or "" for no RDP rule']);
    });

    it("shared settings: expiry date, image URN, shutdown time, reserved admin name", () => {
        expect(problems({ expires: "next week", windowsImage: "WindowsServer2025", autoShutdownTime: "2500", adminUsername: "admin" })).toEqual([
            'labs:expires = "next week": expected a date YYYY-MM-DD after which the lab may be deleted, used as the expires tag',
            'labs:windowsImage = "WindowsServer2025": expected an image URN publisher:offer:sku:version, e.g. MicrosoftWindowsServer:WindowsServer:2025-datacenter-azure-edition:latest',
            'labs:adminUsername = "admin": expected a user name Azure accepts (administrator, admin, root, guest and similar are reserved)',
            'labs:autoShutdownTime = "2500": expected a 24-hour time HHmm such as 1900',
        ]);
    });

    it("stops the program before it registers anything but the root stack", async () => {
        const error = (await evaluateInChild({ programDir: ROOT, stack: "dev", overrides: { dnsPattern: "nope", expires: "soon" } }).catch((e: unknown) => e)) as ProgramError;
        expect(error).toBeInstanceOf(ProgramError);
        expect(error.resourcesRegistered).toBe(1);
        expect(error.message.split("\n")).toHaveLength(4);
    });

    it("reports every problem at once, not the first only", () => {
        const lines = problems({ labs: ["dns-lab", "rms"], dnsPattern: "private-resolver", dnsVnets: [vnet("vnet1", "10.101.0.0/16", "10.101.0.0/24", [{ name: "this-name-is-too-long", ip: "10.101.0.4" }])], dnsResolver: { inboundSubnet: "10.101.1.0/30" } });
        expect(lines).toHaveLength(3);
        expect(lines.map((l) => l.split(" ")[0]).sort()).toEqual(["labs:dnsResolver.inboundSubnet", "labs:dnsVnets[0].vms[0].name", "labs:labs[1]"]);
    });
});
