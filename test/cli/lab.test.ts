// `--lab NAME` shows one lab, but checks the settings of every lab the stack selects, as
// `pulumi up` (which deploys them all) would.
import { spawnSync } from "node:child_process";
import { expect, it } from "vitest";
import { LABS_CLI, ROOT } from "../support";

const labs = (...args: string[]) => spawnSync(process.execPath, [LABS_CLI, ...args], { cwd: ROOT, encoding: "utf8", env: { ...process.env, PULUMI_NODEJS_TRANSPILE_ONLY: "true" } });

it("refuses another selected lab's bad setting while planning one lab", () => {
    const run = labs("plan", "--lab", "collector", "--config", "dnsPattern=bogus");
    expect(run.stderr).toContain('labs:dnsPattern = "bogus": expected one of azure-provided, byo-forwarders, private-zones, private-resolver');
    expect(run.status).toBe(2);
});

it("plans only that lab, and one the stack does not select", () => {
    const run = labs("plan", "--lab", "dns-lab", "--config", 'labs=["collector"]', "--json");
    expect(run.status).toBe(0);
    const types = (JSON.parse(run.stdout) as { steps: Array<{ urn: string }> }).steps.map((s) => s.urn.split("::")[2]);
    expect(types.some((t) => t.endsWith("azure-native:compute:VirtualMachine"))).toBe(true);
    expect(types.some((t) => t.includes("aws:"))).toBe(false);
});
