// The collector's settings and its secret-rotation clock.
import { describe, expect, it } from "vitest";
import { GRACE_DAYS, rotationWindow } from "../../stacks/collector/shared/rotation";
import { problems } from "../settings";

const DAY = 86_400_000;

describe("client-secret rotation", () => {
    it("gives every run inside one period the same period and expiry, so nothing changes", () => {
        const a = rotationWindow(new Date("2026-11-23T06:00:00Z"), 90);
        const b = rotationWindow(new Date("2026-12-01T23:59:59Z"), 90);
        expect(a).toEqual(b);
    });

    it("starts a new period (a new secret) once the period is over, the old one still valid for the grace days", () => {
        const now = new Date("2026-11-23T06:00:00Z");
        const first = rotationWindow(now, 90);
        const periodEnd = Date.parse(`${first.period}T00:00:00Z`) + 90 * DAY;
        const next = rotationWindow(new Date(periodEnd), 90);
        expect(next.period).not.toBe(first.period);
        expect(Date.parse(first.endDate) - periodEnd).toBe(GRACE_DAYS * DAY);
        expect(Date.parse(first.endDate)).toBeGreaterThan(periodEnd);
    });

    it("never issues a secret that outlives a year (the policy pack's limit), at the longest period allowed", () => {
        for (let day = 0; day < 330; day += 7) {
            const now = new Date(Date.parse("2026-01-01T00:00:00Z") + day * DAY);
            const { endDate } = rotationWindow(now, 330);
            expect(Date.parse(endDate) - now.getTime()).toBeLessThanOrEqual(366 * DAY);
            expect(Date.parse(endDate)).toBeGreaterThan(now.getTime());
        }
    });

    it("writes the expiry as RFC 3339 without milliseconds, as Entra takes it", () => {
        expect(rotationWindow(new Date("2026-11-23T06:00:00Z"), 90).endDate).toMatch(/^\d{4}-\d{2}-\d{2}T00:00:00Z$/);
        expect(() => rotationWindow(new Date(), 0)).toThrowError(RangeError);
    });
});

describe("collector settings", () => {
    it("are valid for the dev stack", () => {
        expect(problems({ labs: ["collector"] })).toEqual([]);
    });

    it("take the schedules EventBridge takes", () => {
        for (const schedule of ["rate(1 day)", "rate(7 days)", "cron(0 6 * * ? *)"]) expect({ schedule, problems: problems({ labs: ["collector"], collectorSchedule: schedule }) }).toEqual({ schedule, problems: [] });
    });

    it.each([
        ["no alert e-mail", { collectorAlertEmail: "" }, ['labs:collectorAlertEmail = "": expected the e-mail address told when the function fails (it must confirm the SNS subscription)']],
        ["an AWS region that is not one", { collectorAwsRegion: "Europe" }, ['labs:collectorAwsRegion = "Europe": expected a commercial AWS region name such as us-east-1 or eu-west-1 (GovCloud and China are not supported)']],
        ["a GovCloud region (other ARNs, other endpoints)", { collectorAwsRegion: "us-gov-west-1" }, ['labs:collectorAwsRegion = "us-gov-west-1": expected a commercial AWS region name such as us-east-1 or eu-west-1 (GovCloud and China are not supported)']],
        ["an account id that is not 12 digits", { collectorAwsAccountId: "12345" }, ['labs:collectorAwsAccountId = "12345": expected the 12-digit AWS account the lab may deploy to, or "" for any']],
        ["retention under Azure's 30 days", { collectorRetentionDays: 7 }, ["labs:collectorRetentionDays = 7: expected a whole number from 30 to 730"]],
        ["a rotation period that would outlive a year", { collectorSecretRotationDays: 400 }, ["labs:collectorSecretRotationDays = 400: expected a whole number from 7 to 330"]],
        ...[
            ["every day", "an EventBridge schedule, rate(...) or cron(...), such as rate(1 day) or cron(0 6 * * ? *)"],
            ["rate(0 days)", "rate(<whole number> <unit>) such as rate(1 day) or rate(7 days), units minute(s), hour(s), day(s)"],
            ["rate(1 days)", "rate(1 day): EventBridge wants the singular unit for 1"],
            ["rate(5 day)", "rate(5 days): EventBridge wants the plural unit above 1"],
        ].map(([schedule, expected]) => [`the schedule ${schedule}, which EventBridge refuses`, { collectorSchedule: schedule }, [`labs:collectorSchedule = "${schedule}": expected ${expected}`]]),
        ["too many parallel IAM calls", { collectorIamConcurrency: 500 }, ["labs:collectorIamConcurrency = 500: expected a whole number from 1 to 50"]],
    ] as Array<[string, Record<string, unknown>, string[]]>)("refuse %s", (_case, settings, expected) => {
        expect(problems({ labs: ["collector"], ...settings })).toEqual(expected);
    });
});
