// Which UTC day an invocation exports. The schedule runs after midnight UTC and exports the
// day that just ended; an event { "day": "YYYY-MM-DD" } re-exports that day instead (backfill).
// A day is only exported once it is complete, so an object is never written with part of a day.

/**
 * How far back a backfill may go. Entra ID keeps sign-in and audit logs for 30 days (P1/P2):
 * Graph answers an older day with nothing, and the export would replace the object already
 * written for it with an empty one.
 */
export const MAX_DAYS_BACK = 30;

const DAY = /^\d{4}-\d{2}-\d{2}$/;

export interface ExportDay {
    /** The UTC day exported, YYYY-MM-DD. */
    day: string;
    /** The day after: the window is [day 00:00Z, next 00:00Z). */
    next: string;
    /** Asked for by the event rather than the default (yesterday). */
    backfill: boolean;
}

/** The event asked for a day that cannot be exported: the message says which and why. */
export class DayError extends Error {
    override readonly name = "DayError";
}

export function dayToExport(event: unknown, now: Date): ExportDay {
    const today = now.toISOString().slice(0, 10);
    const latest = addDays(today, -1);
    const requested = requestedDay(event);
    if (requested === undefined) return { day: latest, next: today, backfill: false };
    // YYYY-MM-DD strings order as the days do.
    if (requested > latest) {
        throw new DayError(`day ${requested} has not ended yet (it is ${now.toISOString()}): the latest complete UTC day is ${latest}.`);
    }
    const earliest = addDays(today, -MAX_DAYS_BACK);
    if (requested < earliest) {
        throw new DayError(
            `day ${requested} is more than ${MAX_DAYS_BACK} days ago (the earliest is ${earliest}): Entra ID keeps its logs ${MAX_DAYS_BACK} days, so Graph would return nothing and the export would replace that day's object with an empty one.`,
        );
    }
    return { day: requested, next: addDays(requested, 1), backfill: true };
}

/** The day an event asks for; undefined for no event, {} or any event without "day" (the schedule's). */
function requestedDay(event: unknown): string | undefined {
    if (event === undefined || event === null) return undefined;
    if (typeof event !== "object" || Array.isArray(event)) {
        throw new DayError(`the invocation event must be an object: { "day": "YYYY-MM-DD" } to re-export a day, or {} for yesterday; got ${describe(event)}.`);
    }
    if (!("day" in event) || event.day === undefined) return undefined;
    const day = event.day;
    if (typeof day !== "string" || !DAY.test(day) || !isCalendarDay(day)) {
        throw new DayError(`"day" must be a UTC date written YYYY-MM-DD, such as 2026-03-01; got ${describe(day)}.`);
    }
    return day;
}

function isCalendarDay(day: string): boolean {
    const date = new Date(`${day}T00:00:00Z`);
    // Date rolls 2026-02-30 over to March; a real day survives the round trip.
    return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === day;
}

function addDays(day: string, days: number): string {
    return new Date(Date.parse(`${day}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}

/** A value for an error message, short whatever the event held. */
function describe(value: unknown): string {
    const text = typeof value === "string" ? JSON.stringify(value) : Array.isArray(value) ? "an array" : `${typeof value} ${JSON.stringify(value) ?? ""}`.trim();
    return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}
