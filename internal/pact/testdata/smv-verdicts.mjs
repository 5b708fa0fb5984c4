// Runs swagger-mock-validator (the root package.json's devDependency) on a
// spec and pact files, in one node process, through the API its CLI calls;
// prints one JSON line a pact: {"file", "compatible", "errors", "warnings"},
// the codes of its findings.
// Usage: node smv-verdicts.mjs SPEC PACT...
import { SwaggerMockValidatorFactory } from "@pactflow/swagger-mock-validator";

const [spec, ...pacts] = process.argv.slice(2);
const validator = SwaggerMockValidatorFactory.create();
for (const file of pacts) {
  const result = await validator.validate({ specPathOrUrl: spec, mockPathOrUrl: file });
  const codes = (list) => (list || []).map((r) => r.code);
  console.log(JSON.stringify({ file, compatible: result.success, errors: codes(result.errors), warnings: codes(result.warnings), reason: result.failureReason || "" }));
}
