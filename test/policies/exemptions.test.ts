// Exemptions: applied (and reported), expired (the finding returns), malformed (a violation
// of its own), or naming another resource (no effect).
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { Exemptions } from "../../policies/lib/exemptions";
import { failsCheck } from "../../cli/commands/check";
import { type Spec, check, findings, usePack } from "./support";

const REASON = "Defender for Cloud Apps governance changes bucket ACLs (documented by Microsoft).";
const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);
/** Within the year an exemption may run. */
const SOON = day(60);

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
            { policy: "iam-no-wildcard-write", resource: "audit-principal", finding: "Action::s3:PutBucketAcl", reason: REASON, expires: SOON },
            { policy: "iam-no-wildcard-write", resource: "expired-*", finding: "Action::s3:PutBucketAcl", reason: REASON, expires: "2001-01-01" },
            { policy: "iam-no-wildcard-write", resource: "short-*", reason: "because", expires: SOON },
            { policy: "iam-no-such-policy", resource: "audit-principal", reason: REASON, expires: SOON },
            { policy: "iam-no-wildcard-write", resource: "*", reason: REASON, expires: SOON },
            { policy: "iam-no-wildcard-write", resource: "far-principal", reason: REASON, expires: day(400) },
            { policy: "iam-no-wildcard-write", resource: "urn:pulumi:test::labs::aws:iam/policy:Policy::*", reason: REASON, expires: SOON },
            { policy: "iam-no-wildcard-write", resource: "twin-?", finding: "Action::s3:PutBucketPolicy", reason: REASON, expires: SOON },
            { policy: "iam-no-wildcard-write", resource: "renewed-principal", finding: "Action::s3:PutBucketAcl", reason: REASON, expires: "2001-01-01" },
            { policy: "iam-no-wildcard-write", resource: "renewed-principal", finding: "Action::s3:PutBucketAcl", reason: REASON, expires: SOON },
        ]),
    });
    const problems = (r: Awaited<ReturnType<typeof check>>) => r.violations.filter((v) => v.policy === "exemptions-valid").map((v) => [v.enforcementLevel, v.message]);
    const fileProblems = [
        ["mandatory", "exemptions-valid[Exemption::exemptions.yaml#3]: exemption iam-no-wildcard-write on short-* has a reason of 7 characters; write why, in 20 or more"],
        ["mandatory", "exemptions-valid[Exemption::exemptions.yaml#5]: exemption iam-no-wildcard-write on * resource '*' would exempt every resource; name one resource"],
        ["mandatory", `exemptions-valid[Exemption::exemptions.yaml#6]: exemption iam-no-wildcard-write on far-principal expires ${day(400)}, more than 366 days ahead; exemptions are reviewed at least yearly, set ${day(366)} or earlier`],
        [
            "mandatory",
            "exemptions-valid[Exemption::exemptions.yaml#7]: exemption iam-no-wildcard-write on urn:pulumi:test::labs::aws:iam/policy:Policy::* resource 'urn:pulumi:test::labs::aws:iam/policy:Policy::*' is a URN with a wildcard; give the exact URN, or a logical name",
        ],
        ["mandatory", "exemptions-valid[Exemption::exemptions.yaml#4]: exemption names policy 'iam-no-such-policy', which this pack does not have"],
    ];

    it("removes that finding only, and is reported with its reason and expiry", async () => {
        const r = await check(pack.host(), [auditPolicy]);
        expect(findings(r, "iam-no-wildcard-write")).toEqual(["iam-no-wildcard-write[Action::s3:PutBucketPolicy]"]);
        expect(r.exemptions.map((e) => [e.resourceName, e.enforcementLevel, e.message])).toEqual([
            ["audit-principal", "advisory", `exemptions-applied[Exemption::iam-no-wildcard-write[Action::s3:PutBucketAcl]]: iam-no-wildcard-write[Action::s3:PutBucketAcl] is exempted until ${SOON}: ${REASON} (exemptions.yaml#1)`],
        ]);
    });

    it("stops applying after its expiry date: the finding is back, saying so", async () => {
        const r = await check(pack.host(), [{ ...auditPolicy, name: "expired-principal" }]);
        const acl = r.violations.find((v) => v.message.startsWith("iam-no-wildcard-write[Action::s3:PutBucketAcl]"));
        expect(acl?.message).toContain("its exemption expired on 2001-01-01");
        expect(acl?.enforcementLevel).toBe("mandatory");
        expect(r.exemptions).toEqual([]);
    });

    it("applies when renewed by a new entry, even with the expired one still in the file", async () => {
        const r = await check(pack.host(), [{ ...auditPolicy, name: "renewed-principal" }]);
        expect(findings(r, "iam-no-wildcard-write")).toEqual(["iam-no-wildcard-write[Action::s3:PutBucketPolicy]"]);
        expect(r.exemptions.map((e) => e.message)).toEqual([expect.stringContaining("(exemptions.yaml#10)")]);
    });

    it("does nothing for a resource it does not name", async () => {
        const r = await check(pack.host(), [{ ...auditPolicy, name: "other-principal" }]);
        expect(findings(r, "iam-no-wildcard-write")).toEqual(["iam-no-wildcard-write[Action::s3:PutBucketAcl]", "iam-no-wildcard-write[Action::s3:PutBucketPolicy]"]);
    });

    it("is refused, as a mandatory violation, with too short a reason, an unknown policy, a glob that matches everything, a URN glob or a far expiry", async () => {
        const r = await check(pack.host(), [{ ...auditPolicy, name: "short-principal" }]);
        expect(findings(r, "iam-no-wildcard-write")).toHaveLength(2);
        expect(problems(r)).toEqual(fileProblems);
    });

    it("is refused when its glob exempts findings on more than one resource", async () => {
        const r = await check(pack.host(), [
            { ...auditPolicy, name: "twin-a" },
            { ...auditPolicy, name: "twin-b" },
        ]);
        expect(problems(r).slice(fileProblems.length)).toEqual([
            [
                "mandatory",
                "exemptions-valid[Exemption::exemptions.yaml#8]: exemption iam-no-wildcard-write on 'twin-?' exempts 2 resources (urn:pulumi:test::labs::aws:iam/policy:Policy::twin-a, urn:pulumi:test::labs::aws:iam/policy:Policy::twin-b); an exemption covers one resource, write one per resource",
            ],
        ]);
    });

    it("fails the check when config makes exemptions-applied mandatory, as pulumi preview would", async () => {
        const r = await check(pack.host(), [auditPolicy], { all: "mandatory" });
        expect(r.exemptions.map((e) => e.enforcementLevel)).toEqual(["mandatory"]);
        expect(failsCheck({ ...r, violations: [] })).toBe(true);
        const kept = await check(pack.host(), [auditPolicy], { all: { enforcementLevel: "mandatory" }, "exemptions-applied": "advisory" });
        expect(failsCheck({ ...kept, violations: [] })).toBe(false);
    });
});

describe("the exemption list itself", () => {
    it("reads dates YAML gives as dates, matches URNs exactly and names by glob", () => {
        const today = () => "2026-11-23";
        const e = new Exemptions({ exemptions: [{ policy: "p", resource: "urn:pulumi:dev::labs::t::a", reason: REASON, expires: new Date("2027-01-01") }, { policy: "p", resource: "b?", reason: REASON, expires: "2027-01-01" }] }, "x.yaml", today);
        expect(e.problems).toEqual([]);
        expect(e.check("p", { urn: "urn:pulumi:dev::labs::t::a", name: "a" }, undefined).kind).toBe("exempt");
        expect(e.check("p", { urn: "urn:pulumi:dev::labs::t::b1", name: "b1" }, "Action::x").kind).toBe("exempt");
        expect(e.check("p", { urn: "urn:pulumi:dev::labs::t::b12", name: "b12" }, undefined).kind).toBe("none");
        expect(e.takeApplied()).toHaveLength(2);
        expect(e.takeApplied()).toHaveLength(0);
    });

    it("allows an expiry up to a year and a day ahead, inclusive of the last day", () => {
        const today = () => "2026-11-23";
        const at = (expires: string) => new Exemptions({ exemptions: [{ policy: "p", resource: "a", reason: REASON, expires }] }, "x.yaml", today);
        expect(at("2027-11-24").problems).toEqual([]);
        expect(at("2027-11-25").problems).toEqual([{ source: "x.yaml#1", message: expect.stringContaining("more than 366 days ahead") }]);
        const lastDay = at("2026-11-23");
        expect(lastDay.check("p", { urn: "u", name: "a" }, undefined).kind).toBe("exempt");
    });
});
