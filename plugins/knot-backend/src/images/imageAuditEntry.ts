import type { Request } from 'express';
import type { AuditRecord } from '../audit/AuditLog';
import { sourceAddress } from '../audit/sourceAddress';

/** The audit entry of an action on an image (`image alice/env:v1`). */
export function imageAuditEntry(
  req: Request,
  actor: string,
  actingProfile: string,
  action: AuditRecord['action'],
  image: { repository: string; tag?: string },
): AuditRecord {
  return {
    action,
    actor,
    actingProfile,
    target: `image ${image.repository.slice(0, 256)}${
      image.tag ? `:${image.tag.slice(0, 128)}` : ''
    }`,
    sourceIp: sourceAddress(req),
  };
}
