// Configurations Azure, AWS or Entra would refuse, or that would deploy a lab that does not work:
// each is refused before anything is registered, with one line naming the setting, the value and
// the fix. One case per refusal; the message must carry all three.
import { describe, expect, it } from "vitest";
import { formatProblem } from "../../lib/config";
import { prepareLabs } from "../../stacks";
import { configure, problems } from "../settings";

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

describe("tags", () => {
    it("refuses an owner longer than a tag value may be", () => {
        expect(only({ owner: "a".repeat(257) })).toMatch(/^labs:owner = "a+\.\.\.: expected your name or e-mail as a tag value both clouds accept: at most 256 characters$/);
    });

    it.each(["<me>", "me;you", "hi!", "owner 🎉"])("refuses an owner AWS refuses as a tag value: %s", (owner) => {
        expect(only({ owner })).toMatch(/^labs:owner = ".*": expected your name or e-mail as a tag value both clouds accept: letters, digits, spaces and _ \. : \/ = \+ - @ only \(not .+\)$/);
    });

    it("accepts a name with accents and an e-mail", () => {
        expect(problems({ owner: "Zoë Müller" })).toEqual([]);
        expect(problems({ owner: "first.last+lab@example.co.uk" })).toEqual([]);
    });

    it.each(["2026-02-30", "2026-13-01", "2026-1-5"])("refuses an expires date that does not exist: %s", (expires) => {
        expect(only({ expires })).toBe(`labs:expires = "${expires}": expected a date YYYY-MM-DD after which the lab may be deleted, used as the expires tag`);
    });

    it("refuses an expires date that has passed", () => {
        expect(only({ expires: "2020-01-01" })).toMatch(/^labs:expires = "2020-01-01": expected a date from today \(\d{4}-\d{2}-\d{2}\) on: the lab's expires tag says when it may be deleted, and this one has passed$/);
    });
});

describe("DNS records and rules", () => {
    const dns = (records: unknown[], pattern = "private-zones") => ({ labs: ["dns-lab"], dnsPattern: pattern, dnsZoneRecords: records });

    it("refuses an A record and a CNAME on one name, whichever comes first", () => {
        expect(only(dns([{ name: "app", type: "A", values: ["10.101.0.10"] }, { name: "app", type: "CNAME", values: ["web.example.com"] }]))).toBe(
            'labs:dnsZoneRecords[1].name = "app": expected a name no other record uses: a CNAME cannot share its name with another record',
        );
        expect(only(dns([{ name: "app", type: "CNAME", values: ["web.example.com"] }, { name: "App", type: "TXT", values: ["x"] }]))).toBe(
            'labs:dnsZoneRecords[1].name = "App": expected a name no CNAME record uses: a CNAME cannot share its name with a TXT record',
        );
    });

    it("refuses a CNAME at the apex, and one on a VM's auto-registered name", () => {
        expect(only(dns([{ name: "@", type: "CNAME", values: ["web.example.com"] }]))).toMatch(/^labs:dnsZoneRecords\[0\]\.name = "@": expected a name below the zone apex/);
        expect(only(dns([{ name: "azuredns2", type: "CNAME", values: ["web.example.com"] }]))).toBe(
            `labs:dnsZoneRecords[0].name = "azuredns2": expected a name other than the VM azuredns2's: its A record is registered in the zone, and a CNAME cannot share a name`,
        );
    });

    it("refuses a forwarding rule with no target or more than six", () => {
        const rule = (n: number) => ({ labs: ["dns-lab"], dnsPattern: "private-resolver", dnsForwardingRules: [{ domain: "corp.example.com", targets: Array.from({ length: n }, (_, i) => `192.168.1.${i + 1}`) }] });
        expect(only(rule(0))).toBe(`labs:dnsForwardingRules[0].targets = []: expected 1 to 6 DNS server addresses (Azure's limit for one forwarding rule)`);
        expect(only(rule(7))).toMatch(/^labs:dnsForwardingRules\[0\]\.targets = .*: expected 1 to 6 DNS server addresses/);
        expect(problems(rule(6))).toEqual([]);
    });
});

describe("users and servers", () => {
    it("refuses Entra user names that are one user ignoring case", () => {
        expect(only({ labs: ["rms-lab"], rmsTenantEnabled: true, rmsTenantDomain: "contoso.onmicrosoft.com", rmsTenantUsers: ["aip-admin", "alice", "Alice"] })).toBe(
            'labs:rmsTenantUsers[2] = "Alice": expected a user name no other entry has, ignoring case (alice is the same Entra user)',
        );
    });

    it("refuses a server named as its domain's NetBIOS name", () => {
        const forest = { name: "lab", domain: "corp.example", netbios: "CORP", addressSpace: "10.130.0.0/16", subnetPrefix: "10.130.0.0/24", gatewaySubnetPrefix: "10.130.255.0/27", windowsImage: "MicrosoftWindowsServer:WindowsServer:2022-datacenter-azure-edition:latest", servers: [{ name: "corp", ip: "10.130.0.4", roles: ["dc", "adcs"] }] };
        expect(only({ labs: ["rms-lab"], rmsLabs: [forest] })).toBe(
            'labs:rmsLabs[0].servers[0].name = "corp": expected a name other than the domain\'s NetBIOS name CORP (domain controller promotion fails when a computer has it)',
        );
    });
});

describe("schedules", () => {
    it.each([
        ["cron(0 6 * * * *)", "a cron expression with ? in exactly one of day-of-month and day-of-week (EventBridge cannot take both), e.g. cron(0 6 * * ? *)"],
        ["cron(0 6 ? * ? *)", "a cron expression with ? in exactly one of day-of-month and day-of-week"],
        ["cron(0 6 * * ?)", "cron(minutes hours day-of-month month day-of-week year), six fields (this has 5)"],
        ["cron(60 6 * * ? *)", 'a cron expression whose minutes field is valid: "60" is outside 0-59'],
        ["cron(0 24 * * ? *)", 'a cron expression whose hours field is valid: "24" is outside 0-23'],
        ["cron(0 6 32 * ? *)", 'a cron expression whose day-of-month field is valid: "32" is outside 1-31'],
        ["cron(0 6 ? 13 MON *)", 'a cron expression whose month field is valid: "13" is outside 1-12 or JAN-DEC'],
        ["cron(0 6 ? * FUN *)", 'a cron expression whose day-of-week field is valid: "FUN" is outside 1-7 or SUN-SAT'],
        ["cron(0 ? * * ? *)", "a cron expression whose hours field is valid: ? is allowed only in day-of-month and day-of-week"],
        ["rate(1 days)", "rate(1 day): EventBridge wants the singular unit for 1"],
        ["rate(2 hour)", "rate(2 hours): EventBridge wants the plural unit above 1"],
        ["rate(0 minutes)", "rate(<whole number> <unit>)"],
        ["every day", "an EventBridge schedule, rate(...) or cron(...)"],
        ["cron(0 6 31 2 ? *)", "a day of the month that the months given have: day 31 never comes in 2, so the schedule would never run"],
        ["cron(0 6 30,31 FEB ? *)", "a day of the month that the months given have: day 30 never comes in FEB"],
        ["cron(0 6 * * ? 2020)", "a year from"],
    ])("refuses %s", (schedule, expected) => {
        const line = only({ labs: ["collector"], collectorSchedule: schedule });
        expect(line.startsWith(`labs:collectorSchedule = ${JSON.stringify(schedule)}: expected ${expected}`), line).toBe(true);
    });

    it.each(["rate(1 day)", "rate(7 days)", "cron(0 6 * * ? *)", "cron(0 4 L * ? 2027)", "cron(0 4 ? * 6#3 *)", "cron(30 2 1,15 JAN-JUN ? *)", "cron(0 8 ? * MON-FRI *)"])("accepts %s", (schedule) => {
        expect(problems({ labs: ["collector"], collectorSchedule: schedule })).toEqual([]);
    });

    it.each(["rate(12 hours)", "rate(30 minutes)", "cron(0/15 8-17 ? * MON-FRI *)", "cron(0 6,18 * * ? *)"])("refuses %s for the daily report, which would add nothing on a second run the same day", (schedule) => {
        expect(only({ labs: ["collector"], collectorSchedule: schedule })).toBe(
            `labs:collectorSchedule = ${JSON.stringify(schedule)}: expected a schedule that runs at most once a day, such as rate(1 day) or cron(0 6 * * ? *): the report holds one record per key and day`,
        );
    });

    it("takes an Entra export schedule that runs more often: each run exports the day before, again", () => {
        expect(problems({ labs: ["collector"], collectorEntraLogsEnabled: true, collectorEntraLogsSchedule: "cron(0/30 * * * ? *)" })).toEqual([]);
    });
});

describe("regions", () => {
    it("refuses an Azure region that does not exist", () => {
        expect(only({ location: "mars" })).toMatch(/^labs:location = "mars": expected an Azure public region's name such as eastus, westeurope or swedencentral/);
    });

    it("names the programmatic form of a region written as its display name", () => {
        expect(only({ location: "West Europe" })).toBe('labs:location = "West Europe": expected the region\'s programmatic name, westeurope');
    });

    it("refuses a restricted region, open by request only", () => {
        expect(only({ location: "germanynorth" })).toMatch(/^labs:location = "germanynorth": expected a region open to every subscription: Germany North is restricted/);
    });

    it("refuses the RMS lab's VPN gateways in a region without availability zones, and accepts the lab there without them", () => {
        expect(only({ labs: ["rms-lab"], location: "westus" })).toMatch(
            /^labs:location = "westus": expected a region with availability zones while rmsVpnEnabled is true \(such as centralus, eastus, eastus2\): West US has none, and VPN gateways now need AZ SKUs/,
        );
        expect(problems({ labs: ["rms-lab"], location: "westus", rmsVpnEnabled: false })).toEqual([]);
        expect(problems({ labs: ["dns-lab"], location: "westus" })).toEqual([]);
    });

    it.each(["us-east-9", "eu-west-7"])("refuses an AWS region that does not exist: %s", (region) => {
        expect(only({ labs: ["collector"], collectorAwsRegion: region })).toMatch(new RegExp(`^labs:collectorAwsRegion = "${region}": expected a commercial AWS region name such as us-east-1`));
    });

    it("accepts a region launched lately", () => {
        expect(problems({ labs: ["collector"], collectorAwsRegion: "mx-central-1" })).toEqual([]);
    });
});

describe("VM sizes, images and time zones", () => {
    it("refuses a size Azure does not have, or has under another case", () => {
        expect(only({ vmSize: "Standard_Foo" })).toMatch(/^labs:vmSize = "Standard_Foo": expected a VM size from the lab's table \(lib\/data\/azure-vm-sizes\.json\)/);
        expect(only({ vmSize: "standard_b2s" })).toBe('labs:vmSize = "standard_b2s": expected the size\'s exact name, Standard_B2s');
    });

    it("refuses a size too small for Windows Server, and a Linux-only one", () => {
        expect(only({ vmSize: "Standard_B1s" })).toMatch(/^labs:vmSize = "Standard_B1s": expected a size with at least 2 GiB of memory \(Windows Server needs 2 GB; this one has 1 GiB\)/);
        expect(only({ vmSize: "Standard_B1ls" })).toMatch(/^labs:vmSize = "Standard_B1ls": expected an x64 size that runs Windows \(this one runs Linux only\)$/);
    });

    it("refuses an NVMe-only size the lab's VMs cannot use", () => {
        expect(only({ vmSize: "Standard_D2s_v6" })).toMatch(/^labs:vmSize = "Standard_D2s_v6": expected a size with a SCSI disk controller: the Dsv6 series is NVMe-only/);
    });

    it("refuses Trusted Launch on a size that lacks it", () => {
        expect(only({ labs: ["dns-lab"], vmSize: "Standard_D2_v3", windowsImage: "MicrosoftWindowsServer:WindowsServer:2022-datacenter:latest" })).toBe(
            "labs:trustedLaunch = true: expected false with vmSize Standard_D2_v3: the Dv3 series does not support Trusted Launch (or choose a size that does, such as Standard_B2s)",
        );
    });

    it("refuses a Generation 1 image with Trusted Launch, and a Generation 2 image on a size that boots only Generation 1", () => {
        expect(only({ labs: ["dns-lab"], windowsImage: "MicrosoftWindowsServer:WindowsServer:2022-datacenter:latest" })).toMatch(
            /^labs:windowsImage = "MicrosoftWindowsServer:WindowsServer:2022-datacenter:latest": expected a Generation 2 image .*Trusted Launch needs one \(or set trustedLaunch false\)$/,
        );
        expect(only({ labs: ["dns-lab"], vmSize: "Standard_A2_v2", trustedLaunch: false })).toBe(
            'labs:windowsImage = "MicrosoftWindowsServer:WindowsServer:2025-datacenter-azure-edition:latest": expected an image of Generation 1: vmSize Standard_A2_v2 does not boot Generation 2 images',
        );
        expect(problems({ labs: ["dns-lab"], vmSize: "Standard_A2_v2", trustedLaunch: false, windowsImage: "MicrosoftWindowsServer:WindowsServer:2022-datacenter:latest" })).toEqual([]);
    });

    it("judges each RMS forest's own image", () => {
        const found = problems({ labs: ["rms-lab"], trustedLaunch: true, vmSize: "Standard_A2_v2" });
        expect(found).toContain("labs:trustedLaunch = true: expected false with vmSize Standard_A2_v2: the Av2 series does not support Trusted Launch (or choose a size that does, such as Standard_B2s)");
    });

    it.each([
        ["Mars/Olympus", ""],
        ["Europe/Berlin", "; for Europe/Berlin that is W. Europe Standard Time"],
        ["w. europe standard time", "; for w. europe standard time that is W. Europe Standard Time"],
    ])("refuses the auto-shutdown time zone %s, naming the Windows id where there is one", (zone, hint) => {
        expect(only({ autoShutdownTimeZone: zone })).toBe(`labs:autoShutdownTimeZone = "${zone}": expected a Windows time zone id (tzutil /l lists them) such as UTC, GMT Standard Time or W. Europe Standard Time${hint}`);
    });
});

describe("combinations that plan but cannot succeed", () => {
    it("refuses rmsOutboundInternet false while a forest has a SQL server, which downloads its installer", () => {
        expect(only({ labs: ["rms-lab"], rmsOutboundInternet: false })).toBe(
            "labs:rmsOutboundInternet = false: expected true while a forest has a sql server (jog-sql1, gitw-rms1): SQL Server Express's installer downloads from the Internet, and without the NAT gateway the servers' subnet has no outbound path",
        );
    });
});

describe("more combinations that would deploy a lab that does not work", () => {
    it("refuses tunnels with no home network to route to", () => {
        expect(only({ labs: ["rms-lab"], rmsHomeAddressSpaces: [] })).toBe(
            "labs:rmsHomeAddressSpaces = []: expected at least one home network for the tunnels to route to, e.g. [192.168.0.0/16] (or set rmsVpnEnabled false)",
        );
    });

    it("refuses Entra test users switched on with no user", () => {
        expect(only({ labs: ["rms-lab"], rmsTenantEnabled: true, rmsTenantDomain: "contoso.onmicrosoft.com", rmsTenantUsers: [] })).toBe(
            "labs:rmsTenantUsers = []: expected at least one user name: the first is made the AIP super user, so the group needs one",
        );
    });
});

describe("setting namespaces", () => {
    it("refuses a setting in a namespace nothing reads, and leaves the providers' own alone", () => {
        expect(only({ "lab:owner": "me", "azure-native:location": "westeurope", "aws:region": "eu-west-1", "pulumi:disable-default-providers": '["aws"]' })).toBe(
            'lab:owner = "me": no lab or provider reads the lab: namespace; the labs\' settings are labs:<name> (pulumi config set owner <value> puts it there)',
        );
    });
});

describe("what a new user tried", () => {
    it.each(["Canonical:ubuntu-24_04-lts:server:latest", "MicrosoftWindowsDesktop:windows-11:win11-24h2-pro:latest"])("refuses an image that is not Windows Server: %s", (image) => {
        expect(only({ labs: ["dns-lab"], windowsImage: image })).toBe(
            `labs:windowsImage = "${image}": expected a Windows Server image (publisher MicrosoftWindowsServer, offer WindowsServer) such as MicrosoftWindowsServer:WindowsServer:2022-datacenter-azure-edition:latest: the servers' roles need Windows Server`,
        );
    });

    it("refuses two VNets whose names differ only in case", () => {
        const vnets = [
            { name: "v1", addressSpace: "10.1.0.0/16", subnetPrefix: "10.1.0.0/24", vms: [] },
            { name: "V1", addressSpace: "10.2.0.0/16", subnetPrefix: "10.2.0.0/24", vms: [] },
        ];
        expect(only({ labs: ["dns-lab"], dnsVnets: vnets })).toBe('labs:dnsVnets[1].name = "V1": expected a VNet name not used by another VNet, ignoring case');
    });

    it("refuses an owner of spaces only", () => {
        expect(only({ owner: "   " })).toBe(`labs:owner = "   ": expected your name or e-mail, used as the lab's owner tag (pulumi config set owner <you>)`);
    });

    it("says a domain's trailing dot is the problem", () => {
        const forest = { name: "lab", domain: "corp.example.", netbios: "CORP", addressSpace: "10.130.0.0/16", subnetPrefix: "10.130.0.0/24", gatewaySubnetPrefix: "10.130.255.0/27", windowsImage: "MicrosoftWindowsServer:WindowsServer:2022-datacenter-azure-edition:latest", servers: [{ name: "corp-dc1", ip: "10.130.0.4", roles: ["dc", "adcs"] }] };
        expect(only({ labs: ["rms-lab"], rmsLabs: [forest] })).toBe('labs:rmsLabs[0].domain = "corp.example.": expected an Active Directory domain name without a trailing dot, such as jog.local');
    });

    it("says when an image it refuses is a default forest's", () => {
        expect(problems({ labs: ["rms-lab"], vmSize: "Standard_A2_v2", trustedLaunch: false })).toContain(
            'labs:rmsLabs[1].windowsImage = "MicrosoftWindowsServer:WindowsServer:2022-datacenter-azure-edition:latest": expected an image of Generation 1: vmSize Standard_A2_v2 does not boot Generation 2 images (this is the default forest\'s image: choose another vmSize, or set rmsLabs with your own images)',
        );
    });
});

describe("reserved words", () => {
    it.each(["system", "Internet", "NETWORK"])("refuses the computer name %s", (name) => {
        expect(only({ labs: ["dns-lab"], dnsVnets: [{ name: "vnet1", addressSpace: "10.101.0.0/16", subnetPrefix: "10.101.0.0/24", vms: [{ name, ip: "10.101.0.4" }] }] })).toBe(
            `labs:dnsVnets[0].vms[0].name = "${name}": expected a computer name other than ${name.toUpperCase()}, a word Windows reserves for a well-known security principal`,
        );
    });

    it("refuses a reserved word as the NetBIOS domain name", () => {
        const forest = { name: "lab", domain: "corp.example", netbios: "LOCAL", addressSpace: "10.130.0.0/16", subnetPrefix: "10.130.0.0/24", gatewaySubnetPrefix: "10.130.255.0/27", windowsImage: "MicrosoftWindowsServer:WindowsServer:2022-datacenter-azure-edition:latest", servers: [{ name: "corp-dc1", ip: "10.130.0.4", roles: ["dc", "adcs"] }] };
        expect(only({ labs: ["rms-lab"], rmsLabs: [forest] })).toMatch(/^labs:rmsLabs\[0\]\.netbios = "LOCAL": expected a NetBIOS domain name other than LOCAL, a word Windows reserves/);
    });
});

describe("stack names", () => {
    it.each(["Dev", "my_stack", "a-very-long-stack-name-x", "-dev"])("refuses the collector on stack %s, whose S3 bucket names could not carry it", (stack) => {
        const reader = configure({ labs: ["collector"] });
        prepareLabs(reader, stack);
        expect(reader.problems.list.map(formatProblem)).toEqual([
            `stack ${JSON.stringify(stack)}: the collector needs a stack name of 1-19 lower-case letters, digits or hyphens (not starting or ending with one), because its S3 bucket names carry it; create one with pulumi stack init <name>`,
        ]);
    });

    it("accepts a 19-character stack name", () => {
        const reader = configure({ labs: ["collector"] });
        prepareLabs(reader, "a-stack-of-19-chars");
        expect(reader.problems.list).toEqual([]);
    });
});

describe("values kept for another pattern", () => {
    it("checks a resolver subnet's form even while the pattern does not use it", () => {
        expect(only({ labs: ["dns-lab"], dnsPattern: "azure-provided", dnsResolver: { inboundSubnet: "garbage" } })).toBe(
            'labs:dnsResolver.inboundSubnet = "garbage": expected an IPv4 CIDR block from /28 to /24, such as 10.101.1.0/28',
        );
    });
});
