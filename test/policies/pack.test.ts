// The pack as a whole: metadata defined once and complete, loading exactly as the Pulumi CLI
// loads it, enforcement set by a policy-pack config, and `labs check` end to end.
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { specialResourceSig, specialSigKey } from "@pulumi/pulumi/runtime/rpc";
import { PolicyHost } from "../../cli/engine/analyzer";
import { UserError } from "../../cli/engine/errors";
import { policiesMarkdown } from "../../cli/commands/policies";
import { LABS_CLI, ROOT } from "../support";
import { PACK_DIR, check, findings, usePack } from "./support";

function labs(args: string[]) {
    const r = spawnSync(process.execPath, [LABS_CLI, ...args], { cwd: ROOT, encoding: "utf8" });
    return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const INSECURE = path.join(ROOT, "test", "fixtures", "programs", "insecure");

describe("the pack's metadata", () => {
    const pack = usePack();

    it("gives every policy an id-like name, one-line description, severity, fix and family", () => {
        const policies = pack.host().policies;
        expect(policies.length).toBeGreaterThanOrEqual(30);
        expect(new Set(policies.map((p) => p.name)).size).toBe(policies.length);
        for (const p of policies) {
            expect({ name: p.name, ok: /^[a-z0-9]+(-[a-z0-9]+)*$/.test(p.name) && !p.description.includes("\n") && p.severity !== "unspecified" && p.remediationSteps.length > 10 && p.tags.some((t) => t.startsWith("family:")) }).toEqual({ name: p.name, ok: true });
        }
    });

    it("carries the matching CIS control and Checkov / cdk-nag rule ids where they exist", () => {
        const byName = new Map(pack.host().policies.map((p) => [p.name, p]));
        expect(byName.get("nsg-no-internet-management-ports")).toMatchObject({ framework: { name: "CIS Microsoft Azure Foundations Benchmark", version: "3.0.0", reference: "7.1" }, tags: expect.arrayContaining(["checkov:CKV_AZURE_9"]) });
        expect(byName.get("cloudtrail-log-file-validation")).toMatchObject({ framework: { reference: "3.2", version: "3.0.0" }, tags: expect.arrayContaining(["checkov:CKV_AWS_36", "cdk-nag:CloudTrailLogFileValidationEnabled"]) });
        expect(byName.get("iam-no-wildcard-write")?.tags).toContain("cdk-nag:AwsSolutions-IAM5");
    });

    it("is documented in README.md by the table `labs policies --markdown` prints", () => {
        expect(fs.readFileSync(path.join(ROOT, "README.md"), "utf8")).toContain(policiesMarkdown(pack.host().policies));
    });

    it("lets a policy-pack config change enforcement, one policy or all, and refuses unknown policy names", async () => {
        const resources = [{ type: "azure-native:network:NetworkSecurityGroup", props: { securityRules: [{ name: "bad", direction: "Inbound", access: "Allow", protocol: "Tcp", sourceAddressPrefix: "*", destinationPortRange: "22" }] } }];
        const advisory = await check(pack.host(), resources, { "nsg-no-internet-management-ports": "advisory" });
        expect(advisory.violations.find((v) => v.policy === "nsg-no-internet-management-ports")?.enforcementLevel).toBe("advisory");
        const off = await check(pack.host(), resources, { all: "disabled" });
        expect(off.violations).toEqual([]);
        await expect(check(pack.host(), resources, { "nsg-no-such": "advisory" })).rejects.toThrowError(/names nsg-no-such, which labs-policies does not have/);
    });

    it("takes `all` as a level or as {enforcementLevel}, and refuses bad levels, unknown settings and settings of the wrong type", async () => {
        const resources = [{ type: "azure-native:network:NetworkSecurityGroup", props: { securityRules: [{ name: "bad", direction: "Inbound", access: "Allow", protocol: "Tcp", sourceAddressPrefix: "*", destinationPortRange: "22" }] } }];
        const off = await check(pack.host(), resources, { all: { enforcementLevel: "disabled" } });
        expect(off.violations).toEqual([]);
        await expect(check(pack.host(), resources, { all: "strict" })).rejects.toThrowError('the policy config gives all the level "strict"; use one of advisory, mandatory, disabled, remediate.');
        await expect(check(pack.host(), resources, { all: { enforcementLevel: "advisory", accountIds: [] } })).rejects.toThrowError(/"all" entry may only set enforcementLevel/);
        await expect(check(pack.host(), resources, { "nsg-no-internet-all-ports": { ports: [22] } })).rejects.toThrowError(
            "the policy config sets nsg-no-internet-all-ports.ports, which the policy does not read; it has no settings besides enforcementLevel.",
        );
        await expect(check(pack.host(), resources, { "iam-trust-cross-account-external-id": { accountIds: "123456789012" } })).rejects.toThrowError(
            'the policy config sets iam-trust-cross-account-external-id.accountIds to "123456789012"; it must be a list of strings.',
        );
        await expect(check(pack.host(), resources, { "iam-trust-cross-account-external-id": { accountIds: [123456789012] } })).rejects.toThrowError(/must be a list of strings/);
    });

    it("receives a resource passed as an input as its id, as the Pulumi CLI sends it", async () => {
        const bucket = { type: "aws:s3/bucket:Bucket", name: "logs", props: { bucket: "lab-logs", serverSideEncryptionConfiguration: { rule: {} }, tags: { lab: "t", owner: "o", expires: "2999-01-01" } } };
        const reference = { [specialSigKey]: specialResourceSig, urn: "urn:pulumi:test::labs::aws:s3/bucket:Bucket::logs", id: "lab-logs" };
        const block = { type: "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", props: { bucket: reference, blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true } };
        // Matched to its bucket by name: only possible if the reference arrived as the id.
        expect(findings(await check(pack.host(), [bucket, block]), "s3-public-access-block")).toEqual([]);
    });

    it("turns a pack that fails while analyzing into a clear error, not a crash", async () => {
        const odd = { type: "aws:s3/bucket:Bucket", name: "odd", props: { bucket: { [specialSigKey]: "not-a-signature" } } };
        await expect(check(pack.host(), [odd])).rejects.toThrowError(/^the policy pack failed while analyzing urn:pulumi:test::labs::aws:s3\/bucket:Bucket::odd: [\s\S]*Unrecognized signature 'not-a-signature'/);
        await expect(check(pack.host(), [odd])).rejects.toBeInstanceOf(UserError);
    });

    it("reports a policy that fails on a resource as a violation, not a crash", async () => {
        const r = await check(pack.host(), [{ type: "aws:s3/bucketPolicy:BucketPolicy", props: { bucket: "b", policy: "{not json" } }]);
        expect(findings(r, "s3-no-public-bucket-policy")).toEqual(["s3-no-public-bucket-policy"]);
        expect(r.violations[0].message).toBe("s3-no-public-bucket-policy: the policy could not check this resource: the policy document is not valid JSON");
    });
});

describe("loading the pack as the Pulumi CLI does", () => {
    it("starts through @pulumi/pulumi's run-policy-pack (TypeScript by ts-node) and serves the same policies", async () => {
        const host = await PolicyHost.start(PACK_DIR, { loader: "pulumi" });
        try {
            const ours = await PolicyHost.start(PACK_DIR);
            expect(host.policies.map((p) => p.name)).toEqual(ours.policies.map((p) => p.name));
            expect([host.name, host.version]).toEqual(["labs-policies", "1.0.0"]);
            ours.close();
        } finally {
            host.close();
        }
    }, 120_000);
});

describe("labs check", () => {
    it("passes the labs' own dev stack", () => {
        const r = labs(["check", "--stack", "dev"]);
        expect(r.stderr).toBe("");
        expect(r.code).toBe(0);
        expect(r.stdout).toMatch(/No mandatory violations.*: the check passes\.$/m);
    });

    it("fails a program that breaks mandatory policies, grouping findings by resource with the fix", () => {
        const r = labs(["check", "--program", INSECURE]);
        expect(r.code).toBe(1);
        expect(r.stdout).toContain("azure-native:network:NetworkSecurityGroup  open-nsg\n  mandatory critical nsg-no-internet-management-ports[Rule::rdp-anywhere]");
        expect(r.stdout).toContain("fix: Set the rule's source");
        expect(r.stdout).toContain("3 mandatory violations (and 4 advisory): the check fails.");
    });

    it("prints resources, violations and exemptions as JSON", () => {
        const r = labs(["check", "--program", INSECURE, "--json"]);
        const doc = JSON.parse(r.stdout);
        expect(Object.keys(doc).sort()).toEqual(["exemptions", "pack", "resources", "violations"]);
        expect(doc.resources).toBe(4);
        expect(doc.violations.find((v: { policy: string }) => v.policy === "iam-no-service-wildcard")).toEqual({
            policy: "iam-no-service-wildcard",
            enforcementLevel: "mandatory",
            severity: "high",
            resourceName: "too-wide",
            type: "aws:iam/policy:Policy",
            urn: "urn:pulumi:dev::insecure::aws:iam/policy:Policy::too-wide",
            message: "iam-no-service-wildcard[Action::s3:*]: statement #1 allows s3:* on *",
        });
    });

    it("exits 2 when the pack does not load or the policy config is not JSON", () => {
        const broken = fs.mkdtempSync(path.join(os.tmpdir(), "labs-pack-"));
        fs.writeFileSync(path.join(broken, "PulumiPolicy.yaml"), "runtime: nodejs\n");
        fs.writeFileSync(path.join(broken, "package.json"), '{"name": "broken", "version": "1.0.0", "main": "index.js"}');
        fs.writeFileSync(path.join(broken, "index.js"), "throw new Error('pack is broken');\n");
        expect(labs(["check", "--policy-pack", broken])).toMatchObject({ code: 2, stderr: expect.stringContaining("failed to load") });
        const config = path.join(broken, "config.json");
        fs.writeFileSync(config, "[1, 2]");
        expect(labs(["check", "--policy-config", config])).toMatchObject({ code: 2, stderr: expect.stringContaining("is not a JSON object of policy settings") });
    });
});
