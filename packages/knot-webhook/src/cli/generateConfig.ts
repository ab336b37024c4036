// Prints Knot's webhook configurations as YAML for `kubectl apply -f -`:
//   yarn workspace @knot-platform/knot-webhook generate-config \
//     --ca ca.crt (--url https://127.0.0.1:8443 | --service knot/knot-webhook[:443])
//     [--timeout 5] [--failure-policy Fail] [--name knot]
import fs from 'node:fs';
import { parseArgs } from 'node:util';
import YAML from 'yaml';
import {
  type WebhookEndpoint,
  webhookConfigurations,
} from '../webhookConfigurations';

/* eslint-disable no-console */
const { values } = parseArgs({
  options: {
    ca: { type: 'string' },
    url: { type: 'string' },
    service: { type: 'string' },
    timeout: { type: 'string' },
    'failure-policy': { type: 'string' },
    name: { type: 'string' },
  },
});

function fail(message: string): never {
  console.error(`generate-config: ${message}`);
  process.exit(2);
}

if (!values.ca) fail('--ca <CA certificate file> is required');
let endpoint: WebhookEndpoint;
if (values.url) {
  endpoint = { url: values.url };
} else if (values.service) {
  const match = /^([^/]+)\/([^:]+)(?::(\d+))?$/.exec(values.service);
  if (!match) fail('--service must be <namespace>/<name>[:<port>]');
  endpoint = {
    service: {
      namespace: match[1],
      name: match[2],
      port: match[3] ? Number(match[3]) : 443,
    },
  };
} else {
  fail('one of --url or --service is required');
}
const policy = values['failure-policy'] ?? 'Fail';
if (policy !== 'Fail' && policy !== 'Ignore')
  fail('--failure-policy must be Fail or Ignore');

const { mutating, validating } = webhookConfigurations({
  endpoint,
  caPem: fs.readFileSync(values.ca, 'utf8'),
  name: values.name,
  timeoutSeconds: values.timeout ? Number(values.timeout) : undefined,
  failurePolicy: policy,
});
console.log(`${YAML.stringify(mutating)}---\n${YAML.stringify(validating)}`);
