// The RMS lab's settings: one test per message a user can get, each naming the setting, the
// value and what is expected, and the defaults the post's labs start from.
import { describe, expect, it } from "vitest";
import { ProgramError } from "../../cli/engine/errors";
import { evaluateInChild } from "../../cli/engine/fork";
import { DEFAULT_FORESTS } from "../../stacks/rms-lab/config";
import { ROOT } from "../support";
import { configure, problems } from "../settings";

const [legacy, modern] = DEFAULT_FORESTS;

describe("rms-lab defaults", () => {
    it("are valid for the dev stack: the post's two labs, a VPN to the home router, a forest trust", () => {
        expect(problems({ labs: ["rms-lab"] })).toEqual([]);
    });

    it("need no home router when the VPN is off", () => {
        expect(problems({ labs: ["rms-lab"], rmsVpnEnabled: false, rmsHomePublicIp: "" })).toEqual([]);
    });
});

describe("rms-lab configuration problems: one line each, naming the setting, the value and the expected form", () => {
    it.each([
        [
            "VNets that overlap each other",
            { rmsLabs: [legacy, { ...modern, addressSpace: "10.110.0.0/15", subnetPrefix: "10.111.0.0/24", gatewaySubnetPrefix: "10.111.255.0/27", servers: [{ name: "gitw-dc1", ip: "10.111.0.4", roles: ["dc"] }] }] },
            ['labs:rmsLabs[1].addressSpace = "10.110.0.0/15": expected a block that does not overlap legacy (10.110.0.0/16)'],
        ],
        ["a VNet that overlaps the home lab", { rmsHomeAddressSpaces: ["10.120.0.0/16"] }, ['labs:rmsLabs[1].addressSpace = "10.120.0.0/16": expected a block that does not overlap the home lab (10.120.0.0/16)']],
        ["a lab name too long for Azure's resource names", { rmsLabs: [{ ...legacy, name: "averyveryverylongname" }, modern] }, ['labs:rmsLabs[0].name = "averyveryverylongname": expected a short lab name: 1-12 lower-case letters or digits']],
        [
            "a server name too long for Windows",
            { rmsLabs: [{ ...legacy, servers: [{ name: "jog-domaincontroller1", ip: "10.110.0.4", roles: ["dc", "adcs"] }, ...legacy.servers.slice(1)] }, modern] },
            ['labs:rmsLabs[0].servers[0].name = "jog-domaincontroller1": expected a Windows computer name: 1-15 letters, digits or hyphens, not only digits, not starting or ending with a hyphen'],
        ],
        [
            "bad domain names",
            { rmsLabs: [{ ...legacy, domain: "jog" }, { ...modern, domain: "bad_domain.com" }] },
            [
                'labs:rmsLabs[0].domain = "jog": expected an Active Directory domain name such as jog.local (at least two labels of letters, digits and hyphens, each at most 63 characters)',
                'labs:rmsLabs[1].domain = "bad_domain.com": expected an Active Directory domain name such as jog.local (at least two labels of letters, digits and hyphens, each at most 63 characters)',
            ],
        ],
        [
            "two labs with one domain",
            { rmsLabs: [legacy, { ...modern, domain: "jog.local", netbios: "JOG" }] },
            ['labs:rmsLabs[1].domain = "jog.local": expected a domain no other lab uses (the forests trust each other by name)', 'labs:rmsLabs[1].netbios = "JOG": expected a NetBIOS name no other lab uses'],
        ],
        [
            "Entra Connect on Windows Server 2025",
            { rmsLabs: [legacy, { ...modern, windowsImage: "MicrosoftWindowsServer:WindowsServer:2025-datacenter-azure-edition:latest" }] },
            ['labs:rmsLabs[1].windowsImage = "MicrosoftWindowsServer:WindowsServer:2025-datacenter-azure-edition:latest": expected a Windows Server 2016 to 2022 image: Entra Connect does not support 2025'],
        ],
        ["no home router address with the VPN on", { rmsHomePublicIp: "" }, ['labs:rmsHomePublicIp = "": expected the public IPv4 address of your home router, for the site-to-site VPN (or set rmsVpnEnabled false)']],
        ["a private address as the home router", { rmsHomePublicIp: "192.168.1.1" }, ['labs:rmsHomePublicIp = "192.168.1.1": expected a public unicast IPv4 address such as 203.0.113.10 (your router\'s address on the Internet; private, loopback, link-local, multicast and reserved addresses cannot end a tunnel)']],
        ["a lab without a domain controller", { rmsLabs: [{ ...legacy, servers: legacy.servers.slice(1) }] }, ['labs:rmsLabs[0].servers = ["jog-rms1:rms","jog-sql1:sql"]: expected exactly one server with the dc role (it creates the forest)']],
        [
            "AD RMS without SQL Server",
            { rmsLabs: [{ ...legacy, servers: legacy.servers.filter((s) => s.name !== "jog-sql1") }] },
            ['labs:rmsLabs[0].servers = ["jog-dc1:dc+adcs","jog-rms1:rms"]: expected exactly one server with the sql role (0 have it): AD RMS keeps its configuration and cluster key in SQL Server Express'],
        ],
        [
            "a server outside its subnet",
            { rmsLabs: [{ ...legacy, servers: [...legacy.servers, { name: "jog-x", ip: "10.111.0.9", roles: ["adfs"] }] }] },
            ['labs:rmsLabs[0].servers[3].ip = "10.111.0.9": expected an address from 10.110.0.4 to 10.110.0.254 in subnet 10.110.0.0/24 (Azure reserves the first four and the last)'],
        ],
        ["a GatewaySubnet too small", { rmsLabs: [{ ...legacy, gatewaySubnetPrefix: "10.110.255.0/28" }] }, ['labs:rmsLabs[0].gatewaySubnetPrefix = "10.110.255.0/28": expected a /27 or larger block (Azure VPN gateways need room for their instances)']],
        ["a retired non-AZ gateway SKU", { rmsVpnSku: "VpnGw1" }, ['labs:rmsVpnSku = "VpnGw1": expected one of VpnGw1AZ, VpnGw2AZ, VpnGw3AZ, VpnGw4AZ, VpnGw5AZ']],
        ["the tenant on without its domain", { rmsTenantEnabled: true }, ['labs:rmsTenantDomain = "": expected a domain of your Entra tenant such as contoso.onmicrosoft.com (users are created as <name>@<domain>)']],
        ["an unknown role", { rmsLabs: [{ ...legacy, servers: [{ ...legacy.servers[0], roles: ["dc", "exchange"] }, ...legacy.servers.slice(1)] }] }, ['labs:rmsLabs[0].servers[0].roles[1] = "exchange": expected one of dc, adcs, rms, sql, adfs, aadc']],
    ])("%s", (_case, settings, expected) => {
        expect(problems({ labs: ["rms-lab"], ...settings })).toEqual(expected);
    });

    it("a shared key too short, set as a secret: the problem never shows the key", () => {
        expect(problems({ labs: ["rms-lab"] }, [], { rmsVpnSharedKey: "short" })).toEqual(["labs:rmsVpnSharedKey = [secret]: expected 8 to 128 printable ASCII characters without spaces"]);
    });

    it("a shared key set in plain text (pulumi config set without --secret): refused, and never shown", () => {
        const lines = problems({ labs: ["rms-lab"], rmsVpnSharedKey: "plain-text-key-123" });
        expect(lines).toEqual(["labs:rmsVpnSharedKey is set in plain text: it holds a secret, so set it with pulumi config set --secret rmsVpnSharedKey <value> (a plain value sits unencrypted in the stack file)"]);
    });

    it("a shared key that is a secure: ciphertext offline is a placeholder, not judged by its form", () => {
        const reader = configure({ labs: ["rms-lab"] }, [], { rmsVpnSharedKey: "offline-secret-labs-rmsVpnSharedKey" });
        expect(reader.secret("rmsVpnSharedKey")).toMatchObject({ placeholder: true });
        expect(problems({ labs: ["rms-lab"] }, [], { rmsVpnSharedKey: "offline-secret-x" })).toEqual([]);
    });

    it("stop the program before it registers anything but the root stack", async () => {
        const error = (await evaluateInChild({ programDir: ROOT, stack: "dev", overrides: { labs: ["rms-lab"], rmsHomePublicIp: "", rmsVpnSku: "Basic" } }).catch((e: unknown) => e)) as ProgramError;
        expect(error).toBeInstanceOf(ProgramError);
        expect(error.resourcesRegistered).toBe(1);
        expect(error.message).toContain('labs:rmsHomePublicIp = ""');
        expect(error.message).toContain('labs:rmsVpnSku = "Basic"');
    });
});
