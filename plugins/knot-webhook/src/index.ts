/**
 * Knot's admission webhook: a standalone express service.
 *
 * @packageDocumentation
 */

export { createWebhookApp } from './app';
