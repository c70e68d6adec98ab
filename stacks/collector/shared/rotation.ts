// Client-secret rotation without a time provider: time is cut into fixed periods counted from
// the Unix epoch. A secret is created for the current period and expires a grace period after
// it ends, so a lab not updated right at the period's end keeps working for the grace days;
// the first `pulumi up` of the next period replaces it (the new secret and the SSM parameter
// first, then the old secret is deleted: a function holding the old one re-reads the parameter
// when Entra refuses it). Within one period every run computes the same values, so nothing
// changes; a lab nobody updates for a whole grace period has an expired secret, the function
// fails and its alarm says so.

const DAY_MS = 24 * 60 * 60 * 1000;
/** How long a secret outlives its period, for the next period's `pulumi up` to replace it. */
export const GRACE_DAYS = 30;

export interface RotationWindow {
    /** Start of the current period, YYYY-MM-DD (the key `rotateWhenChanged` watches). */
    period: string;
    /** When the secret for this period expires, RFC 3339. */
    endDate: string;
}

export function rotationWindow(now: Date, periodDays: number): RotationWindow {
    if (!Number.isInteger(periodDays) || periodDays < 1) throw new RangeError(`periodDays must be a whole number of days, got ${periodDays}`);
    const periodMs = periodDays * DAY_MS;
    const start = Math.floor(now.getTime() / periodMs) * periodMs;
    return {
        period: new Date(start).toISOString().slice(0, 10),
        endDate: new Date(start + periodMs + GRACE_DAYS * DAY_MS).toISOString().replace(/\.\d{3}Z$/, "Z"),
    };
}
