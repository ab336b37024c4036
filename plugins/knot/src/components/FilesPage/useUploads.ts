import { useCallback, useRef, useState } from 'react';
import type { FileDomain } from '@knot-platform/plugin-knot-common';
import type { FilesApi, UploadHandle } from '../../api/FilesApi';
import type { PickedFile } from './droppedFiles';
import { errorMessage } from '../../api/errorMessage';
import { progressByPercent } from '../progressByPercent';

export interface Upload {
  id: number;
  name: string;
  sent: number;
  total: number;
  state: 'waiting' | 'uploading' | 'done' | 'failed' | 'cancelled';
  error?: string;
}

/**
 * The upload queue of the page: one file at a time (the disk and the link
 * are the limit, not the browser), each with its progress and a cancel.
 */
export function useUploads(api: FilesApi, onUploaded: () => void) {
  const [uploads, setUploads] = useState<Upload[]>([]);
  const handles = useRef(new Map<number, UploadHandle>());
  const cancelled = useRef(new Set<number>());
  const nextId = useRef(1);
  const chain = useRef<Promise<void>>(Promise.resolve());

  const update = useCallback(
    (id: number, change: Partial<Upload>) =>
      setUploads(list =>
        list.map(u => (u.id === id ? { ...u, ...change } : u)),
      ),
    [],
  );

  const start = useCallback(
    (domain: FileDomain, folder: string, files: PickedFile[]) => {
      const added = files.map(f => ({
        picked: f,
        upload: {
          id: nextId.current++,
          name: f.path,
          sent: 0,
          total: f.file.size,
          state: 'waiting' as const,
        },
      }));
      setUploads(list => [...list, ...added.map(a => a.upload)]);
      for (const { picked, upload } of added) {
        chain.current = chain.current.then(async () => {
          if (cancelled.current.has(upload.id)) return;
          update(upload.id, { state: 'uploading' });
          const handle = api.upload(
            domain,
            folder,
            picked.file,
            picked.path,
            progressByPercent((sent, total) =>
              update(upload.id, { sent, total }),
            ),
          );
          handles.current.set(upload.id, handle);
          try {
            await handle.done;
            update(upload.id, { state: 'done', sent: upload.total });
            onUploaded();
          } catch (e) {
            const wasCancelled = cancelled.current.has(upload.id);
            update(upload.id, {
              state: wasCancelled ? 'cancelled' : 'failed',
              error: wasCancelled ? undefined : errorMessage(e),
            });
          } finally {
            handles.current.delete(upload.id);
          }
        });
      }
    },
    [api, onUploaded, update],
  );

  const cancel = useCallback(
    (id: number) => {
      cancelled.current.add(id);
      const handle = handles.current.get(id);
      if (handle) handle.cancel();
      else update(id, { state: 'cancelled' });
    },
    [update],
  );

  const clearFinished = useCallback(
    () =>
      setUploads(list =>
        list.filter(u => u.state === 'waiting' || u.state === 'uploading'),
      ),
    [],
  );

  return { uploads, start, cancel, clearFinished };
}
