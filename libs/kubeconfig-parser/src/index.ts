export { KubeconfigParseError, kubeconfigLimits } from './document.js';
export { kubeconfigContexts, type ClusterAccess, type KubeconfigContext } from './contexts.js';
