import { genericSettingsSchema, splitSettings } from './genericSettings';

describe('generic sync settings', () => {
  it('splits the engine settings from the adapter settings', () => {
    expect(splitSettings({ poll_interval_seconds: 30, service_id: 'P1', create_filter: { priority: ['P1'] } })).toEqual({
      generic: { poll_interval_seconds: 30, create_filter: { priority: ['P1'] } },
      adapter: { service_id: 'P1' },
    });
  });

  it('takes the poll interval as a number or as CLI text, and refuses anything else', () => {
    expect(genericSettingsSchema.parse({ poll_interval_seconds: '30' })).toEqual({ poll_interval_seconds: 30 });
    expect(genericSettingsSchema.safeParse({ poll_interval_seconds: 'soon' }).success).toBe(false);
    expect(genericSettingsSchema.safeParse({ create_filter: { colour: ['red'] } }).success).toBe(false);
  });
});
