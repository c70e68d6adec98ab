// The project's promises about its own files: Pulumi.yaml declares exactly the settings the
// labs read, each documented; the default `labs` is every lab; versions are pinned.
import * as fs from "node:fs";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { describe, expect, it, vi } from "vitest";
import { loadProject, loadStackConfig } from "../cli/engine/project";
import { Problems, SettingsReader } from "../lib/config";
import { LAB_NAMES, prepareLabs } from "../stacks";
import { DNS_PATTERNS } from "../stacks/dns-lab/config";
import { ROOT } from "./support";

function keysReadFor(overrides: Record<string, unknown>): Set<string> {
    const config = loadStackConfig(loadProject(ROOT), "dev", Object.fromEntries(Object.entries(overrides).map(([k, v]) => [`labs:${k}`, v])));
    pulumi.runtime.setAllConfig(config.values, config.secretKeys);
    const read = new Set<string>();
    const original = pulumi.Config.prototype.get;
    const spy = vi.spyOn(pulumi.Config.prototype, "get").mockImplementation(function (this: pulumi.Config, key: string) {
        read.add(`${this.name}:${key}`);
        return original.call(this, key);
    });
    try {
        const reader = new SettingsReader(new Problems(), "labs");
        prepareLabs(reader, "dev");
        expect(reader.problems.list).toEqual([]);
    } finally {
        spy.mockRestore();
    }
    return read;
}

describe("Pulumi.yaml", () => {
    const project = loadProject(ROOT);
    const declared = project.config.map((d) => d.key);

    it("declares every setting any lab reads, and nothing no lab reads", () => {
        const read = new Set<string>();
        for (const pattern of DNS_PATTERNS) for (const key of keysReadFor({ dnsPattern: pattern })) read.add(key);
        expect([...read].sort()).toEqual([...declared].sort());
    });

    it("describes every setting and gives every one a default, except the two a user must choose", () => {
        for (const d of project.config) expect({ key: d.key, described: (d.description ?? "").length > 20 }).toEqual({ key: d.key, described: true });
        // The Pulumi CLI refuses to run while a project setting without default is unset.
        expect(project.config.filter((d) => d.default === undefined && d.value === undefined).map((d) => d.key)).toEqual(["labs:owner", "labs:expires"]);
    });

    it("defaults `labs` to every lab the project has", () => {
        expect(project.config.find((d) => d.key === "labs:labs")?.default).toEqual(LAB_NAMES);
    });

    it("keeps state in a local, git-ignored folder by default", () => {
        expect(fs.readFileSync(path.join(ROOT, "Pulumi.yaml"), "utf8")).toMatch(/^backend:\n {2}url: file:\/\/\.$/m);
        expect(fs.readFileSync(path.join(ROOT, ".gitignore"), "utf8")).toMatch(/^\.pulumi\/$/m);
    });
});

describe("package.json", () => {
    it("pins every dependency to an exact version", () => {
        const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8"));
        for (const [name, version] of Object.entries({ ...pkg.dependencies, ...pkg.devDependencies })) expect({ name, version }).toEqual({ name, version: expect.stringMatching(/^\d+\.\d+\.\d+$/) });
    });

    it("ships no package under a strong copyleft licence (the project is MIT)", () => {
        // Everything the labs, the CLI or the policy pack load at run time, from the lockfile.
        const lock = JSON.parse(fs.readFileSync(path.join(ROOT, "package-lock.json"), "utf8")) as { packages: Record<string, { dev?: boolean; license?: string }> };
        const runtime = Object.entries(lock.packages).filter(([where, p]) => where && !p.dev);
        expect(runtime.length).toBeGreaterThan(100);
        const copyleft = runtime.filter(([, p]) => /\b(A?GPL|SSPL|BUSL)/i.test(p.license ?? "")).map(([where, p]) => `${where.replace(/.*node_modules\//, "")}: ${p.license}`);
        expect(copyleft).toEqual([]);
    });
});
