// EventBridge schedule expressions as EventBridge rules parse them, so a schedule `labs plan`
// accepts is one `pulumi up` can create. Facts from
// docs.aws.amazon.com/eventbridge/latest/userguide/eb-scheduled-rule-pattern.html:
// - rate(value unit): a positive whole number; unit minute|hour|day for 1, minutes|hours|days above.
// - cron(minutes hours day-of-month month day-of-week year): six fields, always UTC;
//   day-of-month and day-of-week cannot both be given: one of them must be `?`.
// - wildcards: `,` `-` `*` `/` in every field; `?` in day-of-month and day-of-week; `L` in both;
//   `W` in day-of-month; `#` in day-of-week. Month and weekday also take names (JAN-DEC, SUN-SAT).

interface Field {
    name: string;
    min: number;
    max: number;
    names?: string[];
    /** Extra wildcards the field accepts besides `, - * /`. */
    special: RegExp | undefined;
}

const FIELDS: Field[] = [
    { name: "minutes", min: 0, max: 59, special: undefined },
    { name: "hours", min: 0, max: 23, special: undefined },
    { name: "day-of-month", min: 1, max: 31, special: /^(\?|L|LW|\d{1,2}W)$/ },
    { name: "month", min: 1, max: 12, names: ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"], special: undefined },
    { name: "day-of-week", min: 1, max: 7, names: ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"], special: /^(\?|L|\d{1}L|[A-Z]{3}L|\d#[1-5]|[A-Z]{3}#[1-5])$/ },
    { name: "year", min: 1970, max: 2199, special: undefined },
];

/** Why EventBridge would refuse `expression`, or undefined when it is a valid rule schedule. */
export function scheduleProblem(expression: string): string | undefined {
    const rate = /^rate\((.*)\)$/.exec(expression);
    if (rate) return rateProblem(rate[1]);
    const cron = /^cron\((.*)\)$/.exec(expression);
    if (cron) return cronProblem(cron[1]);
    return "an EventBridge schedule, rate(...) or cron(...), such as rate(1 day) or cron(0 6 * * ? *)";
}

function rateProblem(body: string): string | undefined {
    const m = /^(\d+) (minute|minutes|hour|hours|day|days)$/.exec(body);
    if (!m || Number(m[1]) < 1) return "rate(<whole number> <unit>) such as rate(1 day) or rate(7 days), units minute(s), hour(s), day(s)";
    const value = Number(m[1]);
    const singular = !m[2].endsWith("s");
    if (value === 1 && !singular) return `rate(1 ${m[2].slice(0, -1)}): EventBridge wants the singular unit for 1`;
    if (value > 1 && singular) return `rate(${value} ${m[2]}s): EventBridge wants the plural unit above 1`;
    return undefined;
}

function cronProblem(body: string): string | undefined {
    const parts = body.trim().split(/\s+/);
    if (parts.length !== 6) return `cron(minutes hours day-of-month month day-of-week year), six fields (this has ${parts.length}), e.g. cron(0 6 * * ? *)`;
    for (const [i, field] of FIELDS.entries()) {
        const problem = fieldProblem(parts[i].toUpperCase(), field);
        if (problem) return `a cron expression whose ${field.name} field is valid: ${problem}`;
    }
    const [dom, dow] = [parts[2], parts[4]];
    const never = neverFires(parts);
    if (never) return never;
    if ((dom === "?") === (dow === "?")) return `a cron expression with ? in exactly one of day-of-month and day-of-week (EventBridge cannot take both), e.g. cron(${parts[0]} ${parts[1]} ${dom === "?" ? "*" : dom} ${parts[3]} ? ${parts[5]})`;
    return undefined;
}

function fieldProblem(text: string, field: Field): string | undefined {
    if (field.special?.test(text)) return boundsInSpecial(text, field);
    if (text === "?") return `? is allowed only in day-of-month and day-of-week, not in ${field.name}`;
    for (const item of text.split(",")) {
        const [range, step] = item.split("/");
        if (item.split("/").length > 2 || (step !== undefined && !/^\d+$/.test(step))) return `"${item}" is not a value, a range or a value/step`;
        if (step !== undefined && Number(step) < 1) return `"${item}" has a step of 0`;
        if (range === "*") continue;
        const ends = range.split("-");
        if (ends.length > 2) return `"${item}" is not a range`;
        const values = ends.map((e) => value(e, field));
        if (values.some((v) => v === undefined)) return `"${item}" is outside ${field.min}-${field.max}${field.names ? ` or ${field.names[0]}-${field.names[field.names.length - 1]}` : ""}`;
    }
    return undefined;
}

function boundsInSpecial(text: string, field: Field): string | undefined {
    const number = /^(\d+)/.exec(text);
    if (number && field.name === "day-of-month" && (Number(number[1]) < 1 || Number(number[1]) > 31)) return `"${text}" is outside 1-31`;
    if (number && field.name === "day-of-week" && (Number(number[1]) < 1 || Number(number[1]) > 7)) return `"${text}" is outside 1-7`;
    const name = /^([A-Z]{3})/.exec(text);
    if (name && field.names && !field.names.includes(name[1])) return `"${text}" names no ${field.name}`;
    return undefined;
}

function value(text: string, field: Field): number | undefined {
    if (/^\d+$/.test(text)) {
        const n = Number(text);
        return n >= field.min && n <= field.max ? n : undefined;
    }
    const i = field.names?.indexOf(text) ?? -1;
    return i >= 0 ? i + field.min : undefined;
}

/**
 * Whether a valid expression can fire more than once in a UTC day: a rate in minutes or hours,
 * or a cron whose minutes or hours field is not one fixed value.
 */
export function firesMoreThanDaily(expression: string): boolean {
    if (/^rate\(\d+ (minute|minutes|hour|hours)\)$/.test(expression)) return true;
    const cron = /^cron\((.*)\)$/.exec(expression);
    if (!cron) return false;
    const [minutes, hours] = cron[1].trim().split(/\s+/);
    return !/^\d+$/.test(minutes ?? "") || !/^\d+$/.test(hours ?? "");
}

const MONTH_DAYS = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** Why a cron that parses can never fire (a day no month given has, a year gone by), or undefined. */
function neverFires(parts: string[]): string | undefined {
    const [, , dom, month, , year] = parts.map((p) => p.toUpperCase());
    const months = explicitValues(month, FIELDS[3]);
    const days = explicitValues(dom, FIELDS[2]);
    if (months && days && Math.min(...days) > Math.max(...months.map((m) => MONTH_DAYS[m - 1]))) {
        return `a day of the month that the months given have: day ${Math.min(...days)} never comes in ${month}, so the schedule would never run`;
    }
    const years = explicitValues(year, FIELDS[5]);
    const thisYear = new Date().getUTCFullYear();
    if (years && Math.max(...years) < thisYear) return `a year from ${thisYear} on: ${year} has passed, so the schedule would never run`;
    return undefined;
}

/** The values a field lists when it is only numbers, names and ranges (no wildcard, step or special). */
function explicitValues(text: string, field: Field): number[] | undefined {
    if (!/^[A-Z0-9,-]+$/.test(text)) return undefined;
    const values: number[] = [];
    for (const item of text.split(",")) {
        const [from, to] = item.split("-").map((e) => value(e, field));
        if (from === undefined) return undefined;
        for (let v = from; v <= (to ?? from); v++) values.push(v);
    }
    return values.length ? values : undefined;
}
