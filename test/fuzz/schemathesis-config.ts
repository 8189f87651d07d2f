import type { FuzzFixture } from './fixture.js';

/** Environment variables the config reads, so that no session id is written to disk. */
export const sessionEnv = {
  cluster: 'FUZZ_SESSION_CLUSTER',
  profile: 'FUZZ_SESSION_PROFILE',
  deletable: 'FUZZ_SESSION_DELETABLE',
} as const;

export function sessionEnvOf(fixture: FuzzFixture): Record<string, string> {
  return {
    [sessionEnv.cluster]: fixture.clusterUser.session,
    [sessionEnv.profile]: fixture.profileUser.session,
    [sessionEnv.deletable]: fixture.deletableUser.session,
  };
}

/** The gateway's default SESSION_COOKIE_NAME, which the fuzzed platform keeps. */
const cookieName = 'porter_session';

/** How often a parameter takes a real value (an allowed context, an installed release) instead of a generated one. */
const realValueProbability = 0.8;

/**
 * schemathesis.toml for one run. Every operation is fuzzed except logout, with the session of the user that
 * owns its group (see FuzzFixture):
 * - release and k8s routes as the user allowed the test cluster; context, namespace and release name are
 *   mostly real ones, so that requests get past "context not allowed" and "release not found" into the
 *   cluster code (helm, the Kubernetes API), and sometimes generated, for the error paths;
 * - user reads and updates (and the session check) as a user of their own, with their own id mostly, so
 *   that a generated kubeconfig or context list never takes the cluster away from the release routes mid-run;
 *   the API token operations as that user too;
 * - DELETE /api/users/{id} as a third user whose password the fuzzer does not know: a lucky guess would
 *   end the session the other operations use, and the deletion itself is covered by test/users-auth.test.ts;
 * - POST /api/logout is left out: it ends the session it is sent with, and it takes no input to fuzz.
 */
export function schemathesisConfig(fixture: FuzzFixture, options: { maxExamples: number; workers: number }): string {
  const { releases } = fixture;
  const lines = [
    `workers = ${options.workers}`,
    // An upgrade renders the chart with the helm binary and applies it: seconds on a busy machine.
    'request-timeout = 60',
    '',
    '[generation]',
    `max-examples = ${options.maxExamples}`,
    '',
    // `?context=a&context=b`: query parsers turn a repeated name into an array, which a string schema must refuse.
    '[phases.coverage]',
    'generate-duplicate-query-parameters = true',
    '',
    ...dictionary('contexts', ['admin', 'limited']),
    ...dictionary('namespaces', [...new Set(releases.installs.map(({ namespace }) => namespace))]),
    ...dictionary('releases', [releases.name]),
    // Revisions that exist once a few upgrades went through (0: the latest deployed, or the previous for a rollback).
    ...dictionary('revisions', [0, 1, 2]),
    // Values the chart renders (the first a change, the second Helm's "reuse the previous values").
    ...dictionary('values', ['message: fuzzed\n', '']),
    ...dictionary('userIds', [fixture.profileUser.id]),
    ...dictionary('deletableIds', [fixture.deletableUser.id]),
    ...dictionary('emails', [fixture.profileUser.email]),
    ...dictionary('passwords', [fixture.profileUser.password]),
    '',
    '[[operations]]',
    'include-operation-id = "logout"',
    'enabled = false',
    '',
    // The chart views and install fetch the repository or registry the request names: one the address policy
    // refuses or that does not answer (the fuzzer invents such URLs) is their documented 502/604, not a server fault.
    ...operation(`include-operation-id-regex = "${chartViews}"`, sessionEnv.cluster, {}, realValueProbability, [unreachableSource]),
    ...operation('include-operation-id = "installRelease"', sessionEnv.cluster, releaseParameters, realValueProbability, [unreachableSource]),
    ...operation(
      `include-tag-regex = "^(releases|k8s)$"\nexclude-operation-id-regex = "${chartViews.replace(')$', '|installRelease)$')}"`,
      sessionEnv.cluster,
      releaseParameters,
    ),
    ...operation('include-operation-id-regex = "^(getUser|listUserContexts|updateUser)$"', sessionEnv.profile, { 'path.id': 'userIds' }),
    ...operation('include-operation-id = "checkAuth"', sessionEnv.profile, {}),
    // API tokens as the profile user: creating one (session only) changes nothing the other operations use.
    ...operation('include-tag-regex = "^tokens$"', sessionEnv.profile, {}),
    ...operation('include-operation-id = "deleteUser"', sessionEnv.deletable, { 'path.id': 'deletableIds' }),
    // Mostly an existing email, sometimes with its password: logins that succeed, and ones that fail either way.
    ...operation('include-operation-id = "login"', null, { 'body.email': 'emails', 'body.password': 'passwords' }, 0.5),
  ];
  return lines.join('\n') + '\n';
}

function dictionary(name: string, values: Array<string | number>): string[] {
  return [`[dictionaries.${name}]`, `values = [${values.map((value) => JSON.stringify(value)).join(', ')}]`];
}

const chartViews = '^(listChartVersions|showChart)$';
const unreachableSource = 'checks.not_a_server_error.expected-statuses = ["2xx", "3xx", "4xx", "502"]';
/** Parameters of the release and k8s routes that mostly take the fixture's real values. */
const releaseParameters = {
  'path.name': 'releases',
  'query.context': 'contexts',
  'body.context': 'contexts',
  'query.namespace': 'namespaces',
  'body.namespace': 'namespaces',
  'path.revision': 'revisions',
  'body.revision': 'revisions',
  'body.values': 'values',
};

function operation(
  selector: string,
  session: string | null,
  parameters: Record<string, string>,
  probability = realValueProbability,
  settings: string[] = [],
): string[] {
  return [
    '[[operations]]',
    selector,
    ...settings,
    // Operations cannot have an `auth` of their own, so the session cookie is a header (schemathesis still
    // recognises it as the document's cookie security scheme, and removes it for the ignored_auth probes).
    ...(session ? [`headers = { Cookie = "${cookieName}=\${${session}}" }`] : []),
    '[operations.parameters]',
    ...Object.entries(parameters).map(([key, name]) => `"${key}" = { dictionary = "${name}", probability = ${probability} }`),
    '',
  ];
}
