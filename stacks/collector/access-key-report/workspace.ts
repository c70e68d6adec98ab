// The collector's Azure half: a Log Analytics workspace with the access-key report table, the
// Logs Ingestion path into it (data collection endpoint and rule), the Entra application the
// function signs in as (allowed to publish to that one rule, nothing else), and the post's
// queries as saved searches and a workbook.
import * as authorization from "@pulumi/azure-native/authorization";
import * as applicationinsights from "@pulumi/azure-native/applicationinsights";
import * as monitor from "@pulumi/azure-native/monitor";
import * as operationalinsights from "@pulumi/azure-native/operationalinsights";
import * as resources from "@pulumi/azure-native/resources";
import * as azuread from "@pulumi/azuread";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { QUERIES, workbookContent } from "./queries";
import { rotationWindow } from "../shared/rotation";
import { COLUMNS, STREAM_NAME, TABLE_NAME, tableColumnType } from "./schema";

/** Built-in role "Monitoring Metrics Publisher": the one the Logs Ingestion API requires on the rule. */
export const MONITORING_METRICS_PUBLISHER = "3913510d-42f4-4e42-8a64-420c390055eb";

export interface AccessKeyWorkspaceArgs {
    stack: string;
    location: string;
    tags: Record<string, string>;
    retentionDays: number;
    secretRotationDays: number;
    /** The run's clock, for the secret's rotation period. */
    now: Date;
}

export class AccessKeyWorkspace extends pulumi.ComponentResource {
    readonly resourceGroup: resources.ResourceGroup;
    readonly workspace: operationalinsights.Workspace;
    readonly table: operationalinsights.Table;
    readonly endpoint: monitor.DataCollectionEndpoint;
    readonly rule: monitor.DataCollectionRule;
    readonly application: azuread.Application;
    readonly servicePrincipal: azuread.ServicePrincipal;
    /** The client secret; secret, and replaced each rotation period. */
    readonly clientSecret: pulumi.Output<string>;
    readonly clientSecretExpires: string;
    readonly tenantId: pulumi.Output<string>;
    /** Where the function posts: the endpoint's logs ingestion URL. */
    readonly ingestionEndpoint: pulumi.Output<string>;

    constructor(name: string, args: AccessKeyWorkspaceArgs, opts?: pulumi.ComponentResourceOptions) {
        super("labs:collector:AccessKeyWorkspace", name, {}, opts);
        const parent = { parent: this };
        const rgName = `rg-collector-${args.stack}`;
        this.resourceGroup = new resources.ResourceGroup(rgName, { resourceGroupName: rgName, location: args.location, tags: args.tags }, parent);
        const common = { resourceGroupName: this.resourceGroup.name, location: args.location, tags: args.tags };

        // Deleted workspaces linger (soft delete): a suffix lets `destroy` then `up` work at once.
        const suffix = new random.RandomString(`${name}-suffix`, { length: 6, special: false, upper: false }, parent);
        this.workspace = new operationalinsights.Workspace(
            "log-collector",
            { ...common, workspaceName: pulumi.interpolate`log-collector-${args.stack}-${suffix.result}`, sku: { name: "PerGB2018" }, retentionInDays: args.retentionDays },
            parent,
        );
        this.table = new operationalinsights.Table(
            TABLE_NAME,
            {
                resourceGroupName: this.resourceGroup.name,
                workspaceName: this.workspace.name,
                tableName: TABLE_NAME,
                plan: "Analytics",
                retentionInDays: args.retentionDays,
                schema: { name: TABLE_NAME, description: "AWS IAM access keys and their last use, reported daily by the collector lab.", columns: COLUMNS.map((c) => ({ name: c.name, type: tableColumnType(c.type), description: c.description })) },
            },
            parent,
        );
        this.endpoint = new monitor.DataCollectionEndpoint(
            "dce-collector",
            { ...common, dataCollectionEndpointName: `dce-collector-${args.stack}`, description: "Logs Ingestion endpoint for the AWS access-key report.", networkAcls: { publicNetworkAccess: "Enabled" } },
            parent,
        );
        this.ingestionEndpoint = this.endpoint.logsIngestion.apply((l) => {
            if (!l?.endpoint) throw new Error("the data collection endpoint reported no logs ingestion endpoint");
            return l.endpoint;
        });
        this.rule = new monitor.DataCollectionRule(
            "dcr-collector",
            {
                ...common,
                dataCollectionRuleName: `dcr-collector-${args.stack}`,
                description: "The AWS access-key report, as the function sends it, into its table.",
                dataCollectionEndpointId: this.endpoint.id,
                streamDeclarations: { [STREAM_NAME]: { columns: COLUMNS.map((c) => ({ name: c.name, type: c.type })) } },
                destinations: { logAnalytics: [{ name: "workspace", workspaceResourceId: this.workspace.id }] },
                dataFlows: [{ streams: [STREAM_NAME], destinations: ["workspace"], transformKql: "source", outputStream: STREAM_NAME }],
            },
            // The output stream must name a table that exists.
            { parent: this, dependsOn: [this.table] },
        );

        this.application = new azuread.Application("collector", { displayName: `labs-collector-${args.stack}`, signInAudience: "AzureADMyOrg" }, parent);
        this.servicePrincipal = new azuread.ServicePrincipal("collector", { clientId: this.application.clientId }, parent);
        const rotation = rotationWindow(args.now, args.secretRotationDays);
        this.clientSecretExpires = rotation.endDate;
        const password = new azuread.ApplicationPassword(
            "collector-secret",
            { applicationId: this.application.id, displayName: `collector function (period from ${rotation.period})`, endDate: rotation.endDate, rotateWhenChanged: { period: rotation.period } },
            { parent: this, additionalSecretOutputs: ["value"] },
        );
        this.clientSecret = pulumi.secret(password.value);
        const client = authorization.getClientConfigOutput(parent);
        this.tenantId = client.tenantId;
        new authorization.RoleAssignment(
            "collector-publishes-to-rule",
            {
                roleAssignmentName: new random.RandomUuid(`${name}-role-assignment`, {}, parent).result,
                scope: this.rule.id,
                principalId: this.servicePrincipal.objectId,
                principalType: "ServicePrincipal",
                roleDefinitionId: pulumi.interpolate`/subscriptions/${client.subscriptionId}/providers/Microsoft.Authorization/roleDefinitions/${MONITORING_METRICS_PUBLISHER}`,
                description: "The collector function uploads the access-key report through this rule only.",
            },
            parent,
        );

        for (const q of QUERIES) {
            new operationalinsights.SavedSearch(
                q.id,
                {
                    resourceGroupName: this.resourceGroup.name,
                    workspaceName: this.workspace.name,
                    savedSearchId: q.id,
                    category: "AWS access keys",
                    displayName: q.displayName,
                    query: q.query,
                    tags: Object.entries(args.tags).map(([tagName, value]) => ({ name: tagName, value })),
                },
                { parent: this, dependsOn: [this.table] },
            );
        }
        new applicationinsights.Workbook(
            "aws-access-keys",
            {
                ...common,
                resourceName: new random.RandomUuid(`${name}-workbook-id`, {}, parent).result,
                kind: "shared",
                category: "workbook",
                displayName: `AWS access keys (${args.stack})`,
                // ARM keeps a workbook's sourceId lowercased; sending it so avoids a diff on every preview.
                sourceId: this.workspace.id.apply((id) => id.toLowerCase()),
                serializedData: this.workspace.id.apply(workbookContent),
            },
            parent,
        );
        this.registerOutputs({});
    }
}
