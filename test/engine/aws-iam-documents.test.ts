// aws.iam.getPolicyDocument and aws.iam.getPolicy as the offline engine answers them. Every
// expected document below is the provider's own: terraform-provider-aws's acceptance tests
// (internal/service/iam/policy_document_data_source_test.go, the v5.8x+/v6 file, cited as
// "acceptance test <name>") or the documentation's "will evaluate to" blocks
// (website/docs/d/iam_policy_document.html.markdown, the source of Pulumi's registry page for
// aws.iam.getPolicyDocument, cited as "docs: <example>"). The documentation still prints
// `"Sid": ""` for statements without a Sid, from before the provider marked Sid omitempty
// (policy_model.go: `Sid string json:",omitempty"`); those lines are dropped here, as the
// acceptance tests of the same provider drop them.
import * as zlib from "node:zlib";
import { describe, expect, it } from "vitest";
import { getPolicy, getPolicyDocument, managedPolicies } from "../../cli/engine/mocks/aws-iam-documents";
import { CloudSimulator } from "../../cli/engine/mocks";
import type { Props } from "../../cli/engine/mocks/types";

const json = (inputs: Props) => String(getPolicyDocument(inputs).json);
const withoutBlankSid = (doc: string) => doc.replace(/\n\s*"Sid": "",/g, "");

describe("getPolicyDocument: statements from the program", () => {
    // acceptance test TestAccIAMPolicyDocumentDataSource_basic (partition aws).
    const basic: Props = {
        policyId: "policy_id",
        statements: [
            { sid: "1", actions: ["s3:ListAllMyBuckets", "s3:GetBucketLocation"], resources: ["arn:aws:s3:::*"] },
            {
                actions: ["s3:ListBucket"],
                resources: ["arn:aws:s3:::foo"],
                conditions: [{ test: "StringLike", variable: "s3:prefix", values: ["home/", "", "home/&{aws:username}/"] }],
                notPrincipals: [{ type: "AWS", identifiers: ["arn:blahblah:example"] }],
            },
            {
                actions: ["s3:*"],
                resources: ["arn:aws:s3:::foo/home/&{aws:username}", "arn:aws:s3:::foo/home/&{aws:username}/*"],
                principals: [{ type: "AWS", identifiers: ["arn:blahblah:example"] }],
            },
            { effect: "Deny", notActions: ["s3:*"], notResources: ["arn:aws:s3:::*"] },
            { effect: "Allow", actions: ["kinesis:*"], principals: [{ type: "AWS", identifiers: ["*"] }] },
            { effect: "Allow", actions: ["firehose:*"], principals: [{ type: "*", identifiers: ["*"] }] },
        ],
    };

    it("renders statement order, Sid, collapsed single values, Not* keys and the two wildcard principals exactly", () => {
        const result = getPolicyDocument(basic);
        expect(result.json).toBe(`{
  "Version": "2012-10-17",
  "Id": "policy_id",
  "Statement": [
    {
      "Sid": "1",
      "Effect": "Allow",
      "Action": [
        "s3:ListAllMyBuckets",
        "s3:GetBucketLocation"
      ],
      "Resource": "arn:aws:s3:::*"
    },
    {
      "Effect": "Allow",
      "Action": "s3:ListBucket",
      "Resource": "arn:aws:s3:::foo",
      "NotPrincipal": {
        "AWS": "arn:blahblah:example"
      },
      "Condition": {
        "StringLike": {
          "s3:prefix": [
            "home/",
            "",
            "home/\${aws:username}/"
          ]
        }
      }
    },
    {
      "Effect": "Allow",
      "Action": "s3:*",
      "Resource": [
        "arn:aws:s3:::foo/home/\${aws:username}/*",
        "arn:aws:s3:::foo/home/\${aws:username}"
      ],
      "Principal": {
        "AWS": "arn:blahblah:example"
      }
    },
    {
      "Effect": "Deny",
      "NotAction": "s3:*",
      "NotResource": "arn:aws:s3:::*"
    },
    {
      "Effect": "Allow",
      "Action": "kinesis:*",
      "Principal": {
        "AWS": "*"
      }
    },
    {
      "Effect": "Allow",
      "Action": "firehose:*",
      "Principal": "*"
    }
  ]
}`);
        // Same test, testAccPolicyDocumentExpectedJSONMinified.
        expect(result.minifiedJson).toBe(
            `{"Version":"2012-10-17","Id":"policy_id","Statement":[{"Sid":"1","Effect":"Allow","Action":["s3:ListAllMyBuckets","s3:GetBucketLocation"],"Resource":"arn:aws:s3:::*"},{"Effect":"Allow","Action":"s3:ListBucket","Resource":"arn:aws:s3:::foo","NotPrincipal":{"AWS":"arn:blahblah:example"},"Condition":{"StringLike":{"s3:prefix":["home/","","home/\${aws:username}/"]}}},{"Effect":"Allow","Action":"s3:*","Resource":["arn:aws:s3:::foo/home/\${aws:username}/*","arn:aws:s3:::foo/home/\${aws:username}"],"Principal":{"AWS":"arn:blahblah:example"}},{"Effect":"Deny","NotAction":"s3:*","NotResource":"arn:aws:s3:::*"},{"Effect":"Allow","Action":"kinesis:*","Principal":{"AWS":"*"}},{"Effect":"Allow","Action":"firehose:*","Principal":"*"}]}`,
        );
    });

    it("takes the id from a CRC-32 of the indented JSON and echoes the arguments with defaults filled in", () => {
        // policy_document_data_source.go: d.SetId(strconv.Itoa(create.StringHashcode(jsonString))).
        const result = getPolicyDocument(basic);
        expect(result.id).toBe(String(zlib.crc32(String(result.json))));
        expect(result.version).toBe("2012-10-17");
        expect(result.policyId).toBe("policy_id");
        const statements = result.statements as Props[];
        expect(statements[0]).toEqual({ sid: "1", effect: "Allow", actions: expect.arrayContaining(["s3:ListAllMyBuckets", "s3:GetBucketLocation"]), resources: ["arn:aws:s3:::*"] });
        expect(statements[3]).toMatchObject({ effect: "Deny", notActions: ["s3:*"], notResources: ["arn:aws:s3:::*"] });
    });

    it("collapses a one-value condition to a string", () => {
        // acceptance test TestAccIAMPolicyDocumentDataSource_singleConditionValue.
        const doc = json({
            statements: [
                {
                    effect: "Deny",
                    principals: [{ type: "AWS", identifiers: ["*"] }],
                    actions: ["elasticfilesystem:*"],
                    resources: ["*"],
                    conditions: [{ test: "Bool", variable: "aws:SecureTransport", values: ["false"] }],
                },
            ],
        });
        expect(doc).toBe(`{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Effect": "Deny",
      "Action": "elasticfilesystem:*",
      "Resource": "*",
      "Principal": {
        "AWS": "*"
      },
      "Condition": {
        "Bool": {
          "aws:SecureTransport": "false"
        }
      }
    }
  ]
}`);
    });

    it("groups conditions of one test under it, variables sorted", () => {
        // docs: "Example Multiple Condition Keys" (actions reverse-sorted, variables in Go's map order).
        const docs = json({
            statements: [
                {
                    actions: ["kms:Decrypt", "kms:GenerateDataKey"],
                    resources: ["*"],
                    conditions: [
                        { test: "ForAnyValue:StringEquals", variable: "kms:EncryptionContext:service", values: ["pi"] },
                        { test: "ForAnyValue:StringEquals", variable: "kms:EncryptionContext:aws:pi:service", values: ["rds"] },
                    ],
                },
            ],
        });
        expect(docs).toBe(
            withoutBlankSid(`{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Sid": "",
      "Effect": "Allow",
      "Action": [
        "kms:GenerateDataKey",
        "kms:Decrypt"
      ],
      "Resource": "*",
      "Condition": {
        "ForAnyValue:StringEquals": {
          "kms:EncryptionContext:aws:pi:service": "rds",
          "kms:EncryptionContext:service": "pi"
        }
      }
    }
  ]
}`),
        );
        // acceptance test TestAccIAMPolicyDocumentDataSource_multipleConditionKeys compares as JSON only;
        // encoding/json sorts map keys, so aws:SourceArn prints before s3:x-amz-acl.
        const trail = json({
            statements: [
                {
                    sid: "AWSCloudTrailWrite20150319",
                    effect: "Allow",
                    principals: [{ type: "Service", identifiers: ["cloudtrail.amazonaws.com"] }],
                    actions: ["s3:PutObject"],
                    resources: ["*"],
                    conditions: [
                        { test: "StringEquals", variable: "s3:x-amz-acl", values: ["bucket-owner-full-control"] },
                        { test: "StringEquals", variable: "aws:SourceArn", values: ["some-other-value"] },
                    ],
                },
            ],
        });
        expect(JSON.parse(trail)).toEqual({
            Version: "2012-10-17",
            Statement: [
                {
                    Sid: "AWSCloudTrailWrite20150319",
                    Effect: "Allow",
                    Action: "s3:PutObject",
                    Resource: "*",
                    Principal: { Service: "cloudtrail.amazonaws.com" },
                    Condition: { StringEquals: { "s3:x-amz-acl": "bucket-owner-full-control", "aws:SourceArn": "some-other-value" } },
                },
            ],
        });
        expect(trail).toContain(`"StringEquals": {\n          "aws:SourceArn": "some-other-value",\n          "s3:x-amz-acl": "bucket-owner-full-control"\n        }`);
    });

    it("appends the values of two conditions on the same variable in the provider's set order", () => {
        // acceptance test TestAccIAMPolicyDocumentDataSource_duplicateConditionKeys (compared as JSON, so arrays in order).
        const doc = json({
            statements: [
                {
                    sid: "DuplicateConditionTest",
                    effect: "Allow",
                    principals: [{ type: "Service", identifiers: ["cloudtrail.amazonaws.com"] }],
                    actions: ["s3:PutObject"],
                    resources: ["*"],
                    conditions: [
                        { test: "StringEquals", variable: "s3:prefix", values: ["one/", "two/"] },
                        { test: "StringEquals", variable: "s3:prefix", values: ["three/"] },
                    ],
                },
            ],
        });
        expect(JSON.parse(doc).Statement[0].Condition).toEqual({ StringEquals: { "s3:prefix": ["one/", "two/", "three/"] } });
    });

    describe("principals of one type from several blocks", () => {
        const principals = (partition: string, ...blocks: string[][]) =>
            JSON.parse(
                json({
                    statements: [
                        {
                            actions: ["*"],
                            resources: ["*"],
                            sid: "StatementPrincipalIdentifiersStringAndSlice",
                            principals: blocks.map((ids) => ({ type: "AWS", identifiers: ids.map((a) => `arn:${partition}:iam::${a}:root`) })),
                        },
                    ],
                }),
            ).Statement[0].Principal.AWS;
        const acct = (...n: number[]) => n.map((d) => String(d).repeat(12));

        it("joins them in the plugin SDK's set order, each block's identifiers reverse-sorted", () => {
            // acceptance tests TestAccIAMPolicyDocumentDataSource_StatementPrincipalIdentifiers_multiplePrincipals
            // and ..._multiplePrincipalsGov: the same blocks come out in a different order in aws-us-gov,
            // because the order is that of the blocks' hash codes (the partition is part of what is hashed).
            expect(principals("aws", acct(1, 2), acct(3), acct(4))).toEqual(["333333333333", "444444444444", "222222222222", "111111111111"].map((a) => `arn:aws:iam::${a}:root`));
            expect(principals("aws-us-gov", acct(1, 2), acct(3), acct(4))).toEqual(["333333333333", "222222222222", "111111111111", "444444444444"].map((a) => `arn:aws-us-gov:iam::${a}:root`));
            // acceptance test ..._stringAndSlice: a one-identifier block (a string) and a list.
            expect(principals("aws", acct(1), acct(2, 3))).toEqual(["111111111111", "333333333333", "222222222222"].map((a) => `arn:aws:iam::${a}:root`));
        });
    });

    it("escapes HTML characters as Go's encoding/json does", () => {
        // encoding/json Marshal: "<", ">", "&", U+2028 and U+2029 become \u003c, \u003e, \u0026, \u2028, \u2029.
        const result = getPolicyDocument({ statements: [{ actions: ["s3:GetObject"], resources: ["*"], conditions: [{ test: "StringLike", variable: "aws:UserAgent", values: ["<a&b>\u2028"] }] }] });
        expect(result.minifiedJson).toBe(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*","Condition":{"StringLike":{"aws:UserAgent":"\\u003ca\\u0026b\\u003e\\u2028"}}}]}`);
    });

    it("rejects what the provider rejects", () => {
        // acceptance test TestAccIAMPolicyDocumentDataSource_duplicateSid (first step).
        expect(() => json({ statements: [{ sid: "1", actions: ["ec2:DescribeAccountAttributes"], resources: ["*"] }, { sid: "1", actions: ["s3:GetObject"], resources: ["*"] }] })).toThrow(/duplicate Sid/);
        // acceptance test TestAccIAMPolicyDocumentDataSource_version20081017: &{ has no meaning in 2008-10-17.
        expect(() => json({ version: "2008-10-17", statements: [{ actions: ["*"], resources: ["arn:aws:s3:::foo/home/&{aws:username}"] }] })).toThrow(
            /found &\{ sequence in \(.+\), which is not supported in document version 2008-10-17/,
        );
        expect(() => json({ version: "2008-10-17", statements: [{ actions: ["*"], resources: ["*"], principals: [{ type: "AWS", identifiers: ["&{aws:username}"] }] }] })).toThrow(/2008-10-17/);
        expect(() => json({ statements: [{ effect: "allow", actions: ["*"] }] })).toThrow(/Allow or Deny/);
        expect(() => json({ overrideJson: "{}" })).toThrow(/overridePolicyDocuments/);
    });

    it("keeps blank Sids apart and honours version 2008-10-17", () => {
        // acceptance test TestAccIAMPolicyDocumentDataSource_duplicateSid (second step).
        expect(json({ statements: [{ sid: "", effect: "Allow", actions: ["ec2:DescribeAccountAttributes"], resources: ["*"] }, { sid: "", effect: "Allow", actions: ["s3:GetObject"], resources: ["*"] }] })).toBe(`{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Effect": "Allow",
      "Action": "ec2:DescribeAccountAttributes",
      "Resource": "*"
    },
    {
      "Effect": "Allow",
      "Action": "s3:GetObject",
      "Resource": "*"
    }
  ]
}`);
        // acceptance test TestAccIAMPolicyDocumentDataSource_version20081017 (last step).
        expect(json({ version: "2008-10-17", statements: [{ actions: ["ec2:*"], resources: ["*"] }] })).toBe(`{
  "Version": "2008-10-17",
  "Statement": [
    {
      "Effect": "Allow",
      "Action": "ec2:*",
      "Resource": "*"
    }
  ]
}`);
    });
});

describe("getPolicyDocument: source and override documents", () => {
    const doc = (...statements: Props[]) => json({ statements });

    it("puts source statements first and lets the program's statement replace one with its Sid", () => {
        // docs: "Example Using A Source Document".
        const source = doc({ actions: ["ec2:*"], resources: ["*"] }, { sid: "SidToOverride", actions: ["s3:*"], resources: ["*"] });
        expect(json({ sourcePolicyDocuments: [source], statements: [{ sid: "SidToOverride", actions: ["s3:*"], resources: ["arn:aws:s3:::somebucket", "arn:aws:s3:::somebucket/*"] }] })).toBe(
            withoutBlankSid(`{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Sid": "",
      "Effect": "Allow",
      "Action": "ec2:*",
      "Resource": "*"
    },
    {
      "Sid": "SidToOverride",
      "Effect": "Allow",
      "Action": "s3:*",
      "Resource": [
        "arn:aws:s3:::somebucket/*",
        "arn:aws:s3:::somebucket"
      ]
    }
  ]
}`),
        );
    });

    it("lets an override document replace the program's statement with its Sid", () => {
        // docs: "Example Using An Override Document"; acceptance test TestAccIAMPolicyDocumentDataSource_override.
        const override = doc({ sid: "SidToOverride", actions: ["s3:*"], resources: ["*"] });
        const statements = [{ actions: ["ec2:*"], resources: ["*"] }, { sid: "SidToOverride", actions: ["s3:*"], resources: ["arn:aws:s3:::somebucket", "arn:aws:s3:::somebucket/*"] }];
        expect(json({ overridePolicyDocuments: [override], statements })).toBe(
            withoutBlankSid(`{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Sid": "",
      "Effect": "Allow",
      "Action": "ec2:*",
      "Resource": "*"
    },
    {
      "Sid": "SidToOverride",
      "Effect": "Allow",
      "Action": "s3:*",
      "Resource": "*"
    }
  ]
}`),
        );
    });

    it("combines source and override documents with no statements of its own", () => {
        // docs: "Example with Both Source and Override Documents"; acceptance test ..._noStatementOverride.
        const source = doc({ sid: "OverridePlaceholder", actions: ["ec2:DescribeAccountAttributes"], resources: ["*"] });
        const override = doc({ sid: "OverridePlaceholder", actions: ["s3:GetObject"], resources: ["*"] });
        expect(json({ sourcePolicyDocuments: [source], overridePolicyDocuments: [override] })).toBe(`{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Sid": "OverridePlaceholder",
      "Effect": "Allow",
      "Action": "s3:GetObject",
      "Resource": "*"
    }
  ]
}`);
        // acceptance test ..._noStatementMerge: a source statement without a Sid cannot be overridden.
        const blank = doc({ sid: "", actions: ["ec2:DescribeAccountAttributes"], resources: ["*"] });
        expect(JSON.parse(json({ sourcePolicyDocuments: [blank], overridePolicyDocuments: [override] })).Statement).toEqual([
            { Effect: "Allow", Action: "ec2:DescribeAccountAttributes", Resource: "*" },
            { Sid: "OverridePlaceholder", Effect: "Allow", Action: "s3:GetObject", Resource: "*" },
        ]);
    });

    it("merges several source documents in order", () => {
        // docs: "Example of Merging Source Documents".
        const one = doc({ actions: ["ec2:*"], resources: ["*"] }, { sid: "UniqueSidOne", actions: ["s3:*"], resources: ["*"] });
        const two = doc({ sid: "UniqueSidTwo", actions: ["iam:*"], resources: ["*"] }, { actions: ["lambda:*"], resources: ["*"] });
        expect(json({ sourcePolicyDocuments: [one, two] })).toBe(
            withoutBlankSid(`{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Sid": "",
      "Effect": "Allow",
      "Action": "ec2:*",
      "Resource": "*"
    },
    {
      "Sid": "UniqueSidOne",
      "Effect": "Allow",
      "Action": "s3:*",
      "Resource": "*"
    },
    {
      "Sid": "UniqueSidTwo",
      "Effect": "Allow",
      "Action": "iam:*",
      "Resource": "*"
    },
    {
      "Sid": "",
      "Effect": "Allow",
      "Action": "lambda:*",
      "Resource": "*"
    }
  ]
}`),
        );
        // acceptance test TestAccIAMPolicyDocumentDataSource_sourceListConflicting.
        expect(() => json({ sourcePolicyDocuments: [doc({ sid: "conflictSid", actions: ["bar:ActionOne"] }), doc({ sid: "conflictSid", actions: ["bar:ActionTwo"] })] })).toThrow(/duplicate Sid \(conflictSid\)/);
    });

    it("overrides iteratively across override documents", () => {
        // acceptance test TestAccIAMPolicyDocumentDataSource_overrideList.
        const a = doc({ sid: "", effect: "Allow", actions: ["foo:ActionOne"] }, { sid: "overrideSid", effect: "Allow", actions: ["bar:ActionOne"] });
        const b = doc({ sid: "validSid", effect: "Deny", actions: ["foo:ActionTwo"] });
        const c = doc({ sid: "overrideSid", effect: "Deny", actions: ["bar:ActionOne"] });
        expect(json({ version: "2012-10-17", overridePolicyDocuments: [a, b, c] })).toBe(`{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Effect": "Allow",
      "Action": "foo:ActionOne"
    },
    {
      "Sid": "overrideSid",
      "Effect": "Deny",
      "Action": "bar:ActionOne"
    },
    {
      "Sid": "validSid",
      "Effect": "Deny",
      "Action": "foo:ActionTwo"
    }
  ]
}`);
    });

    it("keeps the source document's own forms: lists of one, booleans in conditions, principals", () => {
        // acceptance test TestAccIAMPolicyDocumentDataSource_conditionWithBoolValue (compared as JSON there).
        const source = `{
    "Version": "2012-10-17",
    "Statement": [
        {
            "Sid": "RestrictAccessToSpecialTag",
            "Effect": "Deny",
            "Action": ["ec2:CreateTags", "ec2:DeleteTags"],
            "Resource": "arn:aws:ec2:*:*:vpc/*",
            "Condition": {
                "Null": { "aws:ResourceTag/SpecialTag": false },
                "StringLike": { "aws:ResourceAccount": ["123456"], "aws:PrincipalArn": "arn:aws:iam::*:role/AWSAFTExecution" }
            }
        }
    ]
}`;
        expect(JSON.parse(json({ sourcePolicyDocuments: [source] }))).toEqual({
            Version: "2012-10-17",
            Statement: [
                {
                    Sid: "RestrictAccessToSpecialTag",
                    Effect: "Deny",
                    Action: ["ec2:CreateTags", "ec2:DeleteTags"],
                    Resource: "arn:aws:ec2:*:*:vpc/*",
                    Condition: { Null: { "aws:ResourceTag/SpecialTag": "false" }, StringLike: { "aws:ResourceAccount": "123456", "aws:PrincipalArn": "arn:aws:iam::*:role/AWSAFTExecution" } },
                },
            ],
        });
        // acceptance test TestAccIAMPolicyDocumentDataSource_source: principals re-sorted descending from a source document.
        const base = json({ statements: [{ actions: ["s3:*"], principals: [{ type: "AWS", identifiers: ["arn:blahblah:example", "arn:blahblahblah:example"] }] }] });
        expect(JSON.parse(json({ sourcePolicyDocuments: [base] })).Statement[0].Principal).toEqual({ AWS: ["arn:blahblahblah:example", "arn:blahblah:example"] });
        // policy_model.go UnmarshalJSON: a one-element list from a source document stays a list.
        expect(json({ sourcePolicyDocuments: ['{"Statement":[{"Effect":"Allow","Action":["s3:GetObject"],"Resource":"*"}]}'] })).toContain(`"Action": [\n        "s3:GetObject"\n      ]`);
    });

    it("skips empty documents and rejects invalid JSON", () => {
        // acceptance test TestAccIAMPolicyDocumentDataSource_sourcePolicyValidJSON and ..._overridePolicyDocumentValidJSON.
        expect(json({ sourcePolicyDocuments: [""] })).toBe(`{\n  "Version": "2012-10-17"\n}`);
        expect(json({ overridePolicyDocuments: [""] })).toBe(`{\n  "Version": "2012-10-17"\n}`);
        expect(() => json({ sourcePolicyDocuments: ["{"] })).toThrow(/"source_policy_documents\.0" contains an invalid JSON/);
        expect(() => json({ overridePolicyDocuments: ["{"] })).toThrow(/"override_policy_documents\.0" contains an invalid JSON/);
    });
});

describe("getPolicy: AWS-managed policies", () => {
    it("finds a policy by ARN and returns GetPolicy's fields and its document", () => {
        const admin = getPolicy({ arn: "arn:aws:iam::aws:policy/AdministratorAccess" });
        expect(admin).toMatchObject({
            arn: "arn:aws:iam::aws:policy/AdministratorAccess",
            id: "arn:aws:iam::aws:policy/AdministratorAccess",
            name: "AdministratorAccess",
            path: "/",
            policyId: "ANPAIWMBCKSKIEE64ZLYK",
            description: "Provides full access to AWS services and resources.",
            attachmentCount: 0,
            tags: {},
        });
        expect(JSON.parse(String(admin.policy))).toEqual({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "*", Resource: "*" }] });
    });

    it("finds a policy by name, also under a path", () => {
        const lambda = getPolicy({ name: "AWSLambdaBasicExecutionRole" });
        expect(lambda.arn).toBe("arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole");
        expect(lambda.path).toBe("/service-role/");
        expect(JSON.parse(String(lambda.policy)).Statement).toEqual([{ Effect: "Allow", Action: ["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents"], Resource: "*" }]);
        expect(getPolicy({ name: "AWSLambdaBasicExecutionRole", pathPrefix: "/service-role/" })).toMatchObject({ pathPrefix: "/service-role/" });
        expect(() => getPolicy({ name: "AWSLambdaBasicExecutionRole", pathPrefix: "/job-function/" })).toThrow(/AWSLambdaBasicExecutionRole/);
    });

    it("ships the policies programs attach", () => {
        const names = managedPolicies().map((p) => p.name);
        expect(names).toEqual(expect.arrayContaining(["AdministratorAccess", "PowerUserAccess", "IAMFullAccess", "AWSLambdaBasicExecutionRole"]));
        for (const p of managedPolicies()) {
            expect(p.arn).toBe(`arn:aws:iam::aws:policy${p.path}${p.name}`);
            expect(p.policyId).toMatch(/^ANPA[A-Z0-9]{17}$/);
            expect(p.document.Version).toBe("2012-10-17");
        }
    });

    it("names a policy it does not know and says where to add it", () => {
        expect(() => getPolicy({ arn: "arn:aws:iam::aws:policy/AmazonS3FullAccess" })).toThrow(
            /arn:aws:iam::aws:policy\/AmazonS3FullAccess.*knows only the AWS-managed policies listed in cli\/engine\/mocks\/aws-managed-policies\.json/,
        );
        expect(() => getPolicy({ name: "my-own-policy" })).toThrow(/"my-own-policy"/);
        expect(() => getPolicy({ arn: "arn:aws:iam::aws:policy/AdministratorAccess", name: "AdministratorAccess" })).toThrow(/conflicts/);
    });
});

describe("the AWS mock answers both functions", () => {
    it("routes the invoke tokens", () => {
        const cloud = new CloudSimulator({ "aws:region": "eu-west-1" }, "test");
        expect(cloud.call("aws:iam/getPolicyDocument:getPolicyDocument", { statements: [{ actions: ["sts:AssumeRole"], principals: [{ type: "Service", identifiers: ["lambda.amazonaws.com"] }] }] }).minifiedJson).toBe(
            `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sts:AssumeRole","Principal":{"Service":"lambda.amazonaws.com"}}]}`,
        );
        expect(cloud.call("aws:iam/getPolicy:getPolicy", { arn: "arn:aws:iam::aws:policy/PowerUserAccess" }).policyId).toBe("ANPAJYRXTHIB4FOVS3ZXS");
    });
});
