// aws.iam.getPolicyDocument and aws.iam.getPolicy (AWS-managed policies) answered as pulumi-aws
// answers them. pulumi-aws wraps terraform-provider-aws, whose data source aws_iam_policy_document
// (internal/service/iam/policy_document_data_source.go, model in policy_model.go) fills a Go struct
// and prints it with encoding/json. This file repeats that byte for byte: struct field order, Go's
// sorted map keys and string escaping, and the order in which the plugin SDK hands over sets.
import * as fs from "node:fs";
import * as path from "node:path";
import type { Props } from "./types";

type GoJson = string | number | boolean | null | GoJson[] | GoObject;
/** A JSON object printed in the given key order (a Go struct, or a Go map once sorted). */
class GoObject {
    constructor(readonly entries: [string, GoJson][]) {}
}
const goSort = (a: string, b: string) => Buffer.compare(Buffer.from(a), Buffer.from(b)); // Go compares bytes
const goMap = (entries: [string, GoJson][]) => new GoObject([...entries].sort(([a], [b]) => goSort(a, b)));
const desc = (l: string[]) => [...l].sort(goSort).reverse();

// encoding/json escapes <, > and & (HTML-safe), U+2028/9, and since Go 1.22 writes \b and \f short.
const SHORT: Record<string, string> = { '"': '\\"', "\\": "\\\\", "\n": "\\n", "\r": "\\r", "\t": "\\t", "\b": "\\b", "\f": "\\f" };
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g; // reaches Go as U+FFFD
const goString = (s: string) =>
    `"${s.replace(LONE_SURROGATE, "\uFFFD").replace(/["\\\u0000-\u001f<>&\u2028\u2029]/g, (c) => SHORT[c] ?? `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`)}"`;

/** A value decoded into Go's `any`: objects become map[string]any, printed with sorted keys. */
function toGo(v: unknown): GoJson {
    if (Array.isArray(v)) return v.map(toGo);
    if (typeof v === "object" && v !== null) return goMap(Object.entries(v).map(([k, x]) => [k, toGo(x)]));
    return typeof v === "string" || typeof v === "number" || typeof v === "boolean" ? v : null;
}

/** json.Marshal; with `indent`, json.MarshalIndent(v, "", "  "), which leaves empty [] and {} inline. */
function marshal(v: GoJson, indent = false, depth = 0): string {
    if (typeof v === "string") return goString(v);
    if (typeof v === "number") return Object.is(v, -0) ? "-0" : String(v); // JS and Go's float64 print the same shortest form
    if (typeof v === "boolean" || v === null) return String(v);
    const [open, close, items] = Array.isArray(v)
        ? ["[", "]", v.map((x) => marshal(x, indent, depth + 1))]
        : ["{", "}", v.entries.map(([k, x]) => `${goString(k)}:${indent ? " " : ""}${marshal(x, indent, depth + 1)}`)];
    if (!indent || items.length === 0) return open + items.join(",") + close;
    const pad = "  ".repeat(depth + 1);
    return `${open}\n${pad}${items.join(`,\n${pad}`)}\n${"  ".repeat(depth)}${close}`;
}

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
    for (let k = 0; k < 8; k++) n = n & 1 ? 0xedb88320 ^ (n >>> 1) : n >>> 1;
    return n >>> 0;
});
/** hash/crc32.ChecksumIEEE, behind the plugin SDK's hashcode.String and the provider's create.StringHashcode. */
function crc32(s: string): number {
    let c = 0xffffffff;
    for (const byte of Buffer.from(s, "utf8")) c = CRC_TABLE[(c ^ byte) & 0xff] ^ (c >>> 8);
    return (c ^ 0xffffffff) >>> 0;
}

/**
 * A TypeSet as the plugin SDK's Set.List() returns it (helper/schema/set.go): one element per hash
 * code, ordered by the codes *as decimal strings*. A code is the CRC-32 of the element serialised by
 * SerializeValueForHash (serialize.go): a string is `s;`, a block `key:value;` per attribute in key
 * order. So two `principals` blocks of one type come out in an order unrelated to the program's
 * (the provider's test ..._multiplePrincipalsGov even expects another order in another partition).
 */
function setList<T>(items: T[], serialise: (item: T) => string): T[] {
    const byCode = new Map<string, T>();
    for (const item of items) {
        const code = String(crc32(serialise(item)));
        if (!byCode.has(code)) byCode.set(code, item);
    }
    return [...byCode.keys()].sort().map((code) => byCode.get(code) as T);
}
const stringSet = (items: string[]) => setList(items, (s) => `${s};`);

interface Principal { type: string; ids: string | string[] }
interface Condition { test: string; variable: string; values: string | string[] }
const FIELDS = ["Action", "NotAction", "Resource", "NotResource"] as const;
/** Action, NotAction, Resource and NotResource are `any` in the provider's struct: a string, a list, or whatever JSON a source document held. */
interface Statement { sid: string; effect: string; fields: Partial<Record<(typeof FIELDS)[number], GoJson>>; principals: Principal[]; notPrincipals: Principal[]; conditions: Condition[] }
interface PolicyDoc { version: string; id: string; statements: Statement[] }

/** policyDecodeConfigStrings: one value becomes a string; several are sorted, then reversed (not kept in order). */
const decodeStrings = (l: string[]): string | string[] => (l.length === 1 ? l[0] : desc(l));
const asList = (v: string | string[] | undefined) => (v === undefined ? [] : typeof v === "string" ? [v] : v);

/** iamPolicyStatementPrincipalSet.MarshalJSON: grouped by type, lists sorted descending; only one {"*": "*"} becomes "*". */
function marshalPrincipals(ps: Principal[]): GoJson {
    const [only] = ps;
    if (ps.length === 1 && only.type === "*" && asList(only.ids).length === 1 && asList(only.ids)[0] === "*") return "*";
    const raw = new Map<string, string | string[]>();
    for (const { type, ids } of ps) {
        const have = raw.get(type);
        raw.set(type, typeof ids === "string" && have === undefined ? ids : [...asList(have), ...(typeof ids === "string" ? [ids] : desc(ids))]);
    }
    return goMap([...raw]);
}

/** iamPolicyStatementConditionSet.MarshalJSON: by test, then variable; values appended in order; one value becomes a string. */
function marshalConditions(cs: Condition[]): GoJson {
    const raw = new Map<string, Map<string, string[]>>();
    for (const c of cs) {
        const byVar = raw.get(c.test) ?? new Map<string, string[]>();
        raw.set(c.test, byVar.set(c.variable, [...(byVar.get(c.variable) ?? []), ...asList(c.values)]));
    }
    return goMap([...raw].map(([test, byVar]) => [test, goMap([...byVar].map(([k, v]) => [k, v.length === 1 ? v[0] : v]))]));
}

/** The iamPolicyDoc struct, every field omitempty: Version, Id, Statement; each statement Sid, Effect, Action, NotAction, Resource, NotResource, Principal, NotPrincipal, Condition. */
function docToGo(doc: PolicyDoc): GoObject {
    // omitempty drops an empty string field, a nil `any` and an empty slice (an `any` holding "" stays).
    const present = (entries: [string, GoJson | undefined][]) => new GoObject(entries.filter((e): e is [string, GoJson] => e[1] !== undefined));
    const statements = doc.statements.map((s) =>
        present([
            ["Sid", s.sid || undefined],
            ["Effect", s.effect || undefined],
            ...FIELDS.map((k): [string, GoJson | undefined] => [k, s.fields[k]]),
            ["Principal", s.principals.length ? marshalPrincipals(s.principals) : undefined],
            ["NotPrincipal", s.notPrincipals.length ? marshalPrincipals(s.notPrincipals) : undefined],
            ["Condition", s.conditions.length ? marshalConditions(s.conditions) : undefined],
        ]),
    );
    return present([["Version", doc.version || undefined], ["Id", doc.id || undefined], ["Statement", statements.length ? statements : undefined]]);
}

/** iamPolicyDoc.Merge: a later Id wins, the Version only moves up, a statement replaces the earlier one with its Sid. */
function merge(into: PolicyDoc, doc: PolicyDoc): void {
    if (doc.id) into.id = doc.id;
    if (doc.version > into.version) into.version = doc.version;
    for (const s of doc.statements) {
        const i = s.sid ? into.statements.findIndex((t) => t.sid === s.sid) : -1;
        if (i >= 0) into.statements[i] = s;
        else into.statements.push(s);
    }
}

// ---- Documents given as JSON (sourcePolicyDocuments, overridePolicyDocuments): json.Unmarshal into the struct ----

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);
const kind = (v: unknown) => (v === null ? "<nil>" : Array.isArray(v) ? "array" : typeof v);
const isStrings = (v: unknown): v is string[] => Array.isArray(v) && v.every((x) => typeof x === "string");
/** Go's json.Unmarshal matches struct fields case-insensitively, the last match winning. */
const field = (o: Record<string, unknown>, name: string) => Object.entries(o).filter(([k]) => k.toLowerCase() === name.toLowerCase()).pop()?.[1];
function goStringField(o: Record<string, unknown>, name: string, where: string): string {
    const v = field(o, name) ?? ""; // null leaves a Go string empty
    if (typeof v !== "string") throw new Error(`${where}: json: cannot unmarshal ${kind(v)} into Go struct field ${name} of type string`);
    return v;
}

/** iamPolicyStatementPrincipalSet.UnmarshalJSON: any string means "*"; lists are sorted. */
function parsePrincipals(v: unknown, where: string): Principal[] {
    if (v === undefined) return [];
    if (typeof v === "string") return [{ type: "*", ids: ["*"] }];
    if (!isRecord(v)) throw new Error(`${where}: Unsupported data type ${kind(v)} for IAMPolicyStatementPrincipalSet`);
    return Object.entries(v).map(([type, ids]) => {
        if (typeof ids === "string" || isStrings(ids)) return { type, ids: typeof ids === "string" ? ids : [...ids].sort(goSort) };
        throw new Error(`${where}: Unsupported data type ${kind(ids)} for IAMPolicyStatementPrincipalSet.Identifiers (principal type ${type}): must be strings`);
    });
}

/** iamPolicyStatementConditionSet.UnmarshalJSON: keeps strings, booleans (as "true"/"false") and string lists, drops other values. */
function parseConditions(v: unknown, where: string): Condition[] {
    if (v === undefined || v === null) return [];
    const tests = isRecord(v) ? Object.entries(v) : [];
    if (!isRecord(v) || tests.some(([, vars]) => vars !== null && !isRecord(vars))) throw new Error(`${where}: json: cannot unmarshal the Condition into map[string]map[string]any`);
    return tests.flatMap(([test, vars]) =>
        Object.entries(isRecord(vars) ? vars : {}).flatMap(([variable, values]): Condition[] => {
            if (typeof values === "string") return [{ test, variable, values: [values] }];
            if (typeof values === "boolean") return [{ test, variable, values: String(values) }];
            if (!Array.isArray(values)) return [];
            // The provider asserts every element to a string, and crashes on anything else.
            if (!isStrings(values)) throw new Error(`${where}: condition ${test} ${variable} lists a value that is not a string (the provider would crash)`);
            return [{ test, variable, values }];
        }),
    );
}

function parseDocument(text: string, where: string): PolicyDoc {
    let parsed: unknown;
    try {
        parsed = JSON.parse(text);
    } catch (err) {
        throw new Error(`${where} contains an invalid JSON: ${(err as Error).message}`);
    }
    if (parsed !== null && !isRecord(parsed)) throw new Error(`${where}: json: cannot unmarshal ${kind(parsed)} into Go value of type iam.IAMPolicyDoc`);
    const doc = parsed ?? {}; // `null` decodes to an empty document
    const statements = field(doc, "Statement") ?? [];
    if (!Array.isArray(statements)) throw new Error(`${where}: json: cannot unmarshal ${kind(statements)} into Go struct field IAMPolicyDoc.Statement of type []*iam.IAMPolicyStatement`);
    return {
        version: goStringField(doc, "Version", where),
        id: goStringField(doc, "Id", where),
        statements: statements.map((s: unknown, i) => {
            const at = `${where} statement ${i}`;
            if (!isRecord(s)) throw new Error(`${at}: json: cannot unmarshal ${kind(s)} into Go value of type iam.IAMPolicyStatement`);
            const fields: Statement["fields"] = {};
            for (const k of FIELDS) if (field(s, k) !== undefined && field(s, k) !== null) fields[k] = toGo(field(s, k)); // null leaves `any` nil: omitted
            const [sid, effect] = [goStringField(s, "Sid", at), goStringField(s, "Effect", at)];
            const [principals, notPrincipals] = [parsePrincipals(field(s, "Principal"), at), parsePrincipals(field(s, "NotPrincipal"), at)];
            return { sid, effect, fields, principals, notPrincipals, conditions: parseConditions(field(s, "Condition"), at) };
        }),
    };
}

// ---- The program's arguments, in wire form (camelCase) ----

const fail = (message: string): never => {
    throw new Error(message);
};
const strings = (v: unknown, what: string): string[] => (v === undefined || v === null ? [] : isStrings(v) ? v : fail(`getPolicyDocument: ${what} must be a list of strings`));
const blocks = (v: unknown, what: string): Props[] =>
    v === undefined || v === null ? [] : Array.isArray(v) && v.every(isRecord) ? v : fail(`getPolicyDocument: ${what} must be a list of objects`);
const text = (v: unknown): string => (typeof v === "string" ? v : "");

/** dataSourcePolicyDocumentReplaceVarsInList: `&{...}` becomes the IAM variable `${...}`, which 2008-10-17 lacks. */
function replaceVars<T extends string | string[]>(v: T, version: string): T {
    const one = (s: string) => {
        if (version === "2008-10-17" && s.includes("&{")) throw new Error(`found &{ sequence in (${s}), which is not supported in document version 2008-10-17`);
        return s.replaceAll("&{", "${");
    };
    return (typeof v === "string" ? one(v) : v.map(one)) as T;
}

const principalKey = (p: Props) => `identifiers:{${stringSet(strings(p.identifiers, "identifiers")).map((i) => `${i};`).join("")}};type:${text(p.type)};`;
const conditionKey = (c: Props) => `test:${text(c.test)};values:(${strings(c.values, "values").map((v) => `${v};`).join("")});variable:${text(c.variable)};`;

export function getPolicyDocument(inputs: Props): Props {
    for (const [key, use] of [["overrideJson", "overridePolicyDocuments"], ["sourceJson", "sourcePolicyDocuments"]]) {
        // Kept only so old programs validate: the provider accepts nothing but "" (issue 31637).
        if (text(inputs[key]) !== "") throw new Error(`getPolicyDocument: ${key} is no longer supported by the AWS provider and must be empty; use ${use}`);
    }
    const version = inputs.version ?? "2012-10-17";
    if (version !== "2008-10-17" && version !== "2012-10-17") throw new Error(`getPolicyDocument: version must be 2008-10-17 or 2012-10-17, got ${JSON.stringify(version)}`);
    // A "" in these lists reaches the provider as a null element, which it skips.
    const documents = (key: string, what: string) => strings(inputs[key], key).flatMap((doc, i) => (doc === "" ? [] : [parseDocument(doc, `"${what}.${i}"`)]));
    const merged: PolicyDoc = { version: "", id: "", statements: [] };
    const sourceSids = new Set<string>();
    documents("sourcePolicyDocuments", "source_policy_documents").forEach((doc, d) => {
        doc.statements.forEach((s, i) => {
            if (s.sid && sourceSids.has(s.sid)) throw new Error(`writing IAM Policy Document: merging source document ${d}: duplicate Sid (${s.sid}) in source_policy_documents (statement ${i}). Remove the Sid or ensure Sids are unique.`);
            if (s.sid) sourceSids.add(s.sid);
        });
        merge(merged, doc);
    });

    const own: PolicyDoc = { version, id: text(inputs.policyId), statements: [] };
    const echoed: Props[] = []; // the state Pulumi returns as `statements`, sets in set order
    for (const cfg of blocks(inputs.statements, "statements")) {
        const effect = cfg.effect ?? "Allow";
        if (effect !== "Allow" && effect !== "Deny") throw new Error(`getPolicyDocument: a statement's effect must be Allow or Deny, got ${JSON.stringify(effect)}`);
        const sid = text(cfg.sid);
        if (sid && own.statements.some((s) => s.sid === sid)) throw new Error(`writing IAM Policy Document: duplicate Sid (${sid}). Remove the Sid or ensure the Sid is unique.`);
        const statement: Statement = { sid, effect, fields: {}, principals: [], notPrincipals: [], conditions: [] };
        const echo: Props = { ...(cfg.sid === undefined ? {} : { sid }), effect };
        for (const [key, name] of [["actions", "Action"], ["notActions", "NotAction"], ["resources", "Resource"], ["notResources", "NotResource"]] as const) {
            const set = stringSet(strings(cfg[key], key));
            if (set.length === 0) continue;
            statement.fields[name] = key.endsWith("esources") ? replaceVars(decodeStrings(set), version) : decodeStrings(set); // no variables in actions
            echo[key] = set;
        }
        for (const key of ["principals", "notPrincipals"] as const) {
            const set = setList(blocks(cfg[key], key), principalKey).map((p) => ({ identifiers: stringSet(strings(p.identifiers, "identifiers")), type: text(p.type) }));
            statement[key] = set.map((p) => ({ type: p.type, ids: replaceVars(decodeStrings(p.identifiers), version) }));
            if (set.length) echo[key] = set;
        }
        for (const c of blocks(cfg.conditions, "conditions")) {
            // The provider's schema marks test, variable and values Required (policy_document_data_source.go).
            for (const field of ["test", "variable", "values"]) if (c[field] === undefined || c[field] === null) throw new Error(`statements: a condition is missing "${field}", which the provider requires`);
        }
        const conditions = setList(blocks(cfg.conditions, "conditions"), conditionKey).map((c) => ({ test: text(c.test), values: strings(c.values, "values"), variable: text(c.variable) }));
        statement.conditions = conditions.map(({ test, variable, values }) => ({ test, variable, values: ((r) => (r.length === 1 ? r[0] : r))(replaceVars(values, version)) }));
        if (conditions.length) echo.conditions = conditions;
        own.statements.push(statement);
        echoed.push(echo);
    }
    merge(merged, own);
    for (const doc of documents("overridePolicyDocuments", "override_policy_documents")) merge(merged, doc);

    const go = docToGo(merged);
    const json = marshal(go, true);
    const result: Props = { id: String(crc32(json)), json, minifiedJson: marshal(go), version };
    if (echoed.length) result.statements = echoed;
    for (const key of ["policyId", "sourcePolicyDocuments", "overridePolicyDocuments", "overrideJson", "sourceJson"]) {
        if (inputs[key] !== undefined && inputs[key] !== null) result[key] = inputs[key];
    }
    return result;
}

// ---- aws.iam.getPolicy, AWS-managed policies only (internal/service/iam/policy_data_source.go) ----

const POLICY_FIELDS = ["name", "arn", "path", "policyId", "description", "defaultVersionId", "createDate", "updateDate"] as const;
type ManagedPolicy = Record<(typeof POLICY_FIELDS)[number], string> & { document: Record<string, unknown> };
export const MANAGED_POLICY_FILE = path.join(__dirname, "aws-managed-policies.json");
let managed: ManagedPolicy[] | undefined;

export function managedPolicies(): ManagedPolicy[] {
    if (!managed) {
        const data: unknown = JSON.parse(fs.readFileSync(MANAGED_POLICY_FILE, "utf8"));
        const list: unknown = isRecord(data) ? data.policies : undefined;
        const valid = (p: unknown): p is ManagedPolicy => isRecord(p) && isRecord(p.document) && POLICY_FIELDS.every((k) => typeof p[k] === "string");
        if (!Array.isArray(list) || !list.every(valid)) throw new Error(`${MANAGED_POLICY_FILE}: every entry needs ${POLICY_FIELDS.join(", ")} and document`);
        managed = list;
    }
    return managed;
}

export function getPolicy(inputs: Props): Props {
    const [arn, name, pathPrefix] = [text(inputs.arn), text(inputs.name), text(inputs.pathPrefix)];
    // The schema's ConflictsWith and verify.ValidARN.
    if (arn && (name || pathPrefix)) throw new Error(`getPolicy: "arn" conflicts with ${name ? "name" : "pathPrefix"}`);
    if (arn && !/^arn:[^:]+:[^:]+:[^:]*:[^:]*:.+$/.test(arn)) throw new Error(`getPolicy: "arn" (${arn}) is an invalid ARN`);
    const found = managedPolicies().find((p) => (arn ? p.arn === arn : p.name === name && p.path.startsWith(pathPrefix || "/")));
    if (!found) {
        const what = arn || `name ${JSON.stringify(name)}${pathPrefix ? ` under ${pathPrefix}` : ""}`;
        throw new Error(
            `getPolicy(${what}): the offline engine knows only the AWS-managed policies listed in cli/engine/mocks/aws-managed-policies.json ` +
                `(${managedPolicies().map((p) => p.name).join(", ")}). Add an entry there (GetPolicy's fields and GetPolicyVersion's document) to read another one.`,
        );
    }
    return {
        arn: found.arn,
        attachmentCount: 0, // attachments in the caller's account: none in the account the engine invents
        description: found.description,
        id: found.arn,
        name: found.name,
        path: found.path,
        ...(pathPrefix ? { pathPrefix } : {}),
        // The provider returns GetPolicyVersion's document URL-decoded, whitespace and all, as AWS stores it.
        // The table holds the content, not that whitespace, which no public copy records; it is printed with
        // four-space indentation, as the raw AWS-managed documents in inspec-aws's test fixtures are.
        policy: JSON.stringify(found.document, null, 4),
        policyId: found.policyId,
        tags: {},
    };
}
