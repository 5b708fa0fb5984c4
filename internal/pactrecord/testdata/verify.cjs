// Runs the Pact verifier of @pact-foundation/pact-core (the root
// package.json's devDependency; its platform package ships the verifier,
// offline) on one pact against a provider, with credentials of its own as
// a verifier adds them: exit 0 verified, 1 not, 2 unable to run.
// Usage: node verify.cjs PROVIDER_BASE_URL PACT_FILE [API_KEY]
"use strict";
const pact = require("@pact-foundation/pact-core").default;

const [baseUrl, pactFile, apiKey] = process.argv.slice(2);
pact.logLevel("error");
pact
  .verifyPacts({
    providerBaseUrl: baseUrl,
    pactUrls: [pactFile],
    provider: "screenshotcenter",
    logLevel: "error",
    customProviderHeaders: ["X-API-KEY: " + (apiKey || "sk_verifier_key")],
  })
  .then((out) => {
    console.log(typeof out === "string" ? out : JSON.stringify(out));
    console.log("VERIFIED");
  })
  .catch((err) => {
    console.log(String(err && err.message ? err.message : err));
    console.log("FAILED");
    process.exitCode = err && /unable to run|crashed|invoked incorrectly/i.test(String(err.message)) ? 2 : 1;
  });
