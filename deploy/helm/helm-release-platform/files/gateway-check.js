// `helm test`: the gateway answers /readyz (its servers and the services behind it answer too) and serves
// the platform's OpenAPI document. Runs with node in the gateway's own image, so no other image is pulled.
const gateway = process.env.GATEWAY_URL;
const attempts = Number(process.env.READY_ATTEMPTS || 30);
const pause = () => new Promise((resolve) => setTimeout(resolve, 2000));

async function ready() {
  let last = '';
  for (let attempt = 1; attempt <= attempts; attempt++) {
    try {
      const response = await fetch(`${gateway}/readyz`, { signal: AbortSignal.timeout(5000) });
      if (response.ok) return;
      last = `HTTP ${response.status} ${await response.text()}`;
    } catch (error) {
      last = String(error.cause || error);
    }
    if (attempt < attempts) await pause();
  }
  throw new Error(`${gateway}/readyz did not answer 200 in ${attempts} attempts (last: ${last})`);
}

async function apiDocument() {
  const response = await fetch(`${gateway}/openapi.json`, { signal: AbortSignal.timeout(5000) });
  if (!response.ok) throw new Error(`${gateway}/openapi.json answered HTTP ${response.status}`);
  const document = await response.json();
  if (!/^3\./.test(String(document.openapi)) || !document.paths || !document.paths['/api/login']) {
    throw new Error(`${gateway}/openapi.json is not the platform's OpenAPI 3 document`);
  }
  return document;
}

ready()
  .then(apiDocument)
  .then((document) => console.log(`gateway ready; OpenAPI ${document.openapi} document with ${Object.keys(document.paths).length} paths`))
  .catch((error) => {
    console.error(error.message);
    process.exit(1);
  });
