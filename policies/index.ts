// The CrossGuard policy pack of the labs: `pulumi preview --policy-pack policies` loads this
// file, and so does `labs check` (through the same analyzer protocol).
import { PolicyPack } from "@pulumi/policy";
import { PACK_NAME, POLICIES } from "./pack";

new PolicyPack(PACK_NAME, {
    description: "NSG, least-privilege, data and lab-hygiene rules for the security and identity labs.",
    policies: POLICIES,
});
