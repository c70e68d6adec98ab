// The RMS lab as the post draws it: two forests in their own resource groups and VNets,
// peered, each with a VPN gateway and a tunnel home, servers that get their roles in order,
// and gateways that build in parallel with everything else.
import { beforeAll, describe, expect, it } from "vitest";
import { evaluateInChild } from "../../cli/engine/fork";
import type { Plan } from "../../cli/engine/plan";
import { isSecret } from "../../cli/engine/wire";
import { itKeepsTheLabHygiene } from "../hygiene";
import { ROOT, input, inputIsSecret, ofType, one, output, planLab, stackOutput, stackOutputRaw } from "../support";
import { GATEWAY, RESTART, RMS_LAB, RUN_COMMAND, dependsOn, expectDirectDependency, parametersOf, rawParametersOf, step } from "./support";

const LEGACY = ["jog-dc1", "jog-rms1", "jog-sql1"];
const restartOf = (plan: Plan, server: string, after: "promotion" | "join") => one(plan, RESTART, `${server}-restart-after-${after}`);
const MODERN = ["gitw-dc1", "gitw-rms1", "gitw-adfs1", "gitw-aadc1"];

describe("rms-lab: the post's two labs (defaults)", () => {
    let plan: Plan;
    beforeAll(async () => {
        plan = await planLab("rms-lab");
    });

    it("gives each lab its own resource group and keeps each forest's resources in it", () => {
        expect(ofType(plan, "azure-native:resources:ResourceGroup").map((g) => input(g, "resourceGroupName")).sort()).toEqual(["rg-rms-legacy-dev", "rg-rms-modern-dev"]);
        for (const vm of ofType(plan, "azure-native:compute:VirtualMachine")) {
            const name = input<string>(vm, "vmName");
            expect({ name, rg: input(vm, "resourceGroupName") }).toEqual({ name, rg: LEGACY.includes(name) ? "rg-rms-legacy-dev" : "rg-rms-modern-dev" });
        }
    });

    it("builds each VNet with its servers' subnet (with an NSG) and a /27 GatewaySubnet, the DC as DNS server", () => {
        const vnets = ofType(plan, "azure-native:network:VirtualNetwork").map((v) => ({
            name: input(v, "virtualNetworkName"),
            space: input(v, "addressSpace.addressPrefixes"),
            dns: input(v, "dhcpOptions.dnsServers"),
            subnets: input<Array<{ name: string; addressPrefix: string; networkSecurityGroup?: unknown }>>(v, "subnets").map((s) => [s.name, s.addressPrefix, s.networkSecurityGroup !== undefined]),
        }));
        expect(vnets.sort((a, b) => String(a.name).localeCompare(String(b.name)))).toEqual([
            { name: "vnet-rms-legacy", space: ["10.110.0.0/16"], dns: ["10.110.0.4"], subnets: [["snet-servers", "10.110.0.0/24", true], ["GatewaySubnet", "10.110.255.0/27", false]] },
            { name: "vnet-rms-modern", space: ["10.120.0.0/16"], dns: ["10.120.0.4"], subnets: [["snet-servers", "10.120.0.0/24", true], ["GatewaySubnet", "10.120.255.0/27", false]] },
        ]);
    });

    it("peers the two VNets both ways, without gateway transit (each has its own gateway), one peering at a time", () => {
        const peerings = ofType(plan, "azure-native:network:VirtualNetworkPeering");
        const vnetId = (name: string) => one(plan, "azure-native:network:VirtualNetwork", name).id;
        expect(peerings.map((p) => [input(p, "virtualNetworkName"), input(p, "remoteVirtualNetwork.id") === vnetId(input<string>(p, "virtualNetworkName") === "vnet-rms-legacy" ? "vnet-rms-modern" : "vnet-rms-legacy")]).sort()).toEqual([
            ["vnet-rms-legacy", true],
            ["vnet-rms-modern", true],
        ]);
        for (const p of peerings) {
            expect({ access: input(p, "allowVirtualNetworkAccess"), transit: input(p, "allowGatewayTransit"), remote: input(p, "useRemoteGateways") }).toEqual({ access: true, transit: false, remote: false });
        }
        expectDirectDependency(one(plan, "azure-native:network:VirtualNetworkPeering", "peer-modern-to-legacy"), one(plan, "azure-native:network:VirtualNetworkPeering", "peer-legacy-to-modern"));
    });

    it("builds a route-based VpnGw1AZ gateway per lab on a zone-redundant Standard IP, with timeouts a real gateway needs", () => {
        const gateways = ofType(plan, GATEWAY);
        expect(gateways.map((g) => input(g, "virtualNetworkGatewayName")).sort()).toEqual(["vgw-rms-legacy", "vgw-rms-modern"]);
        for (const g of gateways) {
            expect({ sku: input(g, "sku"), type: input(g, "gatewayType"), vpn: input(g, "vpnType") }).toEqual({ sku: { name: "VpnGw1AZ", tier: "VpnGw1AZ" }, type: "Vpn", vpn: "RouteBased" });
            const subnetId = input<string>(g, "ipConfigurations[0].subnet.id");
            expect(subnetId).toMatch(/\/subnets\/GatewaySubnet$/);
            const ip = ofType(plan, "azure-native:network:PublicIPAddress").find((p) => p.id === input(g, "ipConfigurations[0].publicIPAddress.id"))!;
            expect({ sku: input(ip, "sku.name"), zones: input(ip, "zones"), allocation: input(ip, "publicIPAllocationMethod") }).toEqual({ sku: "Standard", zones: ["1", "2", "3"], allocation: "Static" });
            // Azure takes 30-45 minutes or more; minutes, at least an hour.
            expect(Number.parseInt(g.options.customTimeouts?.create ?? "0", 10)).toBeGreaterThanOrEqual(60);
        }
    });

    it("connects each gateway to the home router over IKEv2 with a generated key kept secret", () => {
        const connections = ofType(plan, "azure-native:network:VirtualNetworkGatewayConnection");
        expect(connections).toHaveLength(2);
        for (const c of connections) {
            expect({ type: input(c, "connectionType"), protocol: input(c, "connectionProtocol") }).toEqual({ type: "IPsec", protocol: "IKEv2" });
            expect(inputIsSecret(c, "sharedKey")).toBe(true);
            expect(input<string>(c, "sharedKey")).toMatch(/^[A-Za-z0-9]{32}$/);
            expect(c.options.additionalSecretOutputs).toContain("sharedKey");
        }
        expect(new Set(connections.map((c) => input(c, "sharedKey"))).size).toBe(2);
        for (const lgw of ofType(plan, "azure-native:network:LocalNetworkGateway")) {
            expect({ ip: input(lgw, "gatewayIpAddress"), spaces: input(lgw, "localNetworkAddressSpace.addressPrefixes") }).toEqual({ ip: "203.0.113.10", spaces: ["192.168.0.0/16"] });
        }
        expect(isSecret(stackOutputRaw(plan, "rms-lab.vpnSharedKeys"))).toBe(true);
    });

    it("lets the gateways build in parallel with each other and with the servers", () => {
        const [a, b] = ofType(plan, GATEWAY);
        expect([dependsOn(plan, a, b), dependsOn(plan, b, a)]).toEqual([false, false]);
        const serverSide = plan.resources.filter((r) => ["azure-native:compute:VirtualMachine", "azure-native:network:NetworkInterface", RUN_COMMAND, "azure-native:network:VirtualNetworkPeering"].includes(r.type));
        expect(serverSide.length).toBeGreaterThan(20);
        for (const r of serverSide) expect({ r: r.name, waitsForAGateway: dependsOn(plan, r, a) || dependsOn(plan, r, b) }).toEqual({ r: r.name, waitsForAGateway: false });
    });

    it("puts the servers at their static IPs; the DC asks itself then Azure DNS, members ask their DC", () => {
        const nic = (vm: string) => one(plan, "azure-native:network:NetworkInterface", `nic-${vm}`);
        const ips = [...LEGACY, ...MODERN].map((vm) => [vm, input(nic(vm), "ipConfigurations[0].privateIPAddress"), input(nic(vm), "ipConfigurations[0].privateIPAllocationMethod")]);
        expect(ips).toEqual([
            ["jog-dc1", "10.110.0.4", "Static"],
            ["jog-rms1", "10.110.0.5", "Static"],
            ["jog-sql1", "10.110.0.6", "Static"],
            ["gitw-dc1", "10.120.0.4", "Static"],
            ["gitw-rms1", "10.120.0.5", "Static"],
            ["gitw-adfs1", "10.120.0.6", "Static"],
            ["gitw-aadc1", "10.120.0.7", "Static"],
        ]);
        expect(input(nic("jog-dc1"), "dnsSettings.dnsServers")).toEqual(["10.110.0.4", "168.63.129.16"]);
        expect(input(nic("jog-sql1"), "dnsSettings.dnsServers")).toEqual(["10.110.0.4"]);
        expect(input(nic("gitw-aadc1"), "dnsSettings.dnsServers")).toEqual(["10.120.0.4"]);
    });

    it("gives each server its roles' steps, in the order the roles need", () => {
        const steps = ofType(plan, RUN_COMMAND).map((r) => r.name).sort();
        expect(steps).toEqual(
            [
                "jog-dc1-promote-dc",
                "jog-dc1-configure-dc",
                "jog-dc1-forest-trust-modern",
                "jog-rms1-join-domain",
                "jog-rms1-install-rms",
                "jog-sql1-join-domain",
                "jog-sql1-install-sql",
                "gitw-dc1-promote-dc",
                "gitw-dc1-configure-dc",
                "gitw-rms1-join-domain",
                "gitw-rms1-install-sql",
                "gitw-rms1-install-rms",
                "gitw-adfs1-join-domain",
                "gitw-adfs1-install-adfs",
                "gitw-aadc1-join-domain",
                "gitw-aadc1-prepare-entra-connect",
            ].sort(),
        );
        for (const [dc, members] of [
            ["jog-dc1", LEGACY.slice(1)],
            ["gitw-dc1", MODERN.slice(1)],
        ] as const) {
            const promote = step(plan, dc, "promote-dc");
            const dcRestart = restartOf(plan, dc, "promotion");
            expectDirectDependency(dcRestart, promote);
            for (const next of [step(plan, dc, "configure-dc"), ...members.map((m) => step(plan, m, "join-domain"))]) {
                // After the promotion (explicitly, not by luck of timing) and the DC's restart.
                expectDirectDependency(next, promote);
                expectDirectDependency(next, dcRestart);
            }
            for (const m of members) expectDirectDependency(restartOf(plan, m, "join"), step(plan, m, "join-domain"));
        }
        expectDirectDependency(step(plan, "jog-sql1", "install-sql"), restartOf(plan, "jog-sql1", "join"));
        for (const before of [restartOf(plan, "jog-rms1", "join"), step(plan, "jog-sql1", "install-sql"), step(plan, "jog-dc1", "configure-dc")]) expectDirectDependency(step(plan, "jog-rms1", "install-rms"), before);
        expectDirectDependency(step(plan, "gitw-adfs1", "install-adfs"), restartOf(plan, "gitw-adfs1", "join"));
        expectDirectDependency(step(plan, "gitw-aadc1", "prepare-entra-connect"), restartOf(plan, "gitw-aadc1", "join"));
        // The trust needs both forests answering for their domains (conditional forwarders in place) and the peering.
        const trust = step(plan, "jog-dc1", "forest-trust-modern");
        for (const dc of ["jog-dc1", "gitw-dc1"]) expectDirectDependency(trust, step(plan, dc, "configure-dc"));
        for (const peering of ofType(plan, "azure-native:network:VirtualNetworkPeering")) expectDirectDependency(trust, peering);
    });

    it("never runs two steps on one VM at once (Azure runs one Run Command per VM at a time)", () => {
        const runs = ofType(plan, RUN_COMMAND);
        const vmOf = (r: (typeof runs)[number]) => input<string>(r, "vmName");
        for (const a of runs) {
            for (const b of runs) {
                if (a === b || vmOf(a) !== vmOf(b)) continue;
                expect({ pair: [a.name, b.name], ordered: dependsOn(plan, a, b) || dependsOn(plan, b, a) }).toEqual({ pair: [a.name, b.name], ordered: true });
            }
        }
    });

    it("restarts servers from outside, with the Azure CLI, after promotion and after joining", () => {
        const restarts = ofType(plan, RESTART).filter((r) => r.name.includes("-restart-after-"));
        expect(restarts.map((r) => r.name).sort()).toEqual(
            ["jog-dc1-restart-after-promotion", "jog-rms1-restart-after-join", "jog-sql1-restart-after-join", "gitw-dc1-restart-after-promotion", "gitw-rms1-restart-after-join", "gitw-adfs1-restart-after-join", "gitw-aadc1-restart-after-join"].sort(),
        );
        for (const r of restarts) {
            const vm = one(plan, "azure-native:compute:VirtualMachine", r.name.replace(/-restart-after-.*$/, ""));
            expect(input<string>(r, "create")).toBe(
                `az vm start --ids ${vm.id} --output none && az vm restart --ids ${vm.id} --output none && az vm wait --ids ${vm.id} --custom "instanceView.vmAgent.statuses[?displayStatus=='Ready']" --timeout 1800 --output none`,
            );
        }
    });

    it("starts the VMs a step needs with the step's own: the DC for members' steps, the SQL server for AD RMS, the other DC for the trust", () => {
        const vmId = (name: string) => one(plan, "azure-native:compute:VirtualMachine", name).id!;
        const startOf = (step: string) => String(input(one(plan, RESTART, `${step}-start`), "create")).split(" --output none")[0].replace("az vm start --ids ", "").split(" ");
        expect(startOf("jog-dc1-promote-dc")).toEqual([vmId("jog-dc1")]);
        expect(startOf("jog-sql1-join-domain")).toEqual([vmId("jog-sql1"), vmId("jog-dc1")]);
        expect(startOf("jog-rms1-install-rms")).toEqual([vmId("jog-rms1"), vmId("jog-dc1"), vmId("jog-sql1")]);
        expect(startOf("gitw-adfs1-install-adfs")).toEqual([vmId("gitw-adfs1"), vmId("gitw-dc1")]);
        expect(startOf("jog-dc1-forest-trust-modern")).toEqual([vmId("jog-dc1"), vmId("gitw-dc1")]);
    });

    it("deletes each step with its VM, since Azure cannot delete a Run Command from a stopped VM", () => {
        for (const run of ofType(plan, RUN_COMMAND)) {
            const vm = one(plan, "azure-native:compute:VirtualMachine", input<string>(run, "vmName"));
            expect({ run: run.name, deletedWith: run.options.deletedWith }).toEqual({ run: run.name, deletedWith: vm.urn });
        }
    });

    it("passes every parameter base64-encoded, so spaces, quotes and ';' survive the command line", () => {
        for (const run of ofType(plan, RUN_COMMAND)) {
            const raw = rawParametersOf(run);
            for (const value of [...Object.values(raw.plain), ...Object.values(raw.protected)]) expect({ run: run.name, base64: /^[A-Za-z0-9+/]*={0,2}$/.test(value) }).toEqual({ run: run.name, base64: true });
        }
        expect(parametersOf(step(plan, "jog-dc1", "configure-dc")).plain.ConditionalForwarders).toBe("geekintheweeds.com=10.120.0.4");
    });

    it("runs every step synchronously, failing the deployment when its script fails, with room for slow installers", () => {
        for (const run of ofType(plan, RUN_COMMAND)) {
            expect({ run: run.name, async: input(run, "asyncExecution"), fail: input(run, "treatFailureAsDeploymentFailure") }).toEqual({ run: run.name, async: false, fail: true });
            expect(Number.parseInt(run.options.customTimeouts?.create ?? "0", 10)).toBeGreaterThanOrEqual(60);
        }
    });

    it("passes every password as a protected parameter or the run-as password, all secret", () => {
        for (const run of ofType(plan, RUN_COMMAND)) {
            if (input(run, "protectedParameters") !== null) expect({ run: run.name, secret: inputIsSecret(run, "protectedParameters") || protectedValuesSecret(run) }).toEqual({ run: run.name, secret: true });
            if (input(run, "runAsPassword") !== null) expect({ run: run.name, secret: inputIsSecret(run, "runAsPassword") }).toEqual({ run: run.name, secret: true });
            expect(run.options.additionalSecretOutputs).toEqual(expect.arrayContaining(["protectedParameters", "runAsPassword"]));
        }
        const passwords = ofType(plan, "random:index/randomPassword:RandomPassword").map((p) => output<string>(p, "result"));
        expect(passwords.length).toBe(10);
        for (const p of passwords) expect(p.length).toBeGreaterThanOrEqual(24);
        const plainValues = ofType(plan, RUN_COMMAND).flatMap((run) => Object.values(parametersOf(run).plain));
        for (const secret of passwords) expect(plainValues.filter((v) => v.includes(secret))).toEqual([]);
    });

    it("tells the user how to reach each server and what to set on the home router", () => {
        const forests = stackOutput<Array<{ name: string; domain: string; servers: Array<{ name: string; roles: string[]; privateIp: string; fqdn: string; reach: string[] }>; vpnGatewayPublicIp: string }>>(plan, "rms-lab.forests");
        expect(forests.map((f) => [f.name, f.domain, f.servers.map((s) => `${s.name}=${s.privateIp}:${s.roles.join("+")}`)])).toEqual([
            ["legacy", "jog.local", ["jog-dc1=10.110.0.4:dc+adcs", "jog-rms1=10.110.0.5:rms", "jog-sql1=10.110.0.6:sql"]],
            ["modern", "geekintheweeds.com", ["gitw-dc1=10.120.0.4:dc+adcs", "gitw-rms1=10.120.0.5:rms+sql", "gitw-adfs1=10.120.0.6:adfs", "gitw-aadc1=10.120.0.7:aadc"]],
        ]);
        expect(forests[0].servers[0].fqdn).toBe("jog-dc1.jog.local");
        expect(forests[0].servers[0].reach[0]).toBe("RDP to 10.110.0.4 from the home lab (192.168.0.0/16) over the site-to-site VPN");
        const router = stackOutput<Array<{ remoteGateway: string; remoteNetworks: string[]; localNetworks: string[] }>>(plan, "rms-lab.homeRouter");
        expect(router.map((t) => [t.remoteGateway, t.remoteNetworks, t.localNetworks])).toEqual([
            [forests[0].vpnGatewayPublicIp, ["10.110.0.0/16"], ["192.168.0.0/16"]],
            [forests[1].vpnGatewayPublicIp, ["10.120.0.0/16"], ["192.168.0.0/16"]],
        ]);
        expect(forests[0].vpnGatewayPublicIp).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
    });

    it("creates nothing in Entra ID unless asked", () => {
        expect(plan.resources.filter((r) => r.type.startsWith("azuread:"))).toEqual([]);
    });

    itKeepsTheLabHygiene(() => plan, RMS_LAB);
});

function protectedValuesSecret(run: Plan["resources"][number]): boolean {
    const raw = run.inputs.protectedParameters as unknown;
    return Array.isArray(raw) && raw.every((p) => isSecret((p as { value: never }).value) || isSecret(p as never));
}

describe("rms-lab: without VPN gateways (cost)", () => {
    let plan: Plan;
    beforeAll(async () => {
        plan = await planLab("rms-lab", { rmsVpnEnabled: false, rmsHomePublicIp: "" });
    });

    it("builds no gateway, tunnel or gateway IP, and says so in the outputs", () => {
        for (const type of [GATEWAY, "azure-native:network:VirtualNetworkGatewayConnection", "azure-native:network:LocalNetworkGateway"]) expect(ofType(plan, type)).toEqual([]);
        expect(ofType(plan, "azure-native:network:PublicIPAddress").map((p) => p.name).sort()).toEqual(["pip-ng-rms-legacy", "pip-ng-rms-modern"]);
        expect(stackOutput(plan, "rms-lab.homeRouter")).toBe("no VPN (rmsVpnEnabled is false)");
        expect(stackOutput(plan, "rms-lab.vpnSharedKeys")).toBeNull();
    });

    it("still builds both forests and their peering", () => {
        expect(ofType(plan, "azure-native:compute:VirtualMachine")).toHaveLength(7);
        expect(ofType(plan, "azure-native:network:VirtualNetworkPeering")).toHaveLength(2);
    });
});

describe("rms-lab: settings carried through", () => {
    it("uses a shared key from config (set with --secret) for every tunnel, kept secret", async () => {
        const { plan } = await evaluateInChild({ programDir: ROOT, stack: "dev", overrides: { labs: ["rms-lab"] }, secretOverrides: { rmsVpnSharedKey: "home-lab-key-0123456789" } });
        expect(plan.config["labs:rmsVpnSharedKey"]).toBe("[secret]");
        for (const c of ofType(plan, "azure-native:network:VirtualNetworkGatewayConnection")) {
            expect(input(c, "sharedKey")).toBe("home-lab-key-0123456789");
            expect(inputIsSecret(c, "sharedKey")).toBe(true);
        }
        expect(ofType(plan, "random:index/randomPassword:RandomPassword").filter((p) => p.name.endsWith("vpn-shared-key"))).toEqual([]);
    });

    it("builds a lab from config: its domain, addresses, image and servers", async () => {
        const lab = {
            name: "alt",
            domain: "contoso.test",
            netbios: "CONTOSO",
            addressSpace: "10.50.0.0/16",
            subnetPrefix: "10.50.1.0/24",
            gatewaySubnetPrefix: "10.50.255.0/27",
            windowsImage: "MicrosoftWindowsServer:WindowsServer:2019-datacenter-gensecond:latest",
            servers: [
                { name: "alt-dc", ip: "10.50.1.10", roles: ["dc"] },
                { name: "alt-rms", ip: "10.50.1.11", roles: ["rms", "sql"] },
            ],
        };
        const plan = await planLab("rms-lab", { rmsLabs: [lab], rmsForestTrust: false });
        expect(ofType(plan, "azure-native:compute:VirtualMachine").map((v) => [input(v, "vmName"), input(v, "storageProfile.imageReference.sku")])).toEqual([
            ["alt-dc", "2019-datacenter-gensecond"],
            ["alt-rms", "2019-datacenter-gensecond"],
        ]);
        expect(input(one(plan, "azure-native:network:NetworkInterface", "nic-alt-rms"), "ipConfigurations[0].privateIPAddress")).toBe("10.50.1.11");
        expect(input(one(plan, "azure-native:network:VirtualNetwork", "vnet-rms-alt"), "dhcpOptions.dnsServers")).toEqual(["10.50.1.10"]);
        expect(parametersOf(step(plan, "alt-dc", "promote-dc")).plain).toEqual({ DomainName: "contoso.test", NetbiosName: "CONTOSO" });
        // No CA role: the DC's configuration step leaves AD CS out.
        expect(parametersOf(step(plan, "alt-dc", "configure-dc")).plain.InstallCertificateAuthority).toBe("false");
        expect(ofType(plan, RUN_COMMAND).filter((r) => r.name.includes("forest-trust"))).toEqual([]);
        expect(ofType(plan, "azure-native:network:VirtualNetworkPeering")).toEqual([]);
    });

    it("adds Bastion in the first lab's VNet when asked, and says how to use it", async () => {
        const plan = await planLab("rms-lab", { rmsBastion: true });
        const bastion = one(plan, "azure-native:network:BastionHost", "bas-rms-legacy");
        expect(input(bastion, "ipConfigurations[0].subnet.id")).toMatch(/\/subnets\/AzureBastionSubnet$/);
        // The CLI command below needs Standard with native-client tunnelling and IP connect (Basic has neither).
        expect({ sku: input(bastion, "sku.name"), tunneling: input(bastion, "enableTunneling"), ip: input(bastion, "enableIpConnect") }).toEqual({ sku: "Standard", tunneling: true, ip: true });
        const subnets = input<Array<{ name: string; addressPrefix: string }>>(one(plan, "azure-native:network:VirtualNetwork", "vnet-rms-legacy"), "subnets");
        expect(subnets.find((s) => s.name === "AzureBastionSubnet")?.addressPrefix).toMatch(/\/26$/);
        const reach = stackOutput<Array<{ servers: Array<{ reach: string[] }> }>>(plan, "rms-lab.forests")[1].servers[0].reach;
        expect(reach).toContainEqual("az network bastion rdp --name bas-rms-legacy --resource-group rg-rms-legacy-dev --target-ip-address 10.120.0.4");
    });

    it("creates the tenant's users with secret generated passwords and an AIP super users group when asked", async () => {
        const plan = await planLab("rms-lab", { rmsTenantEnabled: true, rmsTenantDomain: "contoso.onmicrosoft.com", rmsTenantUsers: ["aip-admin", "alice"] });
        const users = ofType(plan, "azuread:index/user:User");
        expect(users.map((u) => input(u, "userPrincipalName"))).toEqual(["aip-admin@contoso.onmicrosoft.com", "alice@contoso.onmicrosoft.com"]);
        for (const u of users) expect(inputIsSecret(u, "password")).toBe(true);
        const group = one(plan, "azuread:index/group:Group", "aip-super-users");
        expect(input(group, "members")).toEqual([output(users[0], "objectId")]);
        expect(isSecret(stackOutputRaw(plan, "rms-lab.tenantUserPasswords"))).toBe(true);
        expect(stackOutput(plan, "rms-lab.tenantUsers")).toEqual(["aip-admin@contoso.onmicrosoft.com", "alice@contoso.onmicrosoft.com"]);
    });
});
