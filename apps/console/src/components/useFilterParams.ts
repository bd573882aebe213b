import { useSearchParams } from 'react-router';

/** A page's filters in its address (so a filtered view can be linked and survives a reload), and a setter that drops empty ones. */
export function useFilterParams(): [URLSearchParams, (key: string, value: string) => void] {
  const [params, setParams] = useSearchParams();
  const filter = (key: string, value: string) => {
    const next = new URLSearchParams(params);
    if (value) next.set(key, value);
    else next.delete(key);
    setParams(next);
  };
  return [params, filter];
}
