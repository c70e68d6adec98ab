// Realistic Entra ID sign-in and directory audit records, shaped as Graph v1.0 returns them
// (signIn and directoryAudit resources), deterministic for a day and a count. Times carry
// Graph's seven fractional digits; the first record of a day is at exactly 00:00:00.0000000Z
// and the last at 23:59:59.9999999Z, so the day's window is tested at both edges. Some names
// are not ASCII, so the export's UTF-8 is tested too.
import { createHash } from "node:crypto";
import type { LogType } from "../../../../stacks/collector/entra-logs/layout";
import type { GraphRecord } from "./fake-graph";

const USERS = [
    { name: "Adele Vance", upn: "adelev@labs.example.com" },
    { name: "Zoë Ångström", upn: "zoe.angstrom@labs.example.com" },
    { name: "Miguel Peña", upn: "miguel.pena@labs.example.com" },
    { name: "Grady Archie", upn: "gradya@labs.example.com" },
    { name: "李 雷", upn: "li.lei@labs.example.com" },
];
const LOCATIONS = [
    { city: "Paris", state: "Paris", countryOrRegion: "FR", latitude: 48.8566, longitude: 2.3522 },
    { city: "Berlin", state: "Berlin", countryOrRegion: "DE", latitude: 52.52, longitude: 13.405 },
    { city: "Redmond", state: "Washington", countryOrRegion: "US", latitude: 47.6805, longitude: -122.1209 },
    { city: "London", state: "England", countryOrRegion: "GB", latitude: 51.5072, longitude: -0.1276 },
    { city: "Tokyo", state: "Tokyo", countryOrRegion: "JP", latitude: 35.6762, longitude: 139.6503 },
];
const APPS = [
    { appDisplayName: "Microsoft Azure Portal", appId: "c44b4083-3bb0-49c1-b47d-974e53cbdf3c" },
    { appDisplayName: "Microsoft Teams", appId: "1fec8e78-bce4-4aaf-ab1b-5451cc387264" },
    { appDisplayName: "Office 365 Exchange Online", appId: "00000002-0000-0ff1-ce00-000000000000" },
    { appDisplayName: "Microsoft Azure CLI", appId: "04b07795-8ddb-461a-bbee-02f9e1bf7b46" },
    { appDisplayName: "Graph Explorer", appId: "de8bc8b5-d9f9-48b1-a8ad-b748da725064" },
];
const STATUSES = [
    { errorCode: 0, failureReason: "Other.", additionalDetails: null },
    { errorCode: 0, failureReason: "Other.", additionalDetails: "MFA requirement satisfied by claim in the token" },
    { errorCode: 50126, failureReason: "Error validating credentials due to invalid username or password.", additionalDetails: "The user didn't enter the right credentials." },
    { errorCode: 50074, failureReason: "Strong Authentication is required.", additionalDetails: "The user is required to complete multi-factor authentication." },
    { errorCode: 53003, failureReason: "Access has been blocked by Conditional Access policies. The access policy does not allow token issuance.", additionalDetails: null },
];
const ACTIVITIES = [
    { activityDisplayName: "Add user", category: "UserManagement", operationType: "Add" },
    { activityDisplayName: "Update user", category: "UserManagement", operationType: "Update" },
    { activityDisplayName: "Add member to group", category: "GroupManagement", operationType: "Assign" },
    { activityDisplayName: "Reset user password", category: "UserManagement", operationType: "Update" },
    { activityDisplayName: "Add app role assignment to service principal", category: "ApplicationManagement", operationType: "Assign" },
    { activityDisplayName: "Add member to role", category: "RoleManagement", operationType: "Assign" },
];

/** A GUID derived from a seed: the same records for the same day and index on every run. */
function guid(seed: string): string {
    const h = createHash("sha256").update(seed).digest("hex");
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** The i-th of `count` instants spread over the day, in Graph's format (7 fractional digits). */
function timeOf(day: string, i: number, count: number): string {
    const start = Date.parse(`${day}T00:00:00Z`);
    if (count > 1 && i === count - 1) return `${day}T23:59:59.9999999Z`;
    const at = new Date(start + Math.floor((i * 86_400_000) / Math.max(count, 1)));
    const extra = i === 0 ? "0000" : String((i * 7919) % 10_000).padStart(4, "0");
    return `${at.toISOString().slice(0, 23)}${extra}Z`;
}

function ipOf(i: number): string {
    return i % 7 === 3 ? `2001:db8:${(i % 65_535).toString(16)}::${(i % 251) + 1}` : `203.0.113.${(i % 254) + 1}`;
}

export function fakeSignIns(day: string, count: number): GraphRecord[] {
    return Array.from({ length: count }, (_, i) => {
        const user = USERS[i % USERS.length];
        const location = LOCATIONS[i % LOCATIONS.length];
        const status = STATUSES[i % STATUSES.length];
        const app = APPS[i % APPS.length];
        return {
            id: guid(`signin-${day}-${i}`),
            createdDateTime: timeOf(day, i, count),
            userDisplayName: user.name,
            userPrincipalName: user.upn,
            userId: guid(`user-${user.upn}`),
            appId: app.appId,
            appDisplayName: app.appDisplayName,
            ipAddress: ipOf(i),
            clientAppUsed: i % 4 === 0 ? "Mobile Apps and Desktop clients" : "Browser",
            correlationId: guid(`correlation-${day}-${i}`),
            conditionalAccessStatus: status.errorCode === 53003 ? "failure" : i % 3 === 0 ? "success" : "notApplied",
            isInteractive: true,
            riskDetail: "none",
            riskLevelAggregated: "none",
            riskLevelDuringSignIn: "none",
            riskState: "none",
            riskEventTypes: [],
            riskEventTypes_v2: [],
            resourceDisplayName: "Microsoft Graph",
            resourceId: "00000003-0000-0000-c000-000000000000",
            status,
            deviceDetail: { deviceId: "", displayName: "", operatingSystem: i % 2 ? "Windows10" : "MacOs", browser: i % 2 ? "Edge 131.0.0" : "Safari 18.1", isCompliant: false, isManaged: false, trustType: "" },
            location: { city: location.city, state: location.state, countryOrRegion: location.countryOrRegion, geoCoordinates: { altitude: null, latitude: location.latitude, longitude: location.longitude } },
            appliedConditionalAccessPolicies: [
                { id: guid("policy-mfa"), displayName: "Require MFA for admins", enforcedGrantControls: ["Mfa"], enforcedSessionControls: [], result: i % 3 === 0 ? "success" : "notApplied" },
            ],
        };
    });
}

export function fakeDirectoryAudits(day: string, count: number): GraphRecord[] {
    return Array.from({ length: count }, (_, i) => {
        const actor = USERS[i % USERS.length];
        const target = USERS[(i + 2) % USERS.length];
        const activity = ACTIVITIES[i % ACTIVITIES.length];
        const byApp = i % 5 === 4;
        const correlationId = guid(`audit-correlation-${day}-${i}`);
        return {
            id: `Directory_${correlationId}_${(i % 36 ** 5).toString(36).toUpperCase().padStart(5, "0")}_${100_000_000 + i}`,
            category: activity.category,
            correlationId,
            result: i % 9 === 8 ? "failure" : "success",
            resultReason: i % 9 === 8 ? "Microsoft.Online.Workflows.ObjectAlreadyExistsException" : "",
            activityDisplayName: activity.activityDisplayName,
            activityDateTime: timeOf(day, i, count),
            loggedByService: "Core Directory",
            operationType: activity.operationType,
            initiatedBy: byApp
                ? { user: null, app: { appId: APPS[3].appId, displayName: "Microsoft Azure CLI", servicePrincipalId: guid("sp-cli"), servicePrincipalName: null } }
                : { user: { id: guid(`user-${actor.upn}`), displayName: null, userPrincipalName: actor.upn, ipAddress: ipOf(i), userType: null, homeTenantId: null, homeTenantName: null }, app: null },
            targetResources: [
                {
                    id: guid(`user-${target.upn}`),
                    displayName: target.name,
                    type: "User",
                    userPrincipalName: target.upn,
                    groupType: null,
                    modifiedProperties: [{ displayName: "AccountEnabled", oldValue: "[false]", newValue: "[true]" }],
                },
            ],
            additionalDetails: [{ key: "UserType", value: "Member" }],
        };
    });
}

export function fakeRecords(logType: LogType, day: string, count: number): GraphRecord[] {
    return logType === "signins" ? fakeSignIns(day, count) : fakeDirectoryAudits(day, count);
}
