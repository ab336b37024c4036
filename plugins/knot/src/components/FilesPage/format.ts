/** 1536 → "1.5 KiB". */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value.toFixed(value < 10 ? 1 : 0)} ${units[unit]}`;
}

export function formatDate(iso: string): string {
  const date = new Date(iso);
  return date.getTime() === 0 ? '' : date.toLocaleString();
}

/** Joins a folder path and a name into a domain-relative path. */
export function joinPath(folder: string, name: string): string {
  return folder ? `${folder}/${name}` : name;
}
