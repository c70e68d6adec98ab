// The project's promises about its own files: Pulumi.yaml declares exactly the settings the
// labs read, each documented; the default `labs` is every lab; versions are pinned.
import * as fs from "node:fs";
import * as path from "node:path";
import { spawnSync } from "node:child_process";
import * as pulumi from "@pulumi/pulumi";
import * as semver from "semver";
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

    it("claims only Node versions every locked package runs on, and builds on the Lambda runtime's line", () => {
        const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8"));
        const lock = JSON.parse(fs.readFileSync(path.join(ROOT, "package-lock.json"), "utf8")) as { packages: Record<string, { engines?: { node?: string }; os?: string[]; cpu?: string[] }> };
        const range: string = pkg.engines.node;
        // Platform-only packages (another OS's or CPU's binary) are never installed here; the rest all are.
        const engines = Object.entries(lock.packages)
            .filter(([where, p]) => where && typeof p.engines?.node === "string" && !p.os && !p.cpu)
            .map(([where, p]) => ({ name: where.replace(/.*node_modules\//, ""), wants: p.engines!.node! }));
        // The floor is exactly the highest floor of any package.
        const floors = engines.map((e) => semver.minVersion(e.wants)!).sort(semver.compare);
        expect(semver.minVersion(range)!.version).toBe(floors[floors.length - 1].version);
        // Every Node.js LTS line the range admits (even majors; odd ones are never LTS) runs every package.
        const lts = ["22.12.0", "22.99.0", "24.0.0", "24.99.0", "26.0.0"].filter((v) => semver.satisfies(v, range));
        expect(lts.length).toBeGreaterThan(0);
        const narrower = engines.flatMap((e) => lts.filter((v) => !semver.satisfies(v, e.wants)).map((v) => `${e.name} wants ${e.wants}, not ${v}`));
        expect(narrower).toEqual([]);
        const nvmrc = fs.readFileSync(path.join(ROOT, ".nvmrc"), "utf8").trim();
        expect(semver.satisfies(nvmrc, range)).toBe(true);
        const scheduled = fs.readFileSync(path.join(ROOT, "stacks", "collector", "shared", "scheduled-function.ts"), "utf8");
        expect(scheduled).toContain(`runtime: "nodejs${semver.major(nvmrc)}.x"`);
        expect(semver.major(pkg.devDependencies["@types/node"])).toBe(semver.major(nvmrc));
        expect(process.versions.node.split(".")[0]).toBe(String(semver.major(nvmrc)));
    });

    it("lets only reviewed packages run install scripts, and says so for each that has one", () => {
        const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8"));
        const lock = JSON.parse(fs.readFileSync(path.join(ROOT, "package-lock.json"), "utf8")) as { packages: Record<string, { hasInstallScript?: boolean }> };
        const withScripts = [...new Set(Object.entries(lock.packages).filter(([where, p]) => where && p.hasInstallScript).map(([where]) => where.replace(/.*node_modules\//, "")))].sort();
        expect(Object.keys(pkg.allowScripts).sort()).toEqual(withScripts);
        // esbuild's postinstall checks its native binary; @pulumi/command's runs `pulumi plugin install`
        // (the Pulumi CLI fetches plugins itself at `pulumi up`); protobufjs's only prints advice;
        // tree-sitter's and tree-sitter-powershell's load their native parser (prebuilt, or built by node-gyp).
        expect(pkg.allowScripts).toEqual({ esbuild: true, "@pulumi/command": false, protobufjs: false, "tree-sitter": true, "tree-sitter-powershell": true });
    });
});

describe("the program under the Pulumi CLI's own loader", () => {
    it("type-checks as `pulumi up` compiles it: the CLI's bundled ts-node with the project's TypeScript and tsconfig.json", () => {
        // The CLI's nodejs host registers its vendored ts-node 7 with these options (cmd/run/run.js);
        // a TypeScript major that drops a default (TypeScript 6: no implicit @types) breaks only there.
        const script = `
            const tsutils = require("@pulumi/pulumi/tsutils.js");
            const compilerOptions = tsutils.loadTypeScriptCompilerOptions("tsconfig.json");
            const { tsnodeRequire, typescriptRequire } = tsutils.typeScriptRequireStrings();
            require(tsnodeRequire).register({ compiler: typescriptRequire, project: "tsconfig.json", skipProject: false,
                compilerOptions: { target: "ES2020", module: "nodenext", moduleResolution: "nodenext", sourceMap: "true", ...compilerOptions } });
            try { require("./index.ts"); } catch (err) { if (/Unable to compile TypeScript/.test(String(err && err.message))) { console.error(err.message); process.exit(3); } }
        `;
        const run = spawnSync(process.execPath, ["-e", script], { cwd: ROOT, encoding: "utf8", env: { ...process.env, PULUMI_CONFIG: "{}" }, timeout: 120_000 });
        expect(run.stderr).not.toMatch(/Unable to compile TypeScript/);
        expect(run.status).toBe(0);
    }, 120_000);
});
