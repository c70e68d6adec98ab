// The pack's policies, in the order they run (the exemption policies last: they report on
// what the others found). Imported by index.ts and by the tools that list or document them.
import { AWS_DATA_POLICIES } from "./data/aws";
import { AZURE_DATA_POLICIES } from "./data/azure";
import { AZURE_CONTROL_POLICIES } from "./data/azure-controls";
import { CONTROL_POLICIES } from "./data/controls";
import { noPlaintextCredentials } from "./data/plaintext-credentials";
import { RESOURCE_POLICY_POLICIES } from "./data/resource-policies";
import { EXEMPTION_POLICIES } from "./exemption-policies";
import { HYGIENE_POLICIES } from "./hygiene";
import { IAM_POLICIES } from "./iam";
import { NSG_POLICIES } from "./nsg";
import { SECURITY_GROUP_POLICIES } from "./nsg/security-groups";
import { SCRIPT_POLICIES } from "./scripts";

export const PACK_NAME = "labs-policies";

export const POLICIES = [...NSG_POLICIES, ...SECURITY_GROUP_POLICIES, ...IAM_POLICIES, ...AWS_DATA_POLICIES, ...RESOURCE_POLICY_POLICIES, ...CONTROL_POLICIES, noPlaintextCredentials, ...AZURE_DATA_POLICIES, ...AZURE_CONTROL_POLICIES, ...HYGIENE_POLICIES, ...SCRIPT_POLICIES, ...EXEMPTION_POLICIES];

export { registry } from "./lib/policy";
