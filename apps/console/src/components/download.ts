import { tokenStore } from '../api/client';

/**
 * Downloads a file the API answers (a run's CSV): fetched with the bearer token, since the token
 * never goes in a URL, and handed to the browser as a file.
 */
export async function download(path: string, filename: string): Promise<void> {
  const res = await fetch(path, { headers: { authorization: `Bearer ${tokenStore.get() ?? ''}` } });
  if (!res.ok) throw new Error(`The export failed: ${res.status} ${res.statusText}`);
  const url = URL.createObjectURL(await res.blob());
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  a.click();
  URL.revokeObjectURL(url);
}
