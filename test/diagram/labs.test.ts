// `labs diagram` on the dev stack: one plan, every lab drawn once, the pictures read as XML.
import { beforeAll, describe, expect, it } from "vitest";
import { type Diagram, type DiagramCluster, allNodes } from "../../cli/diagram/model";
import { diagramOf, drawLabs, labsOf } from "../../cli/diagram";
import { UserError } from "../../cli/engine/errors";
import { type Wire, isSecret, reveal } from "../../cli/engine/wire";
import { input, output } from "../support";
import { type Drawn, expectNetworkShown, labResources, planAndDraw, vnetsOf } from "./support";
import { shows } from "./svg";

let drawn: Drawn;
beforeAll(async () => {
    drawn = await planAndDraw();
});

describe("labs diagram, dev stack", () => {
    it("draws one well-formed SVG per lab, in the program's order", () => {
        expect(drawn.pictures.map((p) => p.lab)).toEqual(["dns-lab", "rms-lab", "collector"]);
        expect(labsOf(drawn.plan)).toEqual(["dns-lab", "rms-lab", "collector"]);
        for (const lab of labsOf(drawn.plan)) expect(drawn.svg[lab].root, lab).toBe("svg");
    });

    it("draws without Graphviz warnings (every arrow clipped at a box that can take it)", () => {
        expect(drawn.pictures.flatMap((p) => p.warnings.map((w) => `${p.lab}: ${w}`))).toEqual([]);
    });

    it.each(["dns-lab", "rms-lab"])("%s shows every VNet with its CIDR, every VM's private IP and every resource group", (lab) => {
        expectNetworkShown(drawn.plan, lab, drawn.svg[lab]);
    });

    it("shows the posts' defaults", () => {
        for (const text of ["vnet1", "10.101.0.0/16", "10.101.0.0/24", "10.101.0.4", "10.101.0.5", "Azure DNS", "168.63.129.16"]) expect(shows(drawn.svg["dns-lab"], text), text).toBe(true);
        for (const text of ["10.110.0.0/16", "10.120.0.0/16", "10.110.0.4", "10.120.0.7", "GatewaySubnet", "10.110.255.0/27", "forest jog.local (JOG)", "forest geekintheweeds.com (GITW)"]) {
            expect(shows(drawn.svg["rms-lab"], text), text).toBe(true);
        }
    });

    it("nests the boxes as Azure does: resource group > VNet > subnet > VM, each VM in the subnet of its NIC", () => {
        for (const lab of ["dns-lab", "rms-lab"]) {
            const diagram = diagramOf(drawn.plan, lab);
            for (const nic of labResources(drawn.plan, lab, "azure-native:network:NetworkInterface")) {
                const ip = input<string>(nic, "ipConfigurations[0].privateIPAddress");
                const subnetId = input<string>(nic, "ipConfigurations[0].subnet.id");
                const [, rg, vnet, subnet] = /resourceGroups\/([^/]+)\/.*virtualNetworks\/([^/]+)\/subnets\/([^/]+)$/.exec(subnetId) ?? [];
                const path = boxesAround(diagram, (n) => n.kind === "vm" && n.lines.includes(ip));
                expect(path.map((c) => `${c.kind} ${c.lines[0]}`), `${lab} ${ip}`).toEqual(["cloud Azure", `rg ${rg}`, `vnet ${vnet}`, `subnet ${subnet}  ${subnetPrefix(drawn, lab, vnet, subnet)}`]);
            }
        }
    });

    it("marks every subnet that has an NSG with it, and only those", () => {
        for (const lab of ["dns-lab", "rms-lab"]) {
            const diagram = diagramOf(drawn.plan, lab);
            for (const vnet of labResources(drawn.plan, lab, "azure-native:network:VirtualNetwork")) {
                for (const subnet of input<Array<{ name: string; networkSecurityGroup?: { id: string } }>>(vnet, "subnets")) {
                    const box = findCluster(diagram, (c) => c.kind === "subnet" && c.lines[0].startsWith(`${subnet.name} `) && c.id.includes(`/virtualnetworks/${input<string>(vnet, "virtualNetworkName").toLowerCase()}/`));
                    const marker = box?.lines.find((l) => l.startsWith("NSG "));
                    if (subnet.networkSecurityGroup) expect(marker, `${lab} ${subnet.name}`).toMatch(new RegExp(`^NSG ${subnet.networkSecurityGroup.id.split("/").pop()} `));
                    else expect(marker, `${lab} ${subnet.name}`).toBeUndefined();
                }
            }
        }
    });

    it("rms-lab: both VPN gateways, the home lab with its address spaces, the tunnels and the peering", () => {
        const svg = drawn.svg["rms-lab"];
        const gateways = labResources(drawn.plan, "rms-lab", "azure-native:network:VirtualNetworkGateway");
        expect(gateways).toHaveLength(2);
        for (const gateway of gateways) expect(shows(svg, input<string>(gateway, "virtualNetworkGatewayName"))).toBe(true);
        for (const lgw of labResources(drawn.plan, "rms-lab", "azure-native:network:LocalNetworkGateway")) {
            expect(shows(svg, input<string>(lgw, "gatewayIpAddress"))).toBe(true);
            for (const prefix of input<string[]>(lgw, "localNetworkAddressSpace.addressPrefixes")) expect(shows(svg, prefix), prefix).toBe(true);
        }
        expect(shows(svg, "192.168.0.0/16")).toBe(true);
        expect(shows(svg, "Home lab")).toBe(true);
        for (const connection of labResources(drawn.plan, "rms-lab", "azure-native:network:VirtualNetworkGatewayConnection")) {
            expect(shows(svg, input<string>(connection, "virtualNetworkGatewayConnectionName"))).toBe(true);
        }
        expect(shows(svg, "peering")).toBe(true);
        // One line for the pair of peerings, between the two VNets.
        const diagram = diagramOf(drawn.plan, "rms-lab");
        const peerings = diagram.edges.filter((e) => e.kind === "peering");
        expect(peerings).toHaveLength(1);
        expect(peerings.map((e) => [e.from, e.to].map((id) => findCluster(diagram, (c) => c.nodes.some((n) => n.id === id))?.lines[0]).sort())).toEqual([vnetsOf(drawn.plan, "rms-lab").map((v) => v.name).sort()]);
    });

    it("rms-lab: each server with its roles, the forests' conditional forwarders and their trust", () => {
        const svg = drawn.svg["rms-lab"];
        for (const text of ["dc, adcs", "rms, sql", "adfs", "aadc", "two-way forest trust", "jog.local <-> geekintheweeds.com"]) expect(shows(svg, text), text).toBe(true);
        const diagram = diagramOf(drawn.plan, "rms-lab");
        const dns = diagram.edges.filter((e) => e.kind === "dns" && (e.label === "jog.local" || e.label === "geekintheweeds.com"));
        const name = (id: string) => allNodes(diagram).find((n) => n.id === id)?.lines[0];
        expect(dns.map((e) => `${name(e.from)} -> ${name(e.to)}: ${e.label}`).sort()).toEqual(["gitw-dc1 -> jog-dc1: jog.local", "jog-dc1 -> gitw-dc1: geekintheweeds.com"]);
    });

    it("collector: the data flow AWS -> function -> DCE -> DCR -> workspace, and the audit principal -> Defender for Cloud Apps", () => {
        const svg = drawn.svg.collector;
        const fn = (name: string) => labResources(drawn.plan, "collector", "aws:lambda/function:Function").find((f) => f.name === name);
        const reporter = fn("access-key-report");
        const dcr = labResources(drawn.plan, "collector", "azure-native:monitor:DataCollectionRule")[0];
        const dce = labResources(drawn.plan, "collector", "azure-native:monitor:DataCollectionEndpoint")[0];
        const workspace = labResources(drawn.plan, "collector", "azure-native:operationalinsights:Workspace")[0];
        const user = labResources(drawn.plan, "collector", "aws:iam/user:User")[0];
        const names = [input<string>(reporter!, "name"), input<string>(dce, "dataCollectionEndpointName"), input<string>(dcr, "dataCollectionRuleName"), input<string>(workspace, "workspaceName"), "AWS_Access_Key_Report_CL", input<string>(user, "name"), "Microsoft Defender for Cloud Apps"];
        for (const text of names) expect(shows(svg, text), text).toBe(true);

        // The arrows, by the names on their ends: the flow is connected, not just listed.
        const diagram = diagramOf(drawn.plan, "collector");
        const arrows = arrowsByName(diagram);
        expect(arrows).toContain(`IAM -> ${names[0]}`);
        expect(arrows).toContain(`${names[0]} -> ${names[1]}`);
        expect(arrows).toContain(`${names[1]} -> ${names[2]}`);
        expect(arrows).toContain(`${names[2]} -> AWS_Access_Key_Report_CL`);
        expect(arrows).toContain(`${names[5]} -> Microsoft Defender for Cloud Apps`);
        const table = findCluster(diagram, (c) => c.nodes.some((n) => n.lines[0] === "AWS_Access_Key_Report_CL"));
        expect(table?.lines[0]).toBe(names[3]);
    });

    it("collector: CloudTrail into its bucket, saved searches and workbook on the table, Entra logs -> S3 -> Glue -> Athena", () => {
        const diagram = diagramOf(drawn.plan, "collector");
        const arrows = arrowsByName(diagram);
        const trail = labResources(drawn.plan, "collector", "aws:cloudtrail/trail:Trail")[0];
        expect(arrows).toContain(`${input<string>(trail, "name")} -> ${input<string>(trail, "s3BucketName")}`);
        for (const search of labResources(drawn.plan, "collector", "azure-native:operationalinsights:SavedSearch")) expect(arrows).toContain(`AWS_Access_Key_Report_CL -> ${input<string>(search, "displayName")}`);
        const workbook = labResources(drawn.plan, "collector", "azure-native:applicationinsights:Workbook")[0];
        expect(arrows).toContain(`AWS_Access_Key_Report_CL -> ${input<string>(workbook, "displayName")}`);
        const exportBucket = output<string>(labResources(drawn.plan, "collector", "aws:s3/bucket:Bucket").find((b) => b.name === "entra-logs")!, "bucket");
        expect(arrows).toContain(`labs-entra-signins-dev -> ${exportBucket}`);
        const database = input<string>(labResources(drawn.plan, "collector", "aws:glue/catalogDatabase:CatalogDatabase")[0], "name");
        const workgroup = input<string>(labResources(drawn.plan, "collector", "aws:athena/workgroup:Workgroup")[0], "name");
        expect(arrows).toContain(`Microsoft Graph -> labs-entra-signins-dev`);
        expect(arrows).toContain(`${exportBucket} -> ${database}`);
        expect(arrows).toContain(`${database} -> ${workgroup}`);
    });

    it("never draws a secret: no password, key or client secret of the plan is in any picture", () => {
        const secrets: string[] = [];
        const strings = (value: Wire): string[] => (typeof value === "string" ? [value] : Array.isArray(value) ? value.flatMap(strings) : value && typeof value === "object" ? Object.values(value).flatMap(strings) : []);
        const collect = (value: Wire) => {
            if (isSecret(value)) secrets.push(...strings(reveal(value)).filter((s) => s.length >= 8));
            else if (Array.isArray(value)) value.forEach(collect);
            else if (value && typeof value === "object") Object.values(value).forEach(collect);
        };
        for (const r of drawn.plan.resources) collect([r.inputs, r.outputs]);
        collect(drawn.plan.outputs);
        expect(secrets.length).toBeGreaterThan(5);
        for (const picture of drawn.pictures) for (const s of secrets) expect(picture.svg.includes(s), `${picture.lab} shows a secret`).toBe(false);
    });

    it("draws only the labs asked for, and names the labs when asked for one that does not exist", async () => {
        expect((await drawLabs(drawn.plan, ["rms-lab"])).map((p) => p.lab)).toEqual(["rms-lab"]);
        await expect(drawLabs(drawn.plan, ["no-such-lab"])).rejects.toThrow(UserError);
        await expect(drawLabs(drawn.plan, ["no-such-lab"])).rejects.toThrow(/no lab named 'no-such-lab'; its labs are: dns-lab, rms-lab, collector/);
    });
});

function subnetPrefix(d: Drawn, lab: string, vnet: string, subnet: string): string {
    const v = labResources(d.plan, lab, "azure-native:network:VirtualNetwork").find((r) => input<string>(r, "virtualNetworkName") === vnet);
    return input<Array<{ name: string; addressPrefix: string }>>(v!, "subnets").find((s) => s.name === subnet)?.addressPrefix ?? "";
}

/** The boxes around the first node that matches, outermost first. */
function boxesAround(diagram: Diagram, match: (n: Diagram["nodes"][number]) => boolean): DiagramCluster[] {
    const walk = (c: DiagramCluster, path: DiagramCluster[]): DiagramCluster[] | undefined => {
        const here = [...path, c];
        if (c.nodes.some(match)) return here;
        for (const inner of c.clusters) {
            const found = walk(inner, here);
            if (found) return found;
        }
        return undefined;
    };
    for (const c of diagram.clusters) {
        const found = walk(c, []);
        if (found) return found;
    }
    return [];
}

function findCluster(diagram: Diagram, match: (c: DiagramCluster) => boolean): DiagramCluster | undefined {
    const walk = (c: DiagramCluster): DiagramCluster | undefined => (match(c) ? c : c.clusters.map(walk).find((x) => x));
    return diagram.clusters.map(walk).find((x) => x);
}

/** "from -> to" by the first label line of each end. */
function arrowsByName(diagram: Diagram): string[] {
    const nodes = new Map(allNodes(diagram).map((n) => [n.id, n.lines[0]]));
    return diagram.edges.map((e) => `${nodes.get(e.from)} -> ${nodes.get(e.to)}`);
}
