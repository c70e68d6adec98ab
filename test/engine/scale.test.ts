// Large programs plan: the SDK's per-resource work is kept to what a plan needs (a provider's
// aliases for its earlier type tokens are left out; a program's own aliases stay), and a program
// too large for the memory given ends in one message saying how to plan less at once.
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { evaluateInChild } from "../../cli/engine/fork";
import { LABS_CLI, ROOT, ofType, one } from "../support";

const SCALE = path.join(ROOT, "bench", "programs", "scale");

describe("planning many resources", () => {
    it("plans 1,000 azure-native resources, each once", async () => {
        const { plan } = await evaluateInChild({ programDir: SCALE, stack: "dev", overrides: { count: 1000 } });
        expect(ofType(plan, "azure-native:network:NetworkSecurityGroup")).toHaveLength(999);
        expect(new Set(plan.resources.map((r) => r.urn)).size).toBe(plan.resources.length);
    }, 120_000);

    it("keeps a program's own aliases and leaves out the provider's type aliases", async () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "labs-aliases-"));
        fs.writeFileSync(path.join(dir, "Pulumi.yaml"), "name: aliases\nruntime: nodejs\n");
        fs.writeFileSync(path.join(dir, "Pulumi.dev.yaml"), "config: {}\n");
        fs.writeFileSync(
            path.join(dir, "index.ts"),
            [
                'import * as network from "@pulumi/azure-native/network";',
                'new network.NetworkSecurityGroup("renamed", { resourceGroupName: "rg" }, { aliases: [{ name: "old-name" }] });',
                'new network.NetworkSecurityGroup("plain", { resourceGroupName: "rg" });',
            ].join("\n"),
        );
        const { plan } = await evaluateInChild({ programDir: dir, stack: "dev" });
        expect(one(plan, "azure-native:network:NetworkSecurityGroup", "renamed").options.aliases).toEqual(["name=old-name parent=urn:pulumi:dev::aliases::pulumi:pulumi:Stack::aliases-dev"]);
        expect(one(plan, "azure-native:network:NetworkSecurityGroup", "plain").options.aliases).toBeUndefined();
    });

    it("says so, and how to plan less at once, when the evaluation runs out of memory", () => {
        const r = spawnSync(process.execPath, [LABS_CLI, "plan", "--program", SCALE, "-c", "count=6000"], {
            cwd: ROOT,
            encoding: "utf8",
            env: { ...process.env, LABS_MAX_HEAP_MB: "256" },
            timeout: 120_000,
        });
        expect(r.status).toBe(2);
        expect(r.stderr).toContain("the evaluation ran out of memory");
        expect(r.stderr).toContain("labs plan --lab NAME");
        expect(r.stderr).not.toMatch(/^\s+at /m);
        expect(r.stderr).toContain("LABS_MAX_HEAP_MB (now 256 MB)");
    }, 120_000);
});
