// Settings that add to a picture: Azure Bastion in the rms-lab, Sentinel's S3 connector in the
// collector. The two plans run side by side.
import { beforeAll, describe, expect, it } from "vitest";
import { diagramOf } from "../../cli/diagram";
import { allNodes } from "../../cli/diagram/model";
import { input } from "../support";
import { type Drawn, expectNetworkShown, labResources, planAndDraw } from "./support";
import { shows } from "./svg";

let bastion: Drawn;
let sentinel: Drawn;
beforeAll(async () => {
    [bastion, sentinel] = await Promise.all([planAndDraw("rms-lab", { rmsBastion: true }), planAndDraw("collector", { collectorSentinelEnabled: true })]);
});

describe("labs diagram: optional parts", () => {
    it("rmsBastion=true: the Bastion host in AzureBastionSubnet, with its public IP", () => {
        const svg = bastion.svg["rms-lab"];
        expectNetworkShown(bastion.plan, "rms-lab", svg);
        const host = labResources(bastion.plan, "rms-lab", "azure-native:network:BastionHost")[0];
        const name = input<string>(host, "bastionHostName");
        expect(shows(svg, name)).toBe(true);
        expect(shows(svg, "Bastion Standard")).toBe(true);
        const diagram = diagramOf(bastion.plan, "rms-lab");
        const walk = (c: (typeof diagram.clusters)[number]): typeof diagram.clusters => [c, ...c.clusters.flatMap(walk)];
        const subnet = diagram.clusters.flatMap(walk).find((c) => c.nodes.some((n) => n.lines[0] === name));
        expect(subnet?.kind).toBe("subnet");
        expect(subnet?.lines[0]).toMatch(/^AzureBastionSubnet /);
        expect(bastion.pictures[0].warnings).toEqual([]);
    });

    it("collectorSentinelEnabled=true: trail bucket -> SQS -> the OIDC role Sentinel assumes, Sentinel on the workspace", () => {
        const svg = sentinel.svg.collector;
        const role = input<string>(labResources(sentinel.plan, "collector", "aws:iam/role:Role").find((r) => input<string>(r, "name").startsWith("OIDC_"))!, "name");
        const queue = input<string>(labResources(sentinel.plan, "collector", "aws:sqs/queue:Queue").find((q) => q.name === "sentinel-cloudtrail")!, "name");
        for (const text of ["Microsoft Sentinel", role, queue]) expect(shows(svg, text), text).toBe(true);
        const diagram = diagramOf(sentinel.plan, "collector");
        const names = new Map(allNodes(diagram).map((n) => [n.id, n.lines[0]]));
        const arrows = diagram.edges.map((e) => `${names.get(e.from)} -> ${names.get(e.to)}`);
        expect(arrows).toContain(`Microsoft Sentinel -> ${role}`);
        expect(arrows).toContain(`${queue} -> ${role}`);
        const workspace = input<string>(labResources(sentinel.plan, "collector", "azure-native:operationalinsights:Workspace")[0], "workspaceName");
        const walk = (c: (typeof diagram.clusters)[number]): typeof diagram.clusters => [c, ...c.clusters.flatMap(walk)];
        expect(diagram.clusters.flatMap(walk).find((c) => c.nodes.some((n) => n.id === "sentinel"))?.lines[0]).toBe(workspace);
        expect(sentinel.pictures[0].warnings).toEqual([]);
    });
});
