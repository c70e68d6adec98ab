// Exemptions: applied (and reported), expired (the finding returns), malformed (a violation
// of its own), or naming another resource (no effect).
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { Exemptions } from "../../policies/lib/exemptions";
import { type Spec, check, findings, usePack } from "./support";

const REASON = "Defender for Cloud Apps governance changes bucket ACLs (documented by Microsoft).";

function exemptionsFile(entries: Array<Record<string, string>>): string {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "labs-exemptions-")), "exemptions.yaml");
    fs.writeFileSync(file, `exemptions:\n${entries.map((e) => `  - ${Object.entries(e).map(([k, v]) => `${k}: ${JSON.stringify(v)}`).join("\n    ")}`).join("\n")}\n`);
    return file;
}

const auditPolicy: Spec = {
    type: "aws:iam/policy:Policy",
    name: "audit-principal",
    props: { policy: JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: ["s3:PutBucketAcl", "s3:PutBucketPolicy"], Resource: "*" }] }), tags: { lab: "c", owner: "o", expires: "2999-01-01" } },
};

describe("an exemption for one finding on one resource", () => {
    const pack = usePack({
        LABS_POLICY_EXEMPTIONS: exemptionsFile([
            { policy: "iam-no-wildcard-write", resource: "audit-*", finding: "Action::s3:PutBucketAcl", reason: REASON, expires: "2999-12-31" },
            { policy: "iam-no-wildcard-write", resource: "expired-*", finding: "Action::s3:PutBucketAcl", reason: REASON, expires: "2001-01-01" },
            { policy: "iam-no-wildcard-write", resource: "short-*", reason: "because", expires: "2999-12-31" },
            { policy: "iam-no-such-policy", resource: "audit-principal", reason: REASON, expires: "2999-12-31" },
            { policy: "iam-no-wildcard-write", resource: "*", reason: REASON, expires: "2999-12-31" },
        ]),
    });

    it("removes that finding only, and is reported with its reason and expiry", async () => {
        const r = await check(pack.host(), [auditPolicy]);
        expect(findings(r, "iam-no-wildcard-write")).toEqual(["iam-no-wildcard-write[Action::s3:PutBucketPolicy]"]);
        expect(r.exemptions.map((e) => [e.resourceName, e.enforcementLevel, e.message])).toEqual([
            ["audit-principal", "advisory", `exemptions-applied[Exemption::iam-no-wildcard-write[Action::s3:PutBucketAcl]]: iam-no-wildcard-write[Action::s3:PutBucketAcl] is exempted until 2999-12-31: ${REASON} (exemptions.yaml#1)`],
        ]);
    });

    it("stops applying after its expiry date: the finding is back, saying so", async () => {
        const r = await check(pack.host(), [{ ...auditPolicy, name: "expired-principal" }]);
        const acl = r.violations.find((v) => v.message.startsWith("iam-no-wildcard-write[Action::s3:PutBucketAcl]"));
        expect(acl?.message).toContain("its exemption expired on 2001-01-01");
        expect(acl?.enforcementLevel).toBe("mandatory");
        expect(r.exemptions).toEqual([]);
    });

    it("does nothing for a resource it does not name", async () => {
        const r = await check(pack.host(), [{ ...auditPolicy, name: "other-principal" }]);
        expect(findings(r, "iam-no-wildcard-write")).toEqual(["iam-no-wildcard-write[Action::s3:PutBucketAcl]", "iam-no-wildcard-write[Action::s3:PutBucketPolicy]"]);
    });

    it("is refused, as a mandatory violation, with too short a reason, an unknown policy, or a glob that matches everything", async () => {
        const r = await check(pack.host(), [{ ...auditPolicy, name: "short-principal" }]);
        expect(findings(r, "iam-no-wildcard-write")).toHaveLength(2);
        expect(r.violations.filter((v) => v.policy === "exemptions-valid").map((v) => [v.enforcementLevel, v.message])).toEqual([
            ["mandatory", "exemptions-valid[Exemption::exemptions.yaml#3]: exemption iam-no-wildcard-write on short-* has a reason of 7 characters; write why, in 20 or more"],
            ["mandatory", "exemptions-valid[Exemption::exemptions.yaml#5]: exemption iam-no-wildcard-write on * resource '*' would exempt every resource; name one resource"],
            ["mandatory", "exemptions-valid[Exemption::exemptions.yaml#4]: exemption names policy 'iam-no-such-policy', which this pack does not have"],
        ]);
    });
});

describe("the exemption list itself", () => {
    it("reads dates YAML gives as dates, matches URNs exactly and names by glob", () => {
        const e = new Exemptions({ exemptions: [{ policy: "p", resource: "urn:pulumi:dev::labs::t::a", reason: REASON, expires: new Date("2999-01-01") }, { policy: "p", resource: "b?", reason: REASON, expires: "2999-01-01" }] }, "x.yaml");
        expect(e.problems).toEqual([]);
        expect(e.check("p", { urn: "urn:pulumi:dev::labs::t::a", name: "a" }, undefined).kind).toBe("exempt");
        expect(e.check("p", { urn: "urn:pulumi:dev::labs::t::b1", name: "b1" }, "Action::x").kind).toBe("exempt");
        expect(e.check("p", { urn: "urn:pulumi:dev::labs::t::b12", name: "b12" }, undefined).kind).toBe("none");
        expect(e.takeApplied()).toHaveLength(2);
        expect(e.takeApplied()).toHaveLength(0);
    });
});
