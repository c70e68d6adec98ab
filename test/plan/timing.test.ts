// Time to ready: the critical path of a synthetic graph with a known answer, and the labs'
// own paths: the rms-lab is bound by one gateway and its tunnel, not by the sum of its parts.
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import type { PlannedResource } from "../../cli/engine/plan";
import { labsOf } from "../../cli/cost/report";
import { TYPE_MINUTES, criticalPath } from "../../cli/plan/timing";
import { LABS_CLI, ROOT, planLab } from "../support";

function node(name: string, type: string, dependencies: string[] = []): PlannedResource {
    return { urn: `urn:${name}`, type, name, custom: true, inputs: {}, outputs: {}, dependencies: dependencies.map((d) => `urn:${d}`), propertyDependencies: {}, options: {} };
}

describe("the critical path", () => {
    it("is the longest chain by duration, not the longest by count, and not the sum", () => {
        const gw = "azure-native:network:VirtualNetworkGateway"; // 45
        const vm = "azure-native:compute:VirtualMachine"; // 4
        const vnet = "azure-native:network:VirtualNetwork"; // 0.5
        const resources = [
            node("vnet", vnet),
            node("gateway", gw, ["vnet"]),
            node("vm1", vm, ["vnet"]),
            node("vm2", vm, ["vm1"]),
            node("vm3", vm, ["vm2"]),
            node("connection", "azure-native:network:VirtualNetworkGatewayConnection", ["gateway"]),
        ];
        const cp = criticalPath(resources);
        expect(cp.minutes).toBe(0.5 + 45 + 5);
        expect(cp.path.map((p) => p.resource.name)).toEqual(["vnet", "gateway", "connection"]);
        expect(cp.serialMinutes).toBe(0.5 + 45 + 4 * 3 + 5);
    });

    it("takes dependencies outside the resources given as done, and refuses a cycle", () => {
        expect(criticalPath([node("vm", "azure-native:compute:VirtualMachine", ["elsewhere"])]).minutes).toBe(4);
        expect(() => criticalPath([node("a", "x:y:Z", ["b"]), node("b", "x:y:Z", ["a"])])).toThrowError(/dependency cycle/);
    });

    it("documents where each figure comes from", () => {
        for (const [type, d] of Object.entries(TYPE_MINUTES)) expect({ type, sourced: d.source.length > 10 && d.minutes > 0 }).toEqual({ type, sourced: true });
    });
});

describe("the labs' time to ready", () => {
    it("is gateway-bound for the rms-lab: about one gateway and its tunnel, far less than the sum", async () => {
        const plan = await planLab("rms-lab");
        const [rms] = labsOf(plan);
        const cp = criticalPath(rms.resources);
        const gatewayAndTunnel = TYPE_MINUTES["azure-native:network:VirtualNetworkGateway"].minutes + TYPE_MINUTES["azure-native:network:VirtualNetworkGatewayConnection"].minutes;
        expect(cp.minutes).toBeGreaterThanOrEqual(gatewayAndTunnel);
        expect(cp.minutes).toBeLessThan(gatewayAndTunnel + 5);
        expect(cp.path.map((p) => p.resource.type)).toContain("azure-native:network:VirtualNetworkGateway");
        expect(cp.serialMinutes).toBeGreaterThan(cp.minutes * 3);
    });

    it("is printed by labs plan with each lab's cost and where its picture is", () => {
        const r = spawnSync(process.execPath, [LABS_CLI, "plan", "--lab", "rms-lab"], { cwd: ROOT, encoding: "utf8" });
        expect(r.status).toBe(0);
        expect(r.stdout).toMatch(/^ {2}rms-lab +about 5\d min \(one after another: \d+ min\); critical path: .*vgw-rms-\w+ 45 min -> con-rms-\w+-home 5 min$/m);
        expect(r.stdout).toMatch(/^ {2}rms-lab +\$1\.27\/h running, \$0\.92\/h with VMs stopped, about \$\d+\/month at 10 h of VMs a day$/m);
        expect(r.stdout).toMatch(/^Pictures: /m);
    });
});

describe("the README", () => {
    it("shows the time to ready and cost lines labs plan prints for the dev stack, and the pictures labs diagram drew", () => {
        const readme = fs.readFileSync(path.join(ROOT, "README.md"), "utf8");
        const r = spawnSync(process.execPath, [LABS_CLI, "plan"], { cwd: ROOT, encoding: "utf8" });
        const printed = r.stdout.slice(r.stdout.indexOf("Time to ready"), r.stdout.indexOf("\nPictures:")).trimEnd();
        expect(printed.length).toBeGreaterThan(200);
        expect(readme).toContain(printed);
        for (const lab of ["dns-lab", "rms-lab", "collector"]) {
            expect(readme).toContain(`(docs/diagrams/${lab}.svg)`);
            expect(fs.existsSync(path.join(ROOT, "docs", "diagrams", `${lab}.svg`))).toBe(true);
        }
    });
});
