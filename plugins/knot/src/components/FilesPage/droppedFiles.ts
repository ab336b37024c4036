/** A file to upload and its path relative to the folder it goes into. */
export interface PickedFile {
  file: File;
  path: string;
}

/** Files of an `<input type=file>` (with `webkitdirectory`, their relative paths). */
export function pickedFiles(list: FileList | null): PickedFile[] {
  return Array.from(list ?? []).map(file => ({
    file,
    path:
      (file as File & { webkitRelativePath?: string }).webkitRelativePath ||
      file.name,
  }));
}

/** Files dropped on the page, walking into dropped folders. */
export async function droppedFiles(data: DataTransfer): Promise<PickedFile[]> {
  const entries = Array.from(data.items ?? [])
    .map(item => item.webkitGetAsEntry?.())
    .filter((e): e is FileSystemEntry => !!e);
  if (entries.length === 0) {
    return pickedFiles(data.files);
  }
  const out: PickedFile[] = [];
  const walk = async (
    entry: FileSystemEntry,
    prefix: string,
  ): Promise<void> => {
    if (entry.isFile) {
      const file = await new Promise<File>((resolve, reject) =>
        (entry as FileSystemFileEntry).file(resolve, reject),
      );
      out.push({ file, path: `${prefix}${entry.name}` });
    } else if (entry.isDirectory) {
      const reader = (entry as FileSystemDirectoryEntry).createReader();
      // readEntries answers in batches until it returns none.
      for (;;) {
        const batch = await new Promise<FileSystemEntry[]>((resolve, reject) =>
          reader.readEntries(resolve, reject),
        );
        if (batch.length === 0) break;
        for (const child of batch) await walk(child, `${prefix}${entry.name}/`);
      }
    }
  };
  for (const entry of entries) await walk(entry, '');
  return out;
}
