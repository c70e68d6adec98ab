// Every corpus case, by family.
import type { CorpusCase } from "../case";
import { CONFIGURATION_CASES } from "./configuration";
import { CONTROL_CASES } from "./controls";
import { IAM_CASES } from "./iam";
import { LAMBDA_CASES } from "./lambda";
import { RESOURCE_CASES } from "./resources";
import { S3_CASES } from "./s3";
import { TRUST_CASES } from "./trust";

export const CASES: CorpusCase[] = [...IAM_CASES, ...TRUST_CASES, ...S3_CASES, ...RESOURCE_CASES, ...LAMBDA_CASES, ...CONTROL_CASES, ...CONFIGURATION_CASES];
