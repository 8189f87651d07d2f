import type { ApiFailure } from '@platform/api-client';

/** Messages the contract fixes, in the words a person would use (libs/contracts ErrorMessage). */
const knownMessages: Record<string, string> = {
  'email already taken': 'An account with this email already exists. Log in instead.',
  'email not registered': 'No account uses this email. Sign up first.',
  'incorrect password': 'The password is incorrect.',
  'invalid password': 'The password is incorrect.',
  'too many login attempts, try again later': 'Too many login attempts. Wait a few minutes, then try again.',
  'request body too large': 'That is more than the platform accepts in one request (2 MiB).',
  'release not found': 'This release does not exist (any more) in that namespace and context.',
  'could not find requested object': 'That was not found.',
  'context is not one of the allowed contexts': 'This context is not allowed. Allow it on the Kubeconfig page first.',
  'another operation (install/upgrade/rollback) is in progress':
    'Another install, upgrade or rollback of this release is in progress. Try again when it has finished.',
  'the release changed since the plan, or the request is not the planned one': 'The release changed since this preview was made. Preview again, then apply.',
  'cross-origin request refused': 'The platform refused a request from another site.',
  'session store unavailable': 'The platform cannot check sessions right now. Try again in a moment.',
  'database unavailable': "The platform's database is unavailable right now. Try again in a moment.",
  'service unavailable': 'Part of the platform is unavailable right now. Try again in a moment.',
  'users service unavailable': 'Part of the platform is unavailable right now. Try again in a moment.',
  'internal server error': 'Something went wrong on the platform. Try again; if it persists, tell the platform team.',
};

/** Rule names of 601 "<rule> validation failed" and what they ask of the person. */
const ruleWords: Record<string, string> = {
  email: 'Enter a valid email address.',
  required: 'Fill in every required field.',
  min: 'A value is too short or empty.',
  max: 'A value is too long.',
  releasename: 'That is not a valid release name.',
  namespace: 'That is not a valid namespace name (lowercase letters, digits and dashes).',
  oneof: 'One of the choices is not allowed.',
  kubeconfig: 'The kubeconfig could not be read. Paste a whole kubeconfig file (YAML or JSON).',
  url: 'That is not a valid URL (https://host/path).',
  chartname: 'That is not a valid chart name (letters, digits, dots, dashes and underscores).',
  oci: 'That is not a valid OCI reference (oci://registry/path/chart, lowercase path).',
  base64: 'The chart archive could not be read.',
  chart: 'Choose exactly one chart source: a repository URL with a chart name, an OCI reference, or an archive.',
  repositoryname: 'A repository name is lowercase letters, digits and dashes (a DNS label).',
  credentials: 'Give both a username and a password, or a token, or neither.',
  expiresat: 'Choose an expiry date from tomorrow up to a year ahead.',
  version: 'An uploaded archive has its own version: leave the version out.',
  datetime: 'That is not a valid date and time (2026-12-02T10:00:00Z).',
};

const sentence = (text: string): string => {
  const trimmed = text.trim();
  if (trimmed === '') return trimmed;
  const capital = trimmed[0]!.toUpperCase() + trimmed.slice(1);
  return /[.!?]$/.test(capital) ? capital : `${capital}.`;
};

/** One message of the server (an error's text, a repository's reason it could not be read) in the user's words. */
export function describeMessage(message: string): string {
  const known = knownMessages[message.trim().toLowerCase()];
  if (known) return known;
  const refused = /^chart validation failed: (.+)$/.exec(message.trim());
  if (refused) return `The chart was refused: ${sentence(refused[1]!)}`;
  const rule = /^(\S+) validation failed$/.exec(message.trim());
  if (rule) return ruleWords[rule[1]!.toLowerCase()] ?? `Check the value of “${rule[1]}”.`;
  return sentence(message);
}

/** What the operation met, before the server's own words: one per contract code (docs/api-decisions.md). */
const codeLeads: Record<number, string> = {
  600: 'The platform could not read the request.',
  603: 'The cluster could not complete the operation.',
  604: 'The cluster could not be reached, or it refused the stored credentials.',
  607: 'The values are not valid for this chart.',
  608: 'The cluster does not allow this with your credentials.',
};

/**
 * A failed call in the user's words: a fixed sentence for what the contract names, the server's own
 * message (made a sentence) for what it details, and never the raw JSON.
 */
export function describeFailure(failure: ApiFailure): string {
  if (failure.status === 0) return 'The platform could not be reached. Check that it is running, then try again.';
  if (failure.code === null && failure.status === 403) return 'You are not logged in, or your session has ended. Log in again.';
  if (failure.status === 413) return knownMessages['request body too large']!;
  const details = [...new Set(failure.errors.map(describeMessage))].filter((text) => text !== '');
  // 604 is also the chart source's code (the platform downloads charts as it reaches clusters): name the right one.
  const chartSource = failure.errors.some((message) => /^(chart repository|OCI registry) unreachable/i.test(message));
  const lead = chartSource ? "The chart's repository or registry could not be reached." : failure.code !== null ? codeLeads[failure.code] : undefined;
  if (details.length === 0) {
    if (lead) return lead;
    if (failure.status >= 500) return knownMessages['internal server error']!;
    return `The request failed (HTTP ${failure.status}).`;
  }
  return [lead, ...details].filter(Boolean).join(' ');
}
