import { useQuery } from '@tanstack/react-query';
import { useEffect, useRef } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { api, ok } from '../api/client';
import { Problem } from '../components/Problem';

/** The last 24 hours of the integration's platform calls: records written and errors per hour, with the numbers as a table too. */
export function ActivityChart({ integrationId }: { integrationId: string }) {
  const activity = useQuery({
    queryKey: ['activity', integrationId],
    queryFn: () => ok(api.GET('/api/v1/integrations/{id}/activity', { params: { path: { id: integrationId }, query: { hours: 24 } } })),
    refetchInterval: 30_000,
  });
  const box = useRef<HTMLDivElement>(null);
  const hours = activity.data?.hours;
  useEffect(() => {
    if (!box.current || !hours) return;
    const data: uPlot.AlignedData = [hours.map((h) => Date.parse(h.hour) / 1000), hours.map((h) => h.writes), hours.map((h) => h.errors)];
    const chart = new uPlot({
      width: Math.min(box.current.clientWidth || 720, 900),
      height: 180,
      series: [{}, { label: 'Written', stroke: '#0b4fa8', width: 2 }, { label: 'Errors', stroke: '#a11d16', width: 2 }],
      axes: [{}, { label: 'per hour' }],
    }, data, box.current);
    return () => chart.destroy();
  }, [hours]);
  const total = (key: 'writes' | 'errors' | 'calls') => (hours ?? []).reduce((n, h) => n + h[key], 0);
  return (
    <section aria-labelledby="activity-heading">
      <h2 id="activity-heading">Last 24 hours</h2>
      <Problem error={activity.error} />
      {hours && (
        <figure>
          <div ref={box} role="img" aria-label={`Records written and errors per hour over the last 24 hours: ${total('writes')} written, ${total('errors')} errors in ${total('calls')} calls`} />
          <figcaption>{total('writes')} records written, {total('errors')} errors, {total('calls')} calls to the platform.</figcaption>
          <details>
            <summary>The numbers per hour</summary>
            <table>
              <thead><tr><th scope="col">Hour</th><th scope="col">Calls</th><th scope="col">Written</th><th scope="col">Errors</th></tr></thead>
              <tbody>
                {hours.map((h) => (
                  <tr key={h.hour}><td><time dateTime={h.hour}>{new Date(h.hour).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' })}</time></td><td>{h.calls}</td><td>{h.writes}</td><td>{h.errors}</td></tr>
                ))}
              </tbody>
            </table>
          </details>
        </figure>
      )}
    </section>
  );
}
