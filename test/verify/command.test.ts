// `labs verify` as a command, through fake CLIs on PATH: exit 2 with one line naming the fix
// for a missing CLI, a missing login, a stack or lab not deployed, a bad flag; --json;
// --dry-run calling nothing in the clouds; time limits on a CLI that hangs; progress while probes run.
import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { defaultDeps } from "../../cli/commands/verify";
import { spawnRunner } from "../../cli/verify/runner";
import { LABS_CLI, ROOT } from "../support";
import { type Rule, SIGNED_IN, fakeClis, runCommandAnswer, stackOutputs, verify } from "./harness";

const DNS = { "dns-lab": { resourceGroup: "rg-dns-lab-dev", checks: [{ vm: "azuredns", name: "azuredns1.abc.bx.internal.cloudapp.net", expect: "10.101.0.5" }] } };
const DNS_OK: Rule = { cli: "az", command: "vm run-command invoke", answers: [runCommandAnswer(["RESOLVE|azuredns1.abc.bx.internal.cloudapp.net|10.101.0.5|"])] };

describe("labs verify: usage and environment (exit 2, one line naming the fix)", () => {
    it("names the Pulumi CLI when it is not installed", async () => {
        const run = await verify(fakeClis({ rules: [] }, ["az", "aws"]));
        expect(run.code).toBe(2);
        expect(run.error?.message).toBe("pulumi is not installed (or not on PATH): install the Pulumi CLI (https://www.pulumi.com/docs/install/) and run labs verify from this folder.");
    });

    it("names the Azure CLI when a lab needs it and it is not installed", async () => {
        const run = await verify(fakeClis({ rules: [stackOutputs(DNS), ...SIGNED_IN] }, ["pulumi", "aws"]));
        expect(run.code).toBe(2);
        expect(run.error?.message).toMatch(/^az is not installed \(or not on PATH\): install the Azure CLI .* then run az login\.$/);
    });

    it("says to run az login, before any check runs, when nobody is signed in to Azure", async () => {
        const fakes = fakeClis({ azLoggedIn: false, rules: [stackOutputs(DNS), ...SIGNED_IN, DNS_OK] });
        const run = await verify(fakes);
        expect(run.code).toBe(2);
        expect(run.error?.message).toBe("az is not signed in (Please run 'az login' to setup account.): run az login (and az account set --subscription <id>), then run labs verify again.");
        expect(fakes.calls().map((c) => c.command)).toEqual(["stack output", "account show"]);
    });

    it("says to configure AWS credentials when the AWS CLI has none, only when a check asked for needs AWS", async () => {
        const collector = {
            collector: {
                awsRegion: "us-east-1",
                workspace: { name: "log-x", resourceGroup: "rg-collector-dev", table: "AWS_Access_Key_Report_CL", customerId: "c", savedSearchIds: ["s"], workbookDisplayName: "AWS access keys (dev)" },
                function: { name: "f" },
                defenderForCloudApps: { userArn: "arn:aws:iam::123456789012:user/labs/u", trail: "t", governance: false },
                entraLogs: "off (collectorEntraLogsEnabled is false)",
                sentinel: "off (collectorSentinelEnabled is false)",
            },
        };
        const rules = [stackOutputs({ ...DNS, ...collector }), ...SIGNED_IN, DNS_OK];
        const run = await verify(fakeClis({ awsLoggedIn: false, rules }));
        expect(run.code).toBe(2);
        expect(run.error?.message).toBe('aws is not signed in (Unable to locate credentials. You can configure credentials by running "aws configure".): run aws configure (or aws sso login) for the lab\'s account, then run labs verify again.');
        expect((await verify(fakeClis({ awsLoggedIn: false, rules }), { only: ["dns-lookup"] })).code).toBe(0);
        expect((await verify(fakeClis({ awsLoggedIn: false, rules }), { lab: "dns-lab" })).code).toBe(0);
    });

    it("says the stack is not deployed: no such stack, or a stack without outputs", async () => {
        let run = await verify(fakeClis({ rules: [] }), { stack: "prod" });
        expect(run.code).toBe(2);
        expect(run.error?.message).toBe("stack 'prod' is not deployed in this Pulumi backend (no stack named 'prod' found): run pulumi up, or name the stack with --stack");
        run = await verify(fakeClis({ rules: [stackOutputs({})] }));
        expect(run.error?.message).toBe("stack 'dev' has no outputs: it is not deployed; run pulumi up");
    });

    it("says how to add a lab the stack does not hold", async () => {
        const run = await verify(fakeClis({ rules: [stackOutputs(DNS)] }), { lab: "rms-lab" });
        expect(run.code).toBe(2);
        expect(run.error?.message).toBe("lab 'rms-lab' is not deployed in stack 'dev' (its labs: dns-lab): add it to the labs setting (pulumi config set --path 'labs[0]' rms-lab) and run pulumi up.");
    });

    it("refuses an unknown lab, an unknown check, and a check the stack's labs do not have", async () => {
        const fakes = fakeClis({ rules: [stackOutputs(DNS)] });
        expect((await verify(fakes, { lab: "web-lab" })).error?.message).toBe("--lab web-lab: no such lab; the labs are dns-lab, rms-lab, collector.");
        expect((await verify(fakes, { only: ["trust"] })).error?.message).toMatch(/^--only trust: no such check; the checks are dns-lookup, dc-dns-ldap, .*sentinel-trust\.$/);
        expect((await verify(fakes, { only: ["forest-trust"] })).error?.message).toBe("--only forest-trust: none of these checks applies to dns-lab in stack 'dev' (its checks: dns-lookup).");
    });

    it("names the output a stack deployed by an older version lacks", async () => {
        const run = await verify(fakeClis({ rules: [stackOutputs({ collector: { workspace: { savedSearchIds: [] } } })] }));
        expect(run.error?.message).toBe("stack 'dev', collector: the collector outputs have no awsRegion: deploy the lab again with this version (pulumi up), which exports it.");
    });

    it("never asks Pulumi for secrets", async () => {
        const fakes = fakeClis({ rules: [stackOutputs(DNS), ...SIGNED_IN, DNS_OK] });
        expect((await verify(fakes)).code).toBe(0);
        expect(fakes.calls()[0]).toEqual({ cli: "pulumi", command: "stack output", options: { "--json": true, "--stack": "dev" }, positionals: [] });
    });

    it("exits 2 from the command line with the message alone, no stack trace", () => {
        const r = spawnSync(process.execPath, [LABS_CLI, "verify", "--only", "nope"], { cwd: ROOT, encoding: "utf8" });
        expect(r.status).toBe(2);
        expect(r.stderr.trim().split("\n")).toEqual([expect.stringMatching(/^error: --only nope: no such check; the checks are /)]);
    });
});

describe("labs verify --json and --dry-run", () => {
    it("--json prints the results for tools: counts, and each check with what it found, its cause and log when it failed", async () => {
        const fakes = fakeClis({ rules: [stackOutputs(DNS), ...SIGNED_IN, { ...DNS_OK, answers: [runCommandAnswer(["RESOLVE|azuredns1.abc.bx.internal.cloudapp.net|10.9.9.9|"])] }] });
        const run = await verify(fakes, { json: true });
        expect(run.code).toBe(1);
        const doc = JSON.parse(run.out) as { stack: string; passed: number; failed: number; results: Array<Record<string, unknown>> };
        expect(doc).toMatchObject({ stack: "dev", passed: 0, failed: 1 });
        expect(doc.results[0]).toMatchObject({ lab: "dns-lab", check: "dns-lookup", target: "azuredns -> azuredns1.abc.bx.internal.cloudapp.net", expected: "10.101.0.5", got: "10.9.9.9", pass: false });
        expect(doc.results[0].cause).toMatch(/forwarder/);
        expect(doc.results[0].log).toMatch(/dns-forwarder\.log/);
    });

    it("--dry-run lists every check and the exact command, and calls nothing but pulumi stack output", async () => {
        const fakes = fakeClis({ rules: [stackOutputs(DNS)] });
        const run = await verify(fakes, { dryRun: true });
        expect(run.code).toBe(0);
        expect(run.out).toContain("(outputs from the deployed stack (pulumi stack output --stack dev)); nothing has been called in Azure or AWS:");
        expect(run.out).toContain("  - dns-lookup  azuredns -> azuredns1.abc.bx.internal.cloudapp.net  (expect 10.101.0.5)");
        expect(run.out).toMatch(/\$ az vm run-command invoke --resource-group rg-dns-lab-dev --name azuredns --command-id RunPowerShellScript --scripts @\S+dns-lab-Test-NameResolution\.ps1 --parameters Names=azuredns1\.abc\.bx\.internal\.cloudapp\.net --output json/);
        expect(fakes.calls().map((c) => c.command)).toEqual(["stack output"]);
    });

    it("--dry-run without a deployed stack plans offline and lists the checks of all three labs", async () => {
        const fakes = fakeClis({ rules: [] }, ["az", "aws"]);
        const run = await verify(fakes, { dryRun: true, json: true }, { plannedOutputs: defaultDeps(true, () => undefined).plannedOutputs });
        expect(run.code).toBe(0);
        const doc = JSON.parse(run.out) as { source: string; probes: Array<{ lab: string; checks: Array<{ check: string }>; commands: string[] }> };
        expect(doc.source).toMatch(/^the offline plan of Pulumi\.dev\.yaml, because pulumi is not installed/);
        const kinds = (lab: string) => [...new Set(doc.probes.filter((p) => p.lab === lab).flatMap((p) => p.checks.map((c) => c.check)))].sort();
        expect(kinds("dns-lab")).toEqual(["dns-lookup"]);
        expect(kinds("rms-lab")).toEqual(["adfs-installed", "ca-published", "dc-dns-ldap", "forest-trust", "forwarders", "member-joined", "peering-connected", "rms-urls", "sql-rms-db", "vpn-connected"]);
        // The dev stack has the Entra export on and Sentinel off.
        expect(kinds("collector")).toEqual(["entra-athena", "entra-export", "ingestion", "mdca-no-write", "mdca-read", "saved-searches", "trail-logging", "workbook"]);
        expect(doc.probes.flatMap((p) => p.commands).every((c) => /^(az|aws) /.test(c))).toBe(true);
        expect(fakes.calls()).toEqual([]);
    }, 120_000);
});

describe("labs verify: time limits and progress", () => {
    it("stops a CLI call at its time limit and reports it, instead of waiting for ever", async () => {
        const { runner } = fakeClis({ rules: [{ cli: "az", command: "account show", answers: [{ json: {}, delayMs: 5_000 }] }] });
        const started = Date.now();
        const result = await runner("az", ["account", "show", "--output", "json"], { timeoutMs: 300 });
        expect(Date.now() - started).toBeLessThan(4_000);
        expect(result.code).toBe(-1);
        expect(result.stderr).toMatch(/timed out after 0.3 s$/);
    });

    it("prints a line as each probe ends and, while long ones run, which are still running", async () => {
        const slow = { ...DNS_OK, answers: [{ ...DNS_OK.answers[0], delayMs: 400 }] };
        const run = await verify(fakeClis({ rules: [stackOutputs(DNS), ...SIGNED_IN, slow] }), {}, { heartbeatMs: 100 });
        expect(run.code).toBe(0);
        expect(run.progress[0]).toMatch(/^Verifying 1 checks of stack 'dev' with 1 probes/);
        expect(run.progress).toContainEqual(expect.stringMatching(/^ {2}\.\.\. still running: azuredns \(Run Command\) \(\d+ s\)$/));
        expect(run.progress.at(-1)).toMatch(/^ {2}\[1\/1\] azuredns \(Run Command\): 1\/1 passed \(\d+ s\)$/);
    });

    it("runs independent probes in parallel", async () => {
        const two = { "dns-lab": { ...DNS["dns-lab"], checks: [...DNS["dns-lab"].checks, { vm: "azuredns1", name: "azuredns.abc.bx.internal.cloudapp.net", expect: "10.101.0.4" }] } };
        const answer = runCommandAnswer(["RESOLVE|azuredns1.abc.bx.internal.cloudapp.net|10.101.0.5|", "RESOLVE|azuredns.abc.bx.internal.cloudapp.net|10.101.0.4|"]);
        const fakes = fakeClis({ rules: [stackOutputs(two), ...SIGNED_IN, { cli: "az", command: "vm run-command invoke", answers: [{ ...answer, delayMs: 1_000 }] }] });
        const started = Date.now();
        expect((await verify(fakes)).code).toBe(0);
        // Two one-second Run Commands, at once: well under the two seconds one after the other takes.
        expect(Date.now() - started).toBeLessThan(1_900);
    });

    it("the real runner reports a missing CLI as not installed", async () => {
        await expect(spawnRunner({ PATH: "/nonexistent" })("az", ["account", "show"])).rejects.toThrowError(/^az is not installed \(or not on PATH\)/);
    });
});
