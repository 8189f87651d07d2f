import type { ReleaseHealth, ResourceStatus } from '@platform/contracts';
import { isRecord } from '../diff/field-paths.js';

export interface Health {
  status: ResourceStatus;
  message: string;
}

type Obj = Record<string, unknown>;

/**
 * The health of one live object by kstatus-like rules: workloads by rollout and availability, Jobs by
 * completion, Pods by phase and readiness, claims by binding, Services by ready endpoints (or load-balancer
 * ingress), CRDs by being established; any other kind is Current once it exists. `endpoints` is the
 * Service's Endpoints object, when there is one.
 */
export function objectHealth(kind: string, live: Obj, endpoints?: Obj): Health {
  const spec = record(live.spec);
  const status = record(live.status);
  switch (kind) {
    case 'Deployment':
      return deploymentHealth(live, spec, status);
    case 'StatefulSet':
      return statefulSetHealth(live, spec, status);
    case 'DaemonSet':
      return daemonSetHealth(live, status);
    case 'Job':
      return jobHealth(status);
    case 'Pod':
      return podHealth(status);
    case 'PersistentVolumeClaim':
      return status.phase === 'Bound'
        ? current('bound')
        : status.phase === 'Lost'
          ? failed('claim lost its volume')
          : inProgress(`claim is ${text(status.phase) || 'not bound yet'}`);
    case 'Service':
      return serviceHealth(spec, status, endpoints);
    case 'CustomResourceDefinition':
      return condition(status, 'Established') === 'True' ? current('established') : inProgress('not established yet');
    default:
      return current('exists');
  }
}

/** Worst first: what a release's summary status is. */
const severity: ResourceStatus[] = ['Failed', 'NotFound', 'Unknown', 'InProgress', 'Current'];

/** How many of `statuses` are each status, every status answered (0 when none is). */
export function countStatuses(statuses: ResourceStatus[]): ReleaseHealth['counts'] {
  const counts = { Failed: 0, NotFound: 0, Unknown: 0, InProgress: 0, Current: 0 };
  for (const status of statuses) counts[status] += 1;
  return counts;
}

export function summarize(statuses: ResourceStatus[]): ReleaseHealth {
  const counts = countStatuses(statuses);
  return { status: severity.find((candidate) => counts[candidate] > 0) ?? 'Current', counts };
}

function deploymentHealth(live: Obj, spec: Obj, status: Obj): Health {
  const stale = staleGeneration(live, status);
  if (stale) return stale;
  if (conditionReason(status, 'Progressing') === 'ProgressDeadlineExceeded') return failed('progress deadline exceeded');
  const wanted = count(spec.replicas, 1);
  const updated = count(status.updatedReplicas);
  const available = count(status.availableReplicas);
  if (updated < wanted) return inProgress(`${updated} of ${wanted} replicas updated`);
  if (count(status.replicas) > updated) return inProgress(`${count(status.replicas) - updated} old replicas pending termination`);
  if (available < wanted) return inProgress(`${available} of ${wanted} replicas available`);
  return current(`${available} of ${wanted} replicas available`);
}

function statefulSetHealth(live: Obj, spec: Obj, status: Obj): Health {
  const stale = staleGeneration(live, status);
  if (stale) return stale;
  const wanted = count(spec.replicas, 1);
  const ready = count(status.readyReplicas);
  if (count(status.updatedReplicas) < wanted && status.updateRevision !== status.currentRevision) {
    return inProgress(`${count(status.updatedReplicas)} of ${wanted} replicas updated`);
  }
  if (ready < wanted) return inProgress(`${ready} of ${wanted} replicas ready`);
  return current(`${ready} of ${wanted} replicas ready`);
}

function daemonSetHealth(live: Obj, status: Obj): Health {
  const stale = staleGeneration(live, status);
  if (stale) return stale;
  const wanted = count(status.desiredNumberScheduled);
  if (count(status.updatedNumberScheduled) < wanted) return inProgress(`${count(status.updatedNumberScheduled)} of ${wanted} pods updated`);
  if (count(status.numberAvailable) < wanted) return inProgress(`${count(status.numberAvailable)} of ${wanted} pods available`);
  return current(`${count(status.numberAvailable)} of ${wanted} pods available`);
}

function jobHealth(status: Obj): Health {
  if (condition(status, 'Failed') === 'True') return failed(`job failed: ${text(conditionReason(status, 'Failed')) || 'no reason given'}`);
  if (condition(status, 'Complete') === 'True') return current(`${count(status.succeeded)} succeeded`);
  return inProgress(`${count(status.active)} active, ${count(status.succeeded)} succeeded`);
}

function podHealth(status: Obj): Health {
  switch (status.phase) {
    case 'Succeeded':
      return current('succeeded');
    case 'Failed':
      return failed('pod failed');
    case 'Running':
      return condition(status, 'Ready') === 'True' ? current('running and ready') : inProgress('running, not ready');
    default:
      return inProgress(`pod is ${text(status.phase) || 'pending'}`);
  }
}

function serviceHealth(spec: Obj, status: Obj, endpoints?: Obj): Health {
  if (spec.type === 'LoadBalancer') {
    const ingress = record(status.loadBalancer).ingress;
    return Array.isArray(ingress) && ingress.length > 0 ? current('load balancer ready') : inProgress('waiting for a load balancer address');
  }
  if (spec.type === 'ExternalName' || !isRecord(spec.selector) || Object.keys(spec.selector).length === 0) return current('exists');
  const subsets = endpoints && Array.isArray(endpoints.subsets) ? endpoints.subsets : [];
  const ready = subsets.reduce((sum: number, subset) => sum + (isRecord(subset) && Array.isArray(subset.addresses) ? subset.addresses.length : 0), 0);
  return ready > 0 ? current(`${ready} ready endpoints`) : inProgress('no ready endpoints');
}

/** The controller has not yet seen the latest spec. */
function staleGeneration(live: Obj, status: Obj): Health | undefined {
  const generation = record(live.metadata).generation;
  if (typeof generation === 'number' && count(status.observedGeneration) < generation)
    return inProgress('waiting for the controller to observe the latest spec');
  return undefined;
}

function condition(status: Obj, type: string): unknown {
  return conditionOf(status, type)?.status;
}

function conditionReason(status: Obj, type: string): unknown {
  return conditionOf(status, type)?.reason;
}

function conditionOf(status: Obj, type: string): Obj | undefined {
  const conditions = Array.isArray(status.conditions) ? status.conditions : [];
  return conditions.find((entry): entry is Obj => isRecord(entry) && entry.type === type);
}

function record(value: unknown): Obj {
  return isRecord(value) ? value : {};
}

function count(value: unknown, fallback = 0): number {
  return typeof value === 'number' && Number.isFinite(value) ? value : fallback;
}

function text(value: unknown): string {
  return typeof value === 'string' ? value.slice(0, 200) : '';
}

const current = (message: string): Health => ({ status: 'Current', message });
const inProgress = (message: string): Health => ({ status: 'InProgress', message });
const failed = (message: string): Health => ({ status: 'Failed', message });
